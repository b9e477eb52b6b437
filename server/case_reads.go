package server

import (
	"context"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// The case reads: what a caller may see of one case, as views.

// visible loads case id if u may see it; a case u may not see is the same
// error as one that does not exist (hidden), so IDs cannot be probed.
func (s *Server) visible(ctx context.Context, u *jihat.User, id string) (*jihat.Case, error) {
	cs, err := s.store.Case(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canSeeCase(u, cs) {
		return nil, hidden()
	}
	return cs, nil
}

// visibleToStaff is visible for what only staff who see internal notes may
// read (the requests waiting for a supervisor).
func (s *Server) visibleToStaff(ctx context.Context, u *jihat.User, id string) (*jihat.Case, error) {
	cs, err := s.visible(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if !canSeeInternal(u, cs) {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return cs, nil
}

// Case is case id as u sees it, in lang.
func (s *Server) Case(ctx context.Context, u *jihat.User, lang jihat.Lang, id string) (caseView, error) {
	cs, err := s.visible(ctx, u, id)
	if err != nil {
		return caseView{}, err
	}
	return s.caseAnswer(ctx, u, lang, cs)
}

// CaseEvents is the public timeline of case id after since and, for staff
// who may see internal notes, its staff channel after staffSince, merged in
// time order (at most 1000 of each).
func (s *Server) CaseEvents(ctx context.Context, u *jihat.User, id string, since, staffSince int64) ([]eventView, error) {
	cs, err := s.visible(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if since < 0 || staffSince < 0 {
		return nil, jihat.Invalid(map[string]string{"since": "invalid_value"})
	}
	events, err := s.store.Events(ctx, jihat.CaseChannel(cs.ID), since, 1000)
	if err != nil {
		return nil, err
	}
	if canSeeInternal(u, cs) {
		staff, err := s.store.Events(ctx, jihat.CaseStaffChannel(cs.ID), staffSince, 1000)
		if err != nil {
			return nil, err
		}
		events = mergeByTime(events, staff)
	}
	names, err := actorNames(ctx, s.store, events)
	if err != nil {
		return nil, err
	}
	out := make([]eventView, 0, len(events))
	for i := range events {
		if eventVisible(u, cs, &events[i]) { // a second guard: never an internal event to whoever may not see it
			out = append(out, newEventView(&events[i], names))
		}
	}
	return out, nil
}

// mergeByTime merges two time-ordered event lists.
func mergeByTime(a, b []jihat.CaseEvent) []jihat.CaseEvent {
	out := make([]jihat.CaseEvent, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if !b[j].CreatedAt.Before(a[i].CreatedAt) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return append(append(out, a[i:]...), b[j:]...)
}

// postponementView is a postponement request in the list of those waiting.
type postponementView struct {
	ID          string `json:"id"`
	RequestedBy string `json:"requested_by"`
	Until       string `json:"until"`
	Reason      string `json:"reason"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
}

// PendingPostponements lists the postponement requests of case id waiting
// for a supervisor (staff who see internal notes).
func (s *Server) PendingPostponements(ctx context.Context, u *jihat.User, id string) ([]postponementView, error) {
	cs, err := s.visibleToStaff(ctx, u, id)
	if err != nil {
		return nil, err
	}
	ps, err := s.store.PendingPostponements(ctx, cs.ID)
	if err != nil {
		return nil, err
	}
	out := make([]postponementView, len(ps))
	for i, p := range ps {
		out[i] = postponementView{ID: p.ID, RequestedBy: p.RequestedBy, Until: rfc3339(p.Until), Reason: p.Reason,
			Status: p.Status, CreatedAt: rfc3339(p.CreatedAt)}
	}
	return out, nil
}

// reassignmentView is a reassignment request.
type reassignmentView struct {
	ID          string `json:"id"`
	RequestedBy string `json:"requested_by"`
	EmployeeID  string `json:"employee_id"`
	Reason      string `json:"reason"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
}

func newReassignmentView(r *store.Reassignment) *reassignmentView {
	return &reassignmentView{ID: r.ID, RequestedBy: r.RequestedBy, EmployeeID: r.ToUserID, Reason: r.Reason,
		Status: r.Status, CreatedAt: rfc3339(r.CreatedAt)}
}

// PendingReassignments lists the reassignment requests of case id waiting
// for a supervisor (staff who see internal notes).
func (s *Server) PendingReassignments(ctx context.Context, u *jihat.User, id string) ([]*reassignmentView, error) {
	cs, err := s.visibleToStaff(ctx, u, id)
	if err != nil {
		return nil, err
	}
	rs, err := s.store.PendingReassignments(ctx, cs.ID)
	if err != nil {
		return nil, err
	}
	out := make([]*reassignmentView, len(rs))
	for i := range rs {
		out[i] = newReassignmentView(&rs[i])
	}
	return out, nil
}
