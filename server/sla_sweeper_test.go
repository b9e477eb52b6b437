package server_test

import (
	"fmt"
	"net/http"
	"sort"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// The SLA sweeper: reminders before the deadline, supervisors told when it
// passes, waiting cases assigned when someone has room.

// caseIntent is one notification intent.
type caseIntent struct{ Kind, Recipient string }

// caseOutbox returns the notification intents queued for a case, sorted.
func caseOutbox(t *testing.T, ts *testserver.TestServer, caseID string) []caseIntent {
	t.Helper()
	q := "SELECT kind, recipient_id FROM outbox WHERE case_id = ?"
	if ts.Postgres {
		q = "SELECT kind, recipient_id FROM outbox WHERE case_id = $1"
	}
	rows, err := ts.DB.Query(q, caseID)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []caseIntent
	for rows.Next() {
		var r caseIntent
		if err := rows.Scan(&r.Kind, &r.Recipient); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return fmt.Sprint(out[i]) < fmt.Sprint(out[j]) })
	return out
}

// countIntents returns how many rows of kind to recipient are in rows.
func countIntents(rows []caseIntent, kind, recipient string) int {
	n := 0
	for _, r := range rows {
		if r.Kind == kind && r.Recipient == recipient {
			n++
		}
	}
	return n
}

// staffEvents returns the types of a case's staff-channel events.
func staffEvents(ts *testserver.TestServer, token, id string) []string {
	var out []string
	for _, e := range ts.CaseEvents(token, id, "since=1000") {
		out = append(out, testserver.Str(e, "type"))
	}
	return out
}

func TestSweepReminderAndLate(t *testing.T) {
	// Sunday 4 January 2026, 09:00 in Riyadh: a very important case (4
	// working hours) is due at 13:00, and its assignee is reminded at 12:00.
	t0 := time.Date(2026, 1, 4, 6, 0, 0, 0, time.UTC)
	clk := &settableClock{t: t0}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		clk.Set(t0)
		k := newCaseCast(t, ts)
		urgent := k.open(t, "عاجل", "نص", "priority", "very_important")
		normal := k.open(t, "عادي", "نص")
		id, calm := testserver.Str(urgent, "id"), testserver.Str(normal, "id")
		if got := testserver.Str(urgent, "due_at"); got != "2026-01-04T10:00:00Z" {
			t.Fatalf("due_at %s; want 13:00 Riyadh", got)
		}
		base := caseOutbox(t, ts, id)
		sweepAt := func(at time.Time) {
			t.Helper()
			clk.Set(at)
			ts.Server.Sweep(t.Context())
		}
		late := func(caseID string) bool {
			return testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+caseID, k.citizen.Token, nil), "case.late") == "true"
		}

		sweepAt(t0.Add(time.Hour)) // 10:00: nothing is due
		if got := caseOutbox(t, ts, id); len(got) != len(base) {
			t.Errorf("at 10:00 the sweep queued %v", got[len(base):])
		}
		if ev := staffEvents(ts, k.employee.Token, id); len(ev) != 0 {
			t.Errorf("at 10:00 staff events %v", ev)
		}

		for range 2 { // 12:30: one reminder, however often the sweeper runs
			sweepAt(t0.Add(3*time.Hour + 30*time.Minute))
		}
		box := caseOutbox(t, ts, id)
		if n := countIntents(box, "case.deadline_approaching", k.employee.ID); n != 1 {
			t.Errorf("reminders to the assignee: %d; want 1 (%v)", n, box)
		}
		if n := countIntents(box, "case.late", k.supervisor.ID); n != 0 {
			t.Errorf("supervisor told of a late case before its deadline")
		}
		if ev := staffEvents(ts, k.employee.Token, id); fmt.Sprint(ev) != "[reminder]" {
			t.Errorf("staff events %v; want [reminder]", ev)
		}
		if late(id) {
			t.Error("late before the deadline")
		}

		for range 2 { // 13:30: past due; supervisors told once
			sweepAt(t0.Add(4*time.Hour + 30*time.Minute))
		}
		box = caseOutbox(t, ts, id)
		if n := countIntents(box, "case.late", k.supervisor.ID); n != 1 {
			t.Errorf("late notices to the supervisor: %d; want 1 (%v)", n, box)
		}
		if n := countIntents(box, "case.deadline_approaching", k.employee.ID); n != 1 {
			t.Errorf("reminders after the deadline: %d; want still 1", n)
		}
		if ev := staffEvents(ts, k.employee.Token, id); fmt.Sprint(ev) != "[reminder overdue]" {
			t.Errorf("staff events %v; want [reminder overdue]", ev)
		}
		if !late(id) || late(calm) {
			t.Errorf("late: urgent %v, normal %v; want true, false", late(id), late(calm))
		}
		if got := caseOutbox(t, ts, calm); countIntents(got, "case.deadline_approaching", k.employee.ID)+countIntents(got, "case.late", k.supervisor.ID) != 0 {
			t.Errorf("the normal case, due on Wednesday, got %v", got)
		}
		cases, _ := ts.ListCases(k.employee.Token, "late", "true")
		if len(cases) != 1 || cases[0]["id"] != id {
			t.Errorf("late=true lists %v; want the urgent case", cases)
		}
		// The requester never sees the staff's reminders.
		for _, e := range ts.CaseEvents(k.citizen.Token, id, "since=0&staff_since=0") {
			if e["visibility"] != "public" {
				t.Errorf("the requester got %v", e)
			}
		}
		// A resolved case is no longer late.
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.employee.Token, map[string]any{"resolution": "تم"})
		if late(id) {
			t.Error("a resolved case is late")
		}
	}, withClock(clk))
}

// TestSweepAssignsWaiting: three employees of capacity 2 take six of ten
// cases; when one resolves a case, the sweeper gives them the oldest
// waiting one.
func TestSweepAssignsWaiting(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		cs := ts.NewCaseSetup("")
		citizen := ts.RegisterCitizen()
		var staff []testserver.Account
		for range 3 {
			staff = append(staff, ts.Staff(cs, jihat.RoleEmployee, 2))
		}
		var ids []string
		held := map[string]int{}
		for i := range 10 {
			c := ts.OpenCase(citizen.Token, cs, fmt.Sprintf("طلب %d", i), "نص")
			ids = append(ids, testserver.Str(c, "id"))
			held[testserver.Str(c, "assignee.id")]++
		}
		for _, s := range staff {
			if held[s.ID] != 2 {
				t.Errorf("an employee holds %d; want 2 (%v)", held[s.ID], held)
			}
		}
		if held[""] != 4 {
			t.Fatalf("%d cases wait; want 4", held[""])
		}
		ts.Server.Sweep(t.Context()) // nobody has room: nothing changes
		if waiting, _ := ts.ListCases(citizen.Token, "status", "new"); len(waiting) != 4 {
			t.Fatalf("after a sweep with no room: %d waiting; want 4", len(waiting))
		}

		mine, _ := ts.ListCases(staff[2].Token, "assignee", "me")
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+testserver.Str(mine[0], "id")+"/resolve", staff[2].Token, map[string]any{"resolution": "تم"})
		ts.Server.Sweep(t.Context())
		waiting, _ := ts.ListCases(citizen.Token, "status", "new")
		if len(waiting) != 3 {
			t.Fatalf("%d waiting after one resolution; want 3", len(waiting))
		}
		oldest := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+ids[6], citizen.Token, nil)
		if testserver.Str(oldest, "case.assignee.id") != staff[2].ID || testserver.Str(oldest, "case.status") != "assigned" {
			t.Errorf("the oldest waiting case: %v; want assigned to the employee with room", oldest["case"])
		}
		if mine, _ = ts.ListCases(staff[2].Token, "assignee", "me", "status", "assigned"); len(mine) != 2 {
			t.Errorf("the employee holds %d open cases; want 2", len(mine))
		}
	})
}
