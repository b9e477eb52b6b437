package store

import (
	"context"

	"github.com/jihat/jihat"
)

// audienceRow is the part of a case that decides who may read it.
type audienceRow struct {
	ID           string
	EntityID     string
	DepartmentID string
	RequesterID  string
	AssigneeID   *string
}

// CaseAudience returns the public audience of case id (ok false when the
// case does not exist). The reads of concurrent callers go as one
// CaseAudiences query (read_batch.go: each caller is answered by a query
// that started after it asked): a reconnect storm's subscribes ask it of
// the same few cases thousands of times a second.
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
	var rows []audienceRow
	if err := s.rdb.WithContext(ctx).Model(&caseRow{}).
		Select("id, entity_id, department_id, requester_id, assignee_id").
		Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		a := jihat.Audience{EntityID: r.EntityID, DepartmentID: r.DepartmentID, RequesterID: r.RequesterID}
		if r.AssigneeID != nil {
			a.AssigneeID = *r.AssigneeID
		}
		out[r.ID] = a
	}
	return out, nil
}
