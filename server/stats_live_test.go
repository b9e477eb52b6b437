package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
)

// TestStatsWeeklyReport: the entity's schedule (Sunday 08:00) queues the
// report of the week that ended to its supervisor and admin through the
// outbox, once, whatever the number of runs; the e-mail carries the figures.
func TestStatsWeeklyReport(t *testing.T) {
	clk := &settableClock{}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		ctx := context.Background()
		w := newStatsWorld(t, ts, clk)
		ts.Must(http.StatusOK, "PUT", "/api/v1/entities/"+w.cs.Entity+"/report-schedule", w.ea.Token,
			map[string]any{"enabled": true, "weekday": "sunday", "hour": 8})
		if m := ts.Must(http.StatusOK, "GET", "/api/v1/entities/"+w.cs.Entity+"/report-schedule", w.s1.Token, nil); testserver.Str(m, "schedule.weekday") != "sunday" {
			t.Errorf("schedule %v", m)
		}
		clk.Set(time.Date(2026, 3, 8, 7, 59, 0, 0, riyadh))
		if n, err := ts.Server.SendWeeklyReports(ctx); err != nil || n != 0 {
			t.Fatalf("before the hour: %d reports (%v)", n, err)
		}
		clk.Set(time.Date(2026, 3, 8, 8, 0, 0, 0, riyadh))
		for i, wantN := range []int{1, 0} { // the second run finds the week claimed
			if n, err := ts.Server.SendWeeklyReports(ctx); err != nil || n != wantN {
				t.Fatalf("run %d: %d reports (%v), want %d", i, n, err, wantN)
			}
		}
		flush(t, ts.Server)
		for _, who := range []testserver.Account{w.s1, w.ea} {
			var mails []string
			for _, m := range ts.Notifier.To(who.Login) {
				if m.Kind == "stats.weekly" && m.Channel == "email" {
					mails = append(mails, m.Subject+"\n"+m.Text)
				}
			}
			if len(mails) != 1 {
				t.Fatalf("%s got %d weekly reports: %v", who.Login, len(mails), mails)
			}
			// The week 1–7 March: cases 1..6 received; 1, 3, 5 and 7
			// resolved in it; 2, 4 and 6 open and, on 8 March, all late.
			for _, want := range []string{"التقرير الأسبوعي", "2026-03-01 – 2026-03-07", "المعاملات الواردة: 6",
				"المنجزة خلال الأسبوع: 4", "المفتوحة: 3 (المتأخرة منها: 3)", "66.7%", "/report?from=2026-03-01&to=2026-03-07"} {
				if !strings.Contains(mails[0], want) {
					t.Errorf("%s's report lacks %q:\n%s", who.Login, want, mails[0])
				}
			}
		}
		for _, who := range []testserver.Account{w.a, w.s2} {
			for _, m := range ts.Notifier.To(who.Login) {
				if m.Kind == "stats.weekly" {
					t.Errorf("%s received the weekly report", who.Login)
				}
			}
		}
	}, statsOptions(clk)...)
}

// TestStatsLiveCounters: the supervisor's entity feed and the oversight
// feed carry the counters when a case is opened, resolved and becomes late.
func TestStatsLiveCounters(t *testing.T) {
	clk := &settableClock{}
	ts := testserver.Start(t, statsOptions(clk)...)
	w := newStatsWorld(t, ts, clk)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { ts.Server.RunStats(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })

	sup := ts.DialLive(w.ea.Token)
	if code := sup.Subscribe("entity:"+w.cs.Entity+":feed", 0); code != "" {
		t.Fatalf("subscribe feed: %s", code)
	}
	over := ts.DialLive(w.oversight.Token)
	if code := over.Subscribe("feed", 0); code != "" {
		t.Fatalf("subscribe oversight feed: %s", code)
	}
	s1 := ts.DialLive(w.s1.Token)
	if code := s1.Subscribe("entity:"+w.cs.Entity+":feed", 0); code != "" {
		t.Fatalf("supervisor subscribe feed: %s", code)
	}
	type counters struct {
		Type, EntityID, DepartmentID           string
		Open, Late, OpenedToday, ResolvedToday int64
	}
	waitCounters := func(c *testserver.LiveConn, match func(counters) bool) counters {
		t.Helper()
		var got counters
		c.WaitFrame(func(f testserver.LiveFrame) bool {
			var v struct {
				Type          string `json:"type"`
				EntityID      string `json:"entity_id"`
				DepartmentID  string `json:"department_id"`
				Open          int64  `json:"open"`
				Late          int64  `json:"late"`
				OpenedToday   int64  `json:"opened_today"`
				ResolvedToday int64  `json:"resolved_today"`
			}
			if f.Type != "event" || json.Unmarshal(f.Data, &v) != nil || v.Type != "counters" {
				return false
			}
			got = counters{v.Type, v.EntityID, v.DepartmentID, v.Open, v.Late, v.OpenedToday, v.ResolvedToday}
			return match(got)
		})
		return got
	}
	// Now Tuesday 10:00: 3 open, 1 late. A new case opens.
	ts.OpenCase(w.citizen.Token, w.cs, "جديدة", "نص")
	waitCounters(sup, func(c counters) bool {
		return c.EntityID == w.cs.Entity && c.Open == 4 && c.Late == 1 && c.OpenedToday == 1
	})
	waitCounters(over, func(c counters) bool { return c.EntityID == "" && c.Open >= 4 && c.OpenedToday >= 1 })
	// Case 4 is resolved.
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+w.cases[4]+"/resolve", w.b.Token, map[string]any{"resolution": "تم"})
	waitCounters(sup, func(c counters) bool { return c.Open == 3 && c.ResolvedToday == 1 })
	// 11:30: case 6 (due 11:00) becomes late when the sweeper reports it.
	clk.Set(at(3, 11, 30))
	ts.Server.Sweep(context.Background())
	waitCounters(sup, func(c counters) bool { return c.DepartmentID == "" && c.Open == 3 && c.Late == 2 })
	// The supervisor never received the entity's totals nor D2's.
	s1.Fence()
	for _, f := range s1.Frames() {
		var v struct {
			Type         string `json:"type"`
			DepartmentID string `json:"department_id"`
		}
		if f.Type == "event" && json.Unmarshal(f.Data, &v) == nil && v.Type == "counters" && v.DepartmentID != w.cs.Department {
			t.Errorf("the supervisor of D1 received counters of %q: %s", v.DepartmentID, f.Data)
		}
	}
}
