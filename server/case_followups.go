package server

import (
	"context"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Postpone moves the case's deadline to until. With case.postpone it takes
// effect (requested == false); without it, it becomes a request for a
// supervisor (requested == true) and the case is unchanged.
//
// reason is internal (staff only, on the staff channel); publicReason, when
// not empty, is the wording the requester sees with the new date. The
// requester never sees reason.
func (s *Server) Postpone(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID string, until time.Time, reason, publicReason string) (_ caseView, pending *postponementRequestView, err error) {
	reason, publicReason = strings.TrimSpace(reason), strings.TrimSpace(publicReason)
	if err := jihat.ValidatePostponement(until, reason, s.now().UTC()); err != nil {
		return caseView{}, nil, err
	}
	if err := jihat.ValidatePublicReason(publicReason); err != nil {
		return caseView{}, nil, err
	}
	var req *store.Postponement
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		req = nil // the group commit may run this again (store/group_fast.go)
		if err := allowed(u, c, canHandle(u, c)); err != nil {
			return err
		}
		if _, err := jihat.Transition(c.Status, jihat.ActionPostpone); err != nil {
			return err
		}
		if canManage(u, c, jihat.PermCasePostpone) {
			// Decided at once: the internal reason goes on the staff
			// channel, as an approval would record it.
			if _, err := m.Event(jihat.CaseEventPostponementApproved, u.ID, jihat.VisibilityInternal,
				postponementData{PostponedData: jihat.PostponedData{Until: until.UTC(), Reason: reason, DueAt: until.UTC()}, PublicReason: publicReason}); err != nil {
				return err
			}
			return postpone(m, u.ID, until, publicReason)
		}
		var err error
		if req, err = m.RequestPostponement(u.ID, until, reason, publicReason); err != nil {
			return err
		}
		if _, err := m.Event(jihat.CaseEventPostponementRequested, u.ID, jihat.VisibilityInternal,
			postponementData{RequestID: req.ID, PostponedData: jihat.PostponedData{Until: until.UTC(), Reason: reason, DueAt: until.UTC()}, PublicReason: publicReason}); err != nil {
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
	if err == nil && req != nil {
		pending = &postponementRequestView{ID: req.ID, Until: rfc3339(req.Until), Reason: req.Reason, PublicReason: req.PublicReason, Status: req.Status}
	}
	v, err := s.caseAnswerErr(ctx, u, lang, c, err)
	if err != nil {
		return caseView{}, nil, err
	}
	return v, pending, nil
}

// postponementRequestView is a postponement request waiting for a
// supervisor, as its requester sees it.
type postponementRequestView struct {
	ID           string `json:"id"`
	Until        string `json:"until"`
	Reason       string `json:"reason"`
	PublicReason string `json:"public_reason"`
	Status       string `json:"status"`
}

// postponementData is the payload of the internal postponement events: the
// request they are about, beside the postponement itself.
type postponementData struct {
	RequestID string `json:"request_id,omitempty"`
	jihat.PostponedData
	PublicReason string `json:"public_reason,omitempty"` // what the requester sees
}

// postpone applies a postponement: the status, the new deadline (recorded on
// the public timeline with publicReason, the wording written for the
// requester, or none) and fresh reminders. The internal reason never goes
// here: it is on the staff channel.
func postpone(m *store.CaseTx, by string, until time.Time, publicReason string) error {
	c := m.Case
	status, err := jihat.Transition(c.Status, jihat.ActionPostpone)
	if err != nil {
		return err
	}
	cal, err := m.Calendar()
	if err != nil {
		return err
	}
	c.Pause(cal, m.Now, until) // the SLA clock stops; see jihat.Case.Pause
	c.Status = status
	c.RemindAt = cal.ReminderAt(m.Now, c.DueAt, reminderFraction)
	c.RemindedAt, c.LateNotifiedAt = time.Time{}, time.Time{}
	if _, err := m.Event(jihat.CaseEventPostponed, by, jihat.VisibilityPublic,
		jihat.PostponedData{Until: c.PostponedUntil, Reason: publicReason, DueAt: c.DueAt}); err != nil {
		return err
	}
	return m.Notify("case.postponed", c.RequesterID, map[string]any{"number": c.Number, "until": c.DueAt, "reason": publicReason})
}

// DecidePostponement approves or refuses a pending request (case.approve).
func (s *Server) DecidePostponement(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID, requestID string, approve bool, note string) (caseView, error) {
	return s.decide(ctx, u, lang, a, caseID, jihat.PermCaseApprove, approve, note, func(m *store.CaseTx, note string) error {
		c := m.Case
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
			data = postponementData{RequestID: req.ID, PostponedData: jihat.PostponedData{Until: req.Until, Reason: req.Reason, DueAt: req.Until}, PublicReason: req.PublicReason}
		}
		if _, err := m.Event(typ, u.ID, jihat.VisibilityInternal, data); err != nil {
			return err
		}
		if err := m.Notify("case."+string(typ), req.RequestedBy, map[string]any{"number": c.Number}); err != nil {
			return err
		}
		if approve {
			return postpone(m, u.ID, req.Until, req.PublicReason)
		}
		return nil
	})
}

// decide runs fn, the decision on a request waiting for a supervisor
// (postponement, reassignment), on case caseID for u, who must hold perm in
// scope. The note is trimmed and given to fn; refusing requires one.
func (s *Server) decide(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID string, perm jihat.Permission,
	approve bool, note string, fn func(m *store.CaseTx, note string) error) (caseView, error) {
	note = strings.TrimSpace(note)
	if !approve || note != "" {
		if err := jihat.ValidateReason("note", note); err != nil {
			return caseView{}, err
		}
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		if err := allowed(u, m.Case, canManage(u, m.Case, perm)); err != nil {
			return err
		}
		return fn(m, note)
	})
	return s.caseAnswerErr(ctx, u, lang, c, err)
}

// Rate records the requester's rating (1–5) of a resolved case, once.
func (s *Server) Rate(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID string, score int, comment string) (caseView, error) {
	comment = strings.TrimSpace(comment)
	if err := jihat.ValidateRating(score, comment); err != nil {
		return caseView{}, err
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
	return s.caseAnswerErr(ctx, u, lang, c, err)
}
