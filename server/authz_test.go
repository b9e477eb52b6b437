package server_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// The authorisation matrix: every route of the API × every role → the
// status that role must get. It grows with every feature: add a row for each
// new route (TestAuthzMatrixCoversRoutes fails until there is one), and new
// fixtures to authzWorld and newAuthzWorld when a row needs them.
//
// A row that ends the caller's sessions (logout, password change) says so
// (endsSession): its role logs in again for the next cell. A row with setup gets fresh objects for every cell (a new case per role), so
// a state change by one role does not decide the next role's answer.

// role is a column of the matrix: who calls.
type role string

const (
	anonymous        role = "anonymous"
	citizen          role = "citizen"       // the requester of the authzWorld's cases
	otherCitizen     role = "other_citizen" // a citizen with no link to them
	employee         role = "employee"      // of entity A, department D; the assignee of the authzWorld's cases
	supervisor       role = "supervisor"    // of entity A, department D
	entityAdmin      role = "entity_admin"  // of entity A
	otherEntityAdmin role = "entity_admin_other"
	oversight        role = "oversight"
	boardMember      role = "board_member"
	platformAdmin    role = "platform_admin"
)

var roles = []role{anonymous, citizen, otherCitizen, employee, supervisor, entityAdmin, otherEntityAdmin, oversight, boardMember, platformAdmin}

// statuses is a row's expected status per role.
type statuses map[role]int

// everyone: every role, anonymous included, gets status.
func everyone(status int) statuses {
	s := statuses{}
	for _, r := range roles {
		s[r] = status
	}
	return s
}

// signedIn: anonymous gets 401, every other role status.
func signedIn(status int) statuses { return everyone(status).with(http.StatusUnauthorized, anonymous) }

// only: the listed roles get status, anonymous 401, everyone else 403.
func only(status int, rs ...role) statuses { return signedIn(http.StatusForbidden).with(status, rs...) }

// caseViewers are the roles that can see the authzWorld's cases: the requester,
// the assignee, staff whose scope covers the case, oversight, the platform.
var caseViewers = []role{citizen, employee, supervisor, entityAdmin, oversight, platformAdmin}

// onCase: on a case, the listed roles get status; others who can see the
// case 403; those who cannot see it 404 (a case one may not see does not
// exist for them); anonymous 401.
func onCase(status int, rs ...role) statuses {
	s := signedIn(http.StatusNotFound).with(http.StatusForbidden, caseViewers...)
	return s.with(status, rs...)
}

// with returns a copy where the listed roles get status.
func (s statuses) with(status int, rs ...role) statuses {
	out := statuses{}
	for r, st := range s {
		out[r] = st
	}
	for _, r := range rs {
		out[r] = status
	}
	return out
}

// authzRow is one route (or one variant of a route) of the matrix.
type authzRow struct {
	method, path string // path placeholders: {entity}, {case}, … (see newAuthzWorld)
	note         string // tells variants of one route apart
	endsSession  bool   // the call ends the caller's sessions (logout, password change)
	// setup, when set, runs before each cell and adds placeholders (a fresh
	// case for that cell); it runs as the authzWorld's actors, never as the role.
	setup func(t *testing.T, w *authzWorld) map[string]string
	// body, when set, is the request body for one cell. A rawBody is sent
	// as is.
	body func(w *authzWorld, c cell) any
	want statuses
}

// cell is what a body function knows about the call it builds a body for.
type cell struct {
	ids map[string]string  // the placeholders, with the row's setup
	as  testserver.Account // the caller (zero for anonymous)
}

// rawBody is a non-JSON body, such as a multipart upload.
type rawBody struct {
	contentType string
	data        []byte
}

var staffRoles = []role{employee, supervisor, entityAdmin}

// authzRows is the matrix.
var authzRows = []authzRow{
	{method: "GET", path: "/healthz", want: everyone(200)},
	{method: "GET", path: "/readyz", want: everyone(200)},
	{method: "GET", path: "/metrics", want: everyone(200)},
	{method: "GET", path: "/api/v1/openapi.json", want: everyone(200)},

	// Accounts.
	{method: "POST", path: "/api/v1/auth/register", want: everyone(201), body: func(w *authzWorld, _ cell) any {
		return map[string]any{"name": "مسجل جديد", "email": w.ts.Email("matrix"), "password": testserver.Password}
	}},
	{method: "POST", path: "/api/v1/auth/login", want: everyone(200), body: func(w *authzWorld, _ cell) any {
		return map[string]any{"login": w.loginTarget.Login, "password": w.loginTarget.Password}
	}},
	{method: "POST", path: "/api/v1/auth/logout", want: signedIn(204), endsSession: true},
	// Password reset: anyone may ask (202 whether or not the account
	// exists); a wrong code is refused for everyone. Each caller asks for a
	// login of its own, so the per-account throttle is not what answers.
	{method: "POST", path: "/api/v1/auth/password-reset", want: everyone(202), body: func(_ *authzWorld, c cell) any {
		return map[string]any{"login": "nobody-" + c.as.Login + "@jihat.test"}
	}},
	{method: "POST", path: "/api/v1/auth/password-reset/confirm", note: "wrong code", want: everyone(400),
		body: func(_ *authzWorld, c cell) any {
			return map[string]any{"login": "nobody-" + c.as.Login + "@jihat.test", "code": "000000", "password": testserver.Password}
		}},

	{method: "GET", path: "/api/v1/me", want: signedIn(200)},
	{method: "PATCH", path: "/api/v1/me", want: signedIn(200), body: func(*authzWorld, cell) any {
		return map[string]any{"lang": "ar"}
	}},
	{method: "POST", path: "/api/v1/me/password", want: signedIn(204), endsSession: true, body: func(_ *authzWorld, c cell) any {
		return map[string]any{"current_password": c.as.Password, "new_password": c.as.Password}
	}},
	{method: "POST", path: "/api/v1/me/password", note: "wrong current password", want: signedIn(400),
		body: func(*authzWorld, cell) any {
			return map[string]any{"current_password": "not-my-password-at-all", "new_password": testserver.Password}
		}},

	// Contact verification: one's own addresses only (there is no user in
	// the path). Citizens registered themselves: their e-mail waits for its
	// code (a wrong one is 400, a new one 202); staff, oversight, board
	// members and the platform admin were created by an admin who vouched
	// for their e-mail: 409, already verified.
	{method: "POST", path: "/api/v1/me/contacts/verify", note: "wrong code", want: signedIn(409).with(400, citizen, otherCitizen),
		body: func(*authzWorld, cell) any { return map[string]any{"channel": "email", "code": "000000"} }},
	{method: "POST", path: "/api/v1/me/contacts/resend", want: signedIn(409).with(202, citizen, otherCitizen),
		body: func(*authzWorld, cell) any { return map[string]any{"channel": "email"} }},

	// Entities.
	{method: "POST", path: "/api/v1/entities", want: only(201, platformAdmin), body: func(*authzWorld, cell) any {
		return map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "private"}
	}},
	{method: "GET", path: "/api/v1/entities", want: everyone(200)},
	{method: "GET", path: "/api/v1/entities/{entity}", want: everyone(200)},
	{method: "PATCH", path: "/api/v1/entities/{entity}", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"assign_rule": "least_load"} }},
	{method: "POST", path: "/api/v1/entities/{entity}/departments", want: only(201, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"name_ar": "قسم", "name_en": "Dept"} }},
	{method: "GET", path: "/api/v1/entities/{entity}/departments", want: everyone(200)},
	{method: "POST", path: "/api/v1/entities/{entity}/case-types", want: only(201, entityAdmin, platformAdmin),
		body: func(_ *authzWorld, c cell) any {
			return map[string]any{"name_ar": "نوع", "name_en": "Type", "department_id": c.ids["{department}"],
				"sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}}
		}},
	{method: "GET", path: "/api/v1/entities/{entity}/case-types", want: everyone(200)},
	{method: "POST", path: "/api/v1/entities/{entity}/employees", want: only(201, entityAdmin, platformAdmin),
		body: func(w *authzWorld, c cell) any {
			return map[string]any{"name": "موظف", "email": w.ts.Email("matrix-emp"), "department_id": c.ids["{department}"], "role": "employee"}
		}},
	{method: "GET", path: "/api/v1/entities/{entity}/employees", want: only(200, supervisor, entityAdmin, platformAdmin)},
	{method: "PUT", path: "/api/v1/entities/{entity}/employees/{target}/permissions", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"grant": []string{"case.reassign"}} }},
	{method: "PUT", path: "/api/v1/entities/{other_entity}/employees/{other_target}/permissions", note: "another entity",
		want: only(200, otherEntityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"revoke": []string{"case.reassign"}} }},
	{method: "POST", path: "/api/v1/entities/{entity}/employees/{target}/disable", setup: setupEmployeeTarget,
		want: only(200, entityAdmin, platformAdmin)},
	{method: "POST", path: "/api/v1/entities/{entity}/employees/{target}/enable", setup: setupEmployeeTarget,
		want: only(200, entityAdmin, platformAdmin)},

	{method: "GET", path: "/api/v1/audit", want: only(200, platformAdmin)},

	// Cases. The authzWorld's case {case} (requester: citizen, assignee:
	// employee) is shared by read-only rows; rows that change a case get a
	// fresh one per cell.
	{method: "POST", path: "/api/v1/cases", want: only(201, citizen, otherCitizen, platformAdmin),
		body: func(_ *authzWorld, c cell) any {
			return map[string]any{"entity_id": c.ids["{entity}"], "case_type_id": c.ids["{case_type}"], "subject": "طلب",
				"body": "نص الطلب للاختبار", "priority": "normal"}
		}},
	{method: "GET", path: "/api/v1/cases", want: signedIn(200)},
	{method: "GET", path: "/api/v1/cases/{case}", want: onCase(200, caseViewers...)},
	{method: "GET", path: "/api/v1/cases/{case}/events", want: onCase(200, caseViewers...)},
	{method: "POST", path: "/api/v1/cases/{case}/comments", note: "public", setup: setupCase,
		want: onCase(201, citizen, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"body": "رد", "visibility": "public"} }},
	{method: "POST", path: "/api/v1/cases/{case}/comments", note: "internal", setup: setupCase,
		want: onCase(201, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any {
			return map[string]any{"body": "ملاحظة داخلية", "visibility": "internal"}
		}},
	{method: "POST", path: "/api/v1/cases/{case}/assign", setup: setupCase,
		want: onCase(200, supervisor, entityAdmin, platformAdmin).with(202, employee), // without case.reassign: a request
		body: func(_ *authzWorld, c cell) any { return map[string]any{"employee_id": c.ids["{target}"]} }},
	{method: "GET", path: "/api/v1/cases/{case}/reassignments", want: onCase(200, staffRoles...).with(200, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/reassignments/{request}/approve", setup: setupReassignmentRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/reassignments/{request}/refuse", setup: setupReassignmentRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"note": "أكمل المعاملة"} }},
	{method: "POST", path: "/api/v1/cases/{case}/postpone", setup: setupCase,
		want: onCase(200, supervisor, entityAdmin, platformAdmin).with(202, employee), // without case.postpone: a request
		body: func(*authzWorld, cell) any {
			return map[string]any{"until": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "reason": "بانتظار جهة أخرى"}
		}},
	{method: "GET", path: "/api/v1/cases/{case}/postponements", want: onCase(200, staffRoles...).with(200, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/postponements/{request}/approve", setup: setupPostponementRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/postponements/{request}/refuse", setup: setupPostponementRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"note": "لا يوجد مبرر كاف"} }},
	{method: "POST", path: "/api/v1/cases/{case}/resolve", setup: setupCase,
		want: onCase(200, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"resolution": "تم حل الطلب"} }},
	{method: "POST", path: "/api/v1/cases/{case}/object", setup: setupResolvedCase, want: onCase(200, citizen),
		body: func(*authzWorld, cell) any { return map[string]any{"reason": "الحل غير كاف"} }},
	{method: "POST", path: "/api/v1/cases/{case}/rating", setup: setupResolvedCase, want: onCase(200, citizen),
		body: func(*authzWorld, cell) any { return map[string]any{"score": 4} }},
	{method: "POST", path: "/api/v1/cases/{case}/transition", setup: setupCase,
		want: onCase(200, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"action": "start"} }},

	// Files.
	{method: "POST", path: "/api/v1/cases/{case}/attachments", setup: setupCase,
		want: onCase(201, citizen, employee, supervisor, entityAdmin, platformAdmin),
		body: func(w *authzWorld, _ cell) any {
			return multipartBody(w.t, "file", "image.png", "../media/testdata/image.png", "visibility", "public")
		}},
	{method: "POST", path: "/api/v1/cases/{case}/voice", setup: setupCase,
		want: onCase(201, citizen, employee, supervisor, entityAdmin, platformAdmin),
		body: func(w *authzWorld, _ cell) any {
			return multipartBody(w.t, "audio", "voice.ogg", "../media/testdata/voice.ogg", "visibility", "public", "duration_ms", "3000")
		}},
	{method: "GET", path: "/api/v1/attachments/{attachment}", want: onCase(200, caseViewers...)},
	{method: "GET", path: "/api/v1/attachments", want: signedIn(200)},

	// Notifications: everyone reads and marks only their own; someone
	// else's notification does not exist for them.
	{method: "GET", path: "/api/v1/notifications", want: signedIn(200)},
	{method: "POST", path: "/api/v1/notifications/read-all", want: signedIn(200)},
	{method: "POST", path: "/api/v1/notifications/{notification}/read", setup: setupNotification,
		want: signedIn(http.StatusNotFound).with(200, citizen)},
	{method: "GET", path: "/api/v1/me/notification-preferences", want: signedIn(200)},
	{method: "PUT", path: "/api/v1/me/notification-preferences", want: signedIn(200),
		body: func(*authzWorld, cell) any {
			return map[string]any{"preferences": map[string]map[string]bool{"case.reply": {"sms": false}}}
		}},
	{method: "GET", path: "/api/v1/entities/{entity}/templates/{kind}", want: only(200, entityAdmin, platformAdmin)},
	{method: "PUT", path: "/api/v1/entities/{entity}/templates/{kind}", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any {
			return map[string]any{"templates": []map[string]string{{"lang": "ar", "channel": "sms", "body": "فتحت معاملتك {{.Number}}"}}}
		}},

	// Statistics (stats_authz_test.go has the department and self cases):
	// supervisors, entity admins, oversight and platform admins read; only
	// entity.manage writes the schedule.
	{method: "GET", path: "/api/v1/stats/entities", want: only(200, entityAdmin, otherEntityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/breakdown", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/indicators", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/counters", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/dashboard", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/report", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/employees/{target}", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/employees/{target}/hours", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/departments/{department}/performance", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/cases", want: only(200, employee, supervisor, entityAdmin, otherEntityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/entities/{entity}/report-schedule", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "PUT", path: "/api/v1/entities/{entity}/report-schedule", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"enabled": true, "weekday": "thursday", "hour": 14} }},
}

// authzExempt lists operations the matrix leaves to other tests, with why.
var authzExempt = map[string]string{
	"GET /ws":                     "authorised per channel at subscribe time; covered by the live tests",
	"GET /api/v1/recordings/{id}": "needs a recorded meeting; every role is tried in TestRTCRecording (rtc_record_test.go)",
}

// authzWorld holds the fixtures of the matrix.
type authzWorld struct {
	t           *testing.T
	ts          *testserver.TestServer
	accounts    map[role]testserver.Account
	loginTarget testserver.Account
	ids         map[string]string // placeholders shared by every cell
	tokens      map[role]string   // a live session per role
}

// newAuthzWorld builds two entities, their staff, citizens and the other roles,
// and a shared case with a public attachment.
func newAuthzWorld(t *testing.T, opts ...testserver.Option) *authzWorld {
	t.Helper()
	ts := testserver.Start(t, opts...)
	admin := ts.Admin()
	a, b := ts.CreateEntity(admin), ts.CreateEntity(admin)
	d, db := ts.CreateDepartment(admin, a), ts.CreateDepartment(admin, b)
	w := &authzWorld{t: t, ts: ts, accounts: map[role]testserver.Account{}, tokens: map[role]string{}, ids: map[string]string{
		"{entity}": a, "{other_entity}": b, "{department}": d, "{kind}": "case.created", "{case_type}": ts.CreateCaseType(admin, a, d),
	}}
	w.accounts[platformAdmin] = testserver.Account{Login: testserver.AdminLogin, Password: testserver.AdminPassword}
	w.accounts[citizen] = ts.RegisterCitizen()
	w.accounts[otherCitizen] = ts.RegisterCitizen()
	w.accounts[employee] = ts.CreateEmployee(admin, a, d, jihat.RoleEmployee)
	w.accounts[supervisor] = ts.CreateEmployee(admin, a, d, jihat.RoleSupervisor)
	w.accounts[entityAdmin] = ts.CreateEmployee(admin, a, "", jihat.RoleEntityAdmin)
	w.accounts[otherEntityAdmin] = ts.CreateEmployee(admin, b, "", jihat.RoleEntityAdmin)
	w.accounts[oversight] = ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
	w.accounts[boardMember] = ts.CreateUser(&jihat.User{Role: jihat.RoleBoardMember})
	w.loginTarget = ts.RegisterCitizen()
	w.ids["{target}"] = ts.CreateEmployee(admin, a, d, jihat.RoleEmployee).ID
	w.ids["{other_target}"] = ts.CreateEmployee(admin, b, db, jihat.RoleEmployee).ID

	w.ids["{case}"] = setupCase(t, w)["{case}"]
	up := multipartBody(t, "file", "image.png", "../media/testdata/image.png", "visibility", "public")
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+w.ids["{case}"]+"/attachments", w.token(t, citizen),
		up.data, "Content-Type", up.contentType)
	w.ids["{attachment}"] = testserver.Str(m, "attachment.id")
	return w
}

// setupCase is a setup: the citizen opens a case of entity A, and it is
// assigned to the employee.
func setupCase(t *testing.T, w *authzWorld) map[string]string {
	t.Helper()
	ts := w.ts.For(t)
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", w.token(t, citizen), map[string]any{
		"entity_id": w.ids["{entity}"], "case_type_id": w.ids["{case_type}"], "subject": "طلب اختبار",
		"body": "نص طلب الاختبار", "priority": "normal"})
	id := testserver.Str(m, "case.id")
	if testserver.Str(m, "case.assignee.id") != w.accounts[employee].ID {
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", w.token(t, platformAdmin), map[string]any{"employee_id": w.accounts[employee].ID})
	}
	return map[string]string{"{case}": id}
}

// setupEmployeeTarget is a setup: a new employee of entity A, so that
// disabling one in a cell does not decide the next cell.
func setupEmployeeTarget(t *testing.T, w *authzWorld) map[string]string {
	t.Helper()
	acc := w.ts.For(t).CreateEmployee(w.token(t, platformAdmin), w.ids["{entity}"], w.ids["{department}"], jihat.RoleEmployee)
	return map[string]string{"{target}": acc.ID}
}

// setupNotification is a setup: a new case, its notifications delivered,
// and the newest in-app notification of the citizen who opened it.
func setupNotification(t *testing.T, w *authzWorld) map[string]string {
	t.Helper()
	ids := setupCase(t, w)
	flush(t, w.ts.Server)
	m := w.ts.For(t).Must(http.StatusOK, "GET", "/api/v1/notifications?limit=1", w.token(t, citizen), nil)
	ids["{notification}"] = testserver.Str(m, "notifications.0.id")
	return ids
}

// setupResolvedCase is a setup: a new case the employee has resolved.
func setupResolvedCase(t *testing.T, w *authzWorld) map[string]string {
	t.Helper()
	ids := setupCase(t, w)
	w.ts.For(t).Must(http.StatusOK, "POST", "/api/v1/cases/"+ids["{case}"]+"/resolve", w.token(t, employee),
		map[string]any{"resolution": "تم الحل"})
	return ids
}

// setupPostponementRequest is a setup: a new case whose employee (without
// case.postpone) asked to postpone it.
func setupPostponementRequest(t *testing.T, w *authzWorld) map[string]string {
	t.Helper()
	ids := setupCase(t, w)
	m := w.ts.For(t).Must(http.StatusAccepted, "POST", "/api/v1/cases/"+ids["{case}"]+"/postpone", w.token(t, employee),
		map[string]any{"until": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "reason": "بانتظار جهة أخرى"})
	ids["{request}"] = testserver.Str(m, "request.id")
	return ids
}

// setupReassignmentRequest is setupCase with a pending request of the
// employee to hand the case to {target}.
func setupReassignmentRequest(t *testing.T, w *authzWorld) map[string]string {
	t.Helper()
	ids := setupCase(t, w)
	m := w.ts.For(t).Must(http.StatusAccepted, "POST", "/api/v1/cases/"+ids["{case}"]+"/assign", w.token(t, employee),
		map[string]any{"employee_id": w.ids["{target}"], "reason": "خارج الاختصاص"})
	ids["{request}"] = testserver.Str(m, "request.id")
	return ids
}

// token returns a session of r, logging in when there is none.
func (w *authzWorld) token(t *testing.T, r role) string {
	t.Helper()
	if w.tokens[r] == "" {
		acc := w.accounts[r]
		w.tokens[r] = w.ts.For(t).Login(acc.Login, acc.Password)
	}
	return w.tokens[r]
}

// multipartBody builds a multipart form: the file from path under field,
// then name, value pairs.
func multipartBody(tb testing.TB, field, filename, path string, kv ...string) rawBody {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for i := 0; i+1 < len(kv); i += 2 {
		_ = mw.WriteField(kv[i], kv[i+1])
	}
	fw, err := mw.CreateFormFile(field, filename)
	if err != nil {
		tb.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return rawBody{contentType: mw.FormDataContentType(), data: buf.Bytes()}
}

// call runs one cell: row as r, with a fresh session.
func (w *authzWorld) call(t *testing.T, row authzRow, r role) (int, []byte) {
	t.Helper()
	ids := map[string]string{}
	for k, v := range w.ids {
		ids[k] = v
	}
	if row.setup != nil {
		for k, v := range row.setup(t, w) {
			ids[k] = v
		}
	}
	path := row.path
	for k, v := range ids {
		path = strings.ReplaceAll(path, k, v)
	}
	if strings.Contains(path, "{") {
		t.Fatalf("unfilled placeholder in %s", path)
	}
	token := ""
	if r != anonymous {
		token = w.token(t, r)
	}
	var body any
	var headers []string
	if row.body != nil {
		body = row.body(w, cell{ids: ids, as: w.accounts[r]})
		if rb, ok := body.(rawBody); ok {
			body, headers = rb.data, []string{"Content-Type", rb.contentType}
		}
	}
	res, err := w.ts.Raw(row.method, path, token, body, headers...)
	if err != nil {
		t.Fatal(err)
	}
	if row.endsSession {
		delete(w.tokens, r)
	}
	return res.Status, res.Body
}

func (row authzRow) name() string {
	n := row.method + " " + row.path
	if row.note != "" {
		n += " (" + row.note + ")"
	}
	return n
}

func TestAuthzMatrix(t *testing.T) {
	t.Parallel()
	w := newAuthzWorld(t)
	for _, row := range authzRows {
		t.Run(row.name(), func(t *testing.T) {
			for _, r := range roles {
				want, ok := row.want[r]
				if !ok {
					t.Fatalf("no expected status for role %s", r)
				}
				status, body := w.call(t, row, r)
				if status != want {
					t.Errorf("%-18s got %d, want %d: %s", r, status, want, truncateBody(body))
				}
			}
		})
	}
}

// TestAuthzMatrixPostgres runs the rows that change data on PostgreSQL too.
func TestAuthzMatrixPostgres(t *testing.T) {
	t.Parallel()
	w := newAuthzWorld(t, testserver.Postgres())
	for _, row := range authzRows {
		if row.method == "GET" {
			continue
		}
		t.Run(row.name(), func(t *testing.T) {
			for _, r := range roles {
				if status, body := w.call(t, row, r); status != row.want[r] {
					t.Errorf("%-18s got %d, want %d: %s", r, status, row.want[r], truncateBody(body))
				}
			}
		})
	}
}

func truncateBody(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// TestAuthzMatrixCoversRoutes: every operation of the OpenAPI document (and
// so, by TestOpenAPICoversRoutes, every route) has a row in the matrix, and
// every row names a documented operation.
func TestAuthzMatrixCoversRoutes(t *testing.T) {
	norm := func(p string) string {
		segs := strings.Split(p, "/")
		for i, s := range segs {
			if strings.HasPrefix(s, "{") {
				segs[i] = "{}"
			}
		}
		return strings.Join(segs, "/")
	}
	rows := map[string]bool{}
	for _, row := range authzRows {
		rows[row.method+" "+norm(row.path)] = true
	}
	documented := map[string]bool{}
	for _, op := range server.Operations() {
		key := op.Method + " " + norm(op.Path)
		documented[key] = true
		if _, exempt := authzExempt[op.Key()]; exempt || meetingAuthzCovered(op) {
			continue
		}
		if !rows[key] {
			t.Errorf("%s has no row in the authorisation matrix (server/authz_test.go)", op.Key())
		}
	}
	for key := range rows {
		if !documented[key] {
			t.Errorf("matrix row %s is not a documented operation", key)
		}
	}
	if len(roles) < 9 {
		t.Fatal(fmt.Sprint("roles: ", roles))
	}
}
