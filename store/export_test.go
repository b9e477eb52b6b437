package store

import (
	"context"
	"database/sql"
	"sync/atomic"

	"gorm.io/gorm"
)

// LatestMigration is the version of the last migration step, for tests that
// check Migrate and SchemaVersion.
func LatestMigration() int { return migrations[len(migrations)-1].version }

// MigrationCount is how many migration steps there are (versions have gaps).
func MigrationCount() int { return len(migrations) }

// StatsFromCases makes s's statistics read case_stats rather than the daily
// rollup, to compare the two.
func StatsFromCases(s *Store, on bool) { s.statsFromCases = on }

// RecomputeRollup rebuilds case_stats_daily from scratch: it empties it,
// marks every case_stats row not rolled up and runs RollupBatch (the
// migration's set-based fill) until done.
func RecomputeRollup(ctx context.Context, s *Store) error {
	for _, t := range []string{"case_stats_daily", "case_stats_monthly"} {
		if err := s.db.WithContext(ctx).Exec("DELETE FROM " + t).Error; err != nil {
			return err
		}
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE case_stats SET rolled = 0").Error; err != nil {
		return err
	}
	return s.fillRollup(ctx)
}

// RollupCells returns every row of case_stats_daily and of
// case_stats_monthly in key order.
func RollupCells(ctx context.Context, s *Store) ([]any, error) {
	var days []caseDayRow
	var months []caseMonthRow
	db := s.db.WithContext(ctx)
	if err := db.Order("entity_id, department_id, case_type_id, priority, assignee_id, status, day").Find(&days).Error; err != nil {
		return nil, err
	}
	err := db.Order("entity_id, department_id, case_type_id, priority, assignee_id, status, month").Find(&months).Error
	out := make([]any, 0, len(days)+len(months))
	for _, d := range days {
		out = append(out, d)
	}
	for _, m := range months {
		out = append(out, m)
	}
	return out, err
}

// SetPGCommitters sets how many group committers a PostgreSQL store
// opened afterwards starts (benchmarks compare).
func SetPGCommitters(n int) { pgCommitters = n }

// ExecSQL runs one statement on s's database (gorm's ? placeholders), for
// tests that set up a state no store method makes.
func ExecSQL(ctx context.Context, s *Store, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}

// CountStatements makes s count the SQL statements it sends through gorm's
// connection pools with a context from Counted (BEGIN and COMMIT or
// ROLLBACK included; background workers such as the audit chainer run on
// contexts of their own), and returns the count so far. Call it once, after
// Open and before the first write (its background workers read the pools).
func CountStatements(s *Store) func() int64 {
	n := new(atomic.Int64)
	for _, db := range []*gorm.DB{s.db, s.rdb} {
		// Statement.ConnPool, not ConnPool: db and rdb share one gorm.Config
		// (and so its ConnPool); each statement uses its Statement's.
		if _, done := db.Statement.ConnPool.(*countPool); done {
			continue // PostgreSQL: rdb is db
		}
		db.Statement.ConnPool = &countPool{ConnPool: db.Statement.ConnPool, n: n}
	}
	return n.Load
}

type countedKey struct{}

// Counted marks ctx: CountStatements counts the statements sent with it.
func Counted(ctx context.Context) context.Context { return context.WithValue(ctx, countedKey{}, true) }

// countPool counts the statements sent through a pool and its transactions.
type countPool struct {
	gorm.ConnPool
	n *atomic.Int64
}

func (p *countPool) count(ctx context.Context) {
	if ctx.Value(countedKey{}) != nil {
		p.n.Add(1)
	}
}

func (p *countPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	p.count(ctx)
	return p.ConnPool.ExecContext(ctx, query, args...)
}

func (p *countPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	p.count(ctx)
	return p.ConnPool.QueryContext(ctx, query, args...)
}

func (p *countPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	p.count(ctx)
	return p.ConnPool.QueryRowContext(ctx, query, args...)
}

func (p *countPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	p.count(ctx)
	var tx gorm.ConnPool
	var err error
	switch b := p.ConnPool.(type) {
	case gorm.ConnPoolBeginner:
		tx, err = b.BeginTx(ctx, opts)
	case gorm.TxBeginner:
		tx, err = b.BeginTx(ctx, opts)
	default:
		return nil, gorm.ErrInvalidTransaction
	}
	if err != nil {
		return nil, err
	}
	return &countTx{countPool: countPool{ConnPool: tx, n: p.n}, counted: ctx.Value(countedKey{}) != nil}, nil
}

// GetDBConn lets gorm's DB() find the pool underneath.
func (p *countPool) GetDBConn() (*sql.DB, error) {
	if db, ok := p.ConnPool.(*sql.DB); ok {
		return db, nil
	}
	if g, ok := p.ConnPool.(gorm.GetDBConnector); ok {
		return g.GetDBConn()
	}
	return nil, gorm.ErrInvalidDB
}

// countTx is a transaction of a countPool.
type countTx struct {
	countPool
	counted bool // begun with a Counted context: its end counts
}

func (t *countTx) end() {
	if t.counted {
		t.n.Add(1)
	}
}

func (t *countTx) Commit() error {
	t.end()
	return t.ConnPool.(gorm.TxCommitter).Commit()
}

func (t *countTx) Rollback() error {
	t.end()
	return t.ConnPool.(gorm.TxCommitter).Rollback()
}
