package server

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Postpone moves the case's deadline to until. With case.postpone it takes
// effect (requested == false); without it, it becomes a request for a
// supervisor (requested == true) and the case is unchanged.
func (s *Server) Postpone(ctx context.Context, u *jihat.User, a jihat.AuditEntry, caseID string, until time.Time, reason string) (c *jihat.Case, req *store.Postponement, err error) {
	reason = strings.TrimSpace(reason)
	if err := jihat.ValidatePostponement(until, reason, s.now().UTC()); err != nil {
		return nil, nil, err
	}
	c, _, err = s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, canHandle(u, c)); err != nil {
			return err
		}
		if _, err := jihat.Transition(c.Status, jihat.ActionPostpone); err != nil {
			return err
		}
		if canManage(u, c, jihat.PermCasePostpone) {
			return postpone(m, u.ID, until, reason)
		}
		var err error
		if req, err = m.RequestPostponement(u.ID, until, reason); err != nil {
			return err
		}
		if _, err := m.Event(jihat.CaseEventPostponementRequested, u.ID, jihat.VisibilityInternal,
			postponementData{RequestID: req.ID, PostponedData: jihat.PostponedData{Until: until.UTC(), Reason: reason, DueAt: until.UTC()}}); err != nil {
			return err
		}
		sups, err := m.Supervisors(jihat.RoleSupervisor.Level())
		if err != nil {
			return err
		}
		for _, sup := range sups {
			if sup.Can(jihat.PermCaseApprove) {
				if err := m.Notify("case.postponement_requested", sup.ID, map[string]any{"number": c.Number, "request_id": req.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	return c, req, err
}

// postponementData is the payload of the internal postponement events: the
// request they are about, beside the postponement itself.
type postponementData struct {
	RequestID string `json:"request_id"`
	jihat.PostponedData
}

// postpone applies a postponement: the status, the new deadline (recorded on
// the public timeline with its reason) and fresh reminders.
func postpone(m *store.CaseTx, by string, until time.Time, reason string) error {
	c := m.Case
	var err error
	if c.Status, err = jihat.Transition(c.Status, jihat.ActionPostpone); err != nil {
		return err
	}
	cal, err := m.Calendar()
	if err != nil {
		return err
	}
	c.PostponedUntil, c.DueAt = until.UTC(), until.UTC()
	c.RemindAt = cal.ReminderAt(m.Now, c.DueAt, reminderFraction)
	c.RemindedAt, c.LateNotifiedAt = time.Time{}, time.Time{}
	if _, err := m.Event(jihat.CaseEventPostponed, by, jihat.VisibilityPublic,
		jihat.PostponedData{Until: c.PostponedUntil, Reason: reason, DueAt: c.DueAt}); err != nil {
		return err
	}
	return m.Notify("case.postponed", c.RequesterID, map[string]any{"number": c.Number, "until": c.DueAt, "reason": reason})
}

// DecidePostponement approves or refuses a pending request (case.approve).
func (s *Server) DecidePostponement(ctx context.Context, u *jihat.User, a jihat.AuditEntry, caseID, requestID string, approve bool, note string) (*jihat.Case, error) {
	note = strings.TrimSpace(note)
	if !approve || note != "" {
		if err := jihat.ValidateReason("note", note); err != nil {
			return nil, err
		}
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, canManage(u, c, jihat.PermCaseApprove)); err != nil {
			return err
		}
		if approve {
			if _, err := jihat.Transition(c.Status, jihat.ActionPostpone); err != nil {
				return err
			}
		}
		req, err := m.DecidePostponement(requestID, u.ID, approve, note)
		if err != nil {
			return err
		}
		typ := jihat.CaseEventPostponementRefused
		var data any = postponementData{RequestID: req.ID, PostponedData: jihat.PostponedData{Until: req.Until, Reason: note}}
		if approve {
			typ = jihat.CaseEventPostponementApproved
			data = postponementData{RequestID: req.ID, PostponedData: jihat.PostponedData{Until: req.Until, Reason: req.Reason, DueAt: req.Until}}
		}
		if _, err := m.Event(typ, u.ID, jihat.VisibilityInternal, data); err != nil {
			return err
		}
		if err := m.Notify("case."+string(typ), req.RequestedBy, map[string]any{"number": c.Number}); err != nil {
			return err
		}
		if approve {
			return postpone(m, u.ID, req.Until, req.Reason)
		}
		return nil
	})
	return c, err
}

// Object re-opens a resolved case at the requester's objection, within the
// window, and escalates it one level up (employee → supervisor → entity
// admin) with a fresh deadline. The requester is told that the objection
// was received and escalated (case.objection_received), in the same
// transaction.
func (s *Server) Object(ctx context.Context, u *jihat.User, a jihat.AuditEntry, caseID, reason string) (*jihat.Case, error) {
	reason = strings.TrimSpace(reason)
	if err := jihat.ValidateReason("reason", reason); err != nil {
		return nil, err
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, u.ID == c.RequesterID); err != nil {
			return err
		}
		if err := c.CanObject(m.Now, s.cfg.ObjectionWindow); err != nil {
			return err
		}
		var err error
		if c.Status, err = jihat.Transition(c.Status, jihat.ActionObject); err != nil {
			return err
		}
		c.EscalationLevel = c.EscalationLevel.Next()
		ct, err := m.CaseType()
		if err != nil {
			return err
		}
		cal, err := m.Calendar()
		if err != nil {
			return err
		}
		c.DueAt = jihat.DueAt(cal, ct.SLA.HoursFor(c.Priority), m.Now)
		c.RemindAt = cal.ReminderAt(m.Now, c.DueAt, reminderFraction)
		c.RemindedAt, c.LateNotifiedAt, c.ClosedAt = time.Time{}, time.Time{}, time.Time{}
		if _, err := m.Event(jihat.CaseEventObjected, u.ID, jihat.VisibilityPublic, jihat.ObjectedData{Reason: reason, Level: c.EscalationLevel}); err != nil {
			return err
		}
		// The requester hears that the objection was received and the case
		// re-opened with a new deadline, whoever ends up handling it.
		if err := m.Notify("case.objection_received", c.RequesterID,
			map[string]any{"number": c.Number, "reason": reason, "due_at": c.DueAt}); err != nil {
			return err
		}
		handler, err := escalationTarget(m, c.EscalationLevel)
		if err != nil {
			return err
		}
		if handler == nil {
			return nil // nobody above: the current assignee keeps it
		}
		if _, err := m.Event(jihat.CaseEventEscalated, "", jihat.VisibilityPublic,
			jihat.EscalatedData{Level: c.EscalationLevel, Reason: "objection"}); err != nil {
			return err
		}
		if handler.ID != c.AssigneeID {
			if err := s.assigned(m, handler.ID, ""); err != nil {
				return err
			}
		}
		return m.Notify("case.objection", handler.ID, map[string]any{"number": c.Number, "reason": reason})
	})
	return c, err
}

// escalationTarget returns who handles a case escalated to level: an active
// holder of that role in the department, else in the entity, who may handle
// cases, the least loaded first; a higher role only when nobody holds that
// one (an entity admin who sits in the department does not take a first
// objection from its supervisor). nil when there is nobody.
func escalationTarget(m *store.CaseTx, level jihat.EscalationLevel) (*jihat.User, error) {
	users, err := m.Supervisors(level.Role().Level())
	if err != nil {
		return nil, err
	}
	// Supervisors lists the least loaded first; keep that order per role.
	slices.SortStableFunc(users, func(a, b *jihat.User) int { return a.Role.Level() - b.Role.Level() })
	for _, u := range users {
		if u.Can(jihat.PermCaseHandle) {
			return u, nil
		}
	}
	return nil, nil
}

// Rate records the requester's rating (1–5) of a resolved case, once.
func (s *Server) Rate(ctx context.Context, u *jihat.User, a jihat.AuditEntry, caseID string, score int, comment string) (*jihat.Case, error) {
	comment = strings.TrimSpace(comment)
	if err := jihat.ValidateRating(score, comment); err != nil {
		return nil, err
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, u.ID == c.RequesterID); err != nil {
			return err
		}
		if err := c.CanRate(c.Rating != 0); err != nil {
			return err
		}
		c.Rating, c.RatingComment, c.RatedAt = score, comment, m.Now
		_, err := m.Event(jihat.CaseEventRated, u.ID, jihat.VisibilityPublic, jihat.RatedData{Score: score, Comment: comment})
		return err
	})
	return c, err
}
