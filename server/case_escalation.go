package server

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Object re-opens a resolved case at the requester's objection, within the
// window, and escalates it to the next level of the entity's ladder that
// someone can take (jihat.EscalationConfig: supervisor, entity admin, the
// entity's head, the oversight body) with a fresh deadline. The requester is
// told that the objection was received, and the new handler that it is
// theirs. A final decision (made at the last level, or once the entity's cap
// on objections is reached) takes no objection: ECONFLICT.
func (s *Server) Object(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID, reason string) (caseView, error) {
	reason = strings.TrimSpace(reason)
	if err := jihat.ValidateReason("reason", reason); err != nil {
		return caseView{}, err
	}
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		if err := allowed(u, c, u.ID == c.RequesterID); err != nil {
			return err
		}
		if err := c.CanObject(m.Now, s.cfg.ObjectionWindow); err != nil {
			return err
		}
		e, err := m.Entity()
		if err != nil {
			return err
		}
		if c.Objections >= e.Escalation.Limit() {
			return jihat.Errorf(jihat.ECONFLICT, "objection_limit")
		}
		if c.Status, err = jihat.Transition(c.Status, jihat.ActionObject); err != nil {
			return err
		}
		c.Objections++
		level, handler, err := nextLevel(m, e.Escalation, c.EscalationLevel)
		if err != nil {
			return err
		}
		if handler != nil {
			c.EscalationLevel = level
		}
		ct, err := m.CaseType()
		if err != nil {
			return err
		}
		cal := e.WorkingCalendar()
		c.DueAt = jihat.DueAt(cal, ct.SLA.HoursFor(c.Priority), m.Now)
		c.RemindAt = cal.ReminderAt(m.Now, c.DueAt, reminderFraction)
		c.RemindedAt, c.LateNotifiedAt, c.ClosedAt = time.Time{}, time.Time{}, time.Time{}
		if _, err := m.Event(jihat.CaseEventObjected, u.ID, jihat.VisibilityPublic, jihat.ObjectedData{Reason: reason, Level: c.EscalationLevel}); err != nil {
			return err
		}
		// The requester hears that the objection was received and the case
		// re-opened with a new deadline, whoever ends up handling it.
		if err := m.Notify("case.objection_received", c.RequesterID,
			map[string]any{"number": c.Number, "reason": reason, "due_at": c.DueAt, "level": c.EscalationLevel.String()}); err != nil {
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
		return m.Notify("case.objection", handler.ID, map[string]any{"number": c.Number, "reason": reason, "level": c.EscalationLevel.String()})
	})
	return s.caseAnswerErr(ctx, u, lang, c, err)
}

// finalDecision reports whether a resolution of the case now would be final:
// the requester has used every objection the entity allows, or no level of
// the ladder above the case's can take it.
func finalDecision(m *store.CaseTx) (bool, error) {
	e, err := m.Entity()
	if err != nil {
		return false, err
	}
	if m.Case.Objections >= e.Escalation.Limit() {
		return true, nil
	}
	_, handler, err := nextLevel(m, e.Escalation, m.Case.EscalationLevel)
	return handler == nil, err
}

// mayDecide reports whether u may resolve a case at its level: from the
// entity's head up, only the one the case was escalated to decides (and
// platform admins); below, whoever handles it.
func mayDecide(u *jihat.User, c *jihat.Case) bool {
	if c.EscalationLevel >= jihat.EscalationHead {
		return u.IsPlatformAdmin() || c.AssigneeID == u.ID && canHandle(u, c)
	}
	return canHandle(u, c)
}

// nextLevel returns the first level of the ladder above from that someone
// can take, and who: nil when there is none.
func nextLevel(m *store.CaseTx, cfg jihat.EscalationConfig, from jihat.EscalationLevel) (jihat.EscalationLevel, *jihat.User, error) {
	for _, level := range cfg.Above(from) {
		u, err := levelHolder(m, cfg, level)
		if err != nil {
			return from, nil, err
		}
		if u != nil {
			return level, u, nil
		}
	}
	return from, nil, nil
}

// levelHolder returns who handles a case escalated to level: an active
// holder of the level's role in the department, else in the entity, who may
// handle cases, the least loaded first; the configured head; the least
// loaded oversight officer. nil when there is nobody.
func levelHolder(m *store.CaseTx, cfg jihat.EscalationConfig, level jihat.EscalationLevel) (*jihat.User, error) {
	switch level {
	case jihat.EscalationHead:
		u, err := m.User(cfg.HeadUserID)
		if jihat.ErrorCode(err) == jihat.ENOTFOUND {
			return nil, nil
		}
		if err != nil || !u.Active || !u.InEntity(m.Case.EntityID) || !u.Can(jihat.PermCaseHandle) {
			return nil, err
		}
		return u, nil
	case jihat.EscalationOversight:
		users, err := m.OversightOfficers()
		if err != nil || len(users) == 0 {
			return nil, err
		}
		return users[0], nil
	}
	users, err := m.Supervisors(level.Role().Level())
	if err != nil {
		return nil, err
	}
	// Supervisors lists the least loaded first; keep that order per role.
	slices.SortStableFunc(users, func(a, b *jihat.User) int { return a.Role.Level() - b.Role.Level() })
	for _, u := range users {
		if u.Role == level.Role() && u.Can(jihat.PermCaseHandle) {
			return u, nil
		}
	}
	return nil, nil
}

// checkEscalation validates an entity's ladder: the head must be an active
// member of its staff who may handle cases.
func (s *Server) checkEscalation(ctx context.Context, entityID string, cfg jihat.EscalationConfig) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	if cfg.HeadUserID == "" {
		return nil
	}
	invalid := jihat.Invalid(map[string]string{"escalation.head_user_id": "invalid_value"})
	if !jihat.IsUUID(cfg.HeadUserID) {
		return invalid
	}
	u, err := s.store.UserByID(ctx, cfg.HeadUserID)
	if jihat.ErrorCode(err) == jihat.ENOTFOUND {
		return invalid
	}
	if err != nil {
		return err
	}
	if !u.Active || !u.InEntity(entityID) || !u.Can(jihat.PermCaseHandle) {
		return invalid
	}
	return nil
}
