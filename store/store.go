package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/glebarez/sqlite"
	"github.com/google/uuid"
	"gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/jihat/jihat"
)

// Config says where the data lives.
type Config struct {
	// DatabaseURL selects PostgreSQL (postgres://...). Empty means SQLite in DataDir.
	DatabaseURL string
	// DataDir holds the SQLite file on the embedded default.
	DataDir string
	// Key is the 32-byte data key for personal data at rest.
	Key []byte
	// Logger receives slow-query and error logs; nil discards them.
	Logger *slog.Logger
	// Now is the clock that stamps rows and that the store's rules read
	// (sessions, outbox, notifications); nil means time.Now. The binary
	// and the test server give the same clock to the store, the media
	// store and the server.
	Now func() time.Time
	// GuardTransactions makes a statement that a goroutine runs outside the
	// transaction it holds open panic instead of waiting (tx_guard.go). The
	// tests set it; it costs a stack read per transaction.
	GuardTransactions bool
}

// Store is the database. Safe for concurrent use.
type Store struct {
	db *gorm.DB
	// rdb serves the reads of authentication and of the live connect path
	// (SessionByTokenHash, UserByID, CaseAudiences, LastSeqs, Events): on
	// SQLite a pool of read-only connections beside the one that writes (in
	// WAL mode readers run during a commit and see every commit that
	// returned before they began), so that neither every request's session
	// lookup nor a reconnect storm's reads queue for the writer's
	// connection or hold it; on PostgreSQL it is db.
	rdb     *gorm.DB
	crypt   *crypter
	postgre bool
	now     func() time.Time
	log     *slog.Logger
	chainer *chainer    // links audit entries after commit (audit.go)
	group   *committers // group commit of case changes (group_commit.go)
	// sessions batches the session reads of concurrent requests (sessions.go).
	sessions *readBatcher[string, sessionUserRow]
	// audiences batches the case audience reads of concurrent live
	// subscribes (audience.go).
	audiences *readBatcher[string, jihat.Audience]
	// statsFromCases makes statistics read case_stats even where the daily
	// rollup could answer (tests compare the two).
	statsFromCases bool
}

// Now reads the store's clock (Config.Now).
func (s *Store) Now() time.Time { return s.now() }

// Open connects to the database and checks the key. It does not migrate; call
// Migrate (the serve command does at start-up).
func Open(ctx context.Context, cfg Config) (*Store, error) {
	c, err := newCrypter(cfg.Key)
	if err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	gcfg := &gorm.Config{
		Logger:                 logger.Discard,
		NowFunc:                func() time.Time { return cfg.Now().UTC().Truncate(time.Microsecond) },
		SkipDefaultTransaction: true,
		TranslateError:         true,
	}
	s := &Store{crypt: c, now: cfg.Now, log: cfg.Logger, chainer: newChainer(), group: newCommitters()}
	s.sessions = &readBatcher[string, sessionUserRow]{read: s.sessionUsers, timeout: 10 * time.Second}
	s.audiences = &readBatcher[string, jihat.Audience]{read: s.CaseAudiences, timeout: 10 * time.Second, yield: true}
	if strings.HasPrefix(cfg.DatabaseURL, "postgres://") || strings.HasPrefix(cfg.DatabaseURL, "postgresql://") {
		s.postgre = true
		s.db, err = gorm.Open(postgres.Open(cfg.DatabaseURL), gcfg)
		if err != nil {
			return nil, fmt.Errorf("store: open postgres: %w", err)
		}
		sqlDB, _ := s.db.DB()
		sqlDB.SetMaxOpenConns(32)
		// As many kept idle as may be open: under load, closing the ones
		// over a lower bound and opening new ones (a backend forked, a
		// SCRAM exchange, the statement cache cold) cost more than the
		// requests (issue 17's end-to-end profile).
		sqlDB.SetMaxIdleConns(32)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
		s.rdb = s.db
	} else {
		if cfg.DatabaseURL != "" {
			return nil, fmt.Errorf("store: DATABASE_URL must start with postgres://")
		}
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return nil, fmt.Errorf("store: data dir: %w", err)
		}
		// _txlock=immediate: a transaction takes the write lock when it
		// begins, so a second process on the same file (jihat migrate beside
		// jihat serve) waits for busy_timeout instead of failing with
		// SQLITE_BUSY when its read lock cannot be upgraded.
		dsn := "file:" + filepath.Join(cfg.DataDir, "jihat.db") +
			"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_txlock=immediate"
		s.db, err = gorm.Open(sqlite.Open(dsn), gcfg)
		if err != nil {
			return nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		// SQLite has one writer; one connection serialises every transaction,
		// which is also what makes assignment and the audit chain safe there.
		sqlDB, _ := s.db.DB()
		sqlDB.SetMaxOpenConns(1)
		if err := s.Ping(ctx); err != nil { // the writer sets WAL mode before any reader opens
			s.Close()
			return nil, err
		}
		rdsn := "file:" + filepath.Join(cfg.DataDir, "jihat.db") + "?_pragma=busy_timeout(10000)&_pragma=query_only(1)"
		s.rdb, err = gorm.Open(sqlite.Open(rdsn), gcfg)
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("store: open sqlite readers: %w", err)
		}
		rDB, _ := s.rdb.DB()
		rDB.SetMaxOpenConns(sqliteReaders)
		rDB.SetMaxIdleConns(sqliteReaders)
	}
	if cfg.GuardTransactions {
		if err := s.guardTransactions(); err != nil {
			return nil, err
		}
	}
	if err := s.Ping(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Postgres reports whether the store runs on PostgreSQL.
func (s *Store) Postgres() bool { return s.postgre }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return sqlDB.PingContext(ctx)
}

// Close links the audit entries still pending and releases the connections.
func (s *Store) Close() error {
	s.group.close()
	s.chainer.close(s)
	if s.rdb != nil && s.rdb != s.db {
		if rDB, err := s.rdb.DB(); err == nil {
			rDB.Close()
		}
	}
	sqlDB, err := s.db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// sqliteReaders is the size of SQLite's read pool (Store.rdb): the reads
// it serves are short and CPU-bound, and each connection keeps a page cache.
const sqliteReaders = 2

// tx runs fn in one transaction and, when fn appended an audit entry and
// the transaction committed, wakes the audit chainer.
func (s *Store) tx(ctx context.Context, fn func(tx *gorm.DB) error) error {
	audited := false
	err := s.db.WithContext(context.WithValue(ctx, auditFlagKey{}, &audited)).Transaction(fn)
	if err == nil && audited {
		s.chainer.kick()
	}
	return err
}

// newID returns a time-ordered UUID (v7), so primary keys index well and sort
// by creation.
func newID() string { return uuid.Must(uuid.NewV7()).String() }

// ValidID reports whether s is a UUID in canonical form.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	_, err := uuid.Parse(s)
	return err == nil
}

// notFound maps gorm's not-found to the domain error.
func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return jihat.Errorf(jihat.ENOTFOUND, "not_found")
	}
	return err
}

// isDuplicate reports a unique-constraint violation on either database.
func isDuplicate(err error) bool {
	return errors.Is(err, gorm.ErrDuplicatedKey) ||
		(err != nil && (strings.Contains(err.Error(), "UNIQUE constraint failed") || strings.Contains(err.Error(), "SQLSTATE 23505")))
}

// ptr returns nil for "" and &s otherwise, for nullable columns.
func ptr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// deref returns "" for nil.
func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
