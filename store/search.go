package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// The search component: one way to index and rank text for every table that
// is searched (cases, the service guide, meetings). A searched table keeps,
// per field, the two forms of jihat.SearchDoc (exact and stems) in columns
// of its own, and the database indexes them:
//   - PostgreSQL: two stored tsvector columns, search_tsv_exact over every
//     field's exact form and search_tsv_stem over every field's stems
//     ('simple' configuration), each with a GIN index. Field i carries the
//     weight A, B, C… so a query may be limited to some fields (a citizen
//     never matches a case's internal notes). Keeping the forms apart makes
//     every query word one lexeme per column, which the planner estimates
//     well (an OR of weighted lexemes in one column was estimated as the sum
//     of its parts, and the planner then walked the whole primary key);
//   - SQLite: an FTS5 table over those columns (external content: the text
//     lives only in the table), kept in step by triggers, whose rowid is the
//     table's rowid so a page can be read from the index newest first.
//
// Results come in tiers, each newest first: every word in one field as
// typed (the exact phrase), then every word (any form), then some words;
// with a title field (titleFirst), the phrase and every word are asked of
// the title before the whole. A page is read tier after tier, so the first
// page of a common word costs one ordered walk of the index, never a sort
// of every match.

// textField is one searched field: its two columns.
type textField struct {
	exact, stem string // column names
}

// textIndex describes a searched table.
type textIndex struct {
	table      string      // the searched table
	fts        string      // SQLite: the FTS5 table
	fields     []textField // field i has the PostgreSQL weight 'A'+i
	titleFirst bool        // the first field is a title that ranks first
	partial    bool        // only some fields are searched (see only)
	// comments, for cases: the index of the case's comments, one row per
	// comment (commentIndex), searched with the case; a case matches a tier
	// when its own text or one of its comments does.
	comments *textIndex
}

// caseIndex is the case's own text. Its comments are rows of their own
// (commentIndex): appending each comment to the case's text made every
// comment re-index the whole growing case (quadratic on a busy case).
var caseIndex = textIndex{table: "cases", fts: "cases_words", fields: []textField{
	{exact: "search_text", stem: "search_stem"}, // number, subject and body
}}

// commentIndex holds one row per comment (case_comment_words, migration
// 55): a public reply fills the first field, an internal note the second.
var commentIndex = textIndex{table: "case_comment_words", fts: "case_comment_fts", fields: []textField{
	{exact: "search_reply", stem: "search_reply_stem"}, // a public reply
	{exact: "search_note", stem: "search_note_stem"},   // an internal note: staff only
}}

// commentFieldsPublic is how many of commentIndex's fields anyone who sees
// a case may search; the rest are internal notes.
const commentFieldsPublic = 1

// caseSearch is the index a case search reads: the case's text and its
// replies, and its internal notes when notes is set (only for those who may
// read them).
func caseSearch(notes bool) textIndex {
	c := commentIndex.only(commentFieldsPublic)
	if notes {
		c = commentIndex
	}
	x := caseIndex
	x.comments = &c
	return x
}

// searchForms returns the indexed forms of a document's texts: the exact
// form (jihat.SearchDoc's) followed by its word pairs (jihat.SearchPairs,
// which phrase looks up), and the stems.
func searchForms(texts ...string) (exact, stems string) {
	exact, stems = jihat.SearchDoc(texts...)
	if pairs := jihat.SearchPairs(exact); pairs != "" {
		exact += " " + pairs
	}
	return exact, stems
}

// only returns the index limited to its first n fields.
func (x textIndex) only(n int) textIndex {
	if n >= len(x.fields) {
		return x
	}
	x.fields, x.partial = x.fields[:n], true
	return x
}

// install creates the index (idempotent).
func (x textIndex) install(s *Store, tx *gorm.DB) error {
	if s.postgre {
		for _, form := range []string{"exact", "stem"} {
			var parts []string
			for i, f := range x.fields {
				col := f.exact
				if form == "stem" {
					col = f.stem
				}
				parts = append(parts, fmt.Sprintf("setweight(to_tsvector('simple'::regconfig, coalesce(%s, '')), '%c')", col, 'A'+i))
			}
			if err := tx.Exec(fmt.Sprintf(`ALTER TABLE %[1]s ADD COLUMN IF NOT EXISTS search_tsv_%[2]s tsvector GENERATED ALWAYS AS (%[3]s) STORED;
CREATE INDEX IF NOT EXISTS idx_%[1]s_tsv_%[2]s ON %[1]s USING gin (search_tsv_%[2]s) WITH (fastupdate = off);`,
				x.table, form, strings.Join(parts, " || "))).Error; err != nil {
				return err
			}
		}
		if x.titleFirst { // the title's own (see tsvFor)
			f := x.fields[0]
			for form, col := range map[string]string{"exact": f.exact, "stem": f.stem} {
				if err := tx.Exec(fmt.Sprintf(`ALTER TABLE %[1]s ADD COLUMN IF NOT EXISTS search_tsv_title_%[2]s tsvector
  GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, coalesce(%[3]s, ''))) STORED;
CREATE INDEX IF NOT EXISTS idx_%[1]s_tsv_title_%[2]s ON %[1]s USING gin (search_tsv_title_%[2]s) WITH (fastupdate = off);`,
					x.table, form, col)).Error; err != nil {
					return err
				}
			}
		}
		return nil
	}
	var cols []string
	for _, f := range x.fields {
		cols = append(cols, f.exact, f.stem)
	}
	list := strings.Join(cols, ", ")
	newVals := "new." + strings.Join(cols, ", new.")
	oldVals := "old." + strings.Join(cols, ", old.")
	return tx.Exec(fmt.Sprintf(`
CREATE VIRTUAL TABLE IF NOT EXISTS %[1]s USING fts5(%[3]s, content='%[2]s', content_rowid='rowid',
  tokenize = 'unicode61 remove_diacritics 0');
INSERT INTO %[1]s(%[1]s) VALUES ('rebuild');
CREATE TRIGGER IF NOT EXISTS %[1]s_insert AFTER INSERT ON %[2]s BEGIN
  INSERT INTO %[1]s(rowid, %[3]s) VALUES (new.rowid, %[4]s);
END;
CREATE TRIGGER IF NOT EXISTS %[1]s_update AFTER UPDATE OF %[3]s ON %[2]s BEGIN
  INSERT INTO %[1]s(%[1]s, rowid, %[3]s) VALUES ('delete', old.rowid, %[5]s);
  INSERT INTO %[1]s(rowid, %[3]s) VALUES (new.rowid, %[4]s);
END;
CREATE TRIGGER IF NOT EXISTS %[1]s_delete AFTER DELETE ON %[2]s BEGIN
  INSERT INTO %[1]s(%[1]s, rowid, %[3]s) VALUES ('delete', old.rowid, %[5]s);
END;`, x.fts, x.table, list, newVals, oldVals)).Error
}

// reinstall drops the index in any earlier shape (migrations 50 and 51:
// one weighted tsvector, or an FTS5 table of other columns) and installs it.
func (x textIndex) reinstall(s *Store, tx *gorm.DB) error {
	if err := x.uninstall(s, tx); err != nil {
		return err
	}
	return x.install(s, tx)
}

// uninstall drops the index in any shape: the FTS5 table and its triggers,
// or the tsvector columns (and with them their GIN indexes).
func (x textIndex) uninstall(s *Store, tx *gorm.DB) error {
	drop := fmt.Sprintf(`DROP TRIGGER IF EXISTS %[1]s_insert;
DROP TRIGGER IF EXISTS %[1]s_update;
DROP TRIGGER IF EXISTS %[1]s_delete;
DROP TABLE IF EXISTS %[1]s;`, x.fts)
	if s.postgre {
		drop = fmt.Sprintf(`ALTER TABLE %[1]s DROP COLUMN IF EXISTS search_tsv, DROP COLUMN IF EXISTS search_tsv_exact,
  DROP COLUMN IF EXISTS search_tsv_stem, DROP COLUMN IF EXISTS search_tsv_title_exact, DROP COLUMN IF EXISTS search_tsv_title_stem;`, x.table)
	}
	return tx.Exec(drop).Error
}
