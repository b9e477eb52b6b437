package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// The tests of the case store: CreateCase, UpdateCase (CaseTx), events,
// postponement requests and the sweeper's queries. Assignment is in
// assign_test.go, search and lists in search_test.go.

func TestCreateCase(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		emp := w.staff(t, s, 10)
		before := auditCount(t, s)

		c := w.newCase("طلب صيانة", "نص الطلب")
		c.Kind, c.Category, c.Location = jihat.KindReport, jihat.CategoryFire, &jihat.Location{Lat: 24.7136, Lng: 46.6753}
		events, err := createCase(ctx, s, c, nil)
		if err != nil {
			t.Fatal(err)
		}
		year := time.Now().UTC().Year()
		if c.ID == "" || !store.ValidID(c.ID) || c.Number != jihat.FormatCaseNumber(year, 1) {
			t.Errorf("id %q number %q; want a UUID and %s", c.ID, c.Number, jihat.FormatCaseNumber(year, 1))
		}
		if c.Status != jihat.StatusAssigned || c.AssigneeID != emp.ID {
			t.Errorf("status %s assignee %q; want assigned to %s", c.Status, c.AssigneeID, emp.ID)
		}
		if len(events) != 2 || events[0].Type != jihat.CaseEventCreated || events[1].Type != jihat.CaseEventAssigned ||
			events[0].Seq != 1 || events[1].Seq != 2 || events[0].Channel != jihat.CaseChannel(c.ID) {
			t.Fatalf("events %+v; want created (1) and assigned (2) on %s", events, jihat.CaseChannel(c.ID))
		}
		got, err := s.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Number != c.Number || got.AssigneeID != emp.ID || got.Status != jihat.StatusAssigned || got.Kind != jihat.KindReport ||
			got.Category != jihat.CategoryFire || got.Location == nil || *got.Location != *c.Location || !got.DueAt.Equal(c.DueAt) ||
			got.Subject != c.Subject || got.RequesterID != w.Requester.ID || got.DepartmentID != w.Department.ID {
			t.Errorf("stored case %+v\ndiffers from %+v", got, c)
		}
		stored, err := s.Events(ctx, jihat.CaseChannel(c.ID), 0, 0)
		if err != nil || len(stored) != 2 {
			t.Fatalf("Events = %d, %v; want 2", len(stored), err)
		}
		var data jihat.AssignedData
		if err := json.Unmarshal(stored[1].Data, &data); err != nil || data.AssigneeID != emp.ID || !data.Auto {
			t.Errorf("assigned data %s: %v", stored[1].Data, err)
		}
		if seq, err := s.LastSeq(ctx, jihat.CaseChannel(c.ID)); err != nil || seq != 2 {
			t.Errorf("LastSeq = %d, %v; want 2", seq, err)
		}
		if n := auditCount(t, s); n != before+1 {
			t.Errorf("audit rows %d → %d; want one more", before, n)
		}
		raw := b.Raw(t)
		if n := b.Count(t, raw.Where("case_id = ?", c.ID), "outbox"); n != 2 {
			t.Errorf("outbox rows of the case = %d; want 2 (created, assigned)", n)
		}
		if got := openCounts(t, raw, []string{emp.ID})[emp.ID]; got != 1 {
			t.Errorf("open_cases = %d; want 1", got)
		}

		// Numbers go up by one per case.
		c2 := w.mustCase(t, s, "ثان", "نص")
		if c2.Number != jihat.FormatCaseNumber(year, 2) {
			t.Errorf("second number %s", c2.Number)
		}
	})
}

// TestCreateCaseRollsBack: a callback that fails leaves no case, event,
// notification, audit entry or open-case count behind.
func TestCreateCaseRollsBack(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		emp := w.staff(t, s, 10)
		before := auditCount(t, s)
		boom := errors.New("boom")
		c := w.newCase("موضوع", "نص")
		_, err := s.CreateCase(ctx, c, act("case.create"), func(m *store.CaseTx) error {
			if err := assignAuto(nil)(m); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("err = %v; want boom", err)
		}
		raw := b.Raw(t)
		for _, table := range []string{"cases", "case_events", "outbox"} {
			if n := b.Count(t, raw, table); n != 0 {
				t.Errorf("%s has %d rows after a failed creation", table, n)
			}
		}
		if n := auditCount(t, s); n != before {
			t.Errorf("audit rows %d → %d", before, n)
		}
		if got := openCounts(t, raw, []string{emp.ID})[emp.ID]; got != 0 {
			t.Errorf("open_cases = %d after rollback", got)
		}
		if _, err := s.Case(ctx, c.ID); jihat.ErrorCode(err) != jihat.ENOTFOUND {
			t.Errorf("Case after rollback: %v", err)
		}
	})
}

// TestUpdateCase: changes are saved with their events; open-case counts
// follow reassignment, resolution and re-opening; an error writes nothing.
func TestUpdateCase(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		raw := b.Raw(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		a := w.staff(t, s, 10)
		c := w.mustCase(t, s, "موضوع", "نص")
		bb := w.staff(t, s, 10)
		ids := []string{a.ID, bb.ID}
		wantOpen := func(step string, na, nb int) {
			t.Helper()
			got := openCounts(t, raw, ids)
			if got[a.ID] != na || got[bb.ID] != nb {
				t.Errorf("%s: open_cases a=%d b=%d; want %d, %d", step, got[a.ID], got[bb.ID], na, nb)
			}
		}
		wantOpen("created", 1, 0)

		// Reassign to b: a's count moves to b.
		got := update(t, s, c.ID, func(m *store.CaseTx) error {
			m.Case.AssigneeID = bb.ID
			_, err := m.Event(jihat.CaseEventAssigned, a.ID, jihat.VisibilityPublic, jihat.AssignedData{AssigneeID: bb.ID, PreviousID: a.ID})
			return err
		})
		if got.AssigneeID != bb.ID {
			t.Errorf("assignee %s", got.AssigneeID)
		}
		wantOpen("reassigned", 0, 1)

		// An internal note goes to the staff channel with its own numbering.
		var note *jihat.CaseEvent
		update(t, s, c.ID, func(m *store.CaseTx) error {
			var err error
			note, err = m.Event(jihat.CaseEventComment, bb.ID, jihat.VisibilityInternal, jihat.CommentData{Body: "سري"})
			return err
		})
		if note.Channel != jihat.CaseStaffChannel(c.ID) || note.Seq != 1 {
			t.Errorf("note on %s seq %d; want %s seq 1", note.Channel, note.Seq, jihat.CaseStaffChannel(c.ID))
		}

		// Resolve: b's count drops; object: it comes back.
		update(t, s, c.ID, resolveFn)
		wantOpen("resolved", 0, 0)
		update(t, s, c.ID, func(m *store.CaseTx) error {
			var err error
			m.Case.Status, err = jihat.Transition(m.Case.Status, jihat.ActionObject)
			return err
		})
		wantOpen("objected", 0, 1)

		// A failing callback changes nothing.
		before := auditCount(t, s)
		_, _, err := s.UpdateCase(ctx, c.ID, act("case.update"), func(m *store.CaseTx) error {
			m.Case.AssigneeID = a.ID
			m.Case.Subject = "تغيير"
			if _, err := m.Event(jihat.CaseEventComment, a.ID, jihat.VisibilityPublic, jihat.CommentData{Body: "x"}); err != nil {
				return err
			}
			return jihat.Errorf(jihat.ECONFLICT, "conflict")
		})
		if jihat.ErrorCode(err) != jihat.ECONFLICT {
			t.Fatalf("err = %v", err)
		}
		wantOpen("failed update", 0, 1)
		if after, _ := s.Case(ctx, c.ID); after.Subject != "موضوع" || after.AssigneeID != bb.ID {
			t.Errorf("a failed update was saved: %+v", after)
		}
		if n := auditCount(t, s); n != before {
			t.Errorf("audit rows %d → %d", before, n)
		}
		if seq, _ := s.LastSeq(ctx, jihat.CaseChannel(c.ID)); seq != 4 {
			t.Errorf("public LastSeq %d; want 4 (created, assigned, reassigned, resolved; nothing of the failed update)", seq)
		}

		if _, _, err := s.UpdateCase(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b", act("x"), func(*store.CaseTx) error { return nil }); jihat.ErrorCode(err) != jihat.ENOTFOUND {
			t.Errorf("UpdateCase of a missing case: %v", err)
		}
	})
}

// TestEventSequencesConcurrent: many writers on one case get dense sequence
// numbers 1..n on each channel, and every writer's event is kept.
func TestEventSequencesConcurrent(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		emp := w.staff(t, s, 10)
		c := w.mustCase(t, s, "موضوع", "نص")
		const writers, each = 8, 5
		var wg sync.WaitGroup
		errs := make(chan error, writers*each)
		for i := range writers {
			wg.Go(func() {
				for j := range each {
					vis := jihat.VisibilityPublic
					if (i+j)%2 == 1 {
						vis = jihat.VisibilityInternal
					}
					_, _, err := s.UpdateCase(ctx, c.ID, act("case.comment"), func(m *store.CaseTx) error {
						_, err := m.Event(jihat.CaseEventComment, emp.ID, vis, jihat.CommentData{Body: fmt.Sprintf("%d-%d", i, j)})
						return err
					})
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		bodies := map[string]bool{}
		total := 0
		for _, ch := range []string{jihat.CaseChannel(c.ID), jihat.CaseStaffChannel(c.ID)} {
			evs, err := s.Events(ctx, ch, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			for i, e := range evs {
				if e.Seq != int64(i+1) {
					t.Fatalf("%s: event %d has seq %d; want dense numbering", ch, i, e.Seq)
				}
				if e.Type == jihat.CaseEventComment {
					var d jihat.CommentData
					_ = json.Unmarshal(e.Data, &d)
					bodies[d.Body] = true
					total++
				}
			}
			if last, _ := s.LastSeq(ctx, ch); last != int64(len(evs)) {
				t.Errorf("%s: LastSeq %d, %d events", ch, last, len(evs))
			}
			// since: only what follows.
			if len(evs) > 3 {
				tail, _ := s.Events(ctx, ch, 3, 0)
				if len(tail) != len(evs)-3 || tail[0].Seq != 4 {
					t.Errorf("%s: Events since 3 = %d events from %d", ch, len(tail), tail[0].Seq)
				}
			}
		}
		if total != writers*each || len(bodies) != writers*each {
			t.Errorf("%d comments stored (%d distinct); want %d", total, len(bodies), writers*each)
		}
	})
}

func TestPostponementRequests(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		emp := w.staff(t, s, 10)
		sup := w.staff(t, s, 10, func(u *jihat.User) { u.Role = jihat.RoleSupervisor })
		c := w.mustCase(t, s, "موضوع", "نص")
		until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second)

		var req *store.Postponement
		update(t, s, c.ID, func(m *store.CaseTx) error {
			var err error
			req, err = m.RequestPostponement(emp.ID, until, "بانتظار", "")
			return err
		})
		if req.Status != store.PostponementPending || !req.Until.Equal(until) || req.RequestedBy != emp.ID {
			t.Errorf("request %+v", req)
		}
		_, _, err := s.UpdateCase(ctx, c.ID, act("x"), func(m *store.CaseTx) error {
			_, err := m.RequestPostponement(emp.ID, until, "مرة أخرى", "")
			return err
		})
		wantCode(t, err, jihat.ECONFLICT, "postponement_pending")
		pending, err := s.PendingPostponements(ctx, c.ID)
		if err != nil || len(pending) != 1 || pending[0].ID != req.ID {
			t.Fatalf("pending = %+v, %v", pending, err)
		}

		// Unknown request, or a request of another case: ENOTFOUND.
		other := w.mustCase(t, s, "آخر", "نص")
		_, _, err = s.UpdateCase(ctx, other.ID, act("x"), func(m *store.CaseTx) error {
			_, err := m.DecidePostponement(req.ID, sup.ID, true, "")
			return err
		})
		wantCode(t, err, jihat.ENOTFOUND, "")

		var decided *store.Postponement
		update(t, s, c.ID, func(m *store.CaseTx) error {
			var err error
			decided, err = m.DecidePostponement(req.ID, sup.ID, false, "لا")
			return err
		})
		if decided.Status != store.PostponementRefused || decided.DecidedBy != sup.ID {
			t.Errorf("decided %+v", decided)
		}
		// Decided once: a second decision finds nothing pending, and a new
		// request may be made.
		_, _, err = s.UpdateCase(ctx, c.ID, act("x"), func(m *store.CaseTx) error {
			_, err := m.DecidePostponement(req.ID, sup.ID, true, "")
			return err
		})
		wantCode(t, err, jihat.ENOTFOUND, "")
		if p, _ := s.PendingPostponements(ctx, c.ID); len(p) != 0 {
			t.Errorf("pending after refusal: %+v", p)
		}
		update(t, s, c.ID, func(m *store.CaseTx) error {
			_, err := m.RequestPostponement(emp.ID, until, "طلب جديد", "")
			return err
		})
	})
}

// TestSweepQueries: the sweeper's selections pick exactly the cases whose
// time has come.
func TestSweepQueries(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		w.staff(t, s, 1) // takes the first case only; the second waits
		now := time.Now().UTC()
		remind := w.newCase("تذكير", "نص")
		remind.RemindAt, remind.DueAt = now.Add(time.Hour), now.Add(2*time.Hour)
		if _, err := createCase(ctx, s, remind, nil); err != nil {
			t.Fatal(err)
		}
		waiting := w.newCase("انتظار", "نص")
		waiting.RemindAt, waiting.DueAt = now.Add(time.Hour), now.Add(2*time.Hour+time.Minute)
		if _, err := createCase(ctx, s, waiting, nil); err != nil {
			t.Fatal(err)
		}
		if waiting.AssigneeID != "" {
			t.Fatalf("second case assigned to %s over capacity", waiting.AssigneeID)
		}
		check := func(name string, got []string, err error, want ...string) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("%s = %v; want %v", name, got, want)
			}
		}
		ids, err := s.CasesToRemind(ctx, now, 10)
		check("CasesToRemind before", ids, err)
		ids, err = s.CasesToRemind(ctx, now.Add(90*time.Minute), 10)
		check("CasesToRemind after", ids, err, remind.ID) // the unassigned case has nobody to remind
		ids, err = s.LateCasesToReport(ctx, now.Add(3*time.Hour), 10)
		check("LateCasesToReport", ids, err, remind.ID, waiting.ID)
		ids, err = s.WaitingCases(ctx, "", 10)
		check("WaitingCases", ids, err, waiting.ID)
		ids, err = s.WaitingCases(ctx, w.Department.ID, 10)
		check("WaitingCases of the department", ids, err, waiting.ID)

		update(t, s, remind.ID, func(m *store.CaseTx) error {
			m.Case.RemindedAt, m.Case.LateNotifiedAt = m.Now, m.Now
			return nil
		})
		ids, err = s.CasesToRemind(ctx, now.Add(90*time.Minute), 10)
		check("CasesToRemind once reminded", ids, err)
		ids, err = s.LateCasesToReport(ctx, now.Add(3*time.Hour), 10)
		check("LateCasesToReport once told", ids, err, waiting.ID)

		update(t, s, remind.ID, resolveFn)
		ids, err = s.CasesToClose(ctx, now.Add(-time.Hour), 10)
		check("CasesToClose within the window", ids, err)
		ids, err = s.CasesToClose(ctx, now.Add(time.Hour), 10)
		check("CasesToClose after the window", ids, err, remind.ID)
		ids, err = s.LateCasesToReport(ctx, now.Add(3*time.Hour), 10)
		check("LateCasesToReport leaves resolved cases", ids, err, waiting.ID)
	})
}

// TestSupervisors: the department's supervisors and admins, else the entity's.
func TestSupervisors(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		w.staff(t, s, 10)
		admin := mustUser(t, s, &jihat.User{Role: jihat.RoleEntityAdmin, EntityID: w.Entity.ID, Active: true, Email: fmt.Sprintf("a-%d@jihat.test", uniq())})
		got, err := s.Supervisors(ctx, w.Entity.ID, w.Department.ID, jihat.RoleSupervisor.Level())
		if err != nil || len(got) != 1 || got[0].ID != admin.ID {
			t.Fatalf("no supervisor in the department: %v, %v; want the entity admin", got, err)
		}
		sup := w.staff(t, s, 10, func(u *jihat.User) { u.Role = jihat.RoleSupervisor })
		got, err = s.Supervisors(ctx, w.Entity.ID, w.Department.ID, jihat.RoleSupervisor.Level())
		if err != nil || len(got) != 1 || got[0].ID != sup.ID {
			t.Fatalf("Supervisors = %v, %v; want the department's supervisor", got, err)
		}
		got, err = s.Supervisors(ctx, w.Entity.ID, w.Department.ID, jihat.RoleEntityAdmin.Level())
		if err != nil || len(got) != 1 || got[0].ID != admin.ID {
			t.Fatalf("admins = %v, %v", got, err)
		}
	})
}
