package store

import (
	"strconv"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// One statement for a group's rows (PostgreSQL). A group without savepoints
// writes up to nine multi-row INSERTs or upserts before it commits — new
// cases and their counters, events, intents, audit entries, comment search
// rows, moved counters, statistics rows, daily and monthly rollup cells —
// and the touched cases' times (group_touch.go), each a round trip. On PostgreSQL they go as the data-modifying items of
// one WITH statement: each writes a different table (or, for channel_seqs,
// different rows), none reads another's rows, and all of them run to
// completion whether or not the statement's result reads them.

// maxOneVars bounds the parameters of that statement (PostgreSQL takes
// 65,535); a bigger group writes table by table.
const maxOneVars = 60000

// flushOne writes b's rows and g's statistics rows and cells in one
// statement, and empties what it wrote; false when it wrote nothing
// because the group is too big (the caller then flushes as usual). With
// last, when no statement has to follow it, it returns the statement
// instead of running it, for the caller to send with COMMIT
// (group_pipeline.go).
func flushOne(tx *gorm.DB, b *rowBuf, g *groupCache, last bool) (*sqlPart, bool, error) {
	var parts []sqlPart
	total := 0
	dry := tx.Session(&gorm.Session{DryRun: true, NewDB: true})
	add := func(q *gorm.DB, n int, rows any) error {
		if n == 0 {
			return nil
		}
		st := q.Create(rows).Statement
		if st.Error != nil {
			return st.Error
		}
		parts = append(parts, sqlPart{st.SQL.String(), st.Vars})
		total += len(st.Vars)
		return nil
	}
	addArrays := func(n int, p func() sqlPart) {
		if n > 0 {
			parts = append(parts, p())
			total += len(parts[len(parts)-1].vars)
		}
	}
	var days []caseDayRow
	var months []caseMonthRow
	keys, emptied := g.cellKeys()
	for _, k := range keys {
		d, m := cellRow(k, *g.cells[k])
		if k.month {
			months = append(months, m)
		} else {
			days = append(days, d)
		}
	}
	steps := []error{
		add(dry, len(b.cases), &b.cases),
		add(dry, len(b.seqs), &b.seqs),
		add(dry, len(b.outbox), &b.outbox),
		add(dry, len(g.stats), &g.stats),
		add(dry.Clauses(addOnConflict("case_stats_daily", dayKeyCols)), len(days), &days),
		add(dry.Clauses(addOnConflict("case_stats_monthly", monthKeyCols)), len(months), &months),
	}
	for _, err := range steps {
		if err != nil {
			return nil, false, err
		}
	}
	// The rows of every comment: one array per column (group_arrays.go).
	addArrays(len(b.events), func() sqlPart { return eventsPart(b.events) })
	addArrays(len(b.audit), func() sqlPart { return auditPart(b.audit) })
	addArrays(len(b.words), func() sqlPart { return wordsPart(b.words) })
	addArrays(len(b.counters), func() sqlPart { return countersPart(b.counters) })
	addArrays(len(b.touches), func() sqlPart { return touchesPart(b.touches) }) // other rows of cases than the new ones (b.cases)
	if total > maxOneVars || len(b.liteWords) > 0 {
		return nil, false, nil
	}
	var stmt *sqlPart
	if len(parts) > 0 {
		var sql strings.Builder
		vars := make([]any, 0, total)
		for i, p := range parts {
			if i == 0 {
				sql.WriteString("WITH ")
			} else {
				sql.WriteString(", ")
			}
			off := len(vars)
			sql.WriteString("w" + strconv.Itoa(i) + " AS (")
			renumber(&sql, p.sql, off)
			sql.WriteString(")")
			vars = append(vars, p.vars...)
		}
		sql.WriteString(" SELECT 1")
		stmt = &sqlPart{sql.String(), vars}
	}
	*b = rowBuf{}
	g.stats, g.cells = nil, map[dayKey]*rollupSums{}
	if last && len(emptied) == 0 {
		return stmt, true, nil
	}
	if stmt != nil {
		if _, err := tx.Statement.ConnPool.ExecContext(tx.Statement.Context, stmt.sql, stmt.vars...); err != nil {
			return nil, false, err
		}
	}
	return nil, true, writeCells(tx, nil, nil, emptied) // emptied cells: after their upsert
}

// renumber writes q to b with each placeholder $n as $(n+off).
func renumber(b *strings.Builder, q string, off int) {
	for {
		i := strings.IndexByte(q, '$')
		if i < 0 {
			b.WriteString(q)
			return
		}
		b.WriteString(q[:i+1])
		q = q[i+1:]
		j := 0
		for j < len(q) && '0' <= q[j] && q[j] <= '9' {
			j++
		}
		if j > 0 {
			n, _ := strconv.Atoi(q[:j])
			b.WriteString(strconv.Itoa(n + off))
			q = q[j:]
		}
	}
}

func conflictColumns(names []string) []clause.Column {
	out := make([]clause.Column, len(names))
	for i, n := range names {
		out[i] = clause.Column{Name: n}
	}
	return out
}
