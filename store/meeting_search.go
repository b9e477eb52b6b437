package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// Meeting documents' titles are searched with the search component: a
// meeting's title and its agenda items' titles are one field (migration 54).

var meetingIndex = textIndex{table: "meetings", fts: "meetings_words", fields: []textField{
	{exact: "search_text", stem: "search_stem"}, // the title and the agenda items' titles
}}

// meetingSearchDoc is the searched text of m.
func meetingSearchDoc(m *jihat.Meeting) (exact, stems string) {
	texts := []string{m.Title}
	for _, it := range m.Agenda {
		texts = append(texts, it.Title)
	}
	return searchForms(texts...)
}

// meetingWordIndex is migration 54.
func (s *Store) meetingWordIndex(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&meetingRow{}); err != nil {
		return err
	}
	if err := tx.Exec(`CREATE INDEX IF NOT EXISTS idx_meetings_search_ver ON meetings (search_ver)`).Error; err != nil {
		return err
	}
	return meetingIndex.install(s, tx)
}

// reindexMeetings re-indexes at most batch meetings of an older analysis
// version (see ReindexSearch).
func (s *Store) reindexMeetings(tx *gorm.DB, batch int) (int, error) {
	q := tx.Model(&meetingRow{}).Select("id", "title").Where("search_ver < ?", jihat.SearchVersion).Limit(batch)
	if s.postgre {
		q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
	}
	var rows []meetingRow
	if err := q.Find(&rows).Error; err != nil {
		return 0, err
	}
	for _, r := range rows {
		m := &jihat.Meeting{Title: r.Title}
		var items []agendaItemRow
		if err := tx.Select("title").Where("meeting_id = ?", r.ID).Order("position").Find(&items).Error; err != nil {
			return 0, err
		}
		for _, it := range items {
			m.Agenda = append(m.Agenda, jihat.AgendaItem{Title: it.Title})
		}
		exact, stems := meetingSearchDoc(m)
		if err := tx.Model(&meetingRow{}).Where("id = ?", r.ID).UpdateColumns(map[string]any{
			"search_text": exact, "search_stem": stems, "search_ver": jihat.SearchVersion}).Error; err != nil {
			return 0, err
		}
	}
	return len(rows), nil
}

// MeetingQuery is a search of the meetings one user may read.
type MeetingQuery struct {
	UserID   string             // the meetings this user is a member of
	EntityID string             // and, when set, every meeting of this entity (its meeting admins)
	Terms    []jihat.SearchTerm // ranked: the phrase, every word, some words; each newest first
	Cursor   string
	Limit    int
}

// SearchMeetings returns one page of the meetings in q's scope whose title
// or agenda items' titles match q.Terms, with their agendas, and the next
// cursor.
func (s *Store) SearchMeetings(ctx context.Context, q MeetingQuery) ([]*jihat.Meeting, string, error) {
	if q.Limit <= 0 || q.Limit > 100 {
		q.Limit = 50
	}
	db := s.db.WithContext(ctx).Model(&meetingRow{})
	if q.EntityID != "" {
		db = db.Where("meetings.entity_id = ? OR meetings.id IN (SELECT meeting_id FROM meeting_members WHERE user_id = ?)", q.EntityID, q.UserID)
	} else {
		db = db.Where("meetings.id IN (SELECT meeting_id FROM meeting_members WHERE user_id = ?)", q.UserID)
	}
	type hit struct {
		Row       meetingRow `gorm:"embedded"`
		SearchKey string
	}
	var hits []hit
	page, next, err := meetingIndex.rankedPage(s, func() *gorm.DB { return db.Session(&gorm.Session{}) }, false, q.Terms, q.Cursor, q.Limit,
		func(db *gorm.DB, n int) ([]string, error) {
			var got []hit
			if err := db.Scan(&got).Error; err != nil {
				return nil, err
			}
			hits = append(hits, got...)
			keys := make([]string, len(got))
			for i, h := range got {
				keys[i] = h.SearchKey
			}
			return keys, nil
		})
	if err != nil {
		return nil, "", err
	}
	out := make([]*jihat.Meeting, len(page))
	ids := make([]string, len(page))
	byID := map[string]*jihat.Meeting{}
	for i, at := range page {
		out[i] = meetingFromRow(hits[at].Row)
		ids[i], byID[out[i].ID] = out[i].ID, out[i]
	}
	if len(ids) > 0 {
		var items []agendaItemRow
		if err := s.db.WithContext(ctx).Where("meeting_id IN ?", ids).Order("meeting_id, position").Find(&items).Error; err != nil {
			return nil, "", err
		}
		for _, it := range items {
			m := byID[it.MeetingID]
			m.Agenda = append(m.Agenda, jihat.AgendaItem{ID: it.ID, Position: it.Position, Title: it.Title})
		}
	}
	return out, next, nil
}
