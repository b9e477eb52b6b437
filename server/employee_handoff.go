package server

import (
	"context"
	"errors"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// handOff gives the open cases of a disabled employee to colleagues, by
// the entity's distribution rule, one transaction per case, each recorded
// as a reassignment by the actor (an "assigned" event with the previous
// assignee, notifications, an audit entry). A case that nobody can take
// now stays with the disabled employee, where their supervisor sees it and
// can reassign it by hand; left counts those.
func (s *Server) handOff(ctx context.Context, actor *jihat.User, a jihat.AuditEntry, userID string) (moved, left int, err error) {
	var open []jihat.Status
	for _, st := range jihat.Statuses {
		if st.Open() {
			open = append(open, st)
		}
	}
	a.Details = detailsJSON(map[string]any{"reason": "employee_disabled", "from": userID})
	q := store.CaseQuery{AssigneeID: userID, Statuses: open, Limit: 100}
	online := s.onlineCache()
	for {
		page, next, err := s.store.ListCases(ctx, q)
		if err != nil {
			return moved, left, err
		}
		for _, c := range page {
			live := online.of(ctx, c.EntityID, c.DepartmentID) // before the transaction
			_, _, err := s.mutate(ctx, actor, c.ID, a, func(m *store.CaseTx) error {
				if c := m.Case; c.AssigneeID != userID || !c.Status.Open() {
					return errNothing
				}
				return s.assignAuto(m, actor.ID, live)
			})
			switch {
			case err == nil:
				moved++
			case errors.Is(err, errNothing):
				left++
			default:
				return moved, left, err
			}
		}
		if next == "" {
			return moved, left, nil
		}
		q.Cursor = next
	}
}
