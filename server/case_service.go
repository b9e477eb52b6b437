package server

import (
	"context"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// The case services: one use case each. Each checks the caller's rights on
// the case as locked inside the transaction, applies the domain rules
// (jihat.Transition and friends), lets the store commit the change with its
// events, notifications and audit entry, and then publishes the events.

// mutate runs fn on case id for actor (nil for the system) in the store's
// group commit, publishes the events it recorded once they are committed
// (in sequence order per case: the store calls the hook in commit order),
// and returns their views.
func (s *Server) mutate(ctx context.Context, actor *jihat.User, id string, a jihat.AuditEntry, fn func(m *store.CaseTx) error) (*jihat.Case, []eventView, error) {
	var views []eventView
	notified := false
	c, _, err := s.store.UpdateCaseThen(ctx, id, a, func(m *store.CaseTx) error {
		err := fn(m)
		notified = m.Notified() // of the run that committed (fn may run again)
		return err
	}, func(c *jihat.Case, events []jihat.CaseEvent) {
		views = s.publish(context.WithoutCancel(ctx), c, actor, events)
	})
	if err != nil {
		return nil, nil, err
	}
	if notified {
		// Only then: a wake-up is one outbox read (a transaction) on the
		// worker, and most changes (comments) queue nothing.
		s.wakeNotifier()
	}
	return c, views, nil
}

// hidden is the error for a case the caller may not see: the same as a case
// that does not exist, so IDs cannot be probed.
func hidden() error { return jihat.Errorf(jihat.ENOTFOUND, "not_found") }

// CreateCase opens a case for u and assigns it when someone can take it.
func (s *Server) CreateCase(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, in jihat.NewCaseInput) (caseView, error) {
	if !u.Can(jihat.PermCaseCreate) {
		return caseView{}, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	in.Subject, in.Body = strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
	if err := s.caseService(ctx, &in); err != nil {
		return caseView{}, err
	}
	if err := in.Validate(); err != nil {
		return caseView{}, err
	}
	ct, err := s.store.CaseType(ctx, in.CaseTypeID)
	if err != nil || ct.EntityID != in.EntityID {
		return caseView{}, jihat.Invalid(map[string]string{"case_type_id": "case_type_not_in_entity"})
	}
	ent, err := s.store.Entity(ctx, in.EntityID)
	if err != nil {
		return caseView{}, err
	}
	now := s.now().UTC()
	cal := ent.WorkingCalendar()
	c := &jihat.Case{
		EntityID: in.EntityID, CaseTypeID: ct.ID, DepartmentID: ct.DepartmentID, Subject: in.Subject, Body: in.Body,
		Priority: in.Priority, Kind: in.Kind, Category: in.Category, Location: in.Location, Status: jihat.StatusNew,
		RequesterID: u.ID, EscalationLevel: jihat.EscalationEmployee, ServiceID: in.ServiceID,
		DueAt: jihat.DueAt(cal, ct.SLA.HoursFor(in.Priority), now),
	}
	c.RemindAt = cal.ReminderAt(now, c.DueAt, reminderFraction)
	online := s.onlineStaff(ctx, c.EntityID, c.DepartmentID) // before the transaction
	events, err := s.store.CreateCase(ctx, c, a, func(m *store.CaseTx) error {
		if _, err := m.Event(jihat.CaseEventCreated, u.ID, jihat.VisibilityPublic, nil); err != nil {
			return err
		}
		if err := m.Notify("case.created", u.ID, map[string]any{"number": c.Number}); err != nil {
			return err
		}
		return s.autoAssign(m, online)
	})
	if err != nil {
		return caseView{}, err
	}
	s.publish(ctx, c, u, events)
	s.wakeNotifier()
	return s.caseAnswer(ctx, u, lang, c)
}

// reminderFraction is the share of the SLA after which the assignee is
// reminded of the deadline.
const reminderFraction = 0.75

// autoAssign gives a new case to a competent employee, if any; online is
// the hub's answer of who is connected (onlineStaff).
func (s *Server) autoAssign(m *store.CaseTx, online store.Online) error {
	c := m.Case
	id, err := m.AutoAssign(online)
	if err != nil || id == "" {
		return err
	}
	if c.Status, err = jihat.Transition(c.Status, jihat.ActionAssign); err != nil {
		return err
	}
	return s.assigned(m, id, "")
}

// assigned records that the case now belongs to employee id, given by the
// assignment rule (by == "") or by a person.
func (s *Server) assigned(m *store.CaseTx, id, by string) error {
	return s.assignedTo(m, id, by, "")
}

// assignedTo is assigned for a case that moved to department (when not "")
// with its new assignee.
func (s *Server) assignedTo(m *store.CaseTx, id, by, department string) error {
	c := m.Case
	previous := c.AssigneeID
	if previous == id {
		previous = ""
	}
	c.AssigneeID = id
	emp, err := m.User(id)
	if err != nil {
		return err
	}
	if _, err := m.Event(jihat.CaseEventAssigned, by, jihat.VisibilityPublic,
		jihat.AssignedData{AssigneeID: emp.ID, PreviousID: previous, Auto: by == "", DepartmentID: department}); err != nil {
		return err
	}
	if err := m.Notify("case.assigned", id, map[string]any{"number": c.Number, "subject": c.Subject}); err != nil {
		return err
	}
	return m.Notify("case.assigned_requester", c.RequesterID, map[string]any{"number": c.Number, "assignee": emp.Name})
}

// AddComment adds a public reply or an internal note and returns its view.
// vis "" (not given) is public for the requester and refused for staff
// (jihat.ChooseVisibility).
func (s *Server) AddComment(ctx context.Context, u *jihat.User, a jihat.AuditEntry, caseID, body string, vis jihat.Visibility) (eventView, error) {
	stages := s.startStages(ctx)
	body = strings.TrimSpace(body)
	if err := jihat.ValidateComment(body, vis); err != nil {
		return eventView{}, err
	}
	if err := s.spendWrite(ctx, u); err != nil {
		return eventView{}, err
	}
	stages.spendDone()
	var ev *jihat.CaseEvent
	_, views, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if !canSeeCase(u, c) {
			return hidden()
		}
		var err error
		if vis, err = jihat.ChooseVisibility(vis, u.ID == c.RequesterID); err != nil {
			return err
		}
		switch {
		case vis == jihat.VisibilityInternal:
			if !canSeeInternal(u, c) {
				return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
			}
			if c.Status == jihat.StatusClosed {
				return jihat.Errorf(jihat.ECONFLICT, "case_closed")
			}
		case u.ID == c.RequesterID || canHandle(u, c):
			if err := publicAction(m, u, "case.reply", map[string]any{"number": c.Number, "body": body}); err != nil {
				return err
			}
		default:
			return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		}
		ev, err = m.Event(jihat.CaseEventComment, u.ID, vis, jihat.CommentData{Body: body})
		return err
	})
	if err != nil {
		return eventView{}, err
	}
	s.logStages(ctx, stages)
	for _, v := range views {
		if v.ID == ev.ID {
			return v, nil
		}
	}
	return newEventView(ev, map[string]string{u.ID: u.Name}), nil
}

// publicAction applies the rules every public action on a case follows, a
// reply, a file or a voice note alike: the requester's keeps or puts the
// case in progress and tells its assignee (case.citizen_reply); staff's is
// a reply (the first response; an assigned case is in progress) and tells
// the requester with kind and data. A resolved or closed case takes none.
func publicAction(m *store.CaseTx, u *jihat.User, kind string, data map[string]any) error {
	c := m.Case
	var err error
	if u.ID == c.RequesterID {
		if c.Status, err = jihat.Transition(c.Status, jihat.ActionCitizenReply); err != nil {
			return err
		}
		if c.AssigneeID == "" {
			return nil
		}
		return m.Notify("case.citizen_reply", c.AssigneeID, map[string]any{"number": c.Number})
	}
	if c.Status, err = jihat.Transition(c.Status, jihat.ActionReply); err != nil {
		return err
	}
	if c.FirstResponseAt.IsZero() {
		c.FirstResponseAt = m.Now
	}
	return m.Notify(kind, c.RequesterID, data)
}

// Resolve answers the case with a resolution text.
func (s *Server) Resolve(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID, resolution string) (caseView, error) {
	resolution = strings.TrimSpace(resolution)
	if err := jihat.ValidateResolution(resolution); err != nil {
		return caseView{}, err
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, mayDecide(u, c)); err != nil {
			return err
		}
		var err error
		if c.Status, err = jihat.Transition(c.Status, jihat.ActionResolve); err != nil {
			return err
		}
		c.Resolution, c.ResolvedAt, c.PostponedUntil, c.PausedWork = resolution, m.Now, time.Time{}, 0
		if c.FirstResponseAt.IsZero() {
			c.FirstResponseAt = m.Now
		}
		// A resolution no objection can follow (the last level decided, or
		// the cap is reached) is final, and the requester is told so.
		if c.FinalDecision, err = finalDecision(m); err != nil {
			return err
		}
		if _, err := m.Event(jihat.CaseEventResolved, u.ID, jihat.VisibilityPublic,
			jihat.ResolvedData{Resolution: resolution, Final: c.FinalDecision}); err != nil {
			return err
		}
		kind := "case.resolved"
		if c.FinalDecision {
			kind = "case.final_decision"
		}
		return m.Notify(kind, c.RequesterID, map[string]any{"number": c.Number, "resolution": resolution})
	})
	if err == nil {
		s.wakeSweeper() // the assignee has room for a waiting case
	}
	return s.caseAnswerErr(ctx, u, lang, c, err)
}

// Transition applies a plain status action (start, await_citizen, resume,
// close) for someone who handles the case.
func (s *Server) Transition(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID string, action jihat.Action) (caseView, error) {
	switch action {
	case jihat.ActionStart, jihat.ActionAwaitCitizen, jihat.ActionResume, jihat.ActionClose:
	default:
		return caseView{}, jihat.Invalid(map[string]string{"action": "invalid_value"})
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, canHandle(u, c)); err != nil {
			return err
		}
		from := c.Status
		var err error
		if c.Status, err = jihat.Transition(c.Status, action); err != nil {
			return err
		}
		switch action {
		case jihat.ActionResume:
			// The working time left when it was postponed is given back
			// from now (jihat.Case.Resume), with fresh reminders.
			cal, err := m.Calendar()
			if err != nil {
				return err
			}
			c.Resume(cal, m.Now)
			c.RemindAt = cal.ReminderAt(m.Now, c.DueAt, reminderFraction)
			c.RemindedAt, c.LateNotifiedAt = time.Time{}, time.Time{}
		case jihat.ActionClose:
			c.ClosedAt = m.Now
		}
		_, err = m.Event(jihat.CaseEventStatusChanged, u.ID, jihat.VisibilityPublic,
			jihat.StatusChangedData{From: from, To: c.Status, Action: action})
		if err == nil && action == jihat.ActionAwaitCitizen {
			err = m.Notify("case.awaiting_citizen", c.RequesterID, map[string]any{"number": c.Number})
		}
		return err
	})
	return s.caseAnswerErr(ctx, u, lang, c, err)
}
