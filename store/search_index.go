package store

import (
	"context"
	"encoding/json"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// caseWordIndex (migration 50) replaces the substring search of migrations 2
// and 5 with the search component's index over cases (textIndex): the
// columns of the stems and of the analysis version, the tsvector and its
// GIN index on PostgreSQL, the FTS5 table on SQLite. Rows written before it
// keep search_ver 0 until reindexAll gives them their stems.
func (s *Store) caseWordIndex(tx *gorm.DB) error {
	if err := tx.AutoMigrate(&caseRow{}); err != nil {
		return err
	}
	if s.postgre {
		if err := tx.Exec(`DROP INDEX IF EXISTS idx_cases_search`).Error; err != nil {
			return err
		}
	} else {
		if err := tx.Exec(`
DROP TRIGGER IF EXISTS cases_fts_insert;
DROP TRIGGER IF EXISTS cases_fts_update;
DROP TRIGGER IF EXISTS cases_fts_delete;
DROP TABLE IF EXISTS cases_fts;`).Error; err != nil {
			return err
		}
	}
	if err := tx.Exec(`CREATE INDEX IF NOT EXISTS idx_cases_search_ver ON cases (search_ver)`).Error; err != nil {
		return err
	}
	return caseIndex.install(s, tx)
}

// reindexBatch is how many rows one re-index transaction rewrites.
const reindexBatch = 500

// reindexAll gives every searched row indexed with an older
// jihat.SearchVersion its new forms. It runs after the migrations, outside
// their transaction, in batches of their own: a node stopped half-way
// leaves the done batches done and the next start goes on from there, and
// several nodes starting together share the rows (on PostgreSQL each batch
// locks its rows with SKIP LOCKED, so they never wait for each other or
// write a row twice at once; writing it twice would be harmless).
func (s *Store) reindexAll(ctx context.Context) error {
	began, total := time.Now(), 0 // real time: how long the re-index took, for the log
	for {
		n, err := s.ReindexSearch(ctx, reindexBatch)
		total += n
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	if total > 0 {
		s.log.Info("search re-indexed", "rows", total, "version", jihat.SearchVersion, "took", time.Since(began).Round(time.Millisecond))
	}
	return nil
}

// ReindexSearch re-indexes at most batch rows (cases, then published
// services, then meetings) of an older analysis version in one transaction and returns how
// many it did (0: none left).
func (s *Store) ReindexSearch(ctx context.Context, batch int) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&caseRow{}).Select("id", "number", "subject", "body").
			Where("search_ver < ?", jihat.SearchVersion).Limit(batch)
		if s.postgre {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var rows []caseRow
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		for _, r := range rows {
			cols := map[string]any{"search_ver": jihat.SearchVersion}
			cols["search_text"], cols["search_stem"] = jihat.SearchDoc(r.Number, r.Subject, r.Body)
			if err := tx.Model(&caseRow{}).Where("id = ?", r.ID).UpdateColumns(cols).Error; err != nil {
				return err
			}
		}
		if err := s.reindexCaseComments(tx, rows); err != nil {
			return err
		}
		n = len(rows)
		if n >= batch {
			return nil
		}
		// Then the published services.
		q = tx.Model(&serviceRow{}).Select("id", "published").
			Where("search_ver < ? AND published <> ''", jihat.SearchVersion).Limit(batch - n)
		if s.postgre {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var svs []serviceRow
		if err := q.Find(&svs).Error; err != nil {
			return err
		}
		for _, r := range svs {
			var c jihat.ServiceContent
			if err := json.Unmarshal([]byte(r.Published), &c); err != nil {
				return err
			}
			if err := tx.Model(&serviceRow{}).Where("id = ?", r.ID).UpdateColumns(serviceSearchColumns(&c)).Error; err != nil {
				return err
			}
		}
		n += len(svs)
		if n >= batch {
			return nil
		}
		// Then the meetings.
		m, err := s.reindexMeetings(tx, batch-n)
		n += m
		return err
	})
	return n, err
}

// comment is a comment's text, for the re-index.
type comment struct {
	caseID, eventID string
	vis             jihat.Visibility
	body            string
}

// caseComments returns the comments of the given cases, oldest first.
func caseComments(tx *gorm.DB, ids []string) ([]comment, error) {
	var evs []caseEventRow
	if err := tx.Select("id", "case_id", "visibility", "data").Where("case_id IN ? AND type = ?", ids, string(jihat.CaseEventComment)).
		Order("created_at, id").Find(&evs).Error; err != nil {
		return nil, err
	}
	out := make([]comment, len(evs))
	for i, e := range evs {
		var d jihat.CommentData
		if err := json.Unmarshal([]byte(e.Data), &d); err != nil {
			return nil, err
		}
		out[i] = comment{e.CaseID, e.ID, jihat.Visibility(e.Visibility), d.Body}
	}
	return out, nil
}
