package store

import (
	"context"
	"reflect"
	"strings"
	"sync"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// Multi-row INSERTs on SQLite without gorm's create path. A group commit of
// one comment writes five tables; through gorm each INSERT paid its
// callbacks, its statement building by reflection and, for audit_pending's
// autoincrement key, a RETURNING clause whose rows it scanned back: ~40 % of
// the group's CPU outside SQLite itself (issue 17, session 10). Here each
// row type's columns and defaults are read from its gorm schema once, and a
// batch is one statement executed on the transaction's connection. The rows
// written are the ones gorm wrote: a zero field with a default takes the
// default, a zero creation or update time the store's now, and a column the
// database fills (the autoincrement key) is left out.

// litePlan is how rows of one type are inserted.
type litePlan struct {
	table   string
	fields  []*schema.Field // the columns written, in order
	columns string          // "(a, b, c)"
	row     string          // "(?, ?, ?)"
	perStmt int             // rows per statement
	ok      bool            // false: gorm writes these rows (hooks, serializers, …)
}

// liteParams bounds the parameters of one statement: the driver
// (glebarez/go-sqlite) binds each parameter by scanning the arguments before
// it, so a statement's binding costs the square of its parameters
// (upsertDeliveries' sqliteUpsertRows has the figures).
const liteParams = 256

var (
	litePlans   sync.Map // reflect.Type → *litePlan
	liteSchemas sync.Map // schema.Parse's cache
)

// litePlanOf returns the plan of T's rows, parsed once.
func litePlanOf[T any](db *gorm.DB) (*litePlan, error) {
	t := reflect.TypeFor[T]()
	if p, ok := litePlans.Load(t); ok {
		return p.(*litePlan), nil
	}
	sch, err := schema.Parse(new(T), &liteSchemas, db.NamingStrategy)
	if err != nil {
		return nil, err
	}
	// gorm would run create or save hooks; a serializer or a creation
	// time kept as unix seconds writes what the field holds differently:
	// such a type goes through gorm.
	p := &litePlan{table: sch.Table, ok: !sch.BeforeCreate && !sch.AfterCreate && !sch.BeforeSave && !sch.AfterSave}
	for _, f := range sch.Fields {
		if f.Serializer != nil || (f.AutoCreateTime != 0 && f.AutoCreateTime != schema.UnixTime) ||
			(f.AutoUpdateTime != 0 && f.AutoUpdateTime != schema.UnixTime) {
			p.ok = false
		}
	}
	var cols, marks []string
	for _, db := range sch.DBNames {
		f := sch.FieldsByDBName[db]
		if f.HasDefaultValue && f.DefaultValueInterface == nil {
			if !f.AutoIncrement {
				p.ok = false // a default the database computes: gorm knows when to send it
			}
			continue // the autoincrement key: SQLite numbers the row
		}
		p.fields = append(p.fields, f)
		cols = append(cols, db)
		marks = append(marks, "?")
	}
	p.columns = "(" + strings.Join(cols, ", ") + ")"
	p.row = "(" + strings.Join(marks, ", ") + ")"
	p.perStmt = max(1, liteParams/max(1, len(p.fields)))
	litePlans.Store(t, p)
	return p, nil
}

// insertLite inserts rows into their table in tx, SQLite only, ending each
// statement with suffix (e.g. an ON CONFLICT clause). The rows are not
// changed.
func insertLite[T any](tx *gorm.DB, rows []T, suffix string) error {
	if len(rows) == 0 {
		return nil
	}
	p, err := litePlanOf[T](tx)
	if err != nil {
		return err
	}
	if !p.ok {
		return tx.CreateInBatches(rows, flushBatch).Error
	}
	ctx := tx.Statement.Context
	if ctx == nil {
		ctx = context.Background()
	}
	now := tx.Config.NowFunc()
	var b strings.Builder
	args := make([]any, 0, min(len(rows), p.perStmt)*len(p.fields))
	for len(rows) > 0 {
		part := rows[:min(len(rows), p.perStmt)]
		rows = rows[len(part):]
		b.Reset()
		b.WriteString("INSERT INTO ")
		b.WriteString(p.table)
		b.WriteString(" ")
		b.WriteString(p.columns)
		b.WriteString(" VALUES ")
		args = args[:0]
		for i := range part {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(p.row)
			rv := reflect.ValueOf(&part[i]).Elem()
			for _, f := range p.fields {
				args = append(args, liteValue(ctx, f, rv, now))
			}
		}
		b.WriteString(suffix)
		if _, err := tx.Statement.ConnPool.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// liteValue is the value gorm's create writes for field f of row rv: a zero
// value takes the field's default, or now for a creation or update time.
func liteValue(ctx context.Context, f *schema.Field, rv reflect.Value, now any) any {
	v, zero := f.ValueOf(ctx, rv)
	if !zero {
		return v
	}
	switch {
	case f.DefaultValueInterface != nil:
		return f.DefaultValueInterface
	case f.AutoCreateTime > 0 || f.AutoUpdateTime > 0:
		return now
	}
	return v
}
