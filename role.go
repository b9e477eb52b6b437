package jihat

import "slices"

// Role is what a user is on the platform. A role gives a default set of
// permissions; a user's own grants and revocations adjust it (see
// EffectivePermissions).
type Role string

// Roles.
const (
	RoleCitizen       Role = "citizen"
	RoleEmployee      Role = "employee"
	RoleSupervisor    Role = "supervisor"
	RoleEntityAdmin   Role = "entity_admin"
	RoleOversight     Role = "oversight"
	RoleBoardMember   Role = "board_member"
	RolePlatformAdmin Role = "platform_admin"
)

// Roles lists every role, for validation and tests.
var Roles = []Role{RoleCitizen, RoleEmployee, RoleSupervisor, RoleEntityAdmin, RoleOversight, RoleBoardMember, RolePlatformAdmin}

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// IsStaff reports whether r works inside an entity (handles or oversees its cases).
func (r Role) IsStaff() bool {
	return r == RoleEmployee || r == RoleSupervisor || r == RoleEntityAdmin
}

// StaffRoles are the roles an entity admin may give to an employee account.
var StaffRoles = []Role{RoleEmployee, RoleSupervisor, RoleEntityAdmin}

// Level is the escalation rank of a staff role: an objection moves a case one
// level up (employee → supervisor → entity admin). Non-staff roles are 0.
func (r Role) Level() int {
	switch r {
	case RoleEmployee:
		return 1
	case RoleSupervisor:
		return 2
	case RoleEntityAdmin:
		return 3
	}
	return 0
}
