package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
)

// TestResumeRestoresRemainingTime: a postponed case's deadline is the
// postponed-until date plus the working time that was left when it was
// postponed, and resuming it gives that time back from the resumption (the
// rule of jihat.Case.Pause). The entity works around the clock, so working
// time is wall time and the test does not depend on the hour it runs at.
func TestResumeRestoresRemainingTime(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		ts.Must(http.StatusOK, "PATCH", "/api/v1/entities/"+k.cs.Entity, k.admin.Token, map[string]any{"calendar": map[string]any{
			"time_zone": "Asia/Riyadh", "workdays": []string{"sun", "mon", "tue", "wed", "thu", "fri", "sat"}, "start": "00:00", "end": "24:00"}})
		c := k.open(t, "موضوع", "نص")
		id := testserver.Str(c, "id")
		due0 := parseTime(t, testserver.Str(c, "due_at"))
		const slop = 3 * time.Second
		near := func(what string, got, want time.Time) {
			t.Helper()
			if d := got.Sub(want); d < -slop || d > slop {
				t.Errorf("%s: %v, want %v (±%v)", what, got, want, slop)
			}
		}

		until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)
		before := time.Now()
		m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postpone", k.admin.Token,
			map[string]any{"until": until.Format(time.RFC3339), "reason": "بانتظار رد جهة أخرى"})
		left := due0.Sub(before) // the working time left, to within the request's duration
		near("due while postponed", parseTime(t, testserver.Str(m, "case.due_at")), until.Add(left))
		if got := testserver.Str(m, "case.postponed_until"); got != until.Format(time.RFC3339) {
			t.Errorf("postponed_until %s, want %s", got, until.Format(time.RFC3339))
		}

		m = ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/transition", k.employee.Token, map[string]any{"action": "resume"})
		near("due after resuming", parseTime(t, testserver.Str(m, "case.due_at")), time.Now().Add(left))
		if testserver.Str(m, "case.status") != "in_progress" || testserver.Str(m, "case.postponed_until") != "" || testserver.Str(m, "case.late") != "false" {
			t.Errorf("resumed case %v", m["case"])
		}
	})
}

func parseTime(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatalf("time %q: %v", s, err)
	}
	return v
}
