package store

import (
	"bytes"
	"context"
	"database/sql"
	"runtime"
	"strconv"
	"sync"

	"gorm.io/gorm"
)

// guardPool is the connection pool the tests run with
// (Config.GuardTransactions): it panics when a goroutine that holds an open
// transaction runs a statement, or begins a transaction, outside it while
// every connection is taken (always so on SQLite).
//
// On SQLite the store has one connection, so such a statement waits for the
// transaction that waits for it: the request hangs forever, and every other
// request with it. (PATCH /boards once checked its new members from inside
// the board's transaction.) On PostgreSQL it holds two of the 32 connections
// at once, and 32 such requests deadlock the pool: the guard sees that case
// only when the pool is full. The usual mistake is a
// store call from inside a callback that a store transaction runs (UpdateX's
// fn): do the read before, or pass the transaction.
type guardPool struct {
	db   *sql.DB
	held sync.Map // goroutine ID → struct{}: it holds a transaction open
}

// check panics when the calling goroutine holds a transaction open and no
// connection is free (the statement would wait; on SQLite, whose one
// connection the transaction holds, for ever). Reading the goroutine's ID
// costs tens of microseconds, so it is read only when the pool is full.
func (g *guardPool) check() {
	st := g.db.Stats()
	if st.MaxOpenConnections == 0 || st.InUse < st.MaxOpenConnections {
		return
	}
	if _, ok := g.held.Load(goroutineID()); ok {
		panic("store: a statement outside the transaction this goroutine holds open " +
			"(on SQLite it would wait forever for the one connection): read before the transaction or pass it the transaction")
	}
}

func (g *guardPool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	g.check()
	return g.db.PrepareContext(ctx, query)
}

func (g *guardPool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	g.check()
	return g.db.ExecContext(ctx, query, args...)
}

func (g *guardPool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	g.check()
	return g.db.QueryContext(ctx, query, args...)
}

func (g *guardPool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	g.check()
	return g.db.QueryRowContext(ctx, query, args...)
}

// BeginTx begins a transaction and marks the calling goroutine as holding
// it until it commits or rolls back (gorm runs a transaction's callback on
// the goroutine that began it).
func (g *guardPool) BeginTx(ctx context.Context, opts *sql.TxOptions) (gorm.ConnPool, error) {
	g.check()
	tx, err := g.db.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	id := goroutineID()
	g.held.Store(id, struct{}{})
	return &guardTx{Tx: tx, g: g, id: id}, nil
}

// GetDBConn lets gorm's DB() find the pool underneath.
func (g *guardPool) GetDBConn() (*sql.DB, error) { return g.db, nil }

// guardTx is a transaction of a guardPool.
type guardTx struct {
	*sql.Tx
	g    *guardPool
	id   uint64
	once sync.Once
}

func (t *guardTx) release() { t.once.Do(func() { t.g.held.Delete(t.id) }) }

func (t *guardTx) Commit() error {
	defer t.release()
	return t.Tx.Commit()
}

func (t *guardTx) Rollback() error {
	defer t.release()
	return t.Tx.Rollback()
}

// GetDBConn lets gorm's DB() find the pool underneath.
func (t *guardTx) GetDBConn() (*sql.DB, error) { return t.g.db, nil }

// goroutineID reads the calling goroutine's ID from the head of its stack
// ("goroutine 123 [running]:"). It walks the whole stack (tens of
// microseconds): once per transaction, and per statement only when the pool
// is full. The guard is for tests only.
func goroutineID() uint64 {
	var buf [32]byte
	n := runtime.Stack(buf[:], false)
	head := bytes.TrimPrefix(buf[:n], []byte("goroutine "))
	if i := bytes.IndexByte(head, ' '); i > 0 {
		head = head[:i]
	}
	id, _ := strconv.ParseUint(string(head), 10, 64)
	return id
}

// guardTransactions makes s.db run on a guardPool.
func (s *Store) guardTransactions() error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	g := &guardPool{db: sqlDB}
	s.db.ConnPool = g
	s.db.Statement.ConnPool = g
	return nil
}
