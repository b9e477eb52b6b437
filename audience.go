package jihat

// Audience says who may read one thing: a case, or one event of a case. It
// is the one read-scope rule: the REST reads of cases and events, and every
// live channel's events (case timelines, staff channels, the entity and
// oversight feeds), are decided by CanRead on it, so a socket never shows
// what REST would answer 404 or 403 for.
type Audience struct {
	EntityID     string `json:"e,omitempty"`
	DepartmentID string `json:"d,omitempty"` // the department that owns the case
	RequesterID  string `json:"r,omitempty"`
	AssigneeID   string `json:"a,omitempty"`
	Internal     bool   `json:"i,omitempty"` // staff only: internal notes, postponement requests
	// EntityWide marks what concerns the entity as a whole rather than one
	// case (its meetings and their decisions in the activity feeds): read
	// by staff whose view covers any of the entity — its admins and the
	// supervisors of each of its departments — oversight and platform
	// admins.
	EntityWide bool `json:"w,omitempty"`
}

// CaseAudience is the audience of case c (v public), or of an event of c
// with visibility v.
func CaseAudience(c *Case, v Visibility) Audience {
	return Audience{
		EntityID: c.EntityID, DepartmentID: c.DepartmentID,
		RequesterID: c.RequesterID, AssigneeID: c.AssigneeID,
		Internal: v == VisibilityInternal,
	}
}

// CanRead reports whether u may read what a is the audience of:
//   - public: the requester, the assignee (staff of the entity), staff whose
//     scope covers the case (case.view_all: an entity admin's whole entity, a
//     supervisor's department), oversight and platform admins;
//   - internal: platform admins, and staff of the entity holding
//     case.view_internal who may read the public side. Never the requester
//     as such, never oversight;
//   - entity-wide (not of one case): staff of the entity with case.view_all
//     whatever their department, oversight and platform admins.
func CanRead(u *User, a Audience) bool {
	if u == nil {
		return false
	}
	if a.Internal {
		if u.IsPlatformAdmin() {
			return true
		}
		return staffOfEntity(u, a.EntityID) && u.Can(PermCaseViewInternal) && CanRead(u, Audience{
			EntityID: a.EntityID, DepartmentID: a.DepartmentID, RequesterID: a.RequesterID, AssigneeID: a.AssigneeID,
			EntityWide: a.EntityWide,
		})
	}
	switch {
	case u.IsPlatformAdmin(), u.Can(PermOversight):
		return true
	case a.RequesterID != "" && a.RequesterID == u.ID:
		return true
	case staffOfEntity(u, a.EntityID) && a.AssigneeID != "" && a.AssigneeID == u.ID:
		return true
	case a.EntityWide:
		return staffOfEntity(u, a.EntityID) && u.Can(PermCaseViewAll)
	}
	return InScope(u, a)
}

// InScope reports whether u's view covers a case of audience a without
// being its assignee: an entity admin (or staff of no department) sees the
// whole entity, a supervisor their department; both need case.view_all.
func InScope(u *User, a Audience) bool {
	if !staffOfEntity(u, a.EntityID) || !u.Can(PermCaseViewAll) {
		return false
	}
	if u.Role == RoleEntityAdmin || u.DepartmentID == "" {
		return true
	}
	return u.DepartmentID == a.DepartmentID
}

// staffOfEntity reports whether u is active staff of entity id.
func staffOfEntity(u *User, id string) bool {
	return u.Role.IsStaff() && u.InEntity(id) && u.Active
}
