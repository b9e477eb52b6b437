package store

import (
	"time"
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
	return request(m, &reassignmentRow{ToUserID: to, Reason: reason}, by, "reassignment_pending", reassignment)
}

// DecideReassignment approves or refuses the pending request id of this
// case. ENOTFOUND when there is no such pending request.
func (m *CaseTx) DecideReassignment(id, by string, approve bool, note string) (*Reassignment, error) {
	return decide(m, id, by, approve, note, reassignment)
}

func reassignment(r *reassignmentRow) Reassignment {
	return Reassignment{ID: r.Req.ID, CaseID: r.Req.CaseID, RequestedBy: r.Req.RequestedBy, ToUserID: r.ToUserID, Reason: r.Reason,
		Status: r.Req.Status, DecidedBy: deref(r.Req.DecidedBy), Note: r.Req.Note, CreatedAt: r.Req.CreatedAt.UTC()}
}
