package server_test

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// The statistics tests: a fixed clock and a small dataset whose every
// figure is computed by hand below.

var riyadh = time.FixedZone("AST", 3*3600)

// at is a Riyadh wall-clock time in March 2026 (1 March is a Sunday).
func at(day, hour, min int) time.Time { return time.Date(2026, 3, day, hour, min, 0, 0, riyadh) }

// statsWorld is the dataset: entity E with departments D1 (employees A and
// B, supervisor S1) and D2 (employee C); entity F with supervisor S2; an
// entity admin of E, an oversight officer and a citizen.
type statsWorld struct {
	clk             *settableClock
	cs, cs2         testserver.CaseSetup
	a, b, c, s1, ea testserver.Account
	s2, oversight   testserver.Account
	citizen         testserver.Account
	other           testserver.CaseSetup
	cases           [8]string // 1..7
	admin           string
}

func statsOptions(clk *settableClock) []testserver.Option {
	return []testserver.Option{testserver.Clock(clk.Now), testserver.Configure(func(c *server.Config) { c.SessionTTL = 60 * 24 * time.Hour })}
}

// newStatsWorld builds the dataset. Times are Riyadh wall time; the default
// calendar works Sunday to Thursday, 08:00 to 15:00; SLAs are 24, 8 and 4
// working hours (normal, important, very important).
func newStatsWorld(t *testing.T, ts *testserver.TestServer, clk *settableClock) *statsWorld {
	t.Helper()
	w := &statsWorld{clk: clk}
	clk.Set(time.Date(2026, 2, 27, 9, 0, 0, 0, riyadh)) // Friday: set-up
	w.admin = ts.Admin()
	w.cs = ts.NewCaseSetup("")
	d2 := ts.CreateDepartment(w.admin, w.cs.Entity)
	w.cs2 = testserver.CaseSetup{Entity: w.cs.Entity, Department: d2, CaseType: ts.CreateCaseType(w.admin, w.cs.Entity, d2)}
	w.a = ts.Staff(w.cs, jihat.RoleEmployee, 50)
	w.b = ts.Staff(w.cs, jihat.RoleEmployee, 50)
	w.s1 = ts.Staff(w.cs, jihat.RoleSupervisor, 50)
	w.c = ts.Staff(w.cs2, jihat.RoleEmployee, 50)
	w.ea = ts.Staff(w.cs, jihat.RoleEntityAdmin, 50)
	w.other = ts.NewCaseSetup("")
	w.s2 = ts.Staff(w.other, jihat.RoleSupervisor, 50)
	w.oversight = ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
	w.citizen = ts.RegisterCitizen()

	open := func(n int, when time.Time, cs testserver.CaseSetup, priority string, to testserver.Account) {
		clk.Set(when)
		id := testserver.Str(ts.OpenCase(w.citizen.Token, cs, fmt.Sprintf("معاملة %d", n), "نص", "priority", priority), "id")
		if testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, w.admin, nil), "case.assignee.id") != to.ID {
			ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", w.admin, map[string]any{"employee_id": to.ID})
		}
		w.cases[n] = id
	}
	reply := func(n int, when time.Time, by testserver.Account) {
		clk.Set(when)
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+w.cases[n]+"/comments", by.Token, map[string]any{"body": "رد", "visibility": "public"})
	}
	resolve := func(n int, when time.Time, by testserver.Account) {
		clk.Set(when)
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+w.cases[n]+"/resolve", by.Token, map[string]any{"resolution": "تم"})
	}
	rate := func(n, score int) {
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+w.cases[n]+"/rating", w.citizen.Token, map[string]any{"score": score})
	}
	// Case 7: before the period (Saturday), resolved in it by A.
	open(7, time.Date(2026, 2, 28, 10, 0, 0, 0, riyadh), w.cs, "normal", w.a)
	// Case 1: normal, A; reply after 1 h, resolved after 2 h; rated 4.
	open(1, at(1, 8, 0), w.cs, "normal", w.a)
	reply(1, at(1, 9, 0), w.a)
	resolve(1, at(1, 10, 0), w.a)
	rate(1, 4)
	// Case 2: very important (due 12:30), A resolves late at 14:30; the
	// citizen objects at 15:00: it goes to the supervisor S1, due again
	// 4 working hours later (Monday 12:00), and is late now.
	open(2, at(1, 8, 30), w.cs, "very_important", w.a)
	resolve(7, at(1, 11, 0), w.a)
	resolve(2, at(1, 14, 30), w.a)
	clk.Set(at(1, 15, 0))
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+w.cases[2]+"/object", w.citizen.Token, map[string]any{"reason": "لم يحل"})
	// Case 3: important (due Monday 10:00), B; reply Monday 09:00, resolved
	// Monday 11:00 (late); rated 2.
	open(3, at(1, 9, 0), w.cs, "important", w.b)
	// Case 4: normal, B, untouched (due Wednesday 13:00).
	open(4, at(1, 10, 0), w.cs, "normal", w.b)
	reply(3, at(2, 9, 0), w.b)
	resolve(3, at(2, 11, 0), w.b)
	rate(3, 2)
	// Case 5: D2, C; resolved after one hour.
	open(5, at(2, 8, 0), w.cs2, "normal", w.c)
	resolve(5, at(2, 9, 0), w.c)
	// Case 6: very important, A (due Tuesday 11:00), untouched.
	open(6, at(2, 14, 0), w.cs, "very_important", w.a)
	clk.Set(at(3, 10, 0)) // now: Tuesday 10:00
	if got := testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+w.cases[2], w.admin, nil), "case.assignee.id"); got != w.s1.ID {
		t.Fatalf("case 2 went to %s after the objection, want the supervisor", got)
	}
	return w
}

// num reads a number (nil stays nil) at path.
func num(t *testing.T, m map[string]any, path string) *float64 {
	t.Helper()
	switch v := testserver.Get(m, path).(type) {
	case nil:
		return nil
	case float64:
		return &v
	default:
		t.Fatalf("%s is %T", path, v)
	}
	return nil
}

// want checks the named figures of m: numbers, or nil for "no figure".
func want(t *testing.T, what string, m map[string]any, figures map[string]any) {
	t.Helper()
	for path, w := range figures {
		got := num(t, m, path)
		switch w := w.(type) {
		case nil:
			if got != nil {
				t.Errorf("%s: %s = %v, want none", what, path, *got)
			}
		default:
			f := toFloat(w)
			if got == nil || math.Abs(*got-f) > 1e-9 {
				t.Errorf("%s: %s = %v, want %v", what, path, deref(got), f)
			}
		}
	}
}

func toFloat(v any) float64 {
	switch v := v.(type) {
	case int:
		return float64(v)
	case float64:
		return v
	}
	panic(fmt.Sprintf("%T", v))
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

const period = "from=2026-03-01&to=2026-03-03"

func TestStatsFigures(t *testing.T) {
	clk := &settableClock{}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		w := newStatsWorld(t, ts, clk)
		e := w.cs.Entity

		// The entity, as its admin: cases 1..6 (case 7 was created before).
		m := ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"?"+period, w.ea.Token, nil)
		want(t, "entity", m, map[string]any{
			"total": 6, "completed": 3, "open": 3, "late": 1, "resolved_in_period": 4,
			"by_status.resolved": 3, "by_status.objected": 1, "by_status.assigned": 2, "by_status.new": 0, "by_status.closed": 0,
			// first responses: 1 h, 6 h, 24 h (7 working), 1 h
			"avg_first_response_wall_s": (3600 + 21600 + 86400 + 3600) / 4.0,
			"avg_first_response_s":      (3600 + 21600 + 25200 + 3600) / 4.0,
			// resolutions now: 2 h, 26 h (9 working), 1 h
			"avg_resolution_wall_s": (7200 + 93600 + 3600) / 3.0,
			"avg_resolution_s":      (7200 + 32400 + 3600) / 3.0,
			"sla_met_pct":           200 / 3.0, // 1 and 5 in time, 3 late
			"objection_rate_pct":    25,        // 1 of 4 ever resolved
			"escalations":           1,
			"avg_rating":            3, "ratings": 2,
		})
		if testserver.Str(m, "period.from_date") != "2026-03-01" || testserver.Str(m, "period.to_date") != "2026-03-03" ||
			testserver.Str(m, "period.from") != "2026-02-28T21:00:00Z" || testserver.Str(m, "period.from_hijri") != "1447-09-12" {
			t.Errorf("period %v", m["period"])
		}

		// The supervisor of D1 sees D1 only: cases 1, 2, 3, 4, 6.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"?"+period, w.s1.Token, nil)
		want(t, "supervisor", m, map[string]any{"total": 5, "completed": 2, "open": 3, "late": 1, "resolved_in_period": 3,
			"sla_met_pct": 50, "avg_resolution_s": (7200 + 32400) / 2.0})

		// By department, as oversight.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/breakdown?by=department&"+period, w.oversight.Token, nil)
		groups := testserver.Objects(m, "groups")
		byKey := map[string]map[string]any{}
		for _, g := range groups {
			byKey[testserver.Str(g, "key")] = g
		}
		if len(groups) != 2 {
			t.Fatalf("departments: %v", groups)
		}
		want(t, "D1", byKey[w.cs.Department], map[string]any{"total": 5, "open": 3, "late": 1, "completed": 2})
		want(t, "D2", byKey[w.cs2.Department], map[string]any{"total": 1, "open": 0, "completed": 1, "sla_met_pct": 100,
			"avg_resolution_s": 3600})

		// By employee: A holds 1 and 6, B 3 and 4, S1 2, C 5.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/breakdown?by=employee&"+period, w.ea.Token, nil)
		byKey = map[string]map[string]any{}
		for _, g := range testserver.Objects(m, "groups") {
			byKey[testserver.Str(g, "key")] = g
		}
		want(t, "A", byKey[w.a.ID], map[string]any{"total": 2, "completed": 1, "open": 1, "late": 0, "sla_met_pct": 100, "avg_rating": 4})
		want(t, "B", byKey[w.b.ID], map[string]any{"total": 2, "completed": 1, "open": 1, "late": 0, "sla_met_pct": 0, "avg_rating": 2})
		want(t, "S1", byKey[w.s1.ID], map[string]any{"total": 1, "completed": 0, "open": 1, "late": 1, "sla_met_pct": nil, "escalations": 1})
		want(t, "C", byKey[w.c.ID], map[string]any{"total": 1, "completed": 1})
		if testserver.Str(byKey[w.a.ID], "name") == "" {
			t.Errorf("employee group without a name: %v", byKey[w.a.ID])
		}

		// By priority and by case type.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/breakdown?by=priority&"+period, w.ea.Token, nil)
		for _, g := range testserver.Objects(m, "groups") {
			exp := map[string]int{"normal": 3, "important": 1, "very_important": 2}[testserver.Str(g, "key")]
			want(t, "priority "+testserver.Str(g, "key"), g, map[string]any{"total": exp})
		}
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/breakdown?by=case_type&"+period, w.ea.Token, nil)
		for _, g := range testserver.Objects(m, "groups") {
			exp := map[string]int{w.cs.CaseType: 5, w.cs2.CaseType: 1}[testserver.Str(g, "key")]
			want(t, "type", g, map[string]any{"total": exp})
		}

		// The employee A, as A: cases 1 and 6; medians of one case each.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/employees/"+w.a.ID+"?"+period, w.a.Token, nil)
		want(t, "employee A", m, map[string]any{"total": 2, "completed": 1, "open": 1, "late": 0,
			"median_first_response_s": 3600, "median_resolution_s": 7200, "sla_met_pct": 100,
			"active_seconds": 4 * 120}) // four actions of two minutes: reply 09:00, resolutions 10:00, 11:00, 14:30

		// Performance of D1: A (median resolution 2 working hours), B (9),
		// then S1 (nothing resolved); the department's medians.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/departments/"+w.cs.Department+"/performance?"+period, w.s1.Token, nil)
		want(t, "department", m, map[string]any{"department.median_first_response_s": 21600, // 3600, 21600, 25200
			"department.median_resolution_s": (7200 + 32400) / 2.0, "department.median_completed": 1, "department.completed": 2,
			"department.sla_met_pct": 50})
		emps := testserver.Objects(m, "employees")
		var order []string
		for _, r := range emps {
			order = append(order, testserver.Str(r, "employee_id"))
		}
		if len(order) != 3 || order[0] != w.a.ID || order[1] != w.b.ID || order[2] != w.s1.ID {
			t.Fatalf("ranking %v, want A, B, S1 (%s %s %s)", order, w.a.ID, w.b.ID, w.s1.ID)
		}
		want(t, "B row", emps[1], map[string]any{"rank": 2, "median_first_response_s": 25200, "median_resolution_s": 32400, "completed": 1})

		// Every entity side by side, as oversight: E's figures and F's (none).
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities?"+period, w.oversight.Token, nil)
		found := false
		for _, g := range testserver.Objects(m, "groups") {
			if testserver.Str(g, "key") == e {
				found = true
				want(t, "E side by side", g, map[string]any{"total": 6, "late": 1})
			}
		}
		if !found {
			t.Errorf("entity E missing from %v", m)
		}

		// Drill-down: the late case, and the open cases of B.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/cases?entity_id="+e+"&state=late&"+period, w.ea.Token, nil)
		if cs := testserver.Objects(m, "cases"); len(cs) != 1 || testserver.Str(cs[0], "id") != w.cases[2] {
			t.Errorf("late cases %v, want case 2", cs)
		}
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/cases?employee_id="+w.b.ID+"&state=open&"+period, w.s1.Token, nil)
		if cs := testserver.Objects(m, "cases"); len(cs) != 1 || testserver.Str(cs[0], "id") != w.cases[4] {
			t.Errorf("B's open cases %v, want case 4", cs)
		}
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/cases?entity_id="+e+"&state=resolved&limit=3&"+period, w.ea.Token, nil)
		page1 := testserver.Objects(m, "cases")
		m2 := ts.Must(http.StatusOK, "GET", "/api/v1/stats/cases?entity_id="+e+"&state=resolved&limit=3&cursor="+testserver.Str(m, "next_cursor")+"&"+period, w.ea.Token, nil)
		if len(page1) != 3 || len(testserver.Objects(m2, "cases")) != 1 || testserver.Str(m2, "next_cursor") != "" {
			t.Errorf("resolved in the period: pages of %d and %d, want 3 and 1", len(page1), len(testserver.Objects(m2, "cases")))
		}
		// The links of a figure lead to its cases.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"?"+period, w.ea.Token, nil)
		m = ts.Must(http.StatusOK, "GET", testserver.Str(m, "links.open"), w.ea.Token, nil)
		if n := len(testserver.Objects(m, "cases")); n != 3 {
			t.Errorf("links.open: %d cases, want 3", n)
		}

		// Indicators by day: Feb 28 is outside; Mar 1 has 1, 2, 3, 4; Mar 2
		// has 5 and 6; the late trend puts case 3 (due Mar 2 10:00, resolved
		// after) on Mar 2, case 2 (due again Mar 2 12:00, open) on Mar 2, and
		// nothing on Mar 1 (case 2's first deadline moved).
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/indicators?by=day&"+period, w.ea.Token, nil)
		bs := testserver.Objects(m, "buckets")
		if len(bs) != 3 {
			t.Fatalf("buckets %v", bs)
		}
		want(t, "Mar 1", bs[0], map[string]any{"total": 4, "late": 0, "by_priority.normal": 2, "by_priority.very_important": 1,
			"by_status.objected": 1, "by_status.resolved": 2})
		want(t, "Mar 2", bs[1], map[string]any{"total": 2, "late": 2, "by_status.resolved": 1, "by_status.assigned": 1})
		want(t, "Mar 3", bs[2], map[string]any{"total": 0, "late": 0})
		if testserver.Str(bs[0], "date") != "2026-03-01" || testserver.Str(bs[0], "hijri") != "1447-09-12" {
			t.Errorf("bucket dates %v", bs[0])
		}
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/indicators?by=month&from=2026-02-01&to=2026-03-31", w.ea.Token, nil)
		bs = testserver.Objects(m, "buckets")
		if len(bs) != 2 {
			t.Fatalf("month buckets %v", bs)
		}
		want(t, "February", bs[0], map[string]any{"total": 1})
		want(t, "March", bs[1], map[string]any{"total": 6, "late": 2})

		// Counters now.
		m = ts.Must(http.StatusOK, "GET", "/api/v1/stats/entities/"+e+"/counters", w.ea.Token, nil)
		want(t, "counters", m, map[string]any{"open": 3, "late": 1, "opened_today": 0, "resolved_today": 0})
	}, statsOptions(clk)...)
}
