package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestReassignRequest: an employee without case.reassign asks to hand the
// case to a colleague (202, the case unchanged); the supervisors are told;
// one request at a time; a colleague, the citizen or another employee may
// not decide; the supervisor refuses (a note required) or approves, and the
// case goes to the colleague; every step is on the staff timeline, audited
// and the requester hears the decision.
func TestReassignRequest(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
		colleague := ts.Staff(k.cs, jihat.RoleEmployee, 100)
		ask := func() map[string]any {
			t.Helper()
			st, body := k.act(k.employee.Token, id, "assign", map[string]any{"employee_id": colleague.ID, "reason": "خارج اختصاصي"})
			if st != http.StatusAccepted || testserver.Str(body, "case.assignee.id") != k.employee.ID ||
				testserver.Str(body, "request.status") != "pending" || testserver.Str(body, "request.employee_id") != colleague.ID {
				t.Fatalf("request: %d %v", st, body)
			}
			return body
		}
		req := testserver.Str(ask(), "request.id")
		if got := kindsOf(outboxOf(t, ts.Store, k.supervisor.ID)); !slices.Contains(got, "case.reassignment_requested") {
			t.Errorf("the supervisor's outbox %v lacks the request", got)
		}
		st, body := k.act(k.employee.Token, id, "assign", map[string]any{"employee_id": colleague.ID})
		wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
		list := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id+"/reassignments", k.supervisor.Token, nil)
		if rs := testserver.Objects(list, "reassignments"); len(rs) != 1 || rs[0]["id"] != req {
			t.Errorf("pending reassignments %v", list)
		}
		st, body = ts.Do("GET", "/api/v1/cases/"+id+"/reassignments", k.citizen.Token, nil)
		wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")

		decide := func(token, verb string, body any) (int, map[string]any) {
			return ts.Do("POST", "/api/v1/cases/"+id+"/reassignments/"+req+"/"+verb, token, body)
		}
		for who, token := range map[string]string{"the requester": k.employee.Token, "the citizen": k.citizen.Token} {
			st, body := decide(token, "approve", nil)
			if st != http.StatusForbidden && st != http.StatusNotFound {
				t.Errorf("%s approving: %d %v", who, st, body)
			}
		}
		st, body = decide(k.supervisor.Token, "refuse", map[string]any{})
		wantError(t, st, body, http.StatusBadRequest, "EINVALID", "note")
		m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/reassignments/"+req+"/refuse", k.supervisor.Token, map[string]any{"note": "أكملها"})
		if testserver.Str(m, "case.assignee.id") != k.employee.ID {
			t.Errorf("after a refusal: %v", m["case"])
		}
		st, body = decide(k.supervisor.Token, "approve", nil)
		wantError(t, st, body, http.StatusNotFound, "ENOTFOUND", "")

		req = testserver.Str(ask(), "request.id")
		m = ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/reassignments/"+req+"/approve", k.supervisor.Token, nil)
		if testserver.Str(m, "case.assignee.id") != colleague.ID {
			t.Fatalf("after the approval: %v", m["case"])
		}
		var types []string
		for _, e := range ts.CaseEvents(k.supervisor.Token, id, "") {
			types = append(types, testserver.Str(e, "type"))
		}
		for _, want := range []string{"reassignment_requested", "reassignment_refused", "reassignment_approved", "assigned"} {
			if !slices.Contains(types, want) {
				t.Errorf("staff timeline %v lacks %s", types, want)
			}
		}
		for _, e := range ts.CaseEvents(k.citizen.Token, id, "") {
			if strings.HasPrefix(testserver.Str(e, "type"), "reassignment_") {
				t.Errorf("the citizen sees %v", e)
			}
		}
		got := kindsOf(outboxOf(t, ts.Store, k.employee.ID))
		if !slices.Contains(got, "case.reassignment_refused") || !slices.Contains(got, "case.reassignment_approved") {
			t.Errorf("the requester's outbox %v", got)
		}
		if got := kindsOf(outboxOf(t, ts.Store, colleague.ID)); !slices.Contains(got, "case.assigned") {
			t.Errorf("the colleague's outbox %v", got)
		}
		if _, err := ts.Store.ChainAudit(t.Context()); err != nil { // link what is pending
			t.Fatal(err)
		}
		var actions []string
		rows, err := ts.DB.Query(`SELECT action FROM audit_log WHERE target = ? ORDER BY seq`, "case:"+id)
		if ts.Postgres {
			rows, err = ts.DB.Query(`SELECT action FROM audit_log WHERE target = $1 ORDER BY seq`, "case:"+id)
		}
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a string
			rows.Scan(&a)
			actions = append(actions, a)
		}
		rows.Close()
		for _, want := range []string{"case.assign", "case.reassignment_refuse", "case.reassignment_approve"} {
			if !slices.Contains(actions, want) {
				t.Errorf("audit %v lacks %s", actions, want)
			}
		}
	})
}

// TestReassignToAnotherDepartment: a case given to an employee of another
// department moves to it: its department, its supervisors' view, and the
// assigned event say so.
func TestReassignToAnotherDepartment(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	dep2 := ts.CreateDepartment(ts.Admin(), k.cs.Entity)
	other := ts.CreateEmployee(ts.Admin(), k.cs.Entity, dep2, jihat.RoleEmployee)
	sup2 := ts.CreateEmployee(ts.Admin(), k.cs.Entity, dep2, jihat.RoleSupervisor)
	st, _ := ts.Do("GET", "/api/v1/cases/"+id, sup2.Token, nil)
	if st != http.StatusNotFound {
		t.Fatalf("the other department's supervisor sees the case before the move: %d", st)
	}
	m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", k.supervisor.Token, map[string]any{"employee_id": other.ID})
	if testserver.Str(m, "case.department_id") != dep2 || testserver.Str(m, "case.assignee.id") != other.ID {
		t.Fatalf("after reassignment to another department: %v", m["case"])
	}
	evs := ts.CaseEvents(k.citizen.Token, id, "")
	if last := evs[len(evs)-1]; last["type"] != "assigned" || testserver.Str(last, "data.department_id") != dep2 {
		t.Errorf("assigned event %v; want the new department", last)
	}
	ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, sup2.Token, nil)
}
