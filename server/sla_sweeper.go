package server

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// RunSweeper does the timed work until ctx ends: reminders before
// deadlines, telling supervisors of late cases, assigning cases that wait
// for someone with room, closing resolved cases whose objection window has
// ended, and (hourly) removing files of interrupted uploads. Every step re-checks its condition on the locked case, so
// several nodes may sweep at once without doing anything twice.
func (s *Server) RunSweeper(ctx context.Context) {
	t := time.NewTicker(s.cfg.SweepEvery)
	defer t.Stop()
	media := time.NewTicker(mediaGrace)
	defer media.Stop()
	s.sweepMedia(ctx)
	for {
		s.Sweep(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		case <-media.C:
			s.sweepMedia(ctx)
		}
	}
}

// wakeSweeper asks the sweeper to run now (a case freed an employee's
// capacity, so a waiting case may be assigned). It never blocks.
func (s *Server) wakeSweeper() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// sweepBatch bounds the work of one sweep step.
const sweepBatch = 200

// Sweep runs each timed step once.
func (s *Server) Sweep(ctx context.Context) {
	now := s.now().UTC()
	each := func(fn func(m *store.CaseTx) error) func(string) func(m *store.CaseTx) error {
		return func(string) func(m *store.CaseTx) error { return fn }
	}
	online := s.onlineCache()
	steps := []struct {
		name string
		ids  func() ([]string, error)
		fn   func(id string) func(m *store.CaseTx) error // what to do to case id, prepared before its transaction
	}{
		{"remind", func() ([]string, error) { return s.store.CasesToRemind(ctx, now, sweepBatch) }, each(s.remind)},
		{"late", func() ([]string, error) { return s.store.LateCasesToReport(ctx, now, sweepBatch) }, each(s.reportLate)},
		{"assign", func() ([]string, error) { return s.store.WaitingCases(ctx, "", sweepBatch) }, func(id string) func(m *store.CaseTx) error {
			live := online.ofCase(ctx, id)
			return func(m *store.CaseTx) error { return s.assignWaiting(m, live) }
		}},
		{"close", func() ([]string, error) {
			return s.store.CasesToClose(ctx, now.Add(-s.cfg.ObjectionWindow), sweepBatch)
		}, each(s.closeResolved)},
	}
	for _, st := range steps {
		ids, err := st.ids()
		if err != nil {
			s.log.ErrorContext(ctx, "sweep", slog.String("step", st.name), slog.Any("err", err))
			continue
		}
		for _, id := range ids {
			if _, _, err := s.mutate(ctx, nil, id, jihat.AuditEntry{Action: "case.sweep." + st.name}, st.fn(id)); err != nil && !errors.Is(err, errNothing) {
				s.log.ErrorContext(ctx, "sweep", slog.String("step", st.name), slog.String("case", id), slog.Any("err", err))
			}
		}
	}
}

// errNothing aborts a sweep step whose condition no longer holds, so nothing
// (not even the audit entry) is written.
var errNothing = jihat.Errorf(jihat.ECONFLICT, "conflict")

func (s *Server) remind(m *store.CaseTx) error {
	c := m.Case
	if !c.Status.Open() || c.AssigneeID == "" || !c.RemindedAt.IsZero() || c.RemindAt.IsZero() || m.Now.Before(c.RemindAt) {
		return errNothing
	}
	c.RemindedAt = m.Now
	if _, err := m.Event(jihat.CaseEventReminder, "", jihat.VisibilityInternal, jihat.DueData{DueAt: c.DueAt}); err != nil {
		return err
	}
	return m.Notify("case.deadline_approaching", c.AssigneeID, map[string]any{"number": c.Number, "due_at": c.DueAt})
}

func (s *Server) reportLate(m *store.CaseTx) error {
	c := m.Case
	if !c.Late(m.Now) || !c.LateNotifiedAt.IsZero() {
		return errNothing
	}
	c.LateNotifiedAt = m.Now
	if _, err := m.Event(jihat.CaseEventOverdue, "", jihat.VisibilityInternal, jihat.DueData{DueAt: c.DueAt}); err != nil {
		return err
	}
	sups, err := m.Supervisors(jihat.RoleSupervisor.Level())
	if err != nil {
		return err
	}
	for _, sup := range sups {
		if err := m.Notify("case.late", sup.ID, map[string]any{"number": c.Number, "due_at": c.DueAt}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) assignWaiting(m *store.CaseTx, online store.Online) error {
	c := m.Case
	if !c.Status.Open() || c.AssigneeID != "" {
		return errNothing
	}
	return s.assignAuto(m, "", online)
}

// assignAuto gives m's case to whoever the entity's rule picks now, as an
// assignment by the user by ("" for the system); errNothing when nobody can
// take it. online is the hub's answer of who is connected, asked before the
// transaction (onlineStaff).
func (s *Server) assignAuto(m *store.CaseTx, by string, online store.Online) error {
	id, err := m.AutoAssign(online)
	if err != nil {
		return err
	}
	if id == "" {
		return errNothing
	}
	c := m.Case
	if c.Status, err = jihat.Transition(c.Status, jihat.ActionAssign); err != nil {
		return err
	}
	return s.assigned(m, id, by)
}

func (s *Server) closeResolved(m *store.CaseTx) error {
	c := m.Case
	if c.Status != jihat.StatusResolved || m.Now.Before(c.ObjectionDeadline(s.cfg.ObjectionWindow)) {
		return errNothing
	}
	var err error
	if c.Status, err = jihat.Transition(c.Status, jihat.ActionClose); err != nil {
		return err
	}
	c.ClosedAt = m.Now
	_, err = m.Event(jihat.CaseEventClosed, "", jihat.VisibilityPublic, nil)
	return err
}
