package server

import (
	"context"
	"maps"
	"slices"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// The employee use cases. actor is the caller, already allowed to manage
// the employees of entityID (the handlers check it with entityManager
// before reading the body); each method applies the domain rules (who may
// grant what, nobody acts on themself), writes through the store and
// returns the view the API answers.

// CreateEmployee creates a staff account in entityID. Without a password
// one is generated, sent by e-mail through the outbox, and must be changed
// at first login.
func (s *Server) CreateEmployee(ctx context.Context, actor *jihat.User, a jihat.AuditEntry, entityID string, req employeeRequest) (userView, error) {
	fields := map[string]string{}
	// The entity vouches for its staff's addresses: they count as verified.
	u := &jihat.User{EntityID: entityID, Active: true, Role: jihat.Role(req.Role), EmailVerified: true, MobileVerified: true}
	u.Name = validName(fields, req.Name)
	u.Lang = parseLang(fields, req.Lang)
	identifiers(u, fields, req.NationalID, &req.Email, req.Mobile)
	if u.Email == "" && fields["email"] == "" {
		fields["email"] = "required"
	}
	if !slices.Contains(jihat.StaffRoles, u.Role) || (u.Role == jihat.RoleEntityAdmin && !actor.IsPlatformAdmin() && actor.Role != jihat.RoleEntityAdmin) {
		fields["role"] = "invalid_role"
	}
	if req.DepartmentID != "" {
		if !jihat.IsUUID(req.DepartmentID) {
			fields["department_id"] = "invalid_id"
		}
		u.DepartmentID = req.DepartmentID
	} else if u.Role != jihat.RoleEntityAdmin {
		fields["department_id"] = "required"
	}
	if req.Capacity != nil {
		if *req.Capacity < 1 || *req.Capacity > 1000 {
			fields["capacity"] = "invalid_value"
		}
		u.Capacity = *req.Capacity
	}
	grants, err := jihat.ParsePermissions("permissions", req.Permissions)
	if err != nil {
		return userView{}, err
	}
	if err := mayGrant(actor, grants); err != nil {
		return userView{}, err
	}
	u.Grants = grants
	password := ""
	if req.Password != nil {
		password = *req.Password
		if err := validateNewPassword("password", password, u); err != nil {
			// Returned with the other fields added, so the message keeps
			// its arguments (the length bound).
			e := jihat.AsError(err)
			maps.Copy(e.Fields, fields)
			return userView{}, e
		}
	} else {
		password, u.MustChangePass = generatePassword(), true
	}
	if len(fields) > 0 {
		return userView{}, jihat.Invalid(fields)
	}
	hash, err := hashPassword(password, s.cfg.Argon2)
	if err != nil {
		return userView{}, err
	}
	// The generated password goes through the outbox, written with the
	// account: it is sent (and retried) by the notifications worker, and
	// kept encrypted until then.
	var notices []store.Notice
	if u.MustChangePass {
		notices = append(notices, store.Notice{Kind: notify.KindCredentials, Secret: true,
			Data: map[string]any{"login": u.Email, "password": password, "entity_id": entityID}})
	}
	if err := s.store.CreateUser(ctx, u, hash, a, notices...); err != nil {
		return userView{}, err
	}
	s.wakeNotifier()
	return newUserView(u, true), nil
}

// mayGrant refuses to let a non-platform admin hand out a permission they do
// not hold themself (no privilege escalation through employees).
func mayGrant(actor *jihat.User, perms []jihat.Permission) error {
	if actor.IsPlatformAdmin() {
		return nil
	}
	mine := actor.Permissions()
	for _, p := range perms {
		if !slices.Contains(mine, p) {
			return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		}
	}
	return nil
}

// Employees lists the staff of entityID.
func (s *Server) Employees(ctx context.Context, entityID string) ([]userView, error) {
	us, err := s.store.ListEmployees(ctx, entityID)
	if err != nil {
		return nil, err
	}
	out := make([]userView, len(us))
	for i, u := range us {
		out[i] = newUserView(u, false)
	}
	return out, nil
}

// SetPermissions grants and revokes permissions of employee userID. A grant
// removes an earlier revocation of the same permission and the other way
// round; nobody changes their own permissions, nor hands out one they do
// not hold. The employee's live subscriptions are re-checked on every node.
func (s *Server) SetPermissions(ctx context.Context, actor *jihat.User, a jihat.AuditEntry, entityID, userID string, req permissionsRequest) (userView, error) {
	grant, err := jihat.ParsePermissions("grant", req.Grant)
	if err != nil {
		return userView{}, err
	}
	revoke, err := jihat.ParsePermissions("revoke", req.Revoke)
	if err != nil {
		return userView{}, err
	}
	if err := mayGrant(actor, append(slices.Clone(grant), revoke...)); err != nil {
		return userView{}, err
	}
	target, err := s.otherEmployee(ctx, actor, entityID, userID)
	if err != nil {
		return userView{}, err
	}
	grants, revokes := mergeGrants(target.Grants, target.Revokes, grant, revoke)
	a.Details = detailsJSON(map[string]any{"grant": grant, "revoke": revoke})
	updated, err := s.store.SetPermissions(ctx, userID, grants, revokes, a)
	if err != nil {
		return userView{}, err
	}
	s.permissionsChanged(ctx, userID)
	return newUserView(updated, false), nil
}

// mergeGrants applies grant and revoke to an employee's grants and
// revocations: each grant cancels a revocation of the same permission and
// the other way round.
func mergeGrants(grants, revokes, grant, revoke []jihat.Permission) ([]jihat.Permission, []jihat.Permission) {
	for _, p := range grant {
		revokes = slices.DeleteFunc(revokes, func(q jihat.Permission) bool { return q == p })
		if !slices.Contains(grants, p) {
			grants = append(grants, p)
		}
	}
	for _, p := range revoke {
		grants = slices.DeleteFunc(grants, func(q jihat.Permission) bool { return q == p })
		if !slices.Contains(revokes, p) {
			revokes = append(revokes, p)
		}
	}
	return grants, revokes
}

// employeeActiveView answers enabling or disabling an employee; the case
// counts only for disabling.
type employeeActiveView struct {
	CasesLeft  *int     `json:"cases_left,omitempty"`
	CasesMoved *int     `json:"cases_moved,omitempty"`
	User       userView `json:"user"`
}

// SetEmployeeActive enables or disables employee userID. Disabling ends
// every session of the user, closes their sockets on every node and takes
// them out of automatic assignment; their login is refused until enabled.
// Their open cases go to colleagues (handOff, audited as handOff, a
// reassignment by actor); the answer counts the cases moved and those that
// nobody could take. Nobody disables themself, and an administrator other
// than the platform's may not disable someone holding a permission they do
// not hold.
func (s *Server) SetEmployeeActive(ctx context.Context, actor *jihat.User, a, handOff jihat.AuditEntry, entityID, userID string, active bool) (employeeActiveView, error) {
	var out employeeActiveView
	target, err := s.otherEmployee(ctx, actor, entityID, userID)
	if err != nil {
		return out, err
	}
	if err := mayGrant(actor, target.Permissions()); err != nil {
		return out, err
	}
	if err := s.store.SetActive(ctx, userID, active, a); err != nil {
		return out, err
	}
	if active {
		s.wakeSweeper() // cases waiting for someone may be theirs now
	} else {
		s.userRevoked(ctx, userID)
		moved, left, err := s.handOff(ctx, actor, handOff, userID)
		if err != nil {
			return out, err
		}
		out.CasesMoved, out.CasesLeft = &moved, &left
	}
	updated, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return out, err
	}
	out.User = newUserView(updated, false)
	return out, nil
}

// otherEmployee returns the employee userID of entityID on whom actor acts:
// never the actor themself (403); someone of another entity does not exist
// for them (404).
func (s *Server) otherEmployee(ctx context.Context, actor *jihat.User, entityID, userID string) (*jihat.User, error) {
	if userID == actor.ID {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	target, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return nil, err
	}
	if target.EntityID != entityID {
		return nil, jihat.Errorf(jihat.ENOTFOUND, "not_found")
	}
	return target, nil
}
