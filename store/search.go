package store

import (
	"fmt"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// The search component: one way to index and rank text for every table that
// is searched (cases, the service guide). A searched table keeps, per field,
// the two forms of jihat.SearchDoc (exact and stems) in its own columns,
// and the database indexes them:
//   - PostgreSQL: a stored tsvector column (search_tsv) built from those
//     columns with the 'simple' configuration, the exact form of field i
//     weighted A/C and its stems B/D, and a GIN index on it;
//   - SQLite: an FTS5 table over those columns (external content: the text
//     lives only in the table), kept in step by triggers, whose rowid is the
//     table's rowid so a page can be read from the index newest first.
//
// Results come in tiers, each newest first: every word in one field as
// typed (the exact phrase), then every word (any form), then some words;
// with two fields (a title and a body), the phrase and every word are
// asked of the title before the whole. A page is read tier after tier, so the first page of a
// common word costs one ordered walk of the index, never a sort of every
// match.

// textField is one searched field: its two columns.
type textField struct {
	exact, stem string // column names
	weights     string // PostgreSQL weights: exact then stem, e.g. "AB"
}

// textIndex describes a searched table.
type textIndex struct {
	table  string      // the searched table
	fts    string      // SQLite: the FTS5 table
	fields []textField // in rank order
}

var caseIndex = textIndex{table: "cases", fts: "cases_words",
	fields: []textField{{exact: "search_text", stem: "search_stem", weights: "AB"}}}

// install creates the index (idempotent).
func (x textIndex) install(s *Store, tx *gorm.DB) error {
	var cols []string
	for _, f := range x.fields {
		cols = append(cols, f.exact, f.stem)
	}
	if s.postgre {
		var parts []string
		for _, f := range x.fields {
			parts = append(parts,
				fmt.Sprintf("setweight(to_tsvector('simple'::regconfig, coalesce(%s, '')), '%c')", f.exact, f.weights[0]),
				fmt.Sprintf("setweight(to_tsvector('simple'::regconfig, coalesce(%s, '')), '%c')", f.stem, f.weights[1]))
		}
		return tx.Exec(fmt.Sprintf(`ALTER TABLE %[1]s ADD COLUMN IF NOT EXISTS search_tsv tsvector GENERATED ALWAYS AS (%[2]s) STORED;
CREATE INDEX IF NOT EXISTS idx_%[1]s_tsv ON %[1]s USING gin (search_tsv) WITH (fastupdate = off);`, x.table, strings.Join(parts, " || "))).Error
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

// tierExprs returns the match expression of each tier, for this database,
// each excluding the tiers before it; tiers that add nothing are left out.
func (x textIndex) tierExprs(postgre bool, terms []jihat.SearchTerm) []string {
	var raw []string
	add := func(e string) {
		for _, r := range raw {
			if r == e {
				return
			}
		}
		raw = append(raw, e)
	}
	all := x.fields // the fields together
	sets := [][]textField{all}
	if len(x.fields) > 1 {
		sets = nil
		for _, f := range x.fields {
			sets = append(sets, []textField{f})
		}
		sets = append(sets, all)
	}
	// The phrase and every word, in the first field (the title) then in
	// any; then some words anywhere.
	for _, fs := range [][]textField{sets[0], all} {
		add(phraseExpr(postgre, fs, terms))
		add(termsExpr(postgre, fs, terms, true))
	}
	if len(terms) > 1 {
		add(termsExpr(postgre, all, terms, false))
	}
	out := make([]string, len(raw))
	for i, e := range raw {
		switch {
		case i == 0:
			out[i] = e
		case postgre:
			out[i] = "(" + e + ") & !(" + strings.Join(raw[:i], " | ") + ")"
		default:
			out[i] = "(" + e + ") NOT (" + strings.Join(raw[:i], " OR ") + ")"
		}
	}
	return out
}

// quoteWord quotes a word (letters and digits only, after normalising) for
// an FTS5 or tsquery expression.
func quoteWord(postgre bool, w string) string {
	if postgre {
		return "'" + strings.ReplaceAll(w, "'", "''") + "'"
	}
	return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
}

// phraseExpr: every term's exact form, in order, side by side in one field.
func phraseExpr(postgre bool, fs []textField, terms []jihat.SearchTerm) string {
	if postgre {
		var w string
		for _, f := range fs {
			w += f.weights[:1]
		}
		var words []string
		for _, t := range terms {
			words = append(words, quoteWord(true, t.Exact)+":"+w)
		}
		return strings.Join(words, " <-> ")
	}
	var words []string
	for _, t := range terms {
		words = append(words, t.Exact)
	}
	return "{" + columns(fs, true) + "} : " + quoteWord(false, strings.Join(words, " "))
}

// termsExpr: every term (all) or some term matches, each in its exact form
// or one of its stems.
func termsExpr(postgre bool, fs []textField, terms []jihat.SearchTerm, all bool) string {
	var parts []string
	for _, t := range terms {
		var alts []string
		if postgre {
			var we, ws string
			for _, f := range fs {
				we, ws = we+f.weights[:1], ws+f.weights[1:]
			}
			alts = append(alts, quoteWord(true, t.Exact)+":"+we)
			for _, st := range t.Stems() {
				alts = append(alts, quoteWord(true, st)+":"+ws)
			}
			parts = append(parts, "("+strings.Join(alts, " | ")+")")
			continue
		}
		var stems []string
		for _, st := range t.Stems() {
			stems = append(stems, quoteWord(false, st))
		}
		parts = append(parts, "({"+columns(fs, true)+"} : "+quoteWord(false, t.Exact)+
			" OR {"+columns(fs, false)+"} : ("+strings.Join(stems, " OR ")+"))")
	}
	op := " AND "
	switch {
	case postgre && all:
		op = " & "
	case postgre:
		op = " | "
	case !all:
		op = " OR "
	}
	return strings.Join(parts, op)
}

func columns(fs []textField, exact bool) string {
	var cols []string
	for _, f := range fs {
		if exact {
			cols = append(cols, f.exact)
		} else {
			cols = append(cols, f.stem)
		}
	}
	return strings.Join(cols, " ")
}

// searchCursor is the position in a ranked search: the tier and the key of
// the last row given (SQLite: the rowid; PostgreSQL: the ID).
type searchCursor struct {
	tier int
	key  string
}

func (c searchCursor) String() string { return strconv.Itoa(c.tier) + "." + c.key }

// parseSearchCursor reads "tier.key"; ok is false for anything else.
func parseSearchCursor(s string) (searchCursor, bool) {
	t, key, found := strings.Cut(s, ".")
	n, err := strconv.Atoi(t)
	if !found || err != nil || n < 0 || n > 16 || key == "" || len(key) > 40 {
		return searchCursor{}, false
	}
	for _, r := range key {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r == '-') {
			return searchCursor{}, false
		}
	}
	return searchCursor{n, key}, true
}

// ValidSearchCursor tells whether s is a cursor a search returned.
func ValidSearchCursor(s string) bool {
	_, ok := parseSearchCursor(s)
	return ok
}

// rankedPage reads one page of a ranked search. scoped returns the table's
// query with the caller's scope and filters; narrow says that scope holds
// few rows (SQLite then reads them first and asks the index about each); load reads at most n rows of
// db (which selects the table's columns and search_key) into the caller's
// slice, in order, and returns how many it read. rankedPage returns how many
// rows of those belong to the page, and the next cursor ("" at the end).
func (x textIndex) rankedPage(s *Store, scoped func() *gorm.DB, narrow bool, terms []jihat.SearchTerm, cursor string, limit int,
	load func(db *gorm.DB, n int) (keys []string, err error)) (n int, next string, err error) {
	cur, _ := parseSearchCursor(cursor)
	tiers := x.tierExprs(s.postgre, terms)
	var keys []string
	for tier := cur.tier; tier < len(tiers) && len(keys) <= limit; tier++ {
		db := scoped()
		if s.postgre {
			db = db.Select(x.table+".*, "+x.table+".id AS search_key").
				Where(x.table+".search_tsv @@ to_tsquery('simple', ?)", tiers[tier])
			if tier == cur.tier && cur.key != "" {
				db = db.Where(x.table+".id < ?", cur.key)
			}
			db = db.Order(x.table + ".id DESC")
		} else if narrow {
			// Few rows in scope (a requester's cases): read them by their own
			// index and keep those in the full-text index's matches (read once;
			// asking FTS5 about each row re-reads a common word's whole list).
			db = db.Select(x.table+".*, "+x.table+".rowid AS search_key").
				Where(x.table+".rowid IN (SELECT rowid FROM "+x.fts+" WHERE "+x.fts+" MATCH ?)", tiers[tier])
			if tier == cur.tier && cur.key != "" {
				key, _ := strconv.ParseInt(cur.key, 10, 64)
				db = db.Where(x.table+".rowid < ?", key)
			}
			db = db.Order(x.table + ".rowid DESC")
		} else {
			// Read the full-text index newest first and stop at the page.
			db = db.Select(x.table+".*, "+x.fts+".rowid AS search_key").
				Joins("JOIN "+x.fts+" ON "+x.fts+".rowid = "+x.table+".rowid").Where(x.fts+" MATCH ?", tiers[tier])
			if tier == cur.tier && cur.key != "" {
				key, _ := strconv.ParseInt(cur.key, 10, 64)
				db = db.Where(x.fts+".rowid < ?", key)
			}
			db = db.Order(x.fts + ".rowid DESC")
		}
		got, err := load(db, limit+1-len(keys))
		if err != nil {
			return 0, "", err
		}
		for _, k := range got {
			keys = append(keys, searchCursor{tier, k}.String())
		}
	}
	if len(keys) > limit {
		return limit, keys[limit-1], nil
	}
	return len(keys), "", nil
}
