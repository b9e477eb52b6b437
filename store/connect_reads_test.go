package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestConnectStatements counts the SQL statements of what a socket's
// connect asks of the store (issue 17, the reconnect storm): its session
// with its user, the audience of the case it subscribes to, and the "seen"
// times of the users who connected, written together. Each is ONE
// statement, however many users the seen batch holds (a chunk per 500
// users, 64 on SQLite).
func TestConnectStatements(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		// Before anything runs in the background (the audit chainer starts
		// with the first audited write).
		statements := store.CountStatements(s)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		emp := w.staff(t, s, 5)
		c := w.mustCase(t, s, "موضوع", "نص")
		hash := strings.Repeat("c3", 32)
		if _, err := s.CreateSession(ctx, w.Requester.ID, hash, time.Hour, act("auth.login")); err != nil {
			t.Fatal(err)
		}
		ctx := store.Counted(ctx)
		counted := func(what string, want int64, fn func() error) {
			t.Helper()
			n := statements()
			if err := fn(); err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if got := statements() - n; got != want {
				t.Errorf("%s: %d statements; want %d", what, got, want)
			}
		}
		counted("SessionByTokenHash", 1, func() error {
			_, u, err := s.SessionByTokenHash(ctx, hash)
			if err == nil && u.ID != w.Requester.ID {
				err = fmt.Errorf("user %s; want %s", u.ID, w.Requester.ID)
			}
			return err
		})
		counted("CaseAudience", 1, func() error {
			a, ok, err := s.CaseAudience(ctx, c.ID)
			if err == nil && (!ok || a.RequesterID != w.Requester.ID) {
				err = fmt.Errorf("audience %+v, %v", a, ok)
			}
			return err
		})

		// Seen times: each user gets their own; a user not in the batch
		// keeps theirs; an ID without a user is no error.
		at := time.Date(2026, 12, 4, 16, 0, 0, 0, time.UTC)
		other := w.staff(t, s, 5)
		if err := s.TouchUser(ctx, other.ID, at.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		seen := map[string]time.Time{w.Requester.ID: at, emp.ID: at.Add(time.Minute), "no-such-user": at}
		counted("TouchUsers of 3", 1, func() error { return s.TouchUsers(ctx, seen) })
		raw := b.Raw(t)
		for id, want := range map[string]time.Time{w.Requester.ID: at, emp.ID: at.Add(time.Minute), other.ID: at.Add(-time.Hour)} {
			var got struct{ LastSeenAt time.Time }
			if err := raw.Table("users").Select("last_seen_at").Where("id = ?", id).Take(&got).Error; err != nil {
				t.Fatal(err)
			}
			if !got.LastSeenAt.Equal(want) {
				t.Errorf("last_seen_at of %s = %v; want %v", id, got.LastSeenAt, want)
			}
		}
		many := map[string]time.Time{emp.ID: at.Add(2 * time.Minute)}
		for i := range 500 {
			many[fmt.Sprintf("absent-%03d", i)] = at
		}
		chunks := int64(2) // 500 users a statement on PostgreSQL, 64 on SQLite
		if b.Name == "sqlite" {
			chunks = 8
		}
		counted("TouchUsers of 501", chunks, func() error { return s.TouchUsers(ctx, many) })
		var got struct{ LastSeenAt time.Time }
		if err := raw.Table("users").Select("last_seen_at").Where("id = ?", emp.ID).Take(&got).Error; err != nil ||
			!got.LastSeenAt.Equal(at.Add(2*time.Minute)) {
			t.Errorf("last_seen_at after 501 = %v, %v; want %v", got.LastSeenAt, err, at.Add(2*time.Minute))
		}
	})
}
