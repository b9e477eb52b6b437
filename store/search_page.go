package store

import (
	"strconv"
	"strings"
	"sync"

	"gorm.io/gorm"

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
// words); load reads at most n rows of db (which selects the table's
// columns and search_key) and appends them to the caller's slice, in order,
// returning their keys. rankedPage returns the positions in that slice of
// the page's rows, in order, and the next cursor ("" at the end).
//
// A tier's rows must leave out those of the tiers before it. On the first
// page every tier before the one being read was read to its end in this
// call, so their rows are known: the tier is asked for as many more rows
// as were seen and the seen ones are skipped, which spares the database
// from evaluating every earlier tier's condition again (a NOT) for each
// row. A later page starts inside a tier whose predecessors it has not
// read, and asks with the NOT.
func (x textIndex) rankedPage(s *Store, scoped func() *gorm.DB, narrow bool, terms []jihat.SearchTerm, cursor string, limit int,
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
	tiers := x.tiers(mode, terms, !first)
	var keys []string
	seen := map[string]bool{}
	read := 0 // rows loaded so far
	for tier := cur.tier; tier < len(tiers) && len(keys) <= limit; tier++ {
		db := scoped()
		t := tiers[tier]
		keyCol := x.table + ".rowid"
		switch {
		case s.postgre:
			keyCol = x.table + ".id"
			db = db.Select(x.columns(db)+", "+keyCol+" AS search_key").Where(t.sql, t.args...)
		case narrow:
			// Few rows in scope (a requester's cases): read them by their own
			// index and compare their words (LIKE on the forms). Asking FTS5
			// about each row re-reads a common word's whole list, and reading
			// the index's matches once reads them all (90 ms for a common word
			// in 100,000 cases).
			db = db.Select(x.columns(db)+", "+keyCol+" AS search_key").Where(t.sql, t.args...)
		default:
			// Read the full-text index newest first and stop at the page.
			keyCol = x.fts + ".rowid"
			db = db.Select(x.columns(db)+", "+keyCol+" AS search_key").
				Joins("JOIN "+x.fts+" ON "+x.fts+".rowid = "+x.table+".rowid").Where(t.sql, t.args...)
		}
		if tier == cur.tier && cur.key != "" {
			if s.postgre {
				db = db.Where(keyCol+" < ?", cur.key)
			} else {
				key, _ := strconv.ParseInt(cur.key, 10, 64)
				db = db.Where(keyCol+" < ?", key)
			}
		}
		db = db.Order(keyCol + " DESC")
		want := limit + 1 - len(keys)
		got, err := load(db, want+len(seen))
		if err != nil {
			return nil, "", err
		}
		var fresh []string
		for i, k := range got {
			if seen[k] {
				continue
			}
			if len(fresh) < want {
				page = append(page, read+i)
				keys = append(keys, searchCursor{tier, k}.String())
			}
			fresh = append(fresh, k)
		}
		read += len(got)
		for _, k := range fresh {
			seen[k] = true
		}
	}
	if len(keys) > limit {
		return page[:limit], keys[limit-1], nil
	}
	return page, "", nil
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
