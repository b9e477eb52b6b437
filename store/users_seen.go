package store

import (
	"context"
	"slices"
	"strings"
	"time"
)

// touchChunk is how many users one statement of TouchUsers updates on
// PostgreSQL (two parameters each, as two arrays). On SQLite each user is
// two placeholders, and go-sqlite binds parameter i after scanning the
// arguments up to i (quadratic: 1,000 placeholders would be ~500,000
// steps), so a statement there takes sqliteTouchChunk users.
const (
	touchChunk       = 500
	sqliteTouchChunk = 64
)

// TouchUsers records when each user was last seen (user ID → time): the
// coalesced form of TouchUser for many sockets connecting at once, in ONE
// statement per 500 users (64 on SQLite). A reconnect storm writes it
// continuously (the server's seenWriter flushes whatever gathered while
// the previous flush ran): one UPDATE per user was half the SQL statements
// of a storm's connect (0.49 per connect on SQLite, 0.82 on PostgreSQL,
// each there a round trip, issue 17 session 9), on SQLite's one writer
// beside the group commit.
func (s *Store) TouchUsers(ctx context.Context, seen map[string]time.Time) error {
	if len(seen) == 0 {
		return nil
	}
	ids := make([]string, 0, len(seen))
	for id := range seen {
		ids = append(ids, id)
	}
	slices.Sort(ids) // the same order every time: concurrent writers lock rows alike
	chunk := touchChunk
	if !s.postgre {
		chunk = sqliteTouchChunk
	}
	for len(ids) > 0 {
		n := min(len(ids), chunk)
		if err := s.touchUsers(ctx, ids[:n], seen); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

// touchUsers updates last_seen_at of ids from seen in one statement.
func (s *Store) touchUsers(ctx context.Context, ids []string, seen map[string]time.Time) error {
	ats := make([]time.Time, len(ids))
	for i, id := range ids {
		ats[i] = seen[id].UTC()
	}
	db := s.db.WithContext(ctx)
	if s.postgre {
		// Arrays, so the statement's text (prepared once per connection by
		// pgx) does not depend on how many users there are.
		_, err := db.Statement.ConnPool.ExecContext(ctx, `UPDATE users SET last_seen_at = v.at
FROM unnest($1::text[], $2::timestamptz[]) AS v(id, at) WHERE users.id = v.id`, ids, ats)
		return err
	}
	var q strings.Builder
	q.WriteString("UPDATE users SET last_seen_at = v.column2 FROM (VALUES ")
	vars := make([]any, 0, 2*len(ids))
	for i, id := range ids {
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(?, ?)")
		vars = append(vars, id, ats[i])
	}
	q.WriteString(") AS v WHERE users.id = v.column1")
	return db.Exec(q.String(), vars...).Error
}
