package server

import (
	"context"
	"maps"
	"slices"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

type employeeRequest struct {
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Mobile       *string  `json:"mobile"`
	NationalID   *string  `json:"national_id"`
	DepartmentID string   `json:"department_id"`
	Role         string   `json:"role"`
	Permissions  []string `json:"permissions"`
	Password     *string  `json:"password"`
	Capacity     *int     `json:"capacity"`
	Lang         *string  `json:"lang"`
}

// createEmployee: POST /api/v1/entities/{id}/employees. Without a password one
// is generated, sent by e-mail, and must be changed at first login.
func (s *Server) createEmployee(c *fiber.Ctx) error {
	actor, entityID, err := s.entityManager(c, (*jihat.User).CanManageEmployees)
	if err != nil {
		return err
	}
	var req employeeRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	fields := map[string]string{}
	u := &jihat.User{EntityID: entityID, Active: true, Role: jihat.Role(req.Role)}
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
		return err
	}
	if err := mayGrant(actor, grants); err != nil {
		return err
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
			return e
		}
	} else {
		password, u.MustChangePass = generatePassword(), true
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	hash, err := hashPassword(password, s.cfg.Argon2)
	if err != nil {
		return err
	}
	// The generated password goes through the outbox, written with the
	// account: it is sent (and retried) by the notifications worker, and
	// kept encrypted until then.
	var notices []store.Notice
	if u.MustChangePass {
		notices = append(notices, store.Notice{Kind: notify.KindCredentials, Secret: true,
			Data: map[string]any{"login": u.Email, "password": password, "entity_id": entityID}})
	}
	if err := s.store.CreateUser(c.UserContext(), u, hash, audit(c, "employee.create"), notices...); err != nil {
		return err
	}
	s.wakeNotifier()
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": newUserView(u, true)})
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

// listEmployees: GET /api/v1/entities/{id}/employees.
func (s *Server) listEmployees(c *fiber.Ctx) error {
	_, entityID, err := s.entityManager(c, func(u *jihat.User, id string) bool {
		return u.CanManageEmployees(id) || (u.InEntity(id) && u.Can(jihat.PermReportsView))
	})
	if err != nil {
		return err
	}
	us, err := s.store.ListEmployees(c.UserContext(), entityID)
	if err != nil {
		return err
	}
	out := make([]userView, len(us))
	for i, u := range us {
		out[i] = newUserView(u, false)
	}
	return c.JSON(fiber.Map{"employees": out})
}

type permissionsRequest struct {
	Grant  []string `json:"grant"`
	Revoke []string `json:"revoke"`
}

// setPermissions: PUT /api/v1/entities/{id}/employees/{user_id}/permissions.
// A grant removes an earlier revocation of the same permission and the other
// way round; nobody changes their own permissions.
func (s *Server) setPermissions(c *fiber.Ctx) error {
	actor, entityID, err := s.entityManager(c, (*jihat.User).CanManageEmployees)
	if err != nil {
		return err
	}
	userID, err := pathID(c, "user_id")
	if err != nil {
		return err
	}
	var req permissionsRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	grant, err := jihat.ParsePermissions("grant", req.Grant)
	if err != nil {
		return err
	}
	revoke, err := jihat.ParsePermissions("revoke", req.Revoke)
	if err != nil {
		return err
	}
	if err := mayGrant(actor, append(slices.Clone(grant), revoke...)); err != nil {
		return err
	}
	ctx := c.UserContext()
	target, err := s.otherEmployee(ctx, actor, entityID, userID)
	if err != nil {
		return err
	}
	grants, revokes := target.Grants, target.Revokes
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
	a := audit(c, "employee.permissions")
	a.Details = detailsJSON(map[string]any{"grant": grant, "revoke": revoke})
	updated, err := s.store.SetPermissions(ctx, userID, grants, revokes, a)
	if err != nil {
		return err
	}
	s.permissionsChanged(ctx, userID)
	return c.JSON(fiber.Map{"user": newUserView(updated, false)})
}

// setEmployeeActive: POST /api/v1/entities/{id}/employees/{user_id}/disable
// and …/enable, with the authorisation of setPermissions. Disabling ends
// every session of the user, closes their sockets on every node and takes
// them out of automatic assignment; their login is refused until enabled.
// Their open cases go to colleagues (handOff); the answer counts the cases
// moved and those that nobody could take.
// Nobody disables themself, and an administrator other than the platform's
// may not disable someone holding a permission they do not hold.
func (s *Server) setEmployeeActive(active bool) fiber.Handler {
	action := "employee.disable"
	if active {
		action = "employee.enable"
	}
	return func(c *fiber.Ctx) error {
		actor, entityID, err := s.entityManager(c, (*jihat.User).CanManageEmployees)
		if err != nil {
			return err
		}
		userID, err := pathID(c, "user_id")
		if err != nil {
			return err
		}
		ctx := c.UserContext()
		target, err := s.otherEmployee(ctx, actor, entityID, userID)
		if err != nil {
			return err
		}
		if err := mayGrant(actor, target.Permissions()); err != nil {
			return err
		}
		if err := s.store.SetActive(ctx, userID, active, audit(c, action)); err != nil {
			return err
		}
		out := fiber.Map{}
		if active {
			s.wakeSweeper() // cases waiting for someone may be theirs now
		} else {
			s.userRevoked(ctx, userID)
			moved, left, err := s.handOff(ctx, actor, audit(c, "case.reassign"), userID)
			if err != nil {
				return err
			}
			out["cases_moved"], out["cases_left"] = moved, left
		}
		updated, err := s.store.UserByID(ctx, userID)
		if err != nil {
			return err
		}
		out["user"] = newUserView(updated, false)
		return c.JSON(out)
	}
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
