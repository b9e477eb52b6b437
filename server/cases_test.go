package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// Cases over HTTP: opening one (the answer API.md promises), validation,
// the state machine's refusals, objection with escalation, and rating.

// caseCast is a CaseSetup with its people: a requester, an employee (who
// gets the cases), a supervisor of the department and an entity admin.
type caseCast struct {
	ts                                          *testserver.TestServer
	cs                                          testserver.CaseSetup
	citizen, other, employee, supervisor, admin testserver.Account
}

// newCaseCast builds a caseCast. The supervisor and admin may not take new
// cases (case.handle is revoked until an objection needs them), so every
// case goes to the employee.
func newCaseCast(t *testing.T, ts *testserver.TestServer) *caseCast {
	t.Helper()
	cs := ts.NewCaseSetup("")
	k := &caseCast{ts: ts, cs: cs, citizen: ts.RegisterCitizen(), other: ts.RegisterCitizen()}
	k.employee = ts.Staff(cs, jihat.RoleEmployee, 100)
	k.supervisor = ts.Staff(cs, jihat.RoleSupervisor, 100)
	k.admin = ts.Staff(cs, jihat.RoleEntityAdmin, 100)
	k.setPerms(k.supervisor, nil, []string{"case.handle"})
	return k
}

// setPerms grants and revokes permissions of acc as the platform admin.
func (k *caseCast) setPerms(acc testserver.Account, grant, revoke []string) {
	k.ts.Must(http.StatusOK, "PUT", "/api/v1/entities/"+k.cs.Entity+"/employees/"+acc.ID+"/permissions", k.ts.Admin(),
		map[string]any{"grant": grant, "revoke": revoke})
}

// open opens a case as the citizen; it is assigned to the employee.
func (k *caseCast) open(t *testing.T, subject, body string, fields ...any) map[string]any {
	t.Helper()
	c := k.ts.For(t).OpenCase(k.citizen.Token, k.cs, subject, body, fields...)
	if got := testserver.Str(c, "assignee.id"); got != k.employee.ID {
		t.Fatalf("case assigned to %q; want the employee %s", got, k.employee.ID)
	}
	return c
}

// act posts a case action and returns the status and body.
func (k *caseCast) act(token, id, action string, body any, headers ...string) (int, map[string]any) {
	return k.ts.Do("POST", "/api/v1/cases/"+id+"/"+action, token, body, headers...)
}

var caseNumber = regexp.MustCompile(`^\d{4}-\d{6}$`)

func TestOpenCase(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		before := time.Now().UTC().Add(-time.Second)
		c := k.open(t, "  طلب صيانة  ", "السقف يحتاج إلى إصلاح", "priority", "very_important", "kind", "report",
			"category", "fire", "location", map[string]float64{"lat": 24.7136, "lng": 46.6753})
		checks := map[string]string{
			"entity_id": k.cs.Entity, "case_type_id": k.cs.CaseType, "subject": "طلب صيانة", "body": "السقف يحتاج إلى إصلاح",
			"priority": "very_important", "kind": "report", "category": "fire", "status": "assigned",
			"requester.id": k.citizen.ID, "requester.name": "مواطن اختبار", "assignee.id": k.employee.ID,
			"late": "false", "escalation_level": "employee", "location.lat": "24.7136",
		}
		for path, want := range checks {
			if got := testserver.Str(c, path); got != want {
				t.Errorf("case.%s = %q; want %q", path, got, want)
			}
		}
		if !caseNumber.MatchString(testserver.Str(c, "number")) || !strings.HasPrefix(testserver.Str(c, "number"), time.Now().UTC().Format("2006")) {
			t.Errorf("number %q; want YYYY-NNNNNN of this year", testserver.Str(c, "number"))
		}
		if testserver.Str(c, "assignee.name") == "" || testserver.Str(c, "priority_label") != "هام جداً" {
			t.Errorf("assignee name %q, priority label %q", testserver.Str(c, "assignee.name"), testserver.Str(c, "priority_label"))
		}
		created, err1 := time.Parse(time.RFC3339, testserver.Str(c, "created_at"))
		due, err2 := time.Parse(time.RFC3339, testserver.Str(c, "due_at"))
		if err1 != nil || err2 != nil || created.Before(before) || !due.After(created) {
			t.Errorf("created_at %q, due_at %q", testserver.Str(c, "created_at"), testserver.Str(c, "due_at"))
		}
		// The requester sees it, with the same number.
		id := testserver.Str(c, "id")
		got := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, k.citizen.Token, nil)
		if testserver.Str(got, "case.number") != testserver.Str(c, "number") {
			t.Errorf("GET number %q", testserver.Str(got, "case.number"))
		}
		evs := ts.CaseEvents(k.citizen.Token, id, "")
		if len(evs) != 2 || evs[0]["type"] != "created" || evs[1]["type"] != "assigned" || testserver.Str(evs[1], "data.assignee_id") != k.employee.ID {
			t.Errorf("events %v; want created, assigned", evs)
		}
		// A second case gets the next number.
		c2 := k.open(t, "طلب آخر", "نص")
		if testserver.Str(c2, "number") <= testserver.Str(c, "number") {
			t.Errorf("numbers %s then %s", testserver.Str(c, "number"), testserver.Str(c2, "number"))
		}
	})
}

func TestOpenCaseInvalid(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	elsewhere := ts.NewCaseSetup("")
	valid := func(kv ...any) map[string]any {
		m := map[string]any{"entity_id": k.cs.Entity, "case_type_id": k.cs.CaseType, "subject": "موضوع", "body": "نص", "priority": "normal"}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	for _, tc := range []struct {
		name   string
		token  string
		body   map[string]any
		status int
		code   string
		field  string
	}{
		{"priority", k.citizen.Token, valid("priority", "urgent"), 400, "EINVALID", "priority"},
		{"no subject", k.citizen.Token, valid("subject", "  "), 400, "EINVALID", "subject"},
		{"kind", k.citizen.Token, valid("kind", "praise"), 400, "EINVALID", "kind"},
		{"location", k.citizen.Token, valid("location", map[string]float64{"lat": 95, "lng": 0}), 400, "EINVALID", "location"},
		{"case type of another entity", k.citizen.Token, valid("case_type_id", elsewhere.CaseType), 400, "EINVALID", "case_type_id"},
		{"unknown case type", k.citizen.Token, valid("case_type_id", "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"), 400, "EINVALID", "case_type_id"},
		{"staff cannot open cases", k.employee.Token, valid(), 403, "EFORBIDDEN", ""},
		{"anonymous", "", valid(), 401, "EUNAUTHORIZED", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := ts.Do("POST", "/api/v1/cases", tc.token, tc.body)
			wantError(t, status, body, tc.status, tc.code, tc.field)
		})
	}
	if n := ts.Count("cases"); n != 0 {
		t.Errorf("%d cases stored by refused requests", n)
	}
	// Nobody can take it: the case waits, unassigned.
	empty := ts.NewCaseSetup("")
	c := ts.OpenCase(k.citizen.Token, empty, "موضوع", "نص")
	if c["assignee"] != nil || c["status"] != "new" {
		t.Errorf("with no staff: status %v, assignee %v", c["status"], c["assignee"])
	}
}

// TestCaseTransitions walks a case through the state machine over HTTP; each
// step the table refuses is a 409 that names the action and the status.
func TestCaseTransitions(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	emp := k.employee.Token
	status := func() string {
		return testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, emp, nil), "case.status")
	}
	refused := func(action jihat.Action, from jihat.Status, path string, body any) {
		t.Helper()
		st, ar := k.act(emp, id, path, body)
		e := wantError(t, st, ar, http.StatusConflict, "ECONFLICT", "")
		msg, _ := e["message"].(string)
		if !strings.Contains(msg, action.Label(jihat.LangAR)) || !strings.Contains(msg, from.Label(jihat.LangAR)) || !hasArabic(msg) {
			t.Errorf("%s on %s: Arabic message %q does not name %q and %q", action, from, msg, action.Label(jihat.LangAR), from.Label(jihat.LangAR))
		}
		st, en := k.act(emp, id, path, body, "Accept-Language", "en")
		e = wantError(t, st, en, http.StatusConflict, "ECONFLICT", "")
		msg, _ = e["message"].(string)
		if !strings.Contains(msg, action.Label(jihat.LangEN)) || !strings.Contains(msg, from.Label(jihat.LangEN)) || hasArabic(msg) {
			t.Errorf("%s on %s: English message %q does not name %q and %q", action, from, msg, action.Label(jihat.LangEN), from.Label(jihat.LangEN))
		}
		if got := status(); got != string(from) {
			t.Errorf("a refused %s moved the case to %s", action, got)
		}
	}
	step := func(path string, body any, want jihat.Status) {
		t.Helper()
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/"+path, emp, body)
		if got := status(); got != string(want) {
			t.Fatalf("after %s: status %s; want %s", path, got, want)
		}
	}
	transition := func(a jihat.Action) map[string]any { return map[string]any{"action": a} }

	refused(jihat.ActionResume, jihat.StatusAssigned, "transition", transition(jihat.ActionResume))
	refused(jihat.ActionClose, jihat.StatusAssigned, "transition", transition(jihat.ActionClose))
	step("transition", transition(jihat.ActionStart), jihat.StatusInProgress)
	refused(jihat.ActionStart, jihat.StatusInProgress, "transition", transition(jihat.ActionStart))
	step("transition", transition(jihat.ActionAwaitCitizen), jihat.StatusAwaitingCitizen)
	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.citizen.Token, map[string]any{"body": "هذه المعلومات"})
	if got := status(); got != string(jihat.StatusInProgress) {
		t.Fatalf("the requester's reply left the case %s; want in_progress", got)
	}
	step("resolve", map[string]any{"resolution": "تم"}, jihat.StatusResolved)
	refused(jihat.ActionResolve, jihat.StatusResolved, "resolve", map[string]any{"resolution": "مرة أخرى"})
	refused(jihat.ActionPostpone, jihat.StatusResolved, "postpone",
		map[string]any{"until": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "reason": "سبب التأجيل"})
	refused(jihat.ActionReply, jihat.StatusResolved, "comments", map[string]any{"body": "رد", "visibility": "public"})
	step("transition", transition(jihat.ActionClose), jihat.StatusClosed)
	refused(jihat.ActionStart, jihat.StatusClosed, "transition", transition(jihat.ActionStart))

	// An action the endpoint does not offer is invalid, not a conflict.
	st, body := k.act(emp, id, "transition", map[string]any{"action": "resolve"})
	wantError(t, st, body, http.StatusBadRequest, "EINVALID", "action")
}

// TestObjectionEscalates: each objection re-opens the case one level up and
// gives it to whoever holds that level.
// TestObjectionPrefersTheSupervisor: an entity admin who sits in the
// department and holds fewer open cases does not take a first objection
// from the department's supervisor.
func TestObjectionPrefersTheSupervisor(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	c1, c2 := testserver.Str(k.open(t, "أول", "نص"), "id"), testserver.Str(k.open(t, "ثان", "نص"), "id")
	k.setPerms(k.supervisor, []string{"case.handle"}, nil)
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+c2+"/assign", ts.Admin(), map[string]any{"employee_id": k.supervisor.ID})
	ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+k.cs.Entity+"/employees", ts.Admin(), map[string]any{
		"name": "مدير في القسم", "email": ts.Email("dept-admin"), "role": "entity_admin", "department_id": k.cs.Department,
		"password": testserver.Password})
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+c1+"/resolve", k.employee.Token, map[string]any{"resolution": "تم الحل"})
	m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+c1+"/object", k.citizen.Token, map[string]any{"reason": "لم يحل"})
	if got := testserver.Str(m, "case.assignee.id"); got != k.supervisor.ID {
		t.Errorf("first objection assigned to %s; want the supervisor %s", got, k.supervisor.ID)
	}
}

func TestObjectionEscalates(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		c := k.open(t, "موضوع", "نص")
		id := testserver.Str(c, "id")
		k.setPerms(k.supervisor, []string{"case.handle"}, nil) // may handle the escalated case

		st, body := k.act(k.citizen.Token, id, "object", map[string]any{"reason": "لم يحل"})
		wantError(t, st, body, http.StatusConflict, "ECONFLICT", "") // not resolved yet

		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.employee.Token, map[string]any{"resolution": "تم الحل"})
		if acts := testserver.Strings(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, k.citizen.Token, nil), "case.actions"); !listHas(acts, "object") {
			t.Errorf("the requester's actions %v lack object", acts)
		}
		st, body = k.act(k.other.Token, id, "object", map[string]any{"reason": "لم يحل"})
		wantError(t, st, body, http.StatusNotFound, "ENOTFOUND", "")
		st, body = k.act(k.employee.Token, id, "object", map[string]any{"reason": "لم يحل"})
		wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")
		st, body = k.act(k.citizen.Token, id, "object", map[string]any{"reason": ""})
		wantError(t, st, body, http.StatusBadRequest, "EINVALID", "reason")

		m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/object", k.citizen.Token, map[string]any{"reason": "الحل غير كاف"})
		for path, want := range map[string]string{"case.status": "objected", "case.escalation_level": "supervisor", "case.assignee.id": k.supervisor.ID} {
			if got := testserver.Str(m, path); got != want {
				t.Errorf("first objection: %s = %q; want %q", path, got, want)
			}
		}
		var types []string
		for _, e := range ts.CaseEvents(k.citizen.Token, id, "") {
			types = append(types, testserver.Str(e, "type"))
			if e["type"] == "objected" && (testserver.Str(e, "data.reason") != "الحل غير كاف" || testserver.Str(e, "data.level") != "supervisor") {
				t.Errorf("objected event %v", e)
			}
		}
		if !strings.HasSuffix(strings.Join(types, ","), "resolved,objected,escalated,assigned") {
			t.Errorf("timeline %v; want … resolved, objected, escalated, assigned", types)
		}

		// The supervisor resolves; a second objection goes to the entity admin.
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.supervisor.Token, map[string]any{"resolution": "حل ثان"})
		m = ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/object", k.citizen.Token, map[string]any{"reason": "ما زال غير كاف"})
		if testserver.Str(m, "case.escalation_level") != "entity_admin" || testserver.Str(m, "case.assignee.id") != k.admin.ID {
			t.Errorf("second objection: level %s assignee %s; want entity_admin, %s",
				testserver.Str(m, "case.escalation_level"), testserver.Str(m, "case.assignee.id"), k.admin.ID)
		}
		// No head is configured and no oversight account exists: the entity
		// admin is the last level, and their resolution is final.
		m = ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.admin.Token, map[string]any{"resolution": "حل ثالث"})
		if testserver.Str(m, "case.final_decision") != "true" || listHas(testserver.Strings(m, "case.actions"), "object") {
			t.Errorf("the last level's resolution: %v; want final, with no objection offered", m["case"])
		}
		st, body = k.act(k.citizen.Token, id, "object", map[string]any{"reason": "اعتراض أخير"})
		if e := wantError(t, st, body, http.StatusConflict, "ECONFLICT", ""); e["message"] != jihat.Message(jihat.LangAR, "objection_final") {
			t.Errorf("objection to a final decision: %v", e)
		}
	})
}

// TestObjectionWindow: after the window the objection is refused, and the
// sweeper closes the case.
func TestObjectionWindow(t *testing.T) {
	const window = time.Hour
	clock := newSettableClock()
	ts := testserver.Start(t, withClock(clock), testserver.Configure(func(c *server.Config) { c.ObjectionWindow = window }))
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.employee.Token, map[string]any{"resolution": "تم"})
	clock.Add(window + time.Second) // let the window end
	if acts := testserver.Strings(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, k.citizen.Token, nil), "case.actions"); listHas(acts, "object") {
		t.Errorf("actions %v offer object after the window", acts)
	}
	st, body := k.act(k.citizen.Token, id, "object", map[string]any{"reason": "متأخر"})
	e := wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
	if e["message"] != jihat.Message(jihat.LangAR, "objection_window_closed") {
		t.Errorf("message %q", e["message"])
	}
	ts.Server.Sweep(t.Context())
	m := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, k.citizen.Token, nil)
	if testserver.Str(m, "case.status") != "closed" {
		t.Errorf("after the window the sweeper left the case %s; want closed", testserver.Str(m, "case.status"))
	}
	// Rating is still possible once closed.
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/rating", k.citizen.Token, map[string]any{"score": 5})
}

func TestRating(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	rate := func(token string, body any) (int, map[string]any) {
		return ts.Do("POST", "/api/v1/cases/"+id+"/rating", token, body)
	}
	st, body := rate(k.citizen.Token, map[string]any{"score": 4})
	wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.employee.Token, map[string]any{"resolution": "تم"})
	for _, score := range []int{0, 6, -1} {
		st, body = rate(k.citizen.Token, map[string]any{"score": score})
		wantError(t, st, body, http.StatusBadRequest, "EINVALID", "score")
	}
	st, body = rate(k.other.Token, map[string]any{"score": 4})
	wantError(t, st, body, http.StatusNotFound, "ENOTFOUND", "")
	st, body = rate(k.employee.Token, map[string]any{"score": 5})
	wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")

	m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/rating", k.citizen.Token, map[string]any{"score": 4, "comment": "خدمة جيدة"})
	if testserver.Str(m, "case.rating") != "4" || testserver.Str(m, "case.rating_comment") != "خدمة جيدة" || testserver.Str(m, "case.status") != "resolved" {
		t.Errorf("rated case %v", m["case"])
	}
	st, body = rate(k.citizen.Token, map[string]any{"score": 1})
	e := wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
	if e["message"] != jihat.Message(jihat.LangAR, "already_rated") {
		t.Errorf("second rating: %q", e["message"])
	}
	evs := ts.CaseEvents(k.employee.Token, id, "")
	if last := evs[len(evs)-1]; last["type"] != "rated" || testserver.Str(last, "data.score") != "4" {
		t.Errorf("last event %v; want rated 4", last)
	}
}

func listHas(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
