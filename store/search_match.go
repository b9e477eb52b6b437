package store

// The conditions a search tier puts on an index: FTS5 MATCH expressions on
// SQLite, tsvector conditions on PostgreSQL, LIKE on rows already chosen.

import (
	"fmt"
	"strings"

	"github.com/jihat/jihat"
)

// sqlExpr is a condition with its arguments.
type sqlExpr struct {
	sql  string
	args []any
}

// key tells two expressions apart.
func (e sqlExpr) key() string { return e.sql + fmt.Sprint(e.args...) }

// matchMode is how a tier's condition reads the index.
type matchMode int

const (
	modeFTS matchMode = iota // SQLite: a MATCH of the FTS5 table (one argument: the FTS5 expression)
	modeTSV                  // PostgreSQL: conditions on the tsvector columns (GIN)
	modeRow                  // a few rows already chosen by another index: LIKE on their columns
)

// tiers returns the condition of each tier on the index's own rows; tiers
// that add nothing are left out. A tier leaves out the cases of the tiers
// before it in rankedPage.
func (x textIndex) tiers(mode matchMode, terms []jihat.SearchTerm) []sqlExpr {
	var raw []sqlExpr
	add := func(e sqlExpr) {
		for _, r := range raw {
			if r.key() == e.key() {
				return
			}
		}
		raw = append(raw, e)
	}
	all := x.fields
	first := all
	if x.titleFirst && len(all) > 1 {
		first = all[:1]
	}
	// The phrase and every word, in the title then in any field; then some
	// words anywhere.
	for _, fs := range [][]textField{first, all} {
		add(x.phrase(mode, fs, terms))
		add(x.words(mode, fs, terms, true))
	}
	if len(terms) > 1 {
		add(x.words(mode, all, terms, false))
	}
	if mode != modeFTS {
		for i, e := range raw { // each is ANDed to the caller's scope
			raw[i].sql = "(" + e.sql + ")"
		}
	}
	return raw
}

// quoteWord quotes a word (letters and digits only, after normalising) for
// an FTS5 or tsquery expression.
func quoteWord(postgre bool, w string) string {
	if postgre {
		return "'" + strings.ReplaceAll(w, "'", "''") + "'"
	}
	return `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
}

// tsvFor returns the prefix of the tsvector columns to read for fields fs
// ("" for search_tsv_exact and search_tsv_stem, "title_" for the title's
// own) and the tsquery weight suffix limiting a lexeme to fs ("" when the
// columns hold fs only). A weight is checked on the heap, row by row, and
// the planner estimates a weighted lexeme as often as the lexeme: the
// title's tiers asked 'w':A, and a word in many bodies but few titles
// walked the whole table (120 ms over 10,000 services).
func (x textIndex) tsvFor(fs []textField) (prefix, w string) {
	if x.titleFirst && len(fs) == 1 && fs[0] == x.fields[0] {
		return "title_", ""
	}
	return "", x.weights(fs)
}

// weights is the tsquery weight suffix limiting a lexeme to fields fs ("" when fs are all the fields).
func (x textIndex) weights(fs []textField) string {
	if !x.partial && len(fs) == len(x.fields) {
		return ""
	}
	w := ":"
	for _, f := range fs {
		for i, g := range x.fields {
			if f == g {
				w += string(rune('A' + i))
			}
		}
	}
	return w
}

// match is the SQLite condition reading the FTS5 table.
func (x textIndex) match(expr string) sqlExpr {
	return sqlExpr{x.fts + " MATCH ?", []any{expr}}
}

// tsv is a PostgreSQL condition on one of the tsvector columns. The query
// is written into the statement (quoted), not bound: the planner then
// estimates it from the column's statistics even in a prepared statement.
func (x textIndex) tsv(form, query string) string {
	return x.table + ".search_tsv_" + form + " @@ to_tsquery('simple', '" + strings.ReplaceAll(query, "'", "''") + "')"
}

// like is a row condition: the words (space-separated, side by side) in
// one of the columns.
func (x textIndex) like(cols []string, words string) sqlExpr {
	var parts []string
	var args []any
	for _, c := range cols {
		parts = append(parts, "(' ' || "+x.table+"."+c+" || ' ') LIKE ? ESCAPE '\\'")
		args = append(args, "% "+likeEscape(words)+" %")
	}
	return sqlExpr{"(" + strings.Join(parts, " OR ") + ")", args}
}

// phrase: every term's exact form, in order, side by side in one field.
// Two words or more are looked up as their pair tokens (searchForms): two
// words are one token, n words n-1 tokens side by side, where the words
// themselves would be every document holding them all, each checked for
// their positions.
func (x textIndex) phrase(mode matchMode, fs []textField, terms []jihat.SearchTerm) sqlExpr {
	var words []string
	if mode == modeRow {
		for _, t := range terms {
			words = append(words, t.Exact)
		}
		return x.like(strings.Fields(columns(fs, true)), strings.Join(words, " "))
	}
	if len(terms) == 1 {
		words = []string{terms[0].Exact}
	}
	for i := 1; i < len(terms); i++ {
		words = append(words, jihat.SearchPair(terms[i-1].Exact, terms[i].Exact))
	}
	if mode == modeTSV {
		p, w := x.tsvFor(fs)
		for i := range words {
			words[i] = quoteWord(true, words[i]) + w
		}
		if len(words) == 1 {
			return sqlExpr{x.tsv(p+"exact", words[0]), nil}
		}
		// The planner estimates a phrase as often as its tokens together, and
		// then may walk the whole table newest first looking for it. Asking
		// for the tokens together as well changes nothing to the rows and
		// lowers the estimate, so the rows come from the GIN index.
		return sqlExpr{x.tsv(p+"exact", strings.Join(words, " <-> ")) + " AND " + x.tsv(p+"exact", strings.Join(words, " & ")), nil}
	}
	return x.match("{" + columns(fs, true) + "} : " + quoteWord(false, strings.Join(words, " ")))
}

// words: every term (all) or some term matches, each in its exact form or
// one of its stems.
func (x textIndex) words(mode matchMode, fs []textField, terms []jihat.SearchTerm, all bool) sqlExpr {
	op := " AND "
	if !all {
		op = " OR "
	}
	var parts []string
	var args []any
	switch mode {
	case modeTSV:
		p, w := x.tsvFor(fs)
		for _, t := range terms {
			var stems []string
			for _, st := range t.Stems() {
				stems = append(stems, quoteWord(true, st)+w)
			}
			stem := x.tsv(p+"stem", strings.Join(stems, " | "))
			exact := x.tsv(p+"exact", quoteWord(true, t.Exact)+w)
			// "The exact form or a stem", asked of two columns, is
			// estimated as the sum of both, though the stem column nearly
			// always holds every document with the exact form: each word
			// counted about twice, two words four times, and the planner
			// walked the primary key newest first through 8,000 of 10,000
			// services (34,000 buffers, 45-580 ms) where the GIN index
			// reads 65 rows (1 ms). A document with the exact form that
			// the stems miss has one of its SpellingStems (proof there), so
			// "a stem, or the exact form with a spelling stem" finds the
			// same rows and is estimated as the stem alone.
			extra, ok := t.SpellingStems()
			switch {
			case !ok:
				parts = append(parts, "("+exact+" OR "+stem+")")
			case len(extra) == 0:
				parts = append(parts, "("+stem+")")
			default:
				var xs []string
				for _, st := range extra {
					xs = append(xs, quoteWord(true, st)+w)
				}
				parts = append(parts, "("+stem+" OR ("+exact+" AND "+x.tsv(p+"stem", strings.Join(xs, " | "))+"))")
			}
		}
		return sqlExpr{strings.Join(parts, op), nil}
	case modeRow:
		for _, t := range terms {
			alts := []sqlExpr{x.like(strings.Fields(columns(fs, true)), t.Exact)}
			for _, st := range t.Stems() {
				alts = append(alts, x.like(strings.Fields(columns(fs, false)), st))
			}
			var ors []string
			for _, a := range alts {
				ors = append(ors, a.sql)
				args = append(args, a.args...)
			}
			parts = append(parts, "("+strings.Join(ors, " OR ")+")")
		}
		return sqlExpr{strings.Join(parts, op), args}
	}
	for _, t := range terms {
		var stems []string
		for _, st := range t.Stems() {
			stems = append(stems, quoteWord(false, st))
		}
		parts = append(parts, "({"+columns(fs, true)+"} : "+quoteWord(false, t.Exact)+
			" OR {"+columns(fs, false)+"} : ("+strings.Join(stems, " OR ")+"))")
	}
	return x.match(strings.Join(parts, op))
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

// columnNames are the columns of every field, exact and stem.
func (x textIndex) columnNames() []string {
	var cols []string
	for _, f := range x.fields {
		cols = append(cols, f.exact, f.stem)
	}
	return cols
}
