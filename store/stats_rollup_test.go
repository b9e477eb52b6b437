package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestStatsRollup drives cases through a scripted sequence (open, assign,
// reply, reassign, resolve, rate, object — the case re-opens —, resolve
// again late, escalate, close, a case left to become late, one changing
// priority) over several days on a fixed clock, and after every step checks
// that the daily rollup kept in the cases' transactions equals the rollup
// recomputed from scratch (the migration's set-based fill over case_stats),
// and that every figure read from the rollup equals the same figure read
// from case_stats.
func TestStatsRollup(t *testing.T) {
	ctx := context.Background()
	riyadh := time.FixedZone("AST", 3*3600)
	forEachBackend(t, func(t *testing.T, b *backend) {
		now := time.Date(2026, 3, 1, 9, 0, 0, 0, riyadh) // a Sunday
		s := b.Open(t, func(c *store.Config) { c.Now = func() time.Time { return now } })
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		a, bb := w.staff(t, s, 10), w.staff(t, s, 10)
		other := newCaseWorld(t, s, jihat.AssignRoundRobin) // an entity whose figures must not mix in
		other.staff(t, s, 10)

		open := func(p jihat.Priority, due time.Duration) *jihat.Case {
			t.Helper()
			c := w.newCase("موضوع", "نص")
			c.Priority, c.DueAt = p, now.Add(due).UTC()
			if _, err := createCase(ctx, s, c, nil); err != nil {
				t.Fatalf("CreateCase: %v", err)
			}
			return c
		}
		transition := func(id string, act jihat.Action, fn func(m *store.CaseTx) error) {
			t.Helper()
			update(t, s, id, func(m *store.CaseTx) error {
				var err error
				if m.Case.Status, err = jihat.Transition(m.Case.Status, act); err != nil {
					return err
				}
				if fn != nil {
					return fn(m)
				}
				return nil
			})
		}
		reply := func(m *store.CaseTx) error {
			if m.Case.FirstResponseAt.IsZero() {
				m.Case.FirstResponseAt = m.Now
			}
			_, err := m.Event(jihat.CaseEventComment, m.Case.AssigneeID, jihat.VisibilityPublic, jihat.CommentData{Body: "رد"})
			return err
		}
		// Periods of whole days in the entity's zone (the rollup answers),
		// compared with case_stats.
		day := func(d int) time.Time { return time.Date(2026, 3, d, 0, 0, 0, 0, riyadh) }
		// March whole (the monthly rollup), days around whole months, a few days.
		periods := [][2]time.Time{{day(1), day(32)}, {day(-8), day(41)}, {day(-27), day(32)}, {day(2), day(4)}, {day(1), day(2)}}
		check := func(step string) {
			t.Helper()
			kept, err := store.RollupCells(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if err := store.RecomputeRollup(ctx, s); err != nil {
				t.Fatal(err)
			}
			fresh, err := store.RollupCells(ctx, s)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(kept, fresh) {
				t.Fatalf("%s: the rollup kept by the cases' transactions differs from a recomputation:\nkept  %+v\nfresh %+v", step, kept, fresh)
			}
			for _, p := range periods {
				for _, g := range []store.StatsGroup{store.GroupNone, store.GroupEntity, store.GroupDepartment, store.GroupCaseType, store.GroupEmployee, store.GroupPriority} {
					for _, f := range []store.StatsFilter{{EntityID: w.Entity.ID}, {AssigneeID: a.ID, EntityID: w.Entity.ID}, {EntityID: w.Entity.ID, DepartmentID: w.Department.ID}, {}} {
						f.From, f.To, f.Now = p[0], p[1], now
						got, err := s.CaseFigures(ctx, f, g)
						if err != nil {
							t.Fatal(err)
						}
						store.StatsFromCases(s, true)
						want, err := s.CaseFigures(ctx, f, g)
						store.StatsFromCases(s, false)
						if err != nil {
							t.Fatal(err)
						}
						for i := range want { // the case_stats path lists statuses with cases only
							for st, n := range want[i].ByStatus {
								if n == 0 {
									delete(want[i].ByStatus, st)
								}
							}
						}
						if !reflect.DeepEqual(got, want) {
							t.Errorf("%s: figures %v by %q of %+v from the rollup\n%+v\nfrom case_stats\n%+v", step, p, g, f, got, want)
						}
					}
				}
				for _, by := range []string{"day", "week", "month"} {
					for _, dim := range []string{"status", "case_type_id", "priority", ""} {
						f := store.StatsFilter{EntityID: w.Entity.ID, From: p[0], To: p[1], Now: now}
						got, err := s.Series(ctx, f, by, dim)
						if err != nil {
							t.Fatal(err)
						}
						store.StatsFromCases(s, true)
						want, err := s.Series(ctx, f, by, dim)
						store.StatsFromCases(s, false)
						if err != nil {
							t.Fatal(err)
						}
						if !sameBuckets(got, want) {
							t.Errorf("%s: series %v by %s of %q: rollup %+v, case_stats %+v", step, p, by, dim, got, want)
						}
					}
				}
			}
		}

		c1 := open(jihat.PriorityNormal, 72*time.Hour)    // assigned to a by round robin
		c2 := open(jihat.PriorityImportant, 24*time.Hour) // to b
		c3 := open(jihat.PriorityNormal, 72*time.Hour)
		oc := other.newCase("موضوع", "نص")
		if _, err := createCase(ctx, s, oc, nil); err != nil {
			t.Fatal(err)
		}
		if c1.AssigneeID != a.ID || c2.AssigneeID != bb.ID {
			t.Fatalf("round robin gave %s, %s", c1.AssigneeID, c2.AssigneeID)
		}
		check("opened and assigned")

		now = now.Add(2 * time.Hour)
		transition(c1.ID, jihat.ActionStart, reply)
		transition(c2.ID, jihat.ActionStart, nil)
		check("replied")

		update(t, s, c2.ID, func(m *store.CaseTx) error { // reassigned from b to a
			m.Case.AssigneeID = a.ID
			_, err := m.Event(jihat.CaseEventAssigned, bb.ID, jihat.VisibilityPublic, jihat.AssignedData{AssigneeID: a.ID, PreviousID: bb.ID})
			return err
		})
		check("reassigned")

		now = now.Add(24 * time.Hour) // Monday: c1 resolved in time and rated
		update(t, s, c1.ID, resolveFn)
		update(t, s, c1.ID, func(m *store.CaseTx) error {
			m.Case.Rating = 4
			_, err := m.Event(jihat.CaseEventRated, m.Case.RequesterID, jihat.VisibilityPublic, jihat.RatedData{Score: 4})
			return err
		})
		check("resolved and rated")

		now = now.Add(24 * time.Hour) // Tuesday: the requester objects, the case re-opens with a new deadline
		transition(c1.ID, jihat.ActionObject, func(m *store.CaseTx) error {
			m.Case.DueAt = m.Now.Add(4 * time.Hour)
			_, err := m.Event(jihat.CaseEventObjected, m.Case.RequesterID, jihat.VisibilityPublic, jihat.ObjectedData{Reason: "لم يحل"})
			return err
		})
		update(t, s, c3.ID, func(m *store.CaseTx) error { // escalated, and its priority raised
			m.Case.Priority = jihat.PriorityVeryImportant
			m.Case.EscalationLevel++
			_, err := m.Event(jihat.CaseEventEscalated, "", jihat.VisibilityInternal, jihat.EscalatedData{Level: m.Case.EscalationLevel})
			return err
		})
		check("objected and escalated")

		now = now.Add(30 * time.Hour) // Wednesday night: c1 resolved again, late; c2 is late, still open
		update(t, s, c1.ID, resolveFn)
		transition(c3.ID, jihat.ActionStart, reply)
		update(t, s, c3.ID, resolveFn)
		check("resolved late")

		now = now.Add(24 * time.Hour)
		transition(c3.ID, jihat.ActionClose, nil)
		c4 := open(jihat.PriorityNormal, time.Hour) // opened and left to pass its deadline
		now = now.Add(3 * time.Hour)
		check("closed, and a case past its deadline")

		f := store.StatsFilter{EntityID: w.Entity.ID, From: day(1), To: day(32), Now: now}
		figs, err := s.CaseFigures(ctx, f, store.GroupNone)
		if err != nil || len(figs) != 1 {
			t.Fatalf("figures %+v, %v", figs, err)
		}
		g := figs[0]
		// By hand: c1 resolved (late, objected once, rated 4), c2 open and
		// late, c3 closed (escalated once), c4 open and late.
		want := store.Figures{Total: 4, Open: 2, Late: 2, ResolutionN: 2, SLAMet: 0, EverResolved: 2, Objected: 1,
			Escalations: 1, RatingSum: 4, RatingN: 1, ResolvedInPeriod: 2, FirstRespN: 2}
		if g.Total != want.Total || g.Open != want.Open || g.Late != want.Late || g.ResolutionN != want.ResolutionN ||
			g.SLAMet != want.SLAMet || g.EverResolved != want.EverResolved || g.Objected != want.Objected ||
			g.Escalations != want.Escalations || g.RatingSum != want.RatingSum || g.RatingN != want.RatingN ||
			g.ResolvedInPeriod != want.ResolvedInPeriod || g.FirstRespN != want.FirstRespN {
			t.Errorf("figures %+v; want %+v", g, want)
		}
		if g.ByStatus[string(jihat.StatusResolved)] != 1 || g.ByStatus[string(jihat.StatusClosed)] != 1 || c4.AssigneeID == "" {
			t.Errorf("by status %v (c4 assigned to %q)", g.ByStatus, c4.AssigneeID)
		}
	})
}

// sameBuckets compares two series as multisets of (bucket, key) → count.
func sameBuckets(a, b []store.Bucket) bool {
	m := map[[2]any]int64{}
	for _, x := range a {
		m[[2]any{x.N, x.Key}] += x.Count
	}
	for _, x := range b {
		m[[2]any{x.N, x.Key}] -= x.Count
	}
	for _, v := range m {
		if v != 0 {
			return false
		}
	}
	return true
}
