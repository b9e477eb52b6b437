package server_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestMassAssignment: a citizen who adds role, entity or permission fields to
// a registration or a profile change is refused, and nothing of it is
// applied.
func TestMassAssignment(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		entity := ts.CreateEntity(ts.Admin())
		extras := []map[string]any{
			{"role": "platform_admin"},
			{"Role": "entity_admin"},
			{"roles": []string{"platform_admin"}},
			{"entity_id": entity},
			{"department_id": entity},
			{"permissions": []string{"entities.manage", "audit.view"}},
			{"grants": []string{"entities.manage"}},
			{"active": true, "must_change_password": false},
			{"id": "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"},
			{"role": "platform_admin", "entity_id": entity, "permissions": []string{"audit.view"}},
		}
		users := ts.Count("users")
		for _, extra := range extras {
			email := ts.Email("sneaky")
			body := map[string]any{"name": "متسلل", "email": email, "password": citizenPassword}
			for k, v := range extra {
				body[k] = v
			}
			status, m := ts.Do("POST", "/api/v1/auth/register", "", body)
			wantError(t, status, m, 400, "EINVALID", "")
			status, m = ts.Do("POST", "/api/v1/auth/login", "", map[string]string{"login": email, "password": citizenPassword})
			wantError(t, status, m, 401, "EUNAUTHORIZED", "")
		}
		if n := ts.Count("users"); n != users {
			t.Fatalf("refused registrations created %d users", n-users)
		}

		c := ts.RegisterCitizen()
		for _, extra := range extras {
			body := map[string]any{"name": "اسم مغير"}
			for k, v := range extra {
				body[k] = v
			}
			status, m := ts.Do("PATCH", "/api/v1/me", c.Token, body)
			wantError(t, status, m, 400, "EINVALID", "")
		}
		me := ts.Must(http.StatusOK, "GET", "/api/v1/me", c.Token, nil)
		if testserver.Str(me, "user.role") != "citizen" || testserver.Get(me, "user.entity_id") != nil ||
			testserver.Get(me, "user.department_id") != nil || testserver.Str(me, "user.name") != "مواطن اختبار" ||
			!slices.Equal(testserver.Strings(me, "user.permissions"), []string{"case.create"}) ||
			!slices.Equal(testserver.Strings(me, "user.roles"), []string{"citizen"}) {
			t.Fatalf("after the refused changes GET /me = %v", me)
		}
		// And the citizen still cannot do an admin's work.
		status, m := ts.Do("POST", "/api/v1/entities", c.Token, map[string]any{"name_ar": "ج", "name_en": "e", "sector": "private"})
		wantError(t, status, m, 403, "EFORBIDDEN", "")
		status, m = ts.Do("POST", "/api/v1/entities/"+entity+"/departments", c.Token, map[string]any{"name_ar": "ق", "name_en": "d"})
		wantError(t, status, m, 403, "EFORBIDDEN", "")
	})
}
