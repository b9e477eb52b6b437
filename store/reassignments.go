package store

import (
	"context"
	"time"

	"github.com/jihat/jihat"
)

// Reassignment is an employee's request, made without case.reassign, to
// hand a case to a colleague, for a supervisor to approve or refuse. Its
// statuses are those of a Postponement.
type Reassignment struct {
	ID          string
	CaseID      string
	RequestedBy string
	ToUserID    string
	Reason      string
	Status      string // pending, approved, refused
	DecidedBy   string
	Note        string
	CreatedAt   time.Time
}

// RequestReassignment records a pending request on the case. Only one may be
// pending per case: a second is ECONFLICT.
func (m *CaseTx) RequestReassignment(by, to, reason string) (*Reassignment, error) {
	var n int64
	if err := m.tx.Model(&reassignmentRow{}).Where("case_id = ? AND status = ?", m.Case.ID, PostponementPending).
		Count(&n).Error; err != nil {
		return nil, err
	}
	if n > 0 {
		return nil, jihat.Errorf(jihat.ECONFLICT, "reassignment_pending")
	}
	row := reassignmentRow{ID: newID(), CaseID: m.Case.ID, RequestedBy: by, ToUserID: to, Reason: reason,
		Status: PostponementPending, CreatedAt: m.Now}
	if err := m.tx.Create(&row).Error; err != nil {
		return nil, err
	}
	r := reassignment(row)
	return &r, nil
}

// DecideReassignment approves or refuses the pending request id of this
// case. ENOTFOUND when there is no such pending request.
func (m *CaseTx) DecideReassignment(id, by string, approve bool, note string) (*Reassignment, error) {
	var row reassignmentRow
	if err := m.tx.Where("id = ? AND case_id = ? AND status = ?", id, m.Case.ID, PostponementPending).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	row.Status = PostponementRefused
	if approve {
		row.Status = PostponementApproved
	}
	row.DecidedBy, row.DecidedAt, row.Note = &by, &m.Now, note
	if err := m.tx.Save(&row).Error; err != nil {
		return nil, err
	}
	r := reassignment(row)
	return &r, nil
}

// PendingReassignments returns the pending requests of a case.
func (s *Store) PendingReassignments(ctx context.Context, caseID string) ([]Reassignment, error) {
	var rows []reassignmentRow
	if err := s.db.WithContext(ctx).Where("case_id = ? AND status = ?", caseID, PostponementPending).
		Order("created_at").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Reassignment, len(rows))
	for i, r := range rows {
		out[i] = reassignment(r)
	}
	return out, nil
}

func reassignment(r reassignmentRow) Reassignment {
	return Reassignment{ID: r.ID, CaseID: r.CaseID, RequestedBy: r.RequestedBy, ToUserID: r.ToUserID, Reason: r.Reason,
		Status: r.Status, DecidedBy: deref(r.DecidedBy), Note: r.Note, CreatedAt: r.CreatedAt.UTC()}
}
