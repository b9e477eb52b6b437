package store

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"gorm.io/gorm"
)

// Touches: what a comment (or a file, a voice note) changes on its case row
// is only its two "last changed" times. In a group without savepoints such a
// change does not write the row at once (one UPDATE, one round trip, per
// comment); the group writes the times of all its touched cases in one
// UPDATE at its end, from the cases as its changes left them. Nothing in the
// group reads those two columns back from the table: a case changed again in
// the group is handed on in memory (groupState.cases). A change that writes
// any other column updates the row at once, as before.

// touchColumns are the columns a touch may change.
var touchColumns = map[string]bool{"updated_at": true, "public_updated_at": true}

// touchOnly reports whether updates (a change's changed columns) is a touch.
func touchOnly(updates map[string]any) bool {
	for col := range updates {
		if !touchColumns[col] {
			return false
		}
	}
	return len(updates) > 0
}

// touch records that case id's times are to be written at the group's end.
func (g *groupState) touch(id string) {
	if g.touched == nil {
		g.touched = map[string]bool{}
	}
	g.touched[id] = true
}

// caseTouch is one touched case's final times.
type caseTouch struct {
	id      string
	updated time.Time
	public  *time.Time
}

// touches returns the touched cases' final times, by ID.
func (g *groupState) touches() []caseTouch {
	out := make([]caseTouch, 0, len(g.touched))
	for id := range g.touched {
		c := g.cases[id]
		out = append(out, caseTouch{id: id, updated: c.UpdatedAt, public: timePtr(c.PublicUpdatedAt)})
	}
	slices.SortFunc(out, func(a, b caseTouch) int { return strings.Compare(a.id, b.id) })
	return out
}

// touchSQL is the one UPDATE that writes ts: PostgreSQL's with numbered,
// typed parameters, SQLite's with question marks. One case on SQLite is a
// plain UPDATE of its row: the join over a VALUES list is a multi-row write,
// for which SQLite keeps a statement journal (a copy of every page the
// statement changes), and it parses slower; the group of one comment is the
// common one at a quiet channel's rate.
func touchSQL(postgres bool, ts []caseTouch) (string, []any) {
	if !postgres && len(ts) == 1 {
		return "UPDATE cases SET updated_at = ?, public_updated_at = ? WHERE id = ?", []any{ts[0].updated, timeArg(ts[0].public), ts[0].id}
	}
	var b strings.Builder
	vars := make([]any, 0, 3*len(ts))
	b.WriteString("UPDATE cases SET updated_at = v.column2, public_updated_at = v.column3 FROM (VALUES ")
	for i, t := range ts {
		if i > 0 {
			b.WriteString(", ")
		}
		if postgres {
			n := 3 * i
			b.WriteString("($" + strconv.Itoa(n+1) + "::varchar, $" + strconv.Itoa(n+2) + "::timestamptz, $" + strconv.Itoa(n+3) + "::timestamptz)")
		} else {
			b.WriteString("(?, ?, ?)")
		}
		vars = append(vars, t.id, t.updated, timeArg(t.public))
	}
	b.WriteString(") AS v WHERE cases.id = v.column1")
	return b.String(), vars
}

// timeArg is t as a statement argument: NULL when nil.
func timeArg(t *time.Time) any {
	if t == nil {
		return nil
	}
	return *t
}

// writeTouches runs touchSQL in tx.
func writeTouches(tx *gorm.DB, postgres bool, ts []caseTouch) error {
	if len(ts) == 0 {
		return nil
	}
	sql, vars := touchSQL(postgres, ts)
	_, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, sql, vars...)
	return err
}
