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
// status that role must get. It grows with every feature: add a row to
// authzRows (authz_rows_test.go) for each new route
// (TestAuthzMatrixCoversRoutes fails until there is one), and new fixtures
// to authzWorld and newAuthzWorld when a row needs them.
//
// A row that ends the caller's sessions (logout, password change) says so
// (endsSession): its role logs in again for the next cell. A row with setup
// gets fresh objects for every cell (a new case per role), so a state change
// by one role does not decide the next role's answer.

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
			t.Errorf("%s has no row in the authorisation matrix (server/authz_rows_test.go)", op.Key())
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
