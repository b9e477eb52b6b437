package store

import (
	"fmt"
	"reflect"
	"strings"
	"sync"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// loadGroup reads, on SQLite, what a group without savepoints needs of its
// cases in ONE statement: each case's row, the last sequence of its two
// channels and its comment search key range (groupState.wordKey). SQLite's
// driver parses every statement at every query, and gorm's Find scans by
// reflection: at 100 comments/s on one case each comment is a group of its
// own, and the three statements this used to be were a third of the group's
// CPU (issue 17, session 10). The transaction began with the write lock
// (_txlock=immediate), so nothing moves under the group.
func (s *Store) loadGroup(tx *gorm.DB, group []*caseChange) (*groupState, error) {
	ids := groupIDs(group)
	if len(ids) == 0 {
		return newGroupState(nil, nil), nil
	}
	sqlRows, err := tx.Raw(groupLoadQuery(len(ids)), groupLoadArgs(ids)...).Rows()
	if err != nil {
		return nil, err
	}
	defer sqlRows.Close()
	var (
		rows      []caseRow
		seqs      []channelSeqRow
		keys      = make(map[string]*[2]int64, len(ids))
		r         caseRow
		pub, st   int64 // the last sequences of the case's two channels
		last, end int64 // its last comment search key, the first past its range
	)
	cols, err := sqlRows.Columns()
	if err != nil {
		return nil, err
	}
	dest, err := caseRowFields(&r, cols[:len(cols)-4])
	if err != nil {
		return nil, err
	}
	dest = append(dest, &pub, &st, &last, &end)
	for sqlRows.Next() {
		r = caseRow{}
		if err := sqlRows.Scan(dest...); err != nil {
			return nil, err
		}
		rows = append(rows, r)
		seqs = append(seqs, channelSeqRow{Channel: jihat.CaseEventChannel(r.ID, jihat.VisibilityPublic), LastSeq: pub},
			channelSeqRow{Channel: jihat.CaseEventChannel(r.ID, jihat.VisibilityInternal), LastSeq: st})
		keys[r.ID] = &[2]int64{last, end}
	}
	if err := sqlRows.Err(); err != nil {
		return nil, err
	}
	g := newGroupState(rows, seqs)
	if len(rows) > 0 {
		g.wordKeys = keys
	}
	return g, nil
}

// groupLoadQuery is loadGroup's statement for n cases: the cases' columns,
// then the last sequence of each one's two channels (0 for a channel not yet
// counted), the case's last comment search key and the first key past its
// range (search_comments.go), in ID order. One case (a quiet channel's
// group) is a lookup by key; several are joined to a VALUES list of the ids
// and their channels, which SQLite parses and plans at a higher cost.
func groupLoadQuery(n int) string {
	const cols = `SELECT c.*,
  coalesce((SELECT last_seq FROM channel_seqs WHERE channel = %s), 0),
  coalesce((SELECT last_seq FROM channel_seqs WHERE channel = %s), 0),
  coalesce((SELECT max(w.k) FROM case_comment_words w WHERE w.k > (c.rowid << 20) AND w.k < ((c.rowid + 1) << 20)), c.rowid << 20),
  (c.rowid + 1) << 20
`
	if n == 1 {
		return fmt.Sprintf(cols, "?", "?") + "FROM cases c WHERE c.id = ?"
	}
	var b strings.Builder
	b.WriteString("WITH g(id, pub, staff) AS (VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("(?, ?, ?)")
	}
	b.WriteString(")\n")
	b.WriteString(fmt.Sprintf(cols, "g.pub", "g.staff"))
	b.WriteString("FROM g JOIN cases c ON c.id = g.id ORDER BY c.id")
	return b.String()
}

// groupLoadArgs are groupLoadQuery's arguments: each id with its channels
// (one case: its channels, then its id).
func groupLoadArgs(ids []string) []any {
	args := make([]any, 0, 3*len(ids))
	for _, id := range ids {
		pub, staff := jihat.CaseEventChannel(id, jihat.VisibilityPublic), jihat.CaseEventChannel(id, jihat.VisibilityInternal)
		if len(ids) == 1 {
			return append(args, pub, staff, id)
		}
		args = append(args, id, pub, staff)
	}
	return args
}

// caseRowFields are pointers to r's fields in the order of cols, the
// cases table's columns as a statement returns them (c.*: the table's
// order, which migrations extend).
func caseRowFields(r *caseRow, cols []string) ([]any, error) {
	index := caseFieldIndex()
	v := reflect.ValueOf(r).Elem()
	out := make([]any, 0, len(cols)+4)
	for _, col := range cols {
		i, ok := index[col]
		if !ok {
			return nil, fmt.Errorf("store: cases column %s is not a caseRow field", col)
		}
		out = append(out, v.Field(i).Addr().Interface())
	}
	return out, nil
}

// caseFieldIndex maps the cases table's columns to caseRow's fields.
var caseFieldIndex = sync.OnceValue(func() map[string]int {
	cols := caseColumns()
	t := reflect.TypeFor[caseRow]()
	out := make(map[string]int, t.NumField())
	for i := range t.NumField() {
		out[cols[t.Field(i).Name]] = i
	}
	return out
})
