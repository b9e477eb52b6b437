package jihat

import (
	"slices"
	"sort"
)

// Permission names one thing a user may do. The list is closed: an unknown
// name is refused wherever permissions are granted.
type Permission string

// Permissions.
const (
	PermCaseCreate       Permission = "case.create"        // open cases as a requester
	PermCaseHandle       Permission = "case.handle"        // be assigned cases, reply, resolve
	PermCaseReassign     Permission = "case.reassign"      // move a case to another employee
	PermCasePostpone     Permission = "case.postpone"      // postpone without approval
	PermCaseApprove      Permission = "case.approve"       // approve or refuse postponement requests
	PermCaseViewInternal Permission = "case.view_internal" // see internal notes and staff channels
	PermCaseViewAll      Permission = "case.view_all"      // see every case of the entity, not only one's own
	PermReportsView      Permission = "reports.view"       // statistics and activity feeds
	PermEmployeesManage  Permission = "employees.manage"   // create employees and change their permissions
	PermEntityManage     Permission = "entity.manage"      // departments, case types, calendar, distribution rule
	PermMeetingsManage   Permission = "meetings.manage"    // schedule meetings, open and close motions
	PermMeetingVote      Permission = "meeting.vote"       // vote in a meeting one is a member of
	PermAuditView        Permission = "audit.view"         // read the audit log
	PermEntitiesManage   Permission = "entities.manage"    // create entities (platform level)
	PermOversight        Permission = "oversight.view"     // read-only view across all entities
)

// Permissions lists every permission.
var Permissions = []Permission{
	PermCaseCreate, PermCaseHandle, PermCaseReassign, PermCasePostpone, PermCaseApprove,
	PermCaseViewInternal, PermCaseViewAll, PermReportsView, PermEmployeesManage, PermEntityManage,
	PermMeetingsManage, PermMeetingVote, PermAuditView, PermEntitiesManage, PermOversight,
}

// Valid reports whether p is a known permission.
func (p Permission) Valid() bool { return slices.Contains(Permissions, p) }

// roleDefaults is the default permission set of each role.
var roleDefaults = map[Role][]Permission{
	RoleCitizen:  {PermCaseCreate},
	RoleEmployee: {PermCaseHandle, PermCaseViewInternal},
	RoleSupervisor: {PermCaseHandle, PermCaseViewInternal, PermCaseViewAll, PermCaseReassign,
		PermCasePostpone, PermCaseApprove, PermReportsView},
	RoleEntityAdmin: {PermCaseHandle, PermCaseViewInternal, PermCaseViewAll, PermCaseReassign,
		PermCasePostpone, PermCaseApprove, PermReportsView, PermEmployeesManage, PermEntityManage,
		PermMeetingsManage},
	RoleOversight:     {PermReportsView, PermOversight, PermCaseViewAll},
	RoleBoardMember:   {PermMeetingVote},
	RolePlatformAdmin: Permissions,
}

// DefaultPermissions returns a copy of the default permission set of role.
func DefaultPermissions(role Role) []Permission {
	return slices.Clone(roleDefaults[role])
}

// EffectivePermissions is the role's defaults plus grants minus revocations,
// sorted. A revocation wins over a grant of the same permission.
func EffectivePermissions(role Role, grants, revokes []Permission) []Permission {
	set := map[Permission]bool{}
	for _, p := range roleDefaults[role] {
		set[p] = true
	}
	for _, p := range grants {
		set[p] = true
	}
	for _, p := range revokes {
		delete(set, p)
	}
	out := make([]Permission, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// ParsePermissions validates names and returns them as permissions, or an
// EINVALID error naming the first unknown one.
func ParsePermissions(field string, names []string) ([]Permission, error) {
	out := make([]Permission, 0, len(names))
	for _, n := range names {
		p := Permission(n)
		if !p.Valid() {
			return nil, &Error{Code: EINVALID, Key: "invalid_permission", Args: []any{n},
				Fields: map[string]string{field: "invalid_value"}}
		}
		out = append(out, p)
	}
	return out, nil
}
