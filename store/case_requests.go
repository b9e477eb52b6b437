package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// One mechanism for the requests on a case that wait for a supervisor
// (postponements, reassignments): at most one pending per case, decided
// once, listed while pending. Each kind is a row type embedding requestRow.

// Request statuses (of postponements and reassignments alike).
const (
	PostponementPending  = "pending"
	PostponementApproved = "approved"
	PostponementRefused  = "refused"
)

// caseRequest is a pointer to a row type that embeds requestRow.
type caseRequest[R any] interface {
	*R
	request() *requestRow
}

// request records row, pending, on the case for by, and returns it mapped
// by view. Only one request of its kind may be pending per case: a second
// is ECONFLICT with conflict as key.
func request[R, V any, P caseRequest[R]](m *CaseTx, row P, by, conflict string, view func(P) V) (*V, error) {
	var n int64
	if err := m.tx.Model(row).Where("case_id = ? AND status = ?", m.Case.ID, PostponementPending).
		Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, jihat.Errorf(jihat.ECONFLICT, conflict)
	}
	r := row.request()
	r.ID, r.CaseID, r.RequestedBy, r.Status, r.CreatedAt = newID(), m.Case.ID, by, PostponementPending, m.Now
	if err := m.tx.Create(row).Error; err != nil {
		return nil, err
	}
	v := view(row)
	return &v, nil
}

// decide approves or refuses the pending request id of the case, by by
// with note, and returns it mapped by view. ENOTFOUND when there is no such
// pending request.
func decide[R, V any, P caseRequest[R]](m *CaseTx, id, by string, approve bool, note string, view func(P) V) (*V, error) {
	row := P(new(R))
	if err := m.tx.Where("id = ? AND case_id = ? AND status = ?", id, m.Case.ID, PostponementPending).Take(row).Error; err != nil {
		return nil, notFound(err)
	}
	r := row.request()
	r.Status = PostponementRefused
	if approve {
		r.Status = PostponementApproved
	}
	r.DecidedBy, r.DecidedAt, r.Note = &by, &m.Now, note
	if err := m.tx.Save(row).Error; err != nil {
		return nil, err
	}
	v := view(row)
	return &v, nil
}

// pending lists the pending requests of one kind on a case, oldest first,
// mapped by view.
func pending[R, V any](db *gorm.DB, caseID string, view func(*R) V) ([]V, error) {
	var rows []R
	if err := db.Where("case_id = ? AND status = ?", caseID, PostponementPending).
		Order("created_at").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]V, len(rows))
	for i := range rows {
		out[i] = view(&rows[i])
	}
	return out, nil
}

// PendingPostponements returns the pending postponement requests of a case.
func (s *Store) PendingPostponements(ctx context.Context, caseID string) ([]Postponement, error) {
	return pending(s.db.WithContext(ctx), caseID, postponement)
}

// PendingReassignments returns the pending reassignment requests of a case.
func (s *Store) PendingReassignments(ctx context.Context, caseID string) ([]Reassignment, error) {
	return pending(s.db.WithContext(ctx), caseID, reassignment)
}
