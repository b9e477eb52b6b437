package store_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/glebarez/sqlite"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/store"
)

// This file holds the shared suite's machinery: every store test runs on
// both databases through forEachStore (or forEachBackend when it needs to
// reopen the database or look at what is stored), so SQLite and PostgreSQL
// are held to the same behaviour. Tests of later features use it the same
// way:
//
//	func TestSomething(t *testing.T) {
//		forEachStore(t, func(t *testing.T, s *store.Store) { ... })
//	}

// backend is one database of the shared suite: a fresh SQLite directory or a
// fresh PostgreSQL schema, with its own data key.
type backend struct {
	Name string       // "sqlite" or "postgres"
	Cfg  store.Config // DataDir or DatabaseURL, and Key; Now is nil
}

// forEachBackend runs fn as the subtests "sqlite" and "postgres", each with a
// database of its own. The PostgreSQL one is skipped when
// JIHAT_TEST_DATABASE_URL is unset (it fails instead under
// JIHAT_TEST_REQUIRE_SERVICES=1).
func forEachBackend(t *testing.T, fn func(t *testing.T, b *backend)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, &backend{Name: "sqlite", Cfg: store.Config{DataDir: t.TempDir(), Key: newKey(t)}})
	})
	t.Run("postgres", func(t *testing.T) {
		fn(t, &backend{Name: "postgres", Cfg: store.Config{DatabaseURL: testenv.Postgres(t), Key: newKey(t)}})
	})
}

// forEachStore runs fn on a fresh, migrated store on each backend.
func forEachStore(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	forEachBackend(t, func(t *testing.T, b *backend) { fn(t, b.Open(t)) })
}

// Open opens and migrates the backend's database; options may change the
// config (a clock, another key). The store is closed when the test ends.
func (b *backend) Open(tb testing.TB, opts ...func(*store.Config)) *store.Store {
	tb.Helper()
	cfg := b.Cfg
	cfg.GuardTransactions = true
	for _, o := range opts {
		o(&cfg)
	}
	s, err := store.Open(context.Background(), cfg)
	if err != nil {
		tb.Fatalf("open %s store: %v", b.Name, err)
	}
	tb.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		tb.Fatalf("migrate %s store: %v", b.Name, err)
	}
	return s
}

// Raw opens a second, plain connection to the same database, for looking at
// (and tampering with) what the store wrote. Closed when the test ends.
func (b *backend) Raw(tb testing.TB) *gorm.DB {
	tb.Helper()
	var d gorm.Dialector
	if b.Name == "postgres" {
		d = postgres.Open(b.Cfg.DatabaseURL)
	} else {
		d = sqlite.Open("file:" + filepath.Join(b.Cfg.DataDir, "jihat.db") + "?_pragma=busy_timeout(10000)")
	}
	db, err := gorm.Open(d, &gorm.Config{Logger: logger.Discard})
	if err != nil {
		tb.Fatalf("raw %s connection: %v", b.Name, err)
	}
	tb.Cleanup(func() {
		if sqlDB, err := db.DB(); err == nil {
			sqlDB.Close()
		}
	})
	return db
}

// Count returns the number of rows of table, read over a raw connection.
func (b *backend) Count(tb testing.TB, db *gorm.DB, table string) int64 {
	tb.Helper()
	var n int64
	if err := db.Table(table).Count(&n).Error; err != nil {
		tb.Fatalf("count %s: %v", table, err)
	}
	return n
}

// WithClock sets the store's clock.
func WithClock(c *clock) func(*store.Config) { return func(cfg *store.Config) { cfg.Now = c.Now } }

func newKey(tb testing.TB) []byte {
	tb.Helper()
	k := make([]byte, store.KeySize)
	if _, err := rand.Read(k); err != nil {
		tb.Fatal(err)
	}
	return k
}

// clock is a settable clock for Config.Now, safe for concurrent use.
type clock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2026, 1, 15, 8, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

var seqN atomic.Int64

// uniq returns a number no other call in this test binary returns, for
// unique e-mails and names.
func uniq() int64 { return seqN.Add(1) }

// act is an audit entry for action with a fixed actor, IP and user agent.
func act(action string) jihat.AuditEntry {
	return jihat.AuditEntry{Action: action, IP: "192.0.2.7", UserAgent: "store-test"}
}

// mustEntity creates an entity.
func mustEntity(tb testing.TB, s *store.Store) *jihat.Entity {
	tb.Helper()
	e := &jihat.Entity{NameAR: fmt.Sprintf("جهة %d", uniq()), NameEN: "Entity", Sector: jihat.SectorGovernment}
	if err := s.CreateEntity(context.Background(), e, false, act("entity.create")); err != nil {
		tb.Fatalf("CreateEntity: %v", err)
	}
	return e
}

// mustDepartment creates a department of entity.
func mustDepartment(tb testing.TB, s *store.Store, entityID string) *jihat.Department {
	tb.Helper()
	d := &jihat.Department{EntityID: entityID, NameAR: fmt.Sprintf("قسم %d", uniq()), NameEN: "Department"}
	if err := s.CreateDepartment(context.Background(), d, act("department.create")); err != nil {
		tb.Fatalf("CreateDepartment: %v", err)
	}
	return d
}

// mustUser creates u with a placeholder password hash.
func mustUser(tb testing.TB, s *store.Store, u *jihat.User) *jihat.User {
	tb.Helper()
	if u.Name == "" {
		u.Name = fmt.Sprintf("مستخدم %d", uniq())
	}
	if u.Role == "" {
		u.Role = jihat.RoleCitizen
	}
	if err := s.CreateUser(context.Background(), u, "hash-of-"+u.Name, act("user.create")); err != nil {
		tb.Fatalf("CreateUser: %v", err)
	}
	return u
}

// auditCount returns how many audit rows the chain holds, failing the test
// when the chain is broken.
func auditCount(tb testing.TB, s *store.Store) int64 {
	tb.Helper()
	bad, n, err := s.VerifyAudit(context.Background())
	if err != nil || bad != 0 {
		tb.Fatalf("VerifyAudit = %d, %d, %v", bad, n, err)
	}
	return n
}

// wantCode fails unless err carries the domain code (and key, when given).
func wantCode(tb testing.TB, err error, code, key string) {
	tb.Helper()
	if jihat.ErrorCode(err) != code {
		tb.Fatalf("err = %v; want %s", err, code)
	}
	if key != "" && jihat.AsError(err).Key != key {
		tb.Fatalf("err key = %q; want %q", jihat.AsError(err).Key, key)
	}
}

func TestOpen(t *testing.T) {
	ctx := context.Background()
	if _, err := store.Open(ctx, store.Config{DataDir: t.TempDir(), Key: make([]byte, 16)}); err == nil {
		t.Error("a 16-byte key was accepted")
	}
	if _, err := store.Open(ctx, store.Config{DatabaseURL: "mysql://x", Key: newKey(t)}); err == nil {
		t.Error("a non-PostgreSQL DATABASE_URL was accepted")
	}
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		if s.Postgres() != (b.Name == "postgres") {
			t.Errorf("Postgres() = %v on %s", s.Postgres(), b.Name)
		}
		if err := s.Ping(ctx); err != nil {
			t.Errorf("Ping: %v", err)
		}
	})
}

func TestValidID(t *testing.T) {
	for id, want := range map[string]bool{
		"0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b":   true,
		"0190F5A6-7C3B-7A1E-9B2D-3C4D5E6F7A8B":   true,
		"0190f5a67c3b7a1e9b2d3c4d5e6f7a8b":       false,
		"{0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b}": false,
		"":                                       false,
		"not-a-uuid":                             false,
		"1 OR 1=1":                               false,
		"../../../../etc/passwd":                 false,
	} {
		if got := store.ValidID(id); got != want {
			t.Errorf("ValidID(%q) = %v, want %v", id, got, want)
		}
	}
}

func TestMigrate(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t) // migrates once
		v, err := s.SchemaVersion(ctx)
		if err != nil || v != store.LatestMigration() {
			t.Fatalf("SchemaVersion = %d, %v; want %d", v, err, store.LatestMigration())
		}
		applied, err := s.Migrate(ctx)
		if err != nil || len(applied) != 0 {
			t.Fatalf("second Migrate applied %v, %v; want nothing", applied, err)
		}
		// Data survives a re-migration by another process, and the migration
		// log keeps one row per version.
		e := mustEntity(t, s)
		again := b.Open(t)
		if got, err := again.Entity(ctx, e.ID); err != nil || got.NameAR != e.NameAR {
			t.Fatalf("entity after reopening: %+v, %v", got, err)
		}
		raw := b.Raw(t)
		if n := b.Count(t, raw, "schema_migrations"); n != int64(store.MigrationCount()) {
			t.Errorf("schema_migrations has %d rows, want %d", n, store.MigrationCount())
		}
	})
}

// TestMigrateConcurrently starts several nodes on one empty database at
// once: each Migrate must succeed and the schema must be applied once.
func TestMigrateConcurrently(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		const nodes = 4
		stores := make([]*store.Store, nodes)
		for i := range stores {
			s, err := store.Open(ctx, b.Cfg)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			stores[i] = s
		}
		var wg sync.WaitGroup
		errs := make([]error, nodes)
		for i, s := range stores {
			wg.Go(func() { _, errs[i] = s.Migrate(ctx) })
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Errorf("node %d: Migrate: %v", i, err)
			}
		}
		if n := b.Count(t, b.Raw(t), "schema_migrations"); n != int64(store.MigrationCount()) {
			t.Errorf("schema_migrations has %d rows, want %d", n, store.MigrationCount())
		}
	})
}
