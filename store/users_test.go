package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

func TestCreateAndFindUser(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, &jihat.User{Name: "أحمد علي", NationalID: "1234567897", Email: "ahmed@example.com",
			Mobile: "+966501234567", Role: jihat.RoleCitizen, Lang: jihat.LangEN, Active: true,
			Grants: []jihat.Permission{jihat.PermReportsView}, Revokes: []jihat.Permission{jihat.PermCaseCreate}})
		if !store.ValidID(u.ID) || u.CreatedAt.IsZero() {
			t.Fatalf("CreateUser left ID %q, CreatedAt %v", u.ID, u.CreatedAt)
		}
		for _, tt := range []struct{ kind, value string }{
			{jihat.IdentNationalID, "1234567897"},
			{jihat.IdentEmail, "ahmed@example.com"},
			{jihat.IdentMobile, "+966501234567"},
		} {
			got, hash, err := s.UserByLogin(ctx, tt.kind, tt.value)
			if err != nil {
				t.Fatalf("UserByLogin(%s): %v", tt.kind, err)
			}
			if got.ID != u.ID || hash != "hash-of-أحمد علي" {
				t.Fatalf("UserByLogin(%s) = %s with hash %q", tt.kind, got.ID, hash)
			}
		}
		got, err := s.UserByID(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Name != u.Name || got.NationalID != u.NationalID || got.Email != u.Email || got.Mobile != u.Mobile ||
			got.Role != jihat.RoleCitizen || got.Lang != jihat.LangEN || !got.Active || got.MustChangePass ||
			got.EntityID != "" || got.DepartmentID != "" ||
			!slices.Equal(got.Grants, u.Grants) || !slices.Equal(got.Revokes, u.Revokes) {
			t.Fatalf("UserByID = %+v\nwant %+v", got, u)
		}
		if !slices.Equal(got.Permissions(), []jihat.Permission{jihat.PermReportsView}) {
			t.Errorf("permissions after the round trip = %v", got.Permissions())
		}
		if h, err := s.PasswordHash(ctx, u.ID); err != nil || h != "hash-of-أحمد علي" {
			t.Errorf("PasswordHash = %q, %v", h, err)
		}

		// Misses.
		for _, tt := range []struct{ kind, value string }{
			{jihat.IdentNationalID, "1000000008"},
			{jihat.IdentEmail, "nobody@example.com"},
			{jihat.IdentMobile, "+966509999999"},
			{"username", "ahmed"},
		} {
			_, _, err := s.UserByLogin(ctx, tt.kind, tt.value)
			wantCode(t, err, jihat.ENOTFOUND, "not_found")
		}
		_, err = s.UserByID(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b")
		wantCode(t, err, jihat.ENOTFOUND, "")
		_, err = s.PasswordHash(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b")
		wantCode(t, err, jihat.ENOTFOUND, "")

		// Users with only one identifier each do not collide on the empty ones.
		mustUser(t, s, &jihat.User{Email: "only-email@example.com", Active: true})
		mustUser(t, s, &jihat.User{Email: "only-email-2@example.com", Active: true})
		mustUser(t, s, &jihat.User{NationalID: "2000000006", Active: true})
		mustUser(t, s, &jihat.User{Mobile: "+201012345678", Active: true})

		if ok, err := s.UserExists(ctx, jihat.RoleCitizen); err != nil || !ok {
			t.Errorf("UserExists(citizen) = %v, %v", ok, err)
		}
		if ok, err := s.UserExists(ctx, jihat.RolePlatformAdmin); err != nil || ok {
			t.Errorf("UserExists(platform_admin) = %v, %v", ok, err)
		}
	})
}

// TestDuplicateIdentifier: any identifier already registered is ECONFLICT,
// and the failed call writes nothing (no user row, no audit row).
func TestDuplicateIdentifier(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		raw := b.Raw(t)
		mustUser(t, s, &jihat.User{NationalID: "1234567897", Email: "first@example.com", Mobile: "+966501234567", Active: true})
		users, audits := b.Count(t, raw, "users"), auditCount(t, s)
		for _, tt := range []struct {
			name string
			u    jihat.User
		}{
			{"national ID", jihat.User{NationalID: "1234567897", Email: "second@example.com"}},
			{"e-mail", jihat.User{Email: "first@example.com"}},
			{"mobile", jihat.User{Mobile: "+966501234567", Email: "third@example.com"}},
			{"all three", jihat.User{NationalID: "1234567897", Email: "first@example.com", Mobile: "+966501234567"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				u := tt.u
				u.Name, u.Role, u.Active = "مكرر", jihat.RoleCitizen, true
				err := s.CreateUser(ctx, &u, "h", act("auth.register"))
				wantCode(t, err, jihat.ECONFLICT, "identifier_taken")
				if u.ID != "" {
					t.Errorf("failed CreateUser set ID %q", u.ID)
				}
				if n := b.Count(t, raw, "users"); n != users {
					t.Errorf("users: %d rows, want %d", n, users)
				}
				if n := auditCount(t, s); n != audits {
					t.Errorf("audit: %d rows, want %d", n, audits)
				}
			})
		}
		// The store still works after the failed transactions.
		mustUser(t, s, &jihat.User{Email: "fourth@example.com", Active: true})
	})
}

// TestStaffUser: a staff account's entity must exist and its department
// must belong to that entity.
func TestStaffUser(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		raw := b.Raw(t)
		e1, e2 := mustEntity(t, s), mustEntity(t, s)
		d1, d2 := mustDepartment(t, s, e1.ID), mustDepartment(t, s, e2.ID)
		users := b.Count(t, raw, "users")

		err := s.CreateUser(ctx, &jihat.User{Name: "x", Email: "x1@example.com", Role: jihat.RoleEmployee,
			EntityID: "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b", Active: true}, "h", act("employee.create"))
		wantCode(t, err, jihat.ENOTFOUND, "")
		err = s.CreateUser(ctx, &jihat.User{Name: "x", Email: "x2@example.com", Role: jihat.RoleEmployee,
			EntityID: e1.ID, DepartmentID: d2.ID, Active: true}, "h", act("employee.create"))
		wantCode(t, err, jihat.EINVALID, "department_not_in_entity")
		if f := jihat.AsError(err).Fields["department_id"]; f != "department_not_in_entity" {
			t.Errorf("fields = %v", jihat.AsError(err).Fields)
		}
		if n := b.Count(t, raw, "users"); n != users {
			t.Fatalf("refused staff accounts wrote %d rows", n-users)
		}

		emp := mustUser(t, s, &jihat.User{Name: "موظف", Email: "emp@example.com", Role: jihat.RoleEmployee, EntityID: e1.ID,
			DepartmentID: d1.ID, Active: true, MustChangePass: true, Capacity: 7})
		admin := mustUser(t, s, &jihat.User{Name: "مدير", Email: "adm@example.com", Role: jihat.RoleEntityAdmin, EntityID: e1.ID, Active: true})
		mustUser(t, s, &jihat.User{Name: "آخر", Email: "other@example.com", Role: jihat.RoleEmployee, EntityID: e2.ID, DepartmentID: d2.ID, Active: true})

		got, err := s.UserByID(ctx, emp.ID)
		if err != nil || got.EntityID != e1.ID || got.DepartmentID != d1.ID || !got.MustChangePass || got.Capacity != 7 {
			t.Fatalf("employee = %+v, %v", got, err)
		}
		list, err := s.ListEmployees(ctx, e1.ID)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, u := range list {
			ids = append(ids, u.ID)
		}
		slices.Sort(ids)
		want := []string{emp.ID, admin.ID}
		slices.Sort(want)
		if !slices.Equal(ids, want) {
			t.Errorf("ListEmployees(e1) = %v, want %v", ids, want)
		}
	})
}

func TestUpdateUser(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, &jihat.User{Email: "upd@example.com", Active: true, Role: jihat.RoleEmployee})
		missing := "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"

		got, err := s.UpdateProfile(ctx, u.ID, "اسم جديد", jihat.LangEN, act("user.update_profile"))
		if err != nil || got.Name != "اسم جديد" || got.Lang != jihat.LangEN || got.Role != jihat.RoleEmployee {
			t.Fatalf("UpdateProfile = %+v, %v", got, err)
		}
		_, err = s.UpdateProfile(ctx, missing, "x", jihat.LangAR, act("user.update_profile"))
		wantCode(t, err, jihat.ENOTFOUND, "")

		got, err = s.SetPermissions(ctx, u.ID, []jihat.Permission{jihat.PermCaseReassign, jihat.PermReportsView},
			[]jihat.Permission{jihat.PermCaseViewInternal}, act("employee.permissions"))
		if err != nil {
			t.Fatal(err)
		}
		want := []jihat.Permission{jihat.PermCaseHandle, jihat.PermCaseReassign, jihat.PermReportsView}
		if !slices.Equal(got.Permissions(), want) {
			t.Fatalf("permissions = %v, want %v", got.Permissions(), want)
		}
		got, err = s.SetPermissions(ctx, u.ID, nil, nil, act("employee.permissions"))
		if err != nil || len(got.Grants) != 0 || len(got.Revokes) != 0 {
			t.Fatalf("cleared permissions = %v / %v, %v", got.Grants, got.Revokes, err)
		}
		_, err = s.SetPermissions(ctx, missing, nil, nil, act("employee.permissions"))
		wantCode(t, err, jihat.ENOTFOUND, "")

		err = s.SetPassword(ctx, missing, "h", false, "", act("user.change_password"))
		wantCode(t, err, jihat.ENOTFOUND, "")
		err = s.SetActive(ctx, missing, false, act("user.disable"))
		wantCode(t, err, jihat.ENOTFOUND, "")
	})
}
