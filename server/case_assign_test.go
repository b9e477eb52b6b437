package server_test

import (
	"context"
	"database/sql"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// Automatic assignment through the API: many citizens opening cases at
// once, on PostgreSQL (and SQLite), with each distribution rule, and the
// preference for employees connected to the live hub.

// openConcurrently opens n cases of cs from workers goroutines and returns
// the answers' case IDs.
func openConcurrently(t *testing.T, ts *testserver.TestServer, cs testserver.CaseSetup, n, workers int) []string {
	t.Helper()
	citizens := make([]testserver.Account, workers)
	for i := range citizens {
		citizens[i] = ts.RegisterCitizen()
	}
	ids := make([]string, n)
	errs := make(chan error, n)
	next := make(chan int)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := range next {
				res, err := ts.Raw("POST", "/api/v1/cases", citizens[w].Token, map[string]any{"entity_id": cs.Entity,
					"case_type_id": cs.CaseType, "subject": fmt.Sprintf("طلب %d", i), "body": "نص", "priority": "normal"})
				if err != nil || res.Status != http.StatusCreated {
					errs <- fmt.Errorf("case %d: %v %v", i, res, err)
					continue
				}
				m, _ := res.JSON()
				ids[i] = testserver.Str(m, "case.id")
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	return ids
}

// checkSpread checks, over the raw database, that each case has exactly one
// "assigned" event, that each employee's open_cases equals the cases they
// hold, and that the holdings differ by at most one; it returns them.
func checkSpread(t *testing.T, ts *testserver.TestServer, ids []string, staff []testserver.Account) map[string]int {
	t.Helper()
	ph := func(n int) string {
		if ts.Postgres {
			return fmt.Sprintf("$%d", n)
		}
		return "?"
	}
	held := map[string]int{}
	for _, id := range ids {
		var assignee sql.NullString
		if err := ts.DB.QueryRow("SELECT assignee_id FROM cases WHERE id = "+ph(1), id).Scan(&assignee); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := ts.DB.QueryRow("SELECT COUNT(*) FROM case_events WHERE case_id = "+ph(1)+" AND type = 'assigned'", id).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 || !assignee.Valid {
			t.Errorf("case %s: assignee %v, %d assigned events; want one", id, assignee, n)
		}
		held[assignee.String]++
	}
	lo, hi := len(ids), 0
	for _, s := range staff {
		var open int
		if err := ts.DB.QueryRow("SELECT open_cases FROM users WHERE id = "+ph(1), s.ID).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open != held[s.ID] {
			t.Errorf("employee %s: open_cases %d, holds %d", s.ID, open, held[s.ID])
		}
		lo, hi = min(lo, held[s.ID]), max(hi, held[s.ID])
	}
	if hi-lo > 1 {
		t.Errorf("spread %d..%d: %v", lo, hi, held)
	}
	return held
}

// TestAssignOverHTTP: 200 cases opened by 16 citizens at once go round-robin
// (or least-load) to 7 employees within one of each other.
func TestAssignOverHTTP(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		for _, rule := range []jihat.AssignRule{jihat.AssignRoundRobin, jihat.AssignLeastLoad} {
			t.Run(string(rule), func(t *testing.T) {
				ts := ts.For(t)
				cs := ts.NewCaseSetup(rule)
				var staff []testserver.Account
				for range 7 {
					staff = append(staff, ts.Staff(cs, jihat.RoleEmployee, 100))
				}
				ids := openConcurrently(t, ts, cs, 200, 16)
				held := checkSpread(t, ts, ids, staff)
				if len(held) != 7 {
					t.Errorf("cases went to %d people; want the 7 employees: %v", len(held), held)
				}
			})
		}
	})
}

// TestAssignPrefersConnected: an employee with a live socket gets new cases
// before colleagues who are not connected, until their capacity is full.
func TestAssignPrefersConnected(t *testing.T) {
	ts := testserver.Start(t)
	cs := ts.NewCaseSetup("")
	citizen := ts.RegisterCitizen()
	a, b := ts.Staff(cs, jihat.RoleEmployee, 3), ts.Staff(cs, jihat.RoleEmployee, 3)

	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + b.Token}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	go func() { // keep reading so the socket stays healthy
		for {
			if _, _, err := ws.Read(context.Background()); err != nil {
				return
			}
		}
	}()
	for { // presence is registered asynchronously
		on, err := ts.Server.Hub().Online(ctx, []string{a.ID, b.ID})
		if err != nil {
			t.Fatal(err)
		}
		if on[b.ID] && !on[a.ID] {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the hub never saw the employee online: %v", on)
		}
		time.Sleep(10 * time.Millisecond)
	}
	var got []string
	for i := range 4 {
		got = append(got, testserver.Str(ts.OpenCase(citizen.Token, cs, fmt.Sprintf("طلب %d", i), "نص"), "assignee.id"))
	}
	if want := []string{b.ID, b.ID, b.ID, a.ID}; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("assignees %v; want the connected employee until full (%s ×3), then %s", got, b.ID, a.ID)
	}
}
