package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// Postponement is a request to move a case's deadline, made by an employee
// without case.postpone, for a supervisor to approve or refuse.
type Postponement struct {
	ID          string
	CaseID      string
	RequestedBy string
	Until       time.Time
	Reason      string // internal: staff only
	// PublicReason is the wording for the requester, shown on approval; ""
	// when the employee wrote none (the requester then sees only the date).
	PublicReason string
	Status       string // pending, approved, refused
	DecidedBy    string
	CreatedAt    time.Time
}

// RequestPostponement records a pending request on the case. Only one request
// may be pending per case: a second is ECONFLICT.
func (m *CaseTx) RequestPostponement(by string, until time.Time, reason, publicReason string) (*Postponement, error) {
	row := &postponementRow{Until: until.UTC(), Reason: reason, PublicReason: publicReason}
	return request(m, row, by, "postponement_pending", postponement)
}

// DecidePostponement approves or refuses the pending request id of this case.
// ENOTFOUND when there is no such pending request.
func (m *CaseTx) DecidePostponement(id, by string, approve bool, note string) (*Postponement, error) {
	return decide(m, id, by, approve, note, postponement)
}

func postponement(r *postponementRow) Postponement {
	return Postponement{ID: r.Req.ID, CaseID: r.Req.CaseID, RequestedBy: r.Req.RequestedBy, Until: r.Until.UTC(), Reason: r.Reason,
		PublicReason: r.PublicReason, Status: r.Req.Status, DecidedBy: deref(r.Req.DecidedBy), CreatedAt: r.Req.CreatedAt.UTC()}
}

// CasesToRemind returns open, assigned cases whose reminder time has come
// and whose assignee has not been reminded yet.
func (s *Store) CasesToRemind(ctx context.Context, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&caseRow{}).
		Where("status IN ? AND assignee_id IS NOT NULL AND reminded_at IS NULL AND remind_at < ?", openStatuses(), now.UTC()).
		Order("remind_at").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// CasesToClose returns resolved cases resolved before cutoff (their
// objection window has ended).
func (s *Store) CasesToClose(ctx context.Context, cutoff time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&caseRow{}).
		Where("status = ? AND resolved_at < ?", string(jihat.StatusResolved), cutoff.UTC()).
		Order("resolved_at").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// LateCasesToReport returns open cases past due whose supervisors have not
// been told yet.
func (s *Store) LateCasesToReport(ctx context.Context, now time.Time, limit int) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&caseRow{}).
		Where("status IN ? AND late_notified_at IS NULL AND due_at < ?", openStatuses(), now.UTC()).
		Order("due_at").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// Supervisors returns the active users of an entity whose role is at or
// above level (jihat.Role.Level), of the department when it has some, else
// of the whole entity; fewest open cases first.
func (s *Store) Supervisors(ctx context.Context, entityID, departmentID string, level int) ([]*jihat.User, error) {
	return s.supervisors(s.db.WithContext(ctx), entityID, departmentID, level)
}

// Supervisors is Store.Supervisors inside the case's transaction, for the
// case's entity and department.
func (m *CaseTx) Supervisors(level int) ([]*jihat.User, error) {
	return m.s.supervisors(m.tx, m.Case.EntityID, m.Case.DepartmentID, level)
}

// CaseType returns the case's type inside the transaction.
func (m *CaseTx) CaseType() (*jihat.CaseType, error) {
	var r caseTypeRow
	if err := m.tx.Where("id = ?", m.Case.CaseTypeID).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return caseType(r), nil
}

func (s *Store) supervisors(db *gorm.DB, entityID, departmentID string, level int) ([]*jihat.User, error) {
	var roles []string
	for _, r := range jihat.StaffRoles {
		if r.Level() >= level {
			roles = append(roles, string(r))
		}
	}
	find := func(dept string) ([]userRow, error) {
		q := db.Where("entity_id = ? AND active = ? AND role IN ?", entityID, true, roles)
		if dept != "" {
			q = q.Where("department_id = ?", dept)
		}
		var rows []userRow
		return rows, q.Order("open_cases, id").Find(&rows).Error
	}
	rows, err := find(departmentID)
	if err == nil && len(rows) == 0 && departmentID != "" {
		rows, err = find("")
	}
	if err != nil {
		return nil, err
	}
	return s.users(rows)
}
