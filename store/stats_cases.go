package store

import (
	"context"
	"time"

	"github.com/jihat/jihat"
)

// The cases behind a figure (the drill-down) and the dashboard's live
// counters, both read from case_stats.

// StatsCaseQuery chooses the cases behind a figure (the drill-down):
// StatsFilter's cases, narrowed to a status and to one of the states
// "open", "late", "completed" or "resolved" (resolved in the period,
// whenever created), newest first.
type StatsCaseQuery struct {
	StatsFilter
	Status string
	State  string
	Cursor string // the last case ID of the previous page
	Limit  int
}

// StatsCases returns one page of the cases of q and the cursor of the next.
func (s *Store) StatsCases(ctx context.Context, q StatsCaseQuery) ([]jihat.Case, string, error) {
	db := q.where(s.db.WithContext(ctx).Model(&caseStatRow{}))
	if q.State == "resolved" {
		db = db.Where("resolved_at >= ? AND resolved_at < ?", q.From.UTC(), q.To.UTC())
	} else {
		db = db.Where("created_at >= ? AND created_at < ?", q.From.UTC(), q.To.UTC())
	}
	switch q.State {
	case "open":
		db = db.Where("is_open = 1")
	case "late":
		db = db.Where("is_open = 1 AND due_at < ?", q.Now.UTC())
	case "completed":
		db = db.Where("is_open = 0")
	}
	if q.Status != "" {
		db = db.Where("status = ?", q.Status)
	}
	if q.Cursor != "" {
		var at time.Time
		if err := s.db.WithContext(ctx).Model(&caseStatRow{}).Where("case_id = ?", q.Cursor).Select("created_at").Scan(&at).Error; err != nil {
			return nil, "", err
		}
		db = db.Where("created_at < ? OR (created_at = ? AND case_id < ?)", at, at, q.Cursor)
	}
	var ids []string
	if err := db.Order("created_at DESC, case_id DESC").Limit(q.Limit+1).Pluck("case_id", &ids).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(ids) > q.Limit {
		ids = ids[:q.Limit]
		next = ids[len(ids)-1]
	}
	var rows []caseRow
	if err := s.db.WithContext(ctx).Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	byID := make(map[string]caseRow, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	out := make([]jihat.Case, 0, len(ids))
	for _, id := range ids {
		if r, ok := byID[id]; ok {
			out = append(out, caseFromRow(r))
		}
	}
	return out, next, nil
}

// LiveCounters are the dashboard's counters of an entity (all entities when
// EntityID is empty), now: open cases, late ones, and cases opened and
// resolved since Since (the start of the local day).
type LiveCounters struct {
	Open, Late, OpenedToday, ResolvedToday int64
}

// Counters returns the live counters of f (its entity and department; the
// period is ignored): open and late at f.Now, opened and resolved since since.
func (s *Store) Counters(ctx context.Context, f StatsFilter, since time.Time) (LiveCounters, error) {
	by, err := s.CountersByDepartment(ctx, f, since)
	var c LiveCounters
	for _, v := range by {
		c.Open += v.Open
		c.Late += v.Late
		c.OpenedToday += v.OpenedToday
		c.ResolvedToday += v.ResolvedToday
	}
	return c, err
}

// CountersByDepartment returns the live counters of f per department.
func (s *Store) CountersByDepartment(ctx context.Context, f StatsFilter, since time.Time) (map[string]LiveCounters, error) {
	var rows []struct {
		DepartmentID string
		LiveCounters
	}
	err := f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).Select(`department_id,
COALESCE(SUM(CASE WHEN is_open = 1 THEN 1 ELSE 0 END), 0) AS open,
COALESCE(SUM(CASE WHEN is_open = 1 AND due_at < ? THEN 1 ELSE 0 END), 0) AS late,
COALESCE(SUM(CASE WHEN created_at >= ? THEN 1 ELSE 0 END), 0) AS opened_today,
COALESCE(SUM(CASE WHEN resolved_at >= ? THEN 1 ELSE 0 END), 0) AS resolved_today`, f.Now.UTC(), since.UTC(), since.UTC()).
		Where("is_open = 1 OR created_at >= ? OR resolved_at >= ?", since.UTC(), since.UTC()).
		Group("department_id").Scan(&rows).Error
	out := make(map[string]LiveCounters, len(rows))
	for _, r := range rows {
		out[r.DepartmentID] = r.LiveCounters
	}
	return out, err
}
