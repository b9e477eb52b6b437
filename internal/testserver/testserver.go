package testserver

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/glebarez/go-sqlite"  // database/sql driver "sqlite" for DB
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx" for DB

	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// CheapArgon2 are argon2id parameters that cost almost nothing, for tests.
var CheapArgon2 = server.Argon2Params{MemoryKiB: 64, Time: 1, Threads: 1}

// The bootstrapped platform admin.
const (
	AdminLogin    = "admin@jihat.test"
	AdminPassword = "test-admin-password-2026"
)

// Option changes how Start builds the server.
type Option func(*options)

type options struct {
	postgres  bool
	dsn       func(string) string
	tls       bool
	configure []func(*server.Config)
	now       func() time.Time
}

// Postgres runs the server on a PostgreSQL schema of its own (testenv). The
// test is skipped when no PostgreSQL is configured, or fails under
// JIHAT_TEST_REQUIRE_SERVICES=1.
func Postgres() Option { return func(o *options) { o.postgres = true } }

// PostgresVia runs the server on PostgreSQL (as Postgres does) through the
// DSN that fn makes of the test's own, e.g. one through a testenv.Proxy that
// the test cuts to stop the database under the server.
func PostgresVia(fn func(dsn string) string) Option {
	return func(o *options) { o.postgres, o.dsn = true, fn }
}

// TLS serves over HTTPS with a test certificate; Client trusts it.
func TLS() Option { return func(o *options) { o.tls = true } }

// Clock gives the server, its store and its media store one clock, now
// (the real clock by default), so a test can step time without sleeping.
func Clock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Configure changes the server.Config after the test defaults are set (for
// example to restore the real throttle limits by setting them to zero, or to
// add a readiness check).
func Configure(fn func(*server.Config)) Option {
	return func(o *options) { o.configure = append(o.configure, fn) }
}

// TestServer is a running server and what a test needs to drive and inspect it.
type TestServer struct {
	URL      string         // base URL, no trailing slash
	Client   *http.Client   // a client for URL (trusts the TLS certificate)
	Server   *server.Server // the server under test
	Store    *store.Store   // its store
	DB       *sql.DB        // a separate raw connection to the same database
	Notifier *Notifier      // every notification the server sent
	Postgres bool           // whether the store is PostgreSQL

	tb     testing.TB
	shared *shared // state shared with the copies For returns
}

// shared is the mutable state of a TestServer and of its copies.
type shared struct {
	prefix  string       // makes fixture names unique across servers
	n       atomic.Int64 // fixture counter
	adminMu sync.Mutex   // guards admin
	admin   string       // the admin's token, once logged in
}

// For returns the same server with its helpers bound to tb, for use inside
// a subtest (a helper must fail the test that runs it, not the parent).
func (ts *TestServer) For(tb testing.TB) *TestServer {
	c := *ts
	c.tb = tb
	return &c
}

// Start builds, bootstraps and serves a server for the test.
func Start(tb testing.TB, opts ...Option) *TestServer {
	tb.Helper()
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	ctx := context.Background()
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		tb.Fatal(err)
	}
	if o.now == nil {
		o.now = time.Now
	}
	scfg := store.Config{Key: key, Now: o.now, GuardTransactions: true}
	driver, dsn := "sqlite", ""
	if o.postgres {
		scfg.DatabaseURL = testenv.Postgres(tb)
		driver, dsn = "pgx", scfg.DatabaseURL
		if o.dsn != nil {
			scfg.DatabaseURL = o.dsn(scfg.DatabaseURL)
		}
	} else {
		scfg.DataDir = tb.TempDir()
		dsn = "file:" + filepath.Join(scfg.DataDir, "jihat.db") + "?_pragma=busy_timeout(10000)"
	}
	st, err := store.Open(ctx, scfg)
	if err != nil {
		tb.Fatalf("testserver: open store: %v", err)
	}
	tb.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		tb.Fatalf("testserver: migrate: %v", err)
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		tb.Fatalf("testserver: raw connection: %v", err)
	}
	tb.Cleanup(func() { db.Close() })

	notifier := &Notifier{}
	files, err := media.NewLocal(media.Config{Root: filepath.Join(tb.TempDir(), "files"), Now: o.now})
	if err != nil {
		tb.Fatalf("testserver: media store: %v", err)
	}
	cfg := server.Config{
		Media:           files,
		Store:           st,
		Logger:          slog.New(&tbHandler{tb: tb}),
		Notifier:        notifier,
		Argon2:          CheapArgon2,
		LoginPerIP:      1 << 20,
		LoginPerAccount: 1 << 20,
		// The other budgets out of the way too; throttle tests set theirs.
		Throttle: server.ThrottleConfig{LoginPerAccountAll: 1 << 20, LoginSlowAfter: 1 << 20,
			RegisterPerIP: 1 << 20, RegisterPerIdentifier: 1 << 20, WritesPerUser: 1 << 20},
		Version: "test",
		Now:     o.now,
	}
	for _, fn := range o.configure {
		fn(&cfg)
	}
	srv, err := server.New(cfg)
	if err != nil {
		tb.Fatalf("testserver: server.New: %v", err)
	}
	tb.Cleanup(func() { // after the HTTP server below has closed
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	})
	if _, err := srv.Bootstrap(ctx, server.BootstrapConfig{AdminLogin: AdminLogin, AdminPassword: AdminPassword}); err != nil {
		tb.Fatalf("testserver: bootstrap: %v", err)
	}
	hs := httptest.NewUnstartedServer(srv.Handler())
	if o.tls {
		hs.StartTLS()
	} else {
		hs.Start()
	}
	tb.Cleanup(hs.Close) // registered last: runs first, before the store closes
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &TestServer{URL: hs.URL, Client: hs.Client(), Server: srv, Store: st, DB: db, Notifier: notifier,
		Postgres: o.postgres, tb: tb, shared: &shared{prefix: fmt.Sprintf("%x", b)}}
}

// Count returns the number of rows in table, read over the raw connection.
func (ts *TestServer) Count(table string) int64 {
	ts.tb.Helper()
	var n int64
	if err := ts.DB.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&n); err != nil {
		ts.tb.Fatalf("count %s: %v", table, err)
	}
	return n
}

// Notifier records notifications instead of sending them. Safe for
// concurrent use.
type Notifier struct {
	mu   sync.Mutex // guards msgs and Err
	msgs []notify.Message
	err  error
}

// Notify implements notify.Notifier.
func (n *Notifier) Notify(_ context.Context, m notify.Message) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.err != nil {
		return n.err
	}
	n.msgs = append(n.msgs, m)
	return nil
}

// Fail makes every later Notify return err (nil restores delivery).
func (n *Notifier) Fail(err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.err = err
}

// Messages returns a copy of what was sent, oldest first.
func (n *Notifier) Messages() []notify.Message {
	n.mu.Lock()
	defer n.mu.Unlock()
	return append([]notify.Message(nil), n.msgs...)
}

// To returns the messages sent to an e-mail address or a mobile number.
func (n *Notifier) To(address string) []notify.Message {
	var out []notify.Message
	for _, m := range n.Messages() {
		if m.Email == address || m.Mobile == address {
			out = append(out, m)
		}
	}
	return out
}

// tbHandler logs the server's warnings and errors into the test log, so an
// internal error behind a 500 shows up beside the failure.
type tbHandler struct {
	tb    testing.TB
	attrs []slog.Attr
}

func (h *tbHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *tbHandler) Handle(_ context.Context, r slog.Record) error {
	s := r.Level.String() + " " + r.Message
	for _, a := range h.attrs {
		s += " " + a.String()
	}
	r.Attrs(func(a slog.Attr) bool { s += " " + a.String(); return true })
	h.tb.Log("server: " + s)
	return nil
}

func (h *tbHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return &tbHandler{tb: h.tb, attrs: append(append([]slog.Attr(nil), h.attrs...), as...)}
}

func (h *tbHandler) WithGroup(string) slog.Handler { return h }
