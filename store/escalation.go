package store

import "github.com/jihat/jihat"

// OversightOfficers returns the active oversight accounts, fewest open cases
// first: who takes a case escalated to the oversight level.
func (m *CaseTx) OversightOfficers() ([]*jihat.User, error) {
	var rows []userRow
	if err := m.tx.Where("role = ? AND active = ?", string(jihat.RoleOversight), true).
		Order("open_cases, id").Limit(20).Find(&rows).Error; err != nil {
		return nil, err
	}
	return m.s.users(rows)
}
