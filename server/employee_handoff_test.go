package server_test

import (
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestDisableHandsOffCases: disabling an employee gives their open cases to
// a colleague, each with an "assigned" event naming the previous assignee;
// a resolved case stays theirs; when nobody is left to take them, the cases
// stay and the answer says how many.
func TestDisableHandsOffCases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		cs := ts.NewCaseSetup("")
		citizen := ts.RegisterCitizen()
		a := ts.Staff(cs, jihat.RoleEmployee, 100)
		var held []string
		for range 3 {
			c := ts.OpenCase(citizen.Token, cs, "طلب", "نص الطلب")
			held = append(held, testserver.Str(c, "id"))
		}
		done := held[2]
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+done+"/resolve", a.Token, map[string]any{"resolution": "تم"})
		b := ts.Staff(cs, jihat.RoleEmployee, 100)

		m := ts.Must(http.StatusOK, "POST", "/api/v1/entities/"+cs.Entity+"/employees/"+a.ID+"/disable", ts.Admin(), nil)
		if testserver.Str(m, "cases_moved") != "2" || testserver.Str(m, "cases_left") != "0" {
			t.Fatalf("disable answered %v; want 2 moved, 0 left", m)
		}
		for _, id := range held[:2] {
			c := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, ts.Admin(), nil)
			if got := testserver.Str(c, "case.assignee.id"); got != b.ID {
				t.Errorf("case %s assigned to %s; want the colleague %s", id, got, b.ID)
			}
			events := ts.CaseEvents(citizen.Token, id, "")
			last := events[len(events)-1]
			if testserver.Str(last, "type") != "assigned" || testserver.Str(last, "data.previous_id") != a.ID {
				t.Errorf("last event of %s: %v; want assigned from %s", id, last, a.ID)
			}
		}
		if c := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+done, ts.Admin(), nil); testserver.Str(c, "case.assignee.id") != a.ID {
			t.Errorf("the resolved case moved to %s", testserver.Str(c, "case.assignee.id"))
		}

		// Nobody left: the colleague's cases stay with them.
		m = ts.Must(http.StatusOK, "POST", "/api/v1/entities/"+cs.Entity+"/employees/"+b.ID+"/disable", ts.Admin(), nil)
		if testserver.Str(m, "cases_moved") != "0" || testserver.Str(m, "cases_left") != "2" {
			t.Fatalf("second disable answered %v; want 0 moved, 2 left", m)
		}
	})
}
