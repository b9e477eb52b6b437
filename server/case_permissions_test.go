package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// Reassignment and postponement with and without their permissions, and the
// approval path of a postponement request.

func TestReassignPermission(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
		colleague := ts.Staff(k.cs, jihat.RoleEmployee, 100)
		assign := func(token, to string) (int, map[string]any) {
			return k.act(token, id, "assign", map[string]any{"employee_id": to})
		}

		// Without case.reassign it becomes a request (TestReassignRequest);
		// the supervisor refuses this one.
		st, body := assign(k.employee.Token, colleague.ID)
		if st != http.StatusAccepted {
			t.Fatalf("reassignment without case.reassign: %d %v; want 202", st, body)
		}
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/reassignments/"+testserver.Str(body, "request.id")+"/refuse",
			k.supervisor.Token, map[string]any{"note": "ابق عليها"})
		k.setPerms(k.employee, []string{"case.reassign"}, nil)
		m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", k.employee.Token, map[string]any{"employee_id": colleague.ID})
		if testserver.Str(m, "case.assignee.id") != colleague.ID || testserver.Str(m, "case.status") != "assigned" {
			t.Fatalf("after reassignment: %v", m["case"])
		}
		evs := ts.CaseEvents(k.citizen.Token, id, "")
		last := evs[len(evs)-1]
		if last["type"] != "assigned" || testserver.Str(last, "data.assignee_id") != colleague.ID ||
			testserver.Str(last, "data.previous_id") != k.employee.ID || testserver.Str(last, "actor.id") != k.employee.ID {
			t.Errorf("reassignment event %v", last)
		}
		// The employee no longer holds the case: they no longer see it.
		st, body = assign(k.employee.Token, k.employee.ID)
		wantError(t, st, body, http.StatusNotFound, "ENOTFOUND", "")

		// The colleague holds it; without case.reassign they may only ask.
		if st, body = assign(colleague.Token, k.employee.ID); st != http.StatusAccepted {
			t.Fatalf("the colleague's reassignment: %d %v; want 202", st, body)
		}
		// The supervisor has case.reassign by default; a revocation takes it away.
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", k.supervisor.Token, map[string]any{"employee_id": k.employee.ID})
		k.setPerms(k.supervisor, nil, []string{"case.reassign"})
		st, body = assign(k.supervisor.Token, colleague.ID)
		wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")

		// Whom a case may go to.
		other := ts.NewCaseSetup("")
		stranger := ts.Staff(other, jihat.RoleEmployee, 10)
		noHandle := ts.Staff(k.cs, jihat.RoleEmployee, 10)
		k.setPerms(noHandle, nil, []string{"case.handle"})
		for name, to := range map[string]string{"another entity": stranger.ID, "a citizen": k.citizen.ID,
			"without case.handle": noHandle.ID, "nobody": "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"} {
			st, body := k.act(k.admin.Token, id, "assign", map[string]any{"employee_id": to})
			if st != http.StatusBadRequest {
				t.Errorf("assign to %s: %d %v; want 400", name, st, body)
			}
		}
		st, body = assign(k.admin.Token, k.employee.ID)
		wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
		st, body = assign(k.admin.Token, "not-an-id")
		wantError(t, st, body, http.StatusBadRequest, "EINVALID", "employee_id")
	})
}

// postponeBody asks to postpone until days from now.
func postponeBody(days int, reason string) (time.Time, map[string]any) {
	until := time.Now().Add(time.Duration(days) * 24 * time.Hour).UTC().Truncate(time.Second)
	return until, map[string]any{"until": until.Format(time.RFC3339), "reason": reason}
}

func TestPostponePermission(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)

		t.Run("with case.postpone", func(t *testing.T) {
			ts := ts.For(t)
			id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
			k.setPerms(k.employee, []string{"case.postpone"}, nil)
			defer k.setPerms(k.employee, nil, []string{"case.postpone"})
			until, body := postponeBody(3, "بانتظار جهة أخرى")
			m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token, body)
			// The deadline is the date plus the working time that was left
			// (TestResumeRestoresRemainingTime): after the date.
			if testserver.Str(m, "case.status") != "postponed" || !parseTime(t, testserver.Str(m, "case.due_at")).After(until) ||
				testserver.Str(m, "case.postponed_until") != until.Format(time.RFC3339) {
				t.Errorf("postponed case %v; want postponed until %s, due after it", m["case"], until.Format(time.RFC3339))
			}
		})

		t.Run("approval", func(t *testing.T) {
			ts := ts.For(t)
			c := k.open(t, "موضوع", "نص")
			id, due := testserver.Str(c, "id"), testserver.Str(c, "due_at")
			until, body := postponeBody(5, "بانتظار تقرير")
			m := ts.Must(http.StatusAccepted, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token, body)
			reqID := testserver.Str(m, "request.id")
			if reqID == "" || testserver.Str(m, "request.status") != "pending" || testserver.Str(m, "case.status") != "assigned" ||
				testserver.Str(m, "case.due_at") != due {
				t.Fatalf("request answer %v; want a pending request and the case unchanged", m)
			}
			_, again := postponeBody(6, "مرة أخرى")
			st, b := k.act(k.employee.Token, id, "postpone", again)
			wantError(t, st, b, http.StatusConflict, "ECONFLICT", "")
			pending := testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id+"/postponements", k.supervisor.Token, nil), "postponements")
			if len(pending) != 1 || pending[0]["id"] != reqID || pending[0]["requested_by"] != k.employee.ID {
				t.Fatalf("pending %v", pending)
			}
			st, b = k.act(k.employee.Token, id, "postponements/"+reqID+"/approve", map[string]any{})
			wantError(t, st, b, http.StatusForbidden, "EFORBIDDEN", "")
			st, b = k.act(k.supervisor.Token, id, "postponements/0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b/approve", nil)
			wantError(t, st, b, http.StatusNotFound, "ENOTFOUND", "")

			m = ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postponements/"+reqID+"/approve", k.supervisor.Token, nil)
			dueAt := testserver.Str(m, "case.due_at")
			if testserver.Str(m, "case.status") != "postponed" || testserver.Str(m, "case.postponed_until") != until.Format(time.RFC3339) ||
				!parseTime(t, dueAt).After(until) {
				t.Errorf("approved: %v; want postponed until %s, due after it", m["case"], until.Format(time.RFC3339))
			}
			st, b = k.act(k.supervisor.Token, id, "postponements/"+reqID+"/approve", nil)
			wantError(t, st, b, http.StatusNotFound, "ENOTFOUND", "") // decided already

			staffTypes := map[string]map[string]any{}
			for _, e := range ts.CaseEvents(k.supervisor.Token, id, "") {
				staffTypes[testserver.Str(e, "type")] = e
			}
			req, ok1 := staffTypes["postponement_requested"]
			appr, ok2 := staffTypes["postponement_approved"]
			pub, ok3 := staffTypes["postponed"]
			if !ok1 || !ok2 || !ok3 || req["visibility"] != "internal" || appr["visibility"] != "internal" || pub["visibility"] != "public" {
				t.Fatalf("events %v; want internal request and approval, public postponed", staffTypes)
			}
			if testserver.Str(req, "actor.id") != k.employee.ID || testserver.Str(appr, "actor.id") != k.supervisor.ID ||
				testserver.Str(appr, "data.reason") != "بانتظار تقرير" || testserver.Str(pub, "data.reason") != "" || // the reason is internal
				!parseTime(t, testserver.Str(pub, "data.due_at")).Truncate(time.Second).Equal(parseTime(t, dueAt)) {
				t.Errorf("request %v\napproval %v\npostponed %v", req, appr, pub)
			}
			for _, e := range ts.CaseEvents(k.citizen.Token, id, "") {
				if e["visibility"] != "public" {
					t.Errorf("the requester sees %v", e)
				}
			}
		})

		t.Run("refusal", func(t *testing.T) {
			ts := ts.For(t)
			c := k.open(t, "موضوع", "نص")
			id := testserver.Str(c, "id")
			_, body := postponeBody(2, "سبب ضعيف")
			reqID := testserver.Str(ts.Must(http.StatusAccepted, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token, body), "request.id")
			st, b := k.act(k.supervisor.Token, id, "postponements/"+reqID+"/refuse", map[string]any{"note": ""})
			wantError(t, st, b, http.StatusBadRequest, "EINVALID", "note")
			m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postponements/"+reqID+"/refuse", k.supervisor.Token, map[string]any{"note": "غير مبرر"})
			if testserver.Str(m, "case.status") != "assigned" || testserver.Str(m, "case.due_at") != testserver.Str(c, "due_at") {
				t.Errorf("refused: %v; want the case unchanged", m["case"])
			}
			evs := ts.CaseEvents(k.employee.Token, id, "")
			if last := evs[len(evs)-1]; last["type"] != "postponement_refused" || last["visibility"] != "internal" {
				t.Errorf("last event %v", last)
			}
			if p := testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id+"/postponements", k.employee.Token, nil), "postponements"); len(p) != 0 {
				t.Errorf("pending after refusal: %v", p)
			}
			// A new request may follow the refusal.
			_, body = postponeBody(2, "سبب جديد")
			ts.Must(http.StatusAccepted, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token, body)
		})

		t.Run("revoked approval", func(t *testing.T) {
			ts := ts.For(t)
			id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
			_, body := postponeBody(2, "سبب ما")
			reqID := testserver.Str(ts.Must(http.StatusAccepted, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token, body), "request.id")
			k.setPerms(k.supervisor, nil, []string{"case.approve"})
			defer k.setPerms(k.supervisor, []string{"case.approve"}, nil)
			st, b := k.act(k.supervisor.Token, id, "postponements/"+reqID+"/approve", nil)
			wantError(t, st, b, http.StatusForbidden, "EFORBIDDEN", "")
			ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postponements/"+reqID+"/approve", k.admin.Token, nil)
		})
	})
}
