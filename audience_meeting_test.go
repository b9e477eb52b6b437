package jihat

import "testing"

// TestCanReadEntityWide: what concerns an entity as a whole (its meetings
// in the activity feeds) is read by its admins and by the supervisors of
// any of its departments, by oversight and platform admins; not by its
// plain employees, board members, citizens or another entity's staff.
func TestCanReadEntityWide(t *testing.T) {
	a := Audience{EntityID: "e1", EntityWide: true}
	cases := []struct {
		name string
		u    User
		want bool
	}{
		{"entity admin", User{Role: RoleEntityAdmin, EntityID: "e1"}, true},
		{"supervisor of a department", User{Role: RoleSupervisor, EntityID: "e1", DepartmentID: "d1"}, true},
		{"supervisor without case.view_all", User{Role: RoleSupervisor, EntityID: "e1", DepartmentID: "d1", Revokes: []Permission{PermCaseViewAll}}, false},
		{"inactive supervisor", User{Role: RoleSupervisor, EntityID: "e1", DepartmentID: "d1", Active: false}, false},
		{"employee", User{Role: RoleEmployee, EntityID: "e1", DepartmentID: "d1"}, false},
		{"board member", User{Role: RoleBoardMember, EntityID: "e1"}, false},
		{"oversight", User{Role: RoleOversight}, true},
		{"platform admin", User{Role: RolePlatformAdmin}, true},
		{"citizen", User{Role: RoleCitizen}, false},
		{"other entity's admin", User{Role: RoleEntityAdmin, EntityID: "e2"}, false},
		{"other entity's supervisor", User{Role: RoleSupervisor, EntityID: "e2", DepartmentID: "d9"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			u := c.u
			u.Active = c.name != "inactive supervisor"
			if got := CanRead(&u, a); got != c.want {
				t.Errorf("CanRead = %v, want %v", got, c.want)
			}
			// Without EntityWide the department supervisor reads only their
			// department's cases: an audience of the entity alone is not theirs.
			if c.name == "supervisor of a department" && CanRead(&u, Audience{EntityID: "e1"}) {
				t.Error("a department supervisor reads an audience of no department")
			}
		})
	}
}
