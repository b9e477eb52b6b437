package jihat

import (
	"slices"
	"time"
)

// User is an account: a citizen or resident, an employee of an entity, an
// oversight officer, a board member or a platform admin.
//
// NationalID and Mobile are personal data: the store keeps them encrypted and
// they are shown only to the user and to staff with access to them.
type User struct {
	ID         string
	Name       string
	NationalID string // canonical digits, or ""
	Email      string // lower-case, or ""
	Mobile     string // E.164, or ""
	// EmailVerified and MobileVerified tell whether the address was proven
	// with a code (or vouched for by whoever created the account); no
	// message but a code goes to an address that is not (contact.go).
	EmailVerified  bool
	MobileVerified bool
	Role           Role
	EntityID       string // "" for citizens, oversight and platform admins
	DepartmentID   string // "" unless an employee of a department
	Grants         []Permission
	Revokes        []Permission
	Lang           Lang
	Active         bool
	MustChangePass bool
	Capacity       int // most open cases at a time; 0 = default
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// Permissions returns the user's effective permissions.
func (u *User) Permissions() []Permission {
	return EffectivePermissions(u.Role, u.Grants, u.Revokes)
}

// Can reports whether the user holds permission p.
func (u *User) Can(p Permission) bool {
	// The same answer as slices.Contains(u.Permissions(), p), without
	// building the set: the live hub asks this for every event it delivers.
	if u == nil || !u.Active || slices.Contains(u.Revokes, p) {
		return false
	}
	return slices.Contains(u.Grants, p) || slices.Contains(roleDefaults[u.Role], p)
}

// InEntity reports whether the user is staff of entity id.
func (u *User) InEntity(id string) bool {
	return u != nil && u.EntityID != "" && u.EntityID == id
}

// IsPlatformAdmin reports whether the user administers the whole platform.
func (u *User) IsPlatformAdmin() bool { return u != nil && u.Role == RolePlatformAdmin }

// CanManageEntity reports whether the user may administer entity id: its own
// entity admin (with entity.manage), or a platform admin.
func (u *User) CanManageEntity(id string) bool {
	return u.IsPlatformAdmin() || (u.InEntity(id) && u.Can(PermEntityManage))
}

// CanManageEmployees reports whether the user may create and change employees of entity id.
func (u *User) CanManageEmployees(id string) bool {
	return u.IsPlatformAdmin() || (u.InEntity(id) && u.Can(PermEmployeesManage))
}

// DefaultCapacity is the number of open cases an employee may hold when their
// account sets none.
const DefaultCapacity = 25
