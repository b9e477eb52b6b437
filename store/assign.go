package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// OnlineWindow is how recently a user must have been seen (a live socket's
// heartbeat or a request) to count as online for assignment.
const OnlineWindow = 2 * time.Minute

// Online is who of a department's staff is connected now, as the live hub
// answered before the assignment's transaction began (the transaction
// never waits on the network): the IDs it holds as true are online. Nil
// when the hub was not asked or did not answer: online then means seen
// within OnlineWindow.
type Online map[string]bool

// staffOf selects the active staff of a department: the candidates of
// AutoAssign, before their permissions and capacity are checked.
func staffOf(db *gorm.DB, entityID, departmentID string) *gorm.DB {
	return db.Where("entity_id = ? AND department_id = ? AND active = ? AND role IN ?", entityID, departmentID, true,
		[]string{string(jihat.RoleEmployee), string(jihat.RoleSupervisor), string(jihat.RoleEntityAdmin)})
}

// DepartmentStaff returns the IDs of the candidates of AutoAssign in a
// department, to ask the live hub who of them is online before the
// assignment's transaction.
func (s *Store) DepartmentStaff(ctx context.Context, entityID, departmentID string) ([]string, error) {
	var ids []string
	err := staffOf(s.db.WithContext(ctx).Model(&userRow{}), entityID, departmentID).Pluck("id", &ids).Error
	return ids, err
}

// AutoAssign picks a competent employee for the case with the entity's rule
// (jihat.ChooseAssignee); the caller makes them the assignee. online, when
// not nil, says who is connected now; otherwise "online" means seen within
// OnlineWindow. Candidates are the
// active staff of the department that owns the case type who hold
// case.handle and are under capacity; online ones are preferred. It returns
// "" when nobody can take the case now (it then waits, see AssignWaiting).
//
// Choices are serialised per department — a transaction-scoped advisory lock
// on PostgreSQL, the single writer on SQLite — so concurrent creations on
// any number of nodes see each other's assignments and nobody goes over
// capacity.
func (m *CaseTx) AutoAssign(online Online) (string, error) {
	rule, rows, err := m.assignInputs()
	if err != nil {
		return "", err
	}
	cands := make([]jihat.Candidate, 0, len(rows))
	var latest time.Time // the department's last assignment, read under the lock
	for _, r := range rows {
		if r.LastAssignedAt != nil && r.LastAssignedAt.After(latest) {
			latest = *r.LastAssignedAt
		}
		u := jihat.User{Role: jihat.Role(r.Role), Grants: splitPerms(r.Grants), Revokes: splitPerms(r.Revokes), Active: true}
		if !u.Can(jihat.PermCaseHandle) {
			continue
		}
		capacity := r.Capacity
		if capacity <= 0 {
			capacity = jihat.DefaultCapacity
		}
		cand := jihat.Candidate{UserID: r.ID, OpenCases: r.OpenCases, Capacity: capacity,
			Online: r.LastSeenAt != nil && m.Now.Sub(*r.LastSeenAt) < OnlineWindow}
		if online != nil {
			cand.Online = online[r.ID]
		}
		if r.LastAssignedAt != nil {
			cand.LastAssignedAt = *r.LastAssignedAt
		}
		cands = append(cands, cand)
	}
	id, ok := jihat.ChooseAssignee(jihat.AssignRule(rule), cands)
	if !ok {
		return "", nil
	}
	// Round-robin orders by last_assigned_at, so the stamp must follow the
	// order in which assignments take the lock: m.Now is when the
	// transaction began, possibly before an assignment that waited less,
	// and clocks of several nodes differ. The stamp is now, but always
	// after the latest one of the department.
	m.auto.userID = id
	m.auto.at = m.s.now().UTC().Truncate(time.Microsecond)
	if !latest.IsZero() && !m.auto.at.After(latest) {
		m.auto.at = latest.UTC().Add(time.Microsecond)
	}
	return id, nil
}

// assignInputs takes the department's assignment lock and reads the
// entity's rule and the department's staff (once per group in a group
// without savepoints: group_cache.go).
func (m *CaseTx) assignInputs() (string, []userRow, error) {
	if m.gs != nil {
		return m.gs.assignInputs(m)
	}
	tx, c := m.tx, m.Case
	if m.s.postgre {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "assign:"+c.DepartmentID).Error; err != nil {
			return "", nil, err
		}
	}
	var rule string
	if err := tx.Model(&entityRow{}).Where("id = ?", c.EntityID).Pluck("assign_rule", &rule).Error; err != nil {
		return "", nil, err
	}
	var rows []userRow
	err := staffOf(tx.Select(assignColumns), c.EntityID, c.DepartmentID).Find(&rows).Error
	return rule, rows, err
}

// WaitingCases returns up to limit open, unassigned cases, oldest first,
// optionally of one department.
func (s *Store) WaitingCases(ctx context.Context, departmentID string, limit int) ([]string, error) {
	q := s.db.WithContext(ctx).Model(&caseRow{}).Where("assignee_id IS NULL AND status IN ?", openStatuses())
	if departmentID != "" {
		q = q.Where("department_id = ?", departmentID)
	}
	var ids []string
	err := q.Order("id").Limit(limit).Pluck("id", &ids).Error
	return ids, err
}

// openStatuses lists the statuses of cases that still need work.
func openStatuses() []string {
	var out []string
	for _, st := range jihat.Statuses {
		if st.Open() {
			out = append(out, string(st))
		}
	}
	return out
}
