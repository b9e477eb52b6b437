package store

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

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
// few rows (SQLite then reads them by their own index and compares their
// words); load reads the rows of db (which selects the table's columns and
// search_key, at most n rows) and appends them to the caller's slice, in
// order, returning their keys. rankedPage returns the positions in that slice of
// the page's rows, in order, and the next cursor ("" at the end).
//
// A tier is read from each source (the table's own rows, and for cases the
// rows of their comments), each newest first, and the lists are merged: a
// row appears once, in the first tier it matches.
//
// A tier's rows must leave out those of the tiers before it. On the first
// page every tier before the one being read was read to its end in this
// call, so their rows are known: the tier is asked for as many more rows
// as were seen and the seen ones are skipped, which spares the database
// from evaluating every earlier tier's condition again (a NOT) for each
// row. A later page starts inside a tier whose predecessors it has not
// read, and asks with the NOT (excluding).
func (x textIndex) rankedPage(s *Store, scoped func() *gorm.DB, narrow bool, terms []jihat.SearchTerm, cursor string, limit int,
	load func(db *gorm.DB, n int) (keys []string, err error)) (page []int, next string, err error) {
	if s.postgre {
		// The search tables and their GIN indexes are read from memory, so
		// a random page costs about a sequential one. At the default cost
		// (4), the planner took a walk of the primary key, newest first,
		// over a bitmap of the index for two words that were together in
		// 237 of 100,000 cases: it read 20,677 rows (1.4 s at nice 19)
		// where the bitmap reads 243 pages. The estimate is high because a
		// word and its stem, each asked for, are counted as independent.
		ctx := scoped().Statement.Context
		err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
			if err := tx.Exec("SET LOCAL random_page_cost = 1.1").Error; err != nil {
				return err
			}
			inTx := func() *gorm.DB {
				db := scoped().Session(&gorm.Session{Context: ctx}) // a copy of its statement
				db.Statement.ConnPool = tx.Statement.ConnPool
				return db
			}
			page, next, err = x.readPage(s, inTx, narrow, terms, cursor, limit, load)
			return err
		})
		return page, next, err
	}
	return x.readPage(s, scoped, narrow, terms, cursor, limit, load)
}

// readPage is rankedPage's work.
func (x textIndex) readPage(s *Store, scoped func() *gorm.DB, narrow bool, terms []jihat.SearchTerm, cursor string, limit int,
	load func(db *gorm.DB, n int) (keys []string, err error)) (page []int, next string, err error) {
	cur, _ := parseSearchCursor(cursor)
	mode := modeFTS
	switch {
	case s.postgre:
		mode = modeTSV
	case narrow:
		mode = modeRow
	}
	first := cursor == ""
	srcs := []textIndex{x}
	if x.comments != nil {
		srcs = append(srcs, *x.comments)
	}
	tiers := make([][]sqlExpr, len(srcs))
	for i, src := range srcs {
		tiers[i] = src.tiers(mode, terms)
		if len(tiers[i]) != len(tiers[0]) {
			return nil, "", fmt.Errorf("search %s: %d tiers, %s has %d", x.table, len(tiers[0]), src.table, len(tiers[i]))
		}
	}
	r := &pageReader{x: x, s: s, mode: mode, scoped: scoped, load: load}
	var keys []string
	seen := map[string]bool{}
	for tier := cur.tier; tier < len(tiers[0]) && len(keys) <= limit; tier++ {
		var excl *sqlExpr
		if !first && tier > 0 {
			e := x.excluding(mode, srcs, tiers, tier)
			excl = &e
		}
		after := ""
		if tier == cur.tier {
			after = cur.key
		}
		want := limit + 1 - len(keys)
		var lists [][]pageHit
		for i, src := range srcs {
			l, err := r.read(src, i > 0, tiers[i][tier], excl, after, want+len(seen))
			if err != nil {
				return nil, "", err
			}
			lists = append(lists, l)
		}
		var fresh []string
		for _, h := range mergeHits(lists, s.postgre) {
			if seen[h.key] {
				continue
			}
			if len(fresh) < want {
				page = append(page, h.at)
				keys = append(keys, searchCursor{tier, h.key}.String())
			}
			fresh = append(fresh, h.key)
		}
		for _, k := range fresh {
			seen[k] = true
		}
	}
	if len(keys) > limit {
		return page[:limit], keys[limit-1], nil
	}
	return page, "", nil
}

// pageHit is a row read by a search: its key and its position in the
// caller's slice.
type pageHit struct {
	key string
	at  int
}

// pageReader reads the tiers of one search.
type pageReader struct {
	x      textIndex // the searched table (its rows are the results)
	s      *Store
	mode   matchMode
	scoped func() *gorm.DB
	load   func(db *gorm.DB, n int) ([]string, error)
	loaded int // rows loaded so far
}

// read returns up to n rows (each once) of the source src matching the
// tier's condition t and not excl, with a key below after (if any), newest
// first. A comments source (child) may give a row once per matching
// comment: it is read again below the last row until n rows or the end.
func (r *pageReader) read(src textIndex, child bool, t sqlExpr, excl *sqlExpr, after string, n int) ([]pageHit, error) {
	x := r.x
	var out []pageHit
	have := map[string]bool{}
	for {
		db := r.scoped()
		// keyCol orders the rows (its index gives them in order); the key
		// given back is the result row's.
		keyCol, key := x.table+".rowid", x.table+".rowid"
		below := "?"
		switch {
		case r.s.postgre:
			keyCol, key = x.table+".id", x.table+".id"
			if child {
				keyCol = src.table + ".case_id"
				db = db.Joins("JOIN " + src.table + " ON " + keyCol + " = " + key)
			}
		case r.mode == modeRow:
			if child {
				db = db.Joins("JOIN " + src.table + " ON " + src.table + ".k >= (" + key + " << 20) AND " + src.table + ".k < ((" + key + " + 1) << 20)")
			}
		case child:
			// The comment's rowid is its case's rowid << 20 plus its number
			// in the case: the index reads comments in case order.
			keyCol = src.fts + ".rowid"
			below = "(? << 20)"
			db = db.Joins("JOIN " + src.fts + " ON " + key + " = (" + keyCol + " >> 20)")
		default:
			keyCol = src.fts + ".rowid"
			db = db.Joins("JOIN " + src.fts + " ON " + keyCol + " = " + key)
		}
		db = db.Select(x.columns(db)+", "+key+" AS search_key").Where(t.sql, t.args...)
		if excl != nil {
			db = db.Where(excl.sql, excl.args...)
		}
		if after != "" {
			if r.s.postgre {
				db = db.Where(keyCol + " < " + quoteWord(true, after)) // written in: see inlineLimit
			} else {
				k, _ := strconv.ParseInt(after, 10, 64)
				db = db.Where(keyCol+" < "+below, k)
			}
		}
		ask := n - len(out)
		db = db.Order(keyCol + " DESC")
		if r.s.postgre {
			db = db.Clauses(inlineLimit(ask))
		} else {
			db = db.Limit(ask) // bound: see inlineLimit
		}
		got, err := r.load(db, ask)
		if err != nil {
			return nil, err
		}
		for i, k := range got {
			if !have[k] {
				have[k] = true
				out = append(out, pageHit{k, r.loaded + i})
			}
		}
		r.loaded += len(got)
		if !child || len(got) < ask || len(out) >= n {
			return out, nil
		}
		after = got[len(got)-1] // on below that row's other comments
	}
}

// inlineLimit is a LIMIT written into the statement, where gorm's Limit
// binds a parameter. The driver prepares each statement, and PostgreSQL
// may plan a prepared statement once for any parameters (a generic plan):
// it then takes an unknown LIMIT for a tenth of the estimated rows, and
// chose to walk the primary key newest first through thousands of rows
// for 51 of a few hundred matches (BenchmarkServiceSearch10k, a repeated
// word: 6,300 buffers where the GIN bitmap reads 280). With the limit and
// the key written in, a search's statements have no parameters of their
// own and every plan knows them. SQLite keeps the bound LIMIT: written in,
// its planner took other plans and the guide's search slowed down tenfold
// (BenchmarkServiceSearch10k, SQLite, a common word: p99 6 -> 100 ms).
type inlineLimit int

func (inlineLimit) Name() string { return "LIMIT" }

func (n inlineLimit) Build(b clause.Builder) { b.WriteString("LIMIT " + strconv.Itoa(int(n))) }

func (n inlineLimit) MergeClause(c *clause.Clause) {
	c.Name = "" // Build writes it
	c.Expression = n
}

// mergeHits merges lists each newest first (keys descending: numbers on
// SQLite, time-ordered IDs on PostgreSQL) into one, each key once.
func mergeHits(lists [][]pageHit, postgre bool) []pageHit {
	if len(lists) == 1 {
		return lists[0]
	}
	less := func(a, b string) bool { // a before b
		if postgre {
			return a > b
		}
		x, _ := strconv.ParseInt(a, 10, 64)
		y, _ := strconv.ParseInt(b, 10, 64)
		return x > y
	}
	var out []pageHit
	have := map[string]bool{}
	idx := make([]int, len(lists))
	for {
		best := -1
		for i, l := range lists {
			if idx[i] < len(l) && (best < 0 || less(l[idx[i]].key, lists[best][idx[best]].key)) {
				best = i
			}
		}
		if best < 0 {
			return out
		}
		h := lists[best][idx[best]]
		idx[best]++
		if !have[h.key] {
			have[h.key] = true
			out = append(out, h)
		}
	}
}

// excluding is the condition leaving out the rows of x that match any tier
// before tier, in any source (a case whose text or one of whose comments
// matched an earlier tier).
func (x textIndex) excluding(mode matchMode, srcs []textIndex, tiers [][]sqlExpr, tier int) sqlExpr {
	var ors []string
	var args []any
	for j := range tier {
		for i, src := range srcs {
			e := src.rowMatches(x, mode, i > 0, tiers[i][j])
			ors = append(ors, e.sql)
			args = append(args, e.args...)
		}
	}
	return sqlExpr{"NOT (" + strings.Join(ors, " OR ") + ")", args}
}

// rowMatches is a condition on a row of x: it (or, for a child source,
// one of its comments) matches src's condition t.
func (src textIndex) rowMatches(x textIndex, mode matchMode, child bool, t sqlExpr) sqlExpr {
	key := x.table + ".rowid"
	switch {
	case mode == modeTSV && !child, mode == modeRow && !child:
		return t
	case mode == modeTSV:
		return sqlExpr{"EXISTS (SELECT 1 FROM " + src.table + " WHERE " + src.table + ".case_id = " + x.table + ".id AND " + t.sql + ")", t.args}
	case mode == modeRow:
		return sqlExpr{"EXISTS (SELECT 1 FROM " + src.table + " WHERE " + src.table + ".k >= (" + key + " << 20) AND " +
			src.table + ".k < ((" + key + " + 1) << 20) AND " + t.sql + ")", t.args}
	case child:
		return sqlExpr{key + " IN (SELECT rowid >> 20 FROM " + src.fts + " WHERE " + t.sql + ")", t.args}
	}
	return sqlExpr{key + " IN (SELECT rowid FROM " + src.fts + " WHERE " + t.sql + ")", t.args}
}

// selectLists caches textIndex.columns per table.
var selectLists sync.Map

// columns is the select list of a search: the table's model columns but
// its search columns (the forms and the tsvectors, which only the
// database reads).
func (x textIndex) columns(db *gorm.DB) string {
	if v, ok := selectLists.Load(x.table); ok {
		return v.(string)
	}
	stmt := &gorm.Statement{DB: db}
	if err := stmt.Parse(db.Statement.Model); err != nil {
		return x.table + ".*"
	}
	var cols []string
	for _, f := range stmt.Schema.Fields {
		if f.DBName != "" && !strings.HasPrefix(f.DBName, "search_") {
			cols = append(cols, x.table+"."+f.DBName)
		}
	}
	list := strings.Join(cols, ", ")
	selectLists.Store(x.table, list)
	return list
}
