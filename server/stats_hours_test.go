package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestStatsHoursWorked scripts a day of employee A: logins and logouts,
// a live connection with presence heartbeats (the tracker's flushes),
// actions over the socket and REST, and a session across midnight; every
// second of logged-in, online and active time is computed by hand.
func TestStatsHoursWorked(t *testing.T) {
	clk := &settableClock{}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		ctx := t.Context()
		clk.Set(at(1, 7, 0))
		cs := ts.NewCaseSetup("")
		sup := ts.Staff(cs, jihat.RoleSupervisor, 50)
		citizen := ts.RegisterCitizen()
		// A logs in at 08:00 (a separate login, so this session is the one
		// the log shows).
		clk.Set(at(1, 7, 30))
		a := ts.Staff(cs, jihat.RoleEmployee, 50) // its own login at 07:30, never logged out
		caseID := testserver.Str(ts.OpenCase(citizen.Token, cs, "طلب", "نص"), "id")
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+caseID+"/assign", ts.Admin(), map[string]any{"employee_id": a.ID})
		ts.Must(http.StatusNoContent, "POST", "/api/v1/auth/logout", a.Token, nil) // 07:30 → 07:30: nothing
		clk.Set(at(1, 8, 0))
		token := ts.Login(a.Login, a.Password)

		// 08:05 A opens the live socket; 08:30 a heartbeat writes the
		// running interval.
		clk.Set(at(1, 8, 5))
		live := ts.DialLive(token)
		live.Subscribe("user:"+a.ID, 0) // an action: 08:05 → 08:07
		clk.Set(at(1, 8, 30))
		ts.Server.StatsTick(ctx)
		// 09:00 a subscription, 09:01 a REST reply: one stretch 09:00 → 09:03.
		clk.Set(at(1, 9, 0))
		live.Subscribe("case:"+caseID, 0)
		clk.Set(at(1, 9, 1))
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+caseID+"/comments", token, map[string]any{"body": "نعم", "visibility": "public"})
		// 09:10 another subscription (a fetch): 09:10 → 09:12.
		clk.Set(at(1, 9, 10))
		live.Subscribe("case:"+caseID, 0)
		clk.Set(at(1, 9, 20))
		ts.Server.StatsTick(ctx)
		// 09:30 the socket closes; wait until the server has counted it.
		clk.Set(at(1, 9, 30))
		live.Close()
		deadline := time.Now().Add(10 * time.Second)
		for ts.Server.LiveConnections() > 0 {
			if time.Now().After(deadline) {
				t.Fatal("the closed socket was never counted")
			}
			time.Sleep(5 * time.Millisecond)
		}
		// 10:00 logout.
		clk.Set(at(1, 10, 0))
		ts.Must(http.StatusNoContent, "POST", "/api/v1/auth/logout", token, nil)
		// 23:30 a login across midnight, logged out at 00:30.
		clk.Set(at(1, 23, 30))
		night := ts.Login(a.Login, a.Password)
		clk.Set(at(2, 0, 30))
		ts.Must(http.StatusNoContent, "POST", "/api/v1/auth/logout", night, nil)
		clk.Set(at(2, 12, 0))
		ts.Server.StatsTick(ctx)

		m := ts.Must(http.StatusOK, "GET", "/api/v1/stats/employees/"+a.ID+"/hours?from=2026-03-01&to=2026-03-02", sup.Token, nil)
		days := testserver.Objects(m, "days")
		if len(days) != 2 {
			t.Fatalf("days %v", days)
		}
		// Mar 1: logged in 08:00–10:00 and 23:30–24:00; online 08:05–09:30;
		// active 08:05–08:07, 09:00–09:03, 09:10–09:12.
		want(t, "Mar 1", days[0], map[string]any{"logged_in_seconds": 2*3600 + 1800, "online_seconds": 85 * 60, "active_seconds": 7 * 60})
		want(t, "Mar 2", days[1], map[string]any{"logged_in_seconds": 1800, "online_seconds": 0, "active_seconds": 0})
		want(t, "totals", m, map[string]any{"logged_in_seconds": 3 * 3600, "online_seconds": 85 * 60, "active_seconds": 7 * 60})
		if testserver.Str(days[0], "date") != "2026-03-01" || testserver.Str(days[0], "hijri") != "1447-09-12" {
			t.Errorf("day %v", days[0])
		}
		log := testserver.Objects(m, "sessions")
		if len(log) != 3 {
			t.Fatalf("login log %v, want 3 sessions (07:30, 08:00, 23:30)", log)
		}
		for i, w := range []struct{ login, logout string }{
			{"2026-03-01T04:30:00Z", "2026-03-01T04:30:00Z"},
			{"2026-03-01T05:00:00Z", "2026-03-01T07:00:00Z"},
			{"2026-03-01T20:30:00Z", "2026-03-01T21:30:00Z"},
		} {
			if testserver.Str(log[i], "login_at") != w.login || testserver.Str(log[i], "logout_at") != w.logout || testserver.Str(log[i], "ended_by") != "logout" {
				t.Errorf("session %d: %v, want %+v", i, log[i], w)
			}
		}
		// The employee figures carry the same active time.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/employees/"+a.ID+"?from=2026-03-01&to=2026-03-02", sup.Token, nil)
		want(t, "employee", m, map[string]any{"active_seconds": 7 * 60, "online_seconds": 85 * 60, "logged_in_seconds": 3 * 3600})
		// What the tracker wrote is what a restarted server reads: the
		// intervals are in the database, none left only in memory.
		var n int64
		q := "SELECT COUNT(*) FROM work_intervals WHERE kind = 'active' AND user_id = ?"
		if ts.Postgres {
			q = "SELECT COUNT(*) FROM work_intervals WHERE kind = 'active' AND user_id = $1"
		}
		if err := ts.DB.QueryRow(q, a.ID).Scan(&n); err != nil || n != 3 {
			t.Errorf("active intervals in the database: %d (%v), want 3", n, err)
		}
	}, statsOptions(clk)...)
}
