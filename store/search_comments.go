package store

import (
	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// A case's comments are searched as rows of their own (commentIndex): one
// row of case_comment_words per comment, written with the comment, so a
// comment costs the index that comment's words only, however long the case
// is. (Migration 53 appended them to columns of the case: each comment then
// re-indexed the whole growing case, quadratic on a busy case.)
//
// The rows are found from their case and ordered by it:
//   - PostgreSQL: event_id is the key, case_id has a B-tree index; a search
//     reads them by case_id, newest case first, like the cases' IDs;
//   - SQLite: the key k is the case's rowid << 20 plus the comment's number
//     in the case (1, 2, …), so the FTS5 index, whose rowid is k, gives
//     comments in case order and k >> 20 is the case's rowid. A case takes
//     at most 2^20 - 1 comments in the index; later ones are not indexed.

// commentWords creates case_comment_words and its index (migration 55),
// stops indexing comments in the case's own columns (migration 53's), and
// marks the cases that have comments for the re-index after the
// migrations, which writes their rows (reindexCaseComments).
func (s *Store) commentWords(tx *gorm.DB) error {
	ddl := `CREATE TABLE IF NOT EXISTS case_comment_words (
  k INTEGER PRIMARY KEY,
  case_id TEXT NOT NULL,
  event_id TEXT NOT NULL,
  search_reply TEXT NOT NULL DEFAULT '',
  search_reply_stem TEXT NOT NULL DEFAULT '',
  search_note TEXT NOT NULL DEFAULT '',
  search_note_stem TEXT NOT NULL DEFAULT '')`
	if s.postgre {
		ddl = `CREATE TABLE IF NOT EXISTS case_comment_words (
  event_id varchar(36) PRIMARY KEY,
  case_id varchar(36) NOT NULL,
  search_reply text NOT NULL DEFAULT '',
  search_reply_stem text NOT NULL DEFAULT '',
  search_note text NOT NULL DEFAULT '',
  search_note_stem text NOT NULL DEFAULT '');
CREATE INDEX IF NOT EXISTS idx_case_comment_words_case ON case_comment_words (case_id)`
	}
	if err := tx.Exec(ddl).Error; err != nil {
		return err
	}
	if err := commentIndex.install(s, tx); err != nil {
		return err
	}
	// The case's index without the comment columns, then the columns.
	if err := caseIndex.uninstall(s, tx); err != nil {
		return err
	}
	for _, col := range []string{"search_reply", "search_reply_stem", "search_note", "search_note_stem"} {
		drop := "ALTER TABLE cases DROP COLUMN IF EXISTS " + col
		if !s.postgre {
			var n int
			if err := tx.Raw("SELECT count(*) FROM pragma_table_info('cases') WHERE name = ?", col).Scan(&n).Error; err != nil {
				return err
			}
			if n == 0 {
				continue
			}
			drop = "ALTER TABLE cases DROP COLUMN " + col
		}
		if err := tx.Exec(drop).Error; err != nil {
			return err
		}
	}
	if err := caseIndex.install(s, tx); err != nil {
		return err
	}
	return tx.Exec(`UPDATE cases SET search_ver = 0 WHERE search_ver > 0 AND id IN (SELECT case_id FROM case_events WHERE type = ?)`,
		string(jihat.CaseEventComment)).Error
}

// indexComment writes the search row of comment eventID of case caseID: a
// reply's words in the public field, an internal note's in the staff-only
// one.
func (s *Store) indexComment(tx *gorm.DB, caseID, eventID string, vis jihat.Visibility, body string) error {
	var reply, replyStem, note, noteStem string
	if vis == jihat.VisibilityPublic {
		reply, replyStem = jihat.SearchDoc(body)
	} else {
		note, noteStem = jihat.SearchDoc(body)
	}
	if s.postgre {
		return tx.Exec(`INSERT INTO case_comment_words (event_id, case_id, search_reply, search_reply_stem, search_note, search_note_stem)
VALUES (?, ?, ?, ?, ?, ?)`, eventID, caseID, reply, replyStem, note, noteStem).Error
	}
	// The next number in the case: the largest k of the case's range, by
	// the primary key.
	return tx.Exec(`INSERT INTO case_comment_words (k, case_id, event_id, search_reply, search_reply_stem, search_note, search_note_stem)
SELECT n.k, ?, ?, ?, ?, ?, ? FROM (
  SELECT coalesce((SELECT max(w.k) FROM case_comment_words w WHERE w.k > (c.rowid << 20) AND w.k < ((c.rowid + 1) << 20)), c.rowid << 20) + 1 AS k,
    c.rowid AS r
  FROM cases c WHERE c.id = ?) n
WHERE n.k < ((n.r + 1) << 20)`, caseID, eventID, reply, replyStem, note, noteStem, caseID).Error
}

// reindexCaseComments rewrites the comment rows of the given cases from
// their events (the re-index, in its transaction).
func (s *Store) reindexCaseComments(tx *gorm.DB, rows []caseRow) error {
	if len(rows) == 0 {
		return nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	if s.postgre {
		if err := tx.Exec(`DELETE FROM case_comment_words WHERE case_id IN ?`, ids).Error; err != nil {
			return err
		}
	} else {
		for _, id := range ids {
			if err := tx.Exec(`DELETE FROM case_comment_words WHERE k > ((SELECT rowid FROM cases WHERE id = ?) << 20)
  AND k < (((SELECT rowid FROM cases WHERE id = ?) + 1) << 20)`, id, id).Error; err != nil {
				return err
			}
		}
	}
	comments, err := caseComments(tx, ids)
	if err != nil {
		return err
	}
	for _, c := range comments {
		if err := s.indexComment(tx, c.caseID, c.eventID, c.vis, c.body); err != nil {
			return err
		}
	}
	return nil
}
