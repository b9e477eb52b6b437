package jihat_test

import (
	"slices"
	"testing"

	"github.com/jihat/jihat"
)

func TestEffectivePermissions(t *testing.T) {
	P := func(ps ...jihat.Permission) []jihat.Permission { return ps }
	tests := []struct {
		name            string
		role            jihat.Role
		grants, revokes []jihat.Permission
		want            []jihat.Permission
	}{
		{"citizen defaults", jihat.RoleCitizen, nil, nil, P(jihat.PermCaseCreate)},
		{"employee defaults", jihat.RoleEmployee, nil, nil, P(jihat.PermCaseHandle, jihat.PermCaseViewInternal)},
		{"grant adds", jihat.RoleEmployee, P(jihat.PermCaseReassign), nil,
			P(jihat.PermCaseHandle, jihat.PermCaseReassign, jihat.PermCaseViewInternal)},
		{"revoke removes a default", jihat.RoleEmployee, nil, P(jihat.PermCaseViewInternal), P(jihat.PermCaseHandle)},
		{"revoke wins over grant", jihat.RoleEmployee, P(jihat.PermCaseReassign), P(jihat.PermCaseReassign),
			P(jihat.PermCaseHandle, jihat.PermCaseViewInternal)},
		{"grant of a default is harmless", jihat.RoleCitizen, P(jihat.PermCaseCreate, jihat.PermCaseCreate), nil, P(jihat.PermCaseCreate)},
		{"revoke of an absent permission is harmless", jihat.RoleCitizen, nil, P(jihat.PermAuditView), P(jihat.PermCaseCreate)},
		{"board member", jihat.RoleBoardMember, nil, nil, P(jihat.PermMeetingVote)},
		{"unknown role has nothing", jihat.Role("nobody"), nil, nil, P()},
		{"unknown role with a grant", jihat.Role("nobody"), P(jihat.PermReportsView), nil, P(jihat.PermReportsView)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := jihat.EffectivePermissions(tt.role, tt.grants, tt.revokes)
			if !slices.Equal(got, tt.want) {
				t.Fatalf("EffectivePermissions = %v, want %v", got, tt.want)
			}
			if !slices.IsSorted(got) {
				t.Errorf("not sorted: %v", got)
			}
		})
	}
}

// TestDefaultPermissions checks the role table: every default is a known
// permission, the platform admin holds every permission, a citizen holds
// nothing beyond opening cases, and the returned slice is a copy.
func TestDefaultPermissions(t *testing.T) {
	for _, r := range jihat.Roles {
		for _, p := range jihat.DefaultPermissions(r) {
			if !p.Valid() {
				t.Errorf("role %s: unknown default permission %q", r, p)
			}
		}
	}
	if got := jihat.DefaultPermissions(jihat.RolePlatformAdmin); len(got) != len(jihat.Permissions) {
		t.Errorf("platform admin has %d permissions, want all %d", len(got), len(jihat.Permissions))
	}
	d := jihat.DefaultPermissions(jihat.RoleCitizen)
	if !slices.Equal(d, []jihat.Permission{jihat.PermCaseCreate}) {
		t.Errorf("citizen defaults = %v", d)
	}
	d[0] = jihat.PermEntitiesManage
	if jihat.DefaultPermissions(jihat.RoleCitizen)[0] != jihat.PermCaseCreate {
		t.Error("DefaultPermissions returned the table itself: a caller changed the citizen's defaults")
	}
	for _, r := range []jihat.Role{jihat.RoleCitizen, jihat.RoleEmployee, jihat.RoleSupervisor, jihat.RoleEntityAdmin, jihat.RoleOversight, jihat.RoleBoardMember} {
		for _, p := range []jihat.Permission{jihat.PermEntitiesManage, jihat.PermAuditView} {
			if slices.Contains(jihat.DefaultPermissions(r), p) {
				t.Errorf("role %s holds the platform permission %s by default", r, p)
			}
		}
	}
}

func TestParsePermissions(t *testing.T) {
	got, err := jihat.ParsePermissions("grant", []string{"case.handle", "reports.view"})
	if err != nil || !slices.Equal(got, []jihat.Permission{jihat.PermCaseHandle, jihat.PermReportsView}) {
		t.Fatalf("ParsePermissions = %v, %v", got, err)
	}
	if got, err := jihat.ParsePermissions("grant", nil); err != nil || len(got) != 0 {
		t.Fatalf("ParsePermissions(nil) = %v, %v", got, err)
	}
	for _, bad := range []string{"case.fly", "", "CASE.HANDLE", "case.handle "} {
		_, err := jihat.ParsePermissions("revoke", []string{"case.handle", bad})
		e := jihat.AsError(err)
		if err == nil || e.Code != jihat.EINVALID || e.Key != "invalid_permission" || e.Fields["revoke"] == "" {
			t.Errorf("ParsePermissions(%q) = %v; want EINVALID invalid_permission on revoke", bad, err)
			continue
		}
		if msg := e.Message(jihat.LangEN); msg != "Unknown permission: "+bad {
			t.Errorf("message = %q", msg)
		}
	}
}

func TestUserCan(t *testing.T) {
	const ent, other = "e1", "e2"
	admin := &jihat.User{Role: jihat.RoleEntityAdmin, EntityID: ent, Active: true}
	revoked := &jihat.User{Role: jihat.RoleEntityAdmin, EntityID: ent, Active: true, Revokes: []jihat.Permission{jihat.PermEntityManage}}
	supervisor := &jihat.User{Role: jihat.RoleSupervisor, EntityID: ent, Active: true}
	granted := &jihat.User{Role: jihat.RoleSupervisor, EntityID: ent, Active: true, Grants: []jihat.Permission{jihat.PermEmployeesManage}}
	disabled := &jihat.User{Role: jihat.RoleEntityAdmin, EntityID: ent, Active: false}
	platform := &jihat.User{Role: jihat.RolePlatformAdmin, Active: true}
	citizen := &jihat.User{Role: jihat.RoleCitizen, Active: true}
	var nobody *jihat.User
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"admin manages own entity", admin.CanManageEntity(ent), true},
		{"admin does not manage another entity", admin.CanManageEntity(other), false},
		{"admin manages own employees", admin.CanManageEmployees(ent), true},
		{"admin with entity.manage revoked", revoked.CanManageEntity(ent), false},
		{"supervisor does not manage employees", supervisor.CanManageEmployees(ent), false},
		{"supervisor granted employees.manage", granted.CanManageEmployees(ent), true},
		{"granted supervisor, other entity", granted.CanManageEmployees(other), false},
		{"disabled admin can nothing", disabled.Can(jihat.PermEntityManage), false},
		{"platform admin manages any entity", platform.CanManageEntity(other), true},
		{"platform admin can audit", platform.Can(jihat.PermAuditView), true},
		{"citizen opens cases", citizen.Can(jihat.PermCaseCreate), true},
		{"citizen is in no entity", citizen.InEntity(""), false},
		{"citizen manages nothing", citizen.CanManageEntity(""), false},
		{"nil user can nothing", nobody.Can(jihat.PermCaseCreate), false},
		{"nil user manages nothing", nobody.CanManageEntity(ent), false},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, tt.got, tt.want)
		}
	}
}

func TestRoles(t *testing.T) {
	for _, r := range jihat.Roles {
		if !r.Valid() {
			t.Errorf("%s not valid", r)
		}
	}
	if jihat.Role("root").Valid() || jihat.Role("").Valid() {
		t.Error("unknown role accepted")
	}
	for _, r := range jihat.StaffRoles {
		if !r.IsStaff() || r.Level() == 0 {
			t.Errorf("staff role %s: IsStaff %v, Level %d", r, r.IsStaff(), r.Level())
		}
	}
	if !(jihat.RoleEmployee.Level() < jihat.RoleSupervisor.Level() && jihat.RoleSupervisor.Level() < jihat.RoleEntityAdmin.Level()) {
		t.Error("escalation levels are not employee < supervisor < entity admin")
	}
	for _, r := range []jihat.Role{jihat.RoleCitizen, jihat.RoleOversight, jihat.RoleBoardMember, jihat.RolePlatformAdmin} {
		if r.IsStaff() || r.Level() != 0 {
			t.Errorf("%s counted as staff", r)
		}
	}
}
