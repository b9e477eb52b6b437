package server_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// generated finds the generated password in a credentials message.
var generated = regexp.MustCompile(`(?m)(?:\s|^)([a-km-zA-HJ-NP-Z2-9]{20})(?:\s|$)`)

// TestEmployeeFirstLogin: an employee created without a password gets a
// generated one by e-mail, must change it, and until then may only see
// themself, change the password and log out.
func TestEmployeeFirstLogin(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		admin := ts.Admin()
		entity := ts.CreateEntity(admin)
		dept := ts.CreateDepartment(admin, entity)
		email := ts.Email("new-employee")
		m := ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+entity+"/employees", admin, map[string]any{
			"name": "موظف جديد", "email": email, "mobile": "0551234567", "department_id": dept, "role": "employee", "lang": "en"})
		if testserver.Get(m, "user.must_change_password") != true || testserver.Str(m, "user.entity_id") != entity ||
			testserver.Str(m, "user.department_id") != dept || testserver.Str(m, "user.role") != "employee" {
			t.Fatalf("created employee = %v", m)
		}
		// The credentials go through the outbox; deliver what is due now.
		if _, err := ts.Server.FlushNotifications(t.Context()); err != nil {
			t.Fatal(err)
		}
		msgs := ts.Notifier.To(email)
		if len(msgs) != 1 || msgs[0].Kind != "employee.credentials" || !strings.Contains(msgs[0].Text, email) {
			t.Fatalf("notifications to %s: %+v", email, msgs)
		}
		if !strings.Contains(msgs[0].Subject, "Jihat") { // in the employee's language
			t.Errorf("subject %q is not English", msgs[0].Subject)
		}
		found := generated.FindStringSubmatch(msgs[0].Text)
		if found == nil {
			t.Fatalf("no generated password in %q", msgs[0].Text)
		}
		password := found[1]
		if strings.Contains(string(mustRaw(t, ts, "/api/v1/entities/"+entity+"/employees").Body), password) {
			t.Fatal("the generated password appears in an API answer")
		}

		token := ts.Login(email, password)
		other := ts.Login(email, password) // a second session, ended by the change
		// Only /me, /me/password and logout work until the change.
		ids := strings.NewReplacer("{id}", entity, "{user_id}", testserver.Str(m, "user.id"), "{request_id}", entity)
		for _, op := range server.Operations() {
			if !op.Auth || op.Key() == "GET /api/v1/me" || op.Key() == "POST /api/v1/me/password" || op.Key() == "POST /api/v1/auth/logout" ||
				op.Path == "/ws" {
				continue
			}
			status, body := ts.Do(op.Method, ids.Replace(op.Path), token, map[string]any{})
			e := wantError(t, status, body, 403, "EFORBIDDEN", "")
			// In the employee's saved language (English) when no Accept-Language is sent.
			if !strings.Contains(e["message"].(string), "password") {
				t.Errorf("%s: message %q does not ask for a password change in English", op.Key(), e["message"])
			}
		}
		me := ts.Must(http.StatusOK, "GET", "/api/v1/me", token, nil)
		if testserver.Get(me, "user.must_change_password") != true {
			t.Fatalf("GET /me = %v", me)
		}

		// Wrong current password, or a new one against the policy, change nothing.
		status, body := ts.Do("POST", "/api/v1/me/password", token, map[string]any{"current_password": "wrong-password-x", "new_password": "a-brand-new-passphrase"})
		wantError(t, status, body, 400, "EINVALID", "current_password")
		status, body = ts.Do("POST", "/api/v1/me/password", token, map[string]any{"current_password": password, "new_password": "short"})
		wantError(t, status, body, 400, "EINVALID", "new_password")
		status, body = ts.Do("POST", "/api/v1/me/password", token, map[string]any{"current_password": password, "new_password": "password1234"})
		wantError(t, status, body, 400, "EINVALID", "new_password")
		ts.Must(http.StatusForbidden, "GET", "/api/v1/cases", token, nil)

		ts.Must(http.StatusNoContent, "POST", "/api/v1/me/password", token, map[string]any{"current_password": password, "new_password": "a-brand-new-passphrase"})
		me = ts.Must(http.StatusOK, "GET", "/api/v1/me", token, nil) // this session lives on
		if testserver.Get(me, "user.must_change_password") != false {
			t.Fatalf("after the change GET /me = %v", me)
		}
		ts.Must(http.StatusOK, "PATCH", "/api/v1/me", token, map[string]any{"name": "موظف مفعل"})
		ts.Must(http.StatusOK, "GET", "/api/v1/cases", token, nil)
		status, body = ts.Do("GET", "/api/v1/me", other, nil)
		wantError(t, status, body, 401, "EUNAUTHORIZED", "")
		status, body = ts.Do("POST", "/api/v1/auth/login", "", map[string]string{"login": email, "password": password})
		wantError(t, status, body, 401, "EUNAUTHORIZED", "")
		ts.Login(email, "a-brand-new-passphrase")
		ts.Login("+966551234567", "a-brand-new-passphrase")
	})
}

// TestEmployeeCredentialsUndelivered: when the notification cannot be
// sent, the account (already committed) is still answered 201, the failure
// is not hidden from the operator, and the message waits in the outbox for
// a retry.
func TestEmployeeCredentialsUndelivered(t *testing.T) {
	var logs syncBuffer
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) {
		c.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	}))
	admin := ts.Admin()
	entity := ts.CreateEntity(admin)
	dept := ts.CreateDepartment(admin, entity)
	ts.Notifier.Fail(errors.New("smtp: connection refused"))
	email := ts.Email("undelivered")
	ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+entity+"/employees", admin, map[string]any{
		"name": "موظف", "email": email, "department_id": dept, "role": "employee"})
	if _, _, err := ts.Store.UserByLogin(t.Context(), jihat.IdentEmail, email); err != nil {
		t.Fatalf("the employee was not created: %v", err)
	}
	if _, err := ts.Server.FlushNotifications(t.Context()); err != nil {
		t.Fatal(err)
	}
	if out := logs.String(); !strings.Contains(out, "notification not delivered") || !strings.Contains(out, "connection refused") ||
		!strings.Contains(out, "employee.credentials") {
		t.Errorf("the failure is not logged:\n%s", out)
	}
	id, err := ts.Store.UserIDByIdentifier(t.Context(), jihat.IdentEmail, email)
	if err != nil {
		t.Fatal(err)
	}
	queued, err := ts.Store.OutboxFor(t.Context(), id)
	if err != nil || len(queued) != 1 || queued[0].Status != store.OutboxPending || !strings.Contains(queued[0].LastError, "connection refused") {
		t.Fatalf("outbox = %+v, %v; want the credentials pending a retry", queued, err)
	}
}

// syncBuffer is a bytes.Buffer safe for concurrent use.
type syncBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func TestEmployeeValidation(t *testing.T) {
	ts := testserver.Start(t)
	admin := ts.Admin()
	entity, other := ts.CreateEntity(admin), ts.CreateEntity(admin)
	dept, otherDept := ts.CreateDepartment(admin, entity), ts.CreateDepartment(admin, other)
	body := func(kv ...any) map[string]any {
		return withFields(map[string]any{"name": "موظف", "email": ts.Email("emp"), "department_id": dept, "role": "employee", "password": "employee-passphrase"}, kv...)
	}
	tests := []struct {
		name   string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"department of another entity", body("department_id", otherDept), 400, "EINVALID", "department_id"},
		{"unknown department", body("department_id", "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"), 400, "EINVALID", "department_id"},
		{"no department", body("department_id", nil), 400, "EINVALID", "department_id"},
		{"no e-mail", body("email", nil), 400, "EINVALID", "email"},
		{"role platform_admin", body("role", "platform_admin"), 400, "EINVALID", "role"},
		{"role citizen", body("role", "citizen"), 400, "EINVALID", "role"},
		{"role oversight", body("role", "oversight"), 400, "EINVALID", "role"},
		{"unknown permission", body("permissions", []string{"case.fly"}), 400, "EINVALID", "permissions"},
		{"short password", body("password", "short", "email", "bad"), 400, "EINVALID", "password"},
		{"capacity 0", body("capacity", 0), 400, "EINVALID", "capacity"},
		{"entity_id field", body("entity_id", other), 400, "EINVALID", "entity_id"},
		{"platform permission", body("permissions", []string{"entities.manage"}), 201, "", ""}, // the platform admin may grant anything
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, m := ts.Do("POST", "/api/v1/entities/"+entity+"/employees", admin, tt.body)
			if tt.code == "" {
				if status != tt.status {
					t.Fatalf("status %d: %v", status, m)
				}
				return
			}
			wantError(t, status, m, tt.status, tt.code, tt.field)
		})
	}
	status, m := ts.Do("POST", "/api/v1/entities/"+entity+"/employees", admin, body("email", "dup@example.com"))
	if status != 201 {
		t.Fatal(status, m)
	}
	status, m = ts.Do("POST", "/api/v1/entities/"+other+"/employees", admin, map[string]any{"name": "موظف", "email": "DUP@example.com", "department_id": otherDept, "role": "employee"})
	wantError(t, status, m, 409, "ECONFLICT", "")
}

// TestPermissionsGrantRevoke: grants and revocations change what the
// employee can do, at once.
func TestPermissionsGrantRevoke(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		admin := ts.Admin()
		entity := ts.CreateEntity(admin)
		dept := ts.CreateDepartment(admin, entity)
		entityAdmin := ts.CreateEmployee(admin, entity, "", jihat.RoleEntityAdmin)
		sup := ts.CreateEmployee(entityAdmin.Token, entity, dept, jihat.RoleSupervisor)
		perms := "/api/v1/entities/" + entity + "/employees/" + sup.ID + "/permissions"
		newEmployee := func() map[string]any {
			return map[string]any{"name": "موظف", "email": ts.Email("by-sup"), "department_id": dept, "role": "employee", "password": "employee-passphrase"}
		}
		employees := "/api/v1/entities/" + entity + "/employees"

		status, m := ts.Do("POST", employees, sup.Token, newEmployee())
		wantError(t, status, m, 403, "EFORBIDDEN", "")

		m = ts.Must(http.StatusOK, "PUT", perms, entityAdmin.Token, map[string]any{"grant": []string{"employees.manage"}, "revoke": []string{"case.reassign"}})
		got := testserver.Strings(m, "user.permissions")
		if !slices.Contains(got, "employees.manage") || slices.Contains(got, "case.reassign") {
			t.Fatalf("permissions after grant and revoke = %v", got)
		}
		me := ts.Must(http.StatusOK, "GET", "/api/v1/me", sup.Token, nil)
		if !slices.Equal(testserver.Strings(me, "user.permissions"), got) {
			t.Errorf("GET /me shows %v, the answer %v", testserver.Strings(me, "user.permissions"), got)
		}
		ts.Must(http.StatusCreated, "POST", employees, sup.Token, newEmployee()) // effective at once

		// The granted supervisor cannot make an entity admin.
		body := newEmployee()
		body["role"] = "entity_admin"
		status, m = ts.Do("POST", employees, sup.Token, body)
		wantError(t, status, m, 400, "EINVALID", "role")

		// Revoke wins when both are asked; a later grant restores.
		m = ts.Must(http.StatusOK, "PUT", perms, entityAdmin.Token, map[string]any{"grant": []string{"employees.manage"}, "revoke": []string{"employees.manage"}})
		if slices.Contains(testserver.Strings(m, "user.permissions"), "employees.manage") {
			t.Fatalf("grant and revoke of one permission left it granted: %v", testserver.Strings(m, "user.permissions"))
		}
		status, m = ts.Do("POST", employees, sup.Token, newEmployee())
		wantError(t, status, m, 403, "EFORBIDDEN", "")
		m = ts.Must(http.StatusOK, "PUT", perms, entityAdmin.Token, map[string]any{"grant": []string{"case.reassign"}})
		if !slices.Contains(testserver.Strings(m, "user.permissions"), "case.reassign") {
			t.Errorf("re-granted case.reassign missing: %v", testserver.Strings(m, "user.permissions"))
		}
		// Nobody changes their own permissions, and unknown names are refused.
		status, m = ts.Do("PUT", "/api/v1/entities/"+entity+"/employees/"+entityAdmin.ID+"/permissions", entityAdmin.Token, map[string]any{"grant": []string{"reports.view"}})
		wantError(t, status, m, 403, "EFORBIDDEN", "")
		status, m = ts.Do("PUT", perms, entityAdmin.Token, map[string]any{"grant": []string{"case.fly"}})
		wantError(t, status, m, 400, "EINVALID", "grant")
	})
}

// TestEntityAdminLimits: an entity admin cannot hand out a permission they
// lack, nor act on another entity or its staff.
func TestEntityAdminLimits(t *testing.T) {
	ts := testserver.Start(t)
	admin := ts.Admin()
	mine, theirs := ts.CreateEntity(admin), ts.CreateEntity(admin)
	myDept, theirDept := ts.CreateDepartment(admin, mine), ts.CreateDepartment(admin, theirs)
	ea := ts.CreateEmployee(admin, mine, "", jihat.RoleEntityAdmin)
	emp := ts.CreateEmployee(ea.Token, mine, myDept, jihat.RoleEmployee)
	theirEmp := ts.CreateEmployee(admin, theirs, theirDept, jihat.RoleEmployee)
	users, audits := ts.Count("users"), auditRows(t, ts)

	tests := []struct {
		name         string
		method, path string
		body         map[string]any
		status       int
		code         string
	}{
		{"grant a permission it lacks", "PUT", "/api/v1/entities/" + mine + "/employees/" + emp.ID + "/permissions",
			map[string]any{"grant": []string{"audit.view"}}, 403, "EFORBIDDEN"},
		{"grant a platform permission", "PUT", "/api/v1/entities/" + mine + "/employees/" + emp.ID + "/permissions",
			map[string]any{"grant": []string{"entities.manage"}}, 403, "EFORBIDDEN"},
		{"create an employee with a permission it lacks", "POST", "/api/v1/entities/" + mine + "/employees",
			map[string]any{"name": "x", "email": ts.Email("x"), "department_id": myDept, "role": "employee", "permissions": []string{"oversight.view"}}, 403, "EFORBIDDEN"},
		{"another entity's employee through its own entity", "PUT", "/api/v1/entities/" + mine + "/employees/" + theirEmp.ID + "/permissions",
			map[string]any{"revoke": []string{"case.handle"}}, 404, "ENOTFOUND"},
		{"another entity's employee", "PUT", "/api/v1/entities/" + theirs + "/employees/" + theirEmp.ID + "/permissions",
			map[string]any{"revoke": []string{"case.handle"}}, 403, "EFORBIDDEN"},
		{"employee in another entity", "POST", "/api/v1/entities/" + theirs + "/employees",
			map[string]any{"name": "x", "email": ts.Email("x"), "department_id": theirDept, "role": "employee"}, 403, "EFORBIDDEN"},
		{"department in another entity", "POST", "/api/v1/entities/" + theirs + "/departments",
			map[string]any{"name_ar": "ق", "name_en": "d"}, 403, "EFORBIDDEN"},
		{"case type in another entity", "POST", "/api/v1/entities/" + theirs + "/case-types",
			map[string]any{"name_ar": "ن", "name_en": "t", "department_id": theirDept, "sla_hours": map[string]int{"normal": 1, "important": 1, "very_important": 1}}, 403, "EFORBIDDEN"},
		{"case type with another entity's department", "POST", "/api/v1/entities/" + mine + "/case-types",
			map[string]any{"name_ar": "ن", "name_en": "t", "department_id": theirDept, "sla_hours": map[string]int{"normal": 1, "important": 1, "very_important": 1}}, 400, "EINVALID"},
		{"employee into another entity's department", "POST", "/api/v1/entities/" + mine + "/employees",
			map[string]any{"name": "x", "email": ts.Email("x"), "department_id": theirDept, "role": "employee"}, 400, "EINVALID"},
		{"list another entity's employees", "GET", "/api/v1/entities/" + theirs + "/employees", nil, 403, "EFORBIDDEN"},
		{"create an entity", "POST", "/api/v1/entities", map[string]any{"name_ar": "ج", "name_en": "e", "sector": "private"}, 403, "EFORBIDDEN"},
		{"read the platform audit log", "GET", "/api/v1/audit", nil, 403, "EFORBIDDEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var body any
			if tt.body != nil {
				body = tt.body
			}
			status, m := ts.Do(tt.method, tt.path, ea.Token, body)
			wantError(t, status, m, tt.status, tt.code, "")
		})
	}
	if n := ts.Count("users"); n != users {
		t.Errorf("refused calls created %d users", n-users)
	}
	if n := auditRows(t, ts); n != audits {
		t.Errorf("refused calls wrote %d audit rows", n-audits)
	}
	m := ts.Must(http.StatusOK, "GET", "/api/v1/me", emp.Token, nil)
	if !slices.Equal(testserver.Strings(m, "user.permissions"), []string{"case.handle", "case.view_internal"}) {
		t.Errorf("employee permissions changed: %v", testserver.Strings(m, "user.permissions"))
	}
	m = ts.Must(http.StatusOK, "GET", "/api/v1/me", theirEmp.Token, nil)
	if !slices.Contains(testserver.Strings(m, "user.permissions"), "case.handle") {
		t.Errorf("the other entity's employee lost case.handle: %v", testserver.Strings(m, "user.permissions"))
	}
	// Within its own entity it may do its work.
	ts.Must(http.StatusOK, "PUT", "/api/v1/entities/"+mine+"/employees/"+emp.ID+"/permissions", ea.Token, map[string]any{"grant": []string{"case.reassign"}})
	ts.Must(http.StatusOK, "GET", "/api/v1/entities/"+mine+"/employees", ea.Token, nil)
}
