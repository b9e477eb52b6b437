package testserver

import (
	"fmt"
	"net/http"
	"net/url"

	"github.com/jihat/jihat"
)

// Fixtures for the case tests: an entity ready to receive cases, staff with
// a capacity, and the calls a test makes on cases again and again.

// CaseSetup is an entity with one department and a case type of it (SLA
// 24/8/4 working hours for normal/important/very important).
type CaseSetup struct {
	Entity     string
	Department string
	CaseType   string
}

// NewCaseSetup creates a CaseSetup as the platform admin. rule is the
// entity's distribution rule ("" keeps the default, round-robin).
func (ts *TestServer) NewCaseSetup(rule jihat.AssignRule) CaseSetup {
	ts.tb.Helper()
	admin := ts.Admin()
	n := ts.next()
	body := map[string]any{"name_ar": fmt.Sprintf("جهة %d", n), "name_en": fmt.Sprintf("Entity %d", n), "sector": "government"}
	if rule != "" {
		body["assign_rule"] = string(rule)
	}
	e := Str(ts.Must(http.StatusCreated, "POST", "/api/v1/entities", admin, body), "id")
	d := ts.CreateDepartment(admin, e)
	return CaseSetup{Entity: e, Department: d, CaseType: ts.CreateCaseType(admin, e, d)}
}

// Staff creates a member of cs's department with role, the given capacity
// (0 = the default) and extra permissions, as the platform admin, and logs
// it in. An entity admin is created without a department.
func (ts *TestServer) Staff(cs CaseSetup, role jihat.Role, capacity int, permissions ...string) Account {
	ts.tb.Helper()
	email := ts.Email(string(role))
	body := map[string]any{"name": fmt.Sprintf("موظف %d", ts.next()), "email": email, "role": role, "password": Password}
	if role != jihat.RoleEntityAdmin {
		body["department_id"] = cs.Department
	}
	if capacity > 0 {
		body["capacity"] = capacity
	}
	if len(permissions) > 0 {
		body["permissions"] = permissions
	}
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+cs.Entity+"/employees", ts.Admin(), body)
	return Account{ID: Str(m, "user.id"), Login: email, Password: Password, Token: ts.Login(email, Password)}
}

// OpenCase opens a normal-priority case of cs as token and returns the case
// object of the answer. fields, name and value pairs, override the body
// ("priority", "important", ...).
func (ts *TestServer) OpenCase(token string, cs CaseSetup, subject, body string, fields ...any) map[string]any {
	ts.tb.Helper()
	req := map[string]any{"entity_id": cs.Entity, "case_type_id": cs.CaseType, "subject": subject, "body": body, "priority": "normal"}
	for i := 0; i+1 < len(fields); i += 2 {
		req[fmt.Sprint(fields[i])] = fields[i+1]
	}
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", token, req)
	c, _ := m["case"].(map[string]any)
	if c == nil {
		ts.tb.Fatalf("POST /api/v1/cases: no case in %v", m)
	}
	return c
}

// CaseEvents returns the events of case id that token may see; query is
// the query string without "?" ("since=3").
func (ts *TestServer) CaseEvents(token, id, query string) []map[string]any {
	ts.tb.Helper()
	path := "/api/v1/cases/" + id + "/events"
	if query != "" {
		path += "?" + query
	}
	return Objects(ts.Must(http.StatusOK, "GET", path, token, nil), "events")
}

// ListCases returns the cases and next cursor of GET /api/v1/cases with the
// given query parameters, name and value pairs.
func (ts *TestServer) ListCases(token string, params ...string) ([]map[string]any, string) {
	ts.tb.Helper()
	q := url.Values{}
	for i := 0; i+1 < len(params); i += 2 {
		q.Set(params[i], params[i+1])
	}
	m := ts.Must(http.StatusOK, "GET", "/api/v1/cases?"+q.Encode(), token, nil)
	return Objects(m, "cases"), Str(m, "next_cursor")
}

// Objects returns the array of objects at path.
func Objects(v any, path string) []map[string]any {
	arr, _ := Get(v, path).([]any)
	out := make([]map[string]any, 0, len(arr))
	for _, x := range arr {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}
