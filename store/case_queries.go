package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// CaseQuery selects cases for a list or a search. The server fills the scope
// from the caller's rights; the store only applies it.
type CaseQuery struct {
	// Scope: every non-empty field restricts; AllEntities lifts the entity
	// restriction for oversight and platform admins.
	RequesterID  string
	EntityID     string
	DepartmentID string
	AssigneeID   string
	AllEntities  bool

	Statuses     []jihat.Status
	Priority     jihat.Priority
	Late         *bool
	Number       string             // exact case number
	RequesterIDs []string           // cases of these requesters (search by national ID or mobile)
	Terms        []jihat.SearchTerm // words to search for in the number, subject, body and replies (ranked; see textIndex)
	Notes        bool               // the words may also match internal notes (only for callers who may read them in every case in scope)
	Cursor       string             // the last ID of the previous page, or a search's next cursor
	Limit        int
	Now          time.Time
}

// ListCases returns one page of cases, newest first (IDs are time-ordered
// UUIDv7, so the ID is the keyset), and the cursor of the next page.
func (s *Store) ListCases(ctx context.Context, q CaseQuery) ([]jihat.Case, string, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 50
	}
	db := s.db.WithContext(ctx).Model(&caseRow{})
	if !q.AllEntities && q.EntityID == "" && q.RequesterID == "" && q.AssigneeID == "" {
		return nil, "", nil // no scope, nothing to see
	}
	for col, v := range map[string]string{"requester_id": q.RequesterID, "entity_id": q.EntityID,
		"department_id": q.DepartmentID, "assignee_id": q.AssigneeID, "number": q.Number, "priority": string(q.Priority)} {
		if v != "" {
			db = db.Where(col+" = ?", v)
		}
	}
	if len(q.Statuses) > 0 {
		db = db.Where("status IN ?", q.Statuses)
	}
	if q.Late != nil {
		if *q.Late {
			db = db.Where("status IN ? AND due_at < ?", openStatuses(), q.Now.UTC())
		} else {
			db = db.Where("NOT (status IN ? AND due_at < ?)", openStatuses(), q.Now.UTC())
		}
	}
	if q.RequesterIDs != nil {
		db = db.Where("requester_id IN ?", append(q.RequesterIDs, ""))
	}
	if len(q.Terms) > 0 {
		return s.searchCases(db, q)
	}
	if q.Cursor != "" {
		db = db.Where("id < ?", q.Cursor)
	}
	var rows []caseRow
	if err := db.Omit("search_text").Order("id DESC").Limit(q.Limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > q.Limit {
		rows = rows[:q.Limit]
		next = rows[len(rows)-1].ID
	}
	out := make([]jihat.Case, len(rows))
	for i, r := range rows {
		out[i] = caseFromRow(r)
	}
	return out, next, nil
}

// caseHit is a case row read by a search, with its cursor key.
type caseHit struct {
	Row       caseRow `gorm:"embedded"`
	SearchKey string
}

// searchCases reads one page of a ranked search of the cases db selects.
func (s *Store) searchCases(db *gorm.DB, q CaseQuery) ([]jihat.Case, string, error) {
	// A requester's cases, or one case number, are few: read them first.
	narrow := q.RequesterID != "" || q.RequesterIDs != nil || q.Number != ""
	var hits []caseHit
	x := caseSearch(q.Notes)
	page, next, err := x.rankedPage(s, func() *gorm.DB { return db.Session(&gorm.Session{}) }, narrow, q.Terms, q.Cursor, q.Limit,
		func(db *gorm.DB, n int) ([]string, error) {
			var page []caseHit
			if err := db.Scan(&page).Error; err != nil {
				return nil, err
			}
			hits = append(hits, page...)
			keys := make([]string, len(page))
			for i, h := range page {
				keys[i] = h.SearchKey
			}
			return keys, nil
		})
	if err != nil {
		return nil, "", err
	}
	out := make([]jihat.Case, len(page))
	for i, at := range page {
		out[i] = caseFromRow(hits[at].Row)
	}
	return out, next, nil
}

func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// UserNames returns the names of the given users.
func (s *Store) UserNames(ctx context.Context, ids []string) (map[string]string, error) {
	out := map[string]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []userRow
	if err := s.db.WithContext(ctx).Select("id", "name").Where("id IN ?", ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.Name
	}
	return out, nil
}

// UserIDByIdentifier returns the ID of the user with a national ID or mobile
// (normalised), or "" when nobody has it.
func (s *Store) UserIDByIdentifier(ctx context.Context, kind, value string) (string, error) {
	u, _, err := s.UserByLogin(ctx, kind, value)
	if jihat.ErrorCode(err) == jihat.ENOTFOUND {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return u.ID, nil
}

// Events returns the events of one channel with seq > since, in order.
func (s *Store) Events(ctx context.Context, channel string, since int64, limit int) ([]jihat.CaseEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var rows []caseEventRow
	err := s.rdb.WithContext(ctx).Where("channel = ? AND seq > ?", channel, since).Order("seq").Limit(limit).Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]jihat.CaseEvent, len(rows))
	for i, r := range rows {
		out[i] = caseEvent(r)
	}
	return out, nil
}

// LastSeq returns the latest sequence number of a channel (0 when none).
func (s *Store) LastSeq(ctx context.Context, channel string) (int64, error) {
	var seq int64
	err := s.db.WithContext(ctx).Model(&channelSeqRow{}).Where("channel = ?", channel).Pluck("last_seq", &seq).Error
	return seq, err
}

// RecentEvents returns the newest events of an entity ("" = every entity),
// newest first; publicOnly leaves out internal ones. Feeds start with these.
func (s *Store) RecentEvents(ctx context.Context, entityID string, publicOnly bool, limit int) ([]jihat.CaseEvent, error) {
	db := s.db.WithContext(ctx)
	if entityID != "" {
		db = db.Where("entity_id = ?", entityID)
	}
	if publicOnly {
		db = db.Where("visibility = ?", string(jihat.VisibilityPublic))
	}
	var rows []caseEventRow
	if err := db.Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.CaseEvent, len(rows))
	for i, r := range rows {
		out[i] = caseEvent(r)
	}
	return out, nil
}

// LastSeqs returns the latest sequence number of each of channels that has
// events.
func (s *Store) LastSeqs(ctx context.Context, channels []string) (map[string]int64, error) {
	out := make(map[string]int64, len(channels))
	if len(channels) == 0 {
		return out, nil
	}
	var rows []channelSeqRow
	if err := s.rdb.WithContext(ctx).Where("channel IN ?", channels).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.Channel] = r.LastSeq
	}
	return out, nil
}
