package testenv

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Postgres creates a schema of its own in the database at
// JIHAT_TEST_DATABASE_URL and returns a DSN (URL form) whose search_path is
// that schema alone, so tables a test creates, with GORM or pgx, land there.
// The schema and all it holds are dropped when the test ends.
func Postgres(tb testing.TB) string {
	tb.Helper()
	base := lookup(tb, EnvDatabaseURL)
	schema := randomName("t_")
	ident := pgx.Identifier{schema}.Sanitize()

	if err := pgExec(base, "CREATE SCHEMA "+ident); err != nil {
		tb.Fatalf("testenv: create schema %s in %s: %v", schema, redact(base), err)
	}
	tb.Cleanup(func() {
		if err := pgExec(base, "DROP SCHEMA IF EXISTS "+ident+" CASCADE"); err != nil {
			tb.Errorf("testenv: drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(base, schema)
}

// pgExec runs one statement on a connection of its own.
func pgExec(dsn, sql string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.Background())
	_, err = conn.Exec(ctx, sql)
	return err
}

// withSearchPath adds search_path=schema to a URL or key=value DSN. pgx sends
// parameters it does not know itself to the server as run-time settings.
func withSearchPath(dsn, schema string) string {
	if u, err := url.Parse(dsn); err == nil && (u.Scheme == "postgres" || u.Scheme == "postgresql") {
		q := u.Query()
		q.Set("search_path", schema)
		u.RawQuery = q.Encode()
		return u.String()
	}
	return strings.TrimSpace(dsn) + " search_path=" + schema
}

// redact hides the password of a URL DSN, for messages.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.User != nil {
		return u.Redacted()
	}
	return "the database"
}
