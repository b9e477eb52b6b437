package store

import (
	"context"

	"github.com/jihat/jihat"
)

// CaseAudience returns the public audience of case id (ok false when the
// case does not exist). The reads of concurrent callers go as one
// CaseAudiences query (read_batch.go: each caller is answered by a query
// that started after it asked): a reconnect storm's subscribes ask it of
// the same few cases thousands of times a second. A caller who finds no
// read under way yields once before running its own (readBatcher.yield),
// so the subscribes already runnable join it: 0.41 → 0.08 statements per
// connect in a storm (issue 17, session 9).
func (s *Store) CaseAudience(ctx context.Context, id string) (jihat.Audience, bool, error) {
	return s.audiences.get(ctx, id)
}

// CaseAudiences returns the public audience (jihat.CaseAudience) of each of
// the cases ids that exists, in one query: the live feeds scope every
// replayed event by it.
func (s *Store) CaseAudiences(ctx context.Context, ids []string) (map[string]jihat.Audience, error) {
	out := make(map[string]jihat.Audience, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	// Scanned column by column, not by gorm's reflection: a reconnect
	// storm's subscribes ask this (issue 17, session 7).
	rows, err := s.rdb.WithContext(ctx).
		Raw("SELECT id, entity_id, department_id, requester_id, assignee_id FROM cases WHERE id IN ?", ids).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var a jihat.Audience
		var assignee *string
		if err := rows.Scan(&id, &a.EntityID, &a.DepartmentID, &a.RequesterID, &assignee); err != nil {
			return nil, err
		}
		if assignee != nil {
			a.AssigneeID = *assignee
		}
		out[id] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
