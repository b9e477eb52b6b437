package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

func TestSessions(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		clk := newClock()
		s := b.Open(t, WithClock(clk))
		u := mustUser(t, s, &jihat.User{Name: "سارة", Email: "sess@example.com", NationalID: "1234567897", Mobile: "+966501234567",
			Lang: jihat.LangEN, Active: true})
		hash := strings.Repeat("a1", 32)

		sess, err := s.CreateSession(ctx, u.ID, hash, time.Hour, act("auth.login"))
		if err != nil {
			t.Fatal(err)
		}
		if !sess.ExpiresAt.Equal(clk.Now().Add(time.Hour)) || sess.UserID != u.ID {
			t.Fatalf("session = %+v", sess)
		}
		got, gu, err := s.SessionByTokenHash(ctx, hash)
		if err != nil || got.ID != sess.ID || got.UserID != u.ID || !got.ExpiresAt.Equal(sess.ExpiresAt) {
			t.Fatalf("SessionByTokenHash = %+v, %+v, %v", got, gu, err)
		}
		// The user comes with the session (one joined read): the same user,
		// every field, as a read of the user alone.
		if want, err := s.UserByID(ctx, u.ID); err != nil || !reflect.DeepEqual(gu, want) {
			t.Fatalf("user of the session = %+v; UserByID = %+v, %v", gu, want, err)
		}
		// And an employee with every column set (entity, department,
		// grants and revokes, capacity, a verified address): the session
		// read names its columns one by one.
		e := mustEntity(t, s)
		d := mustDepartment(t, s, e.ID)
		emp := mustUser(t, s, &jihat.User{Email: "sess-emp@example.com", EmailVerified: true, Mobile: "+966501234568",
			Role: jihat.RoleEmployee, EntityID: e.ID, DepartmentID: d.ID, Capacity: 7, Active: true,
			Grants: []jihat.Permission{jihat.PermReportsView}, Revokes: []jihat.Permission{jihat.PermCaseCreate}})
		empHash := strings.Repeat("e5", 32)
		if _, err := s.CreateSession(ctx, emp.ID, empHash, 2*time.Hour, act("auth.login")); err != nil {
			t.Fatal(err)
		}
		_, geu, err := s.SessionByTokenHash(ctx, empHash)
		if want, werr := s.UserByID(ctx, emp.ID); err != nil || werr != nil || !reflect.DeepEqual(geu, want) {
			t.Fatalf("employee of the session = %+v, %v; UserByID = %+v, %v", geu, err, want, werr)
		}
		if !geu.EmailVerified || geu.MobileVerified || geu.Capacity != 7 || geu.DepartmentID != d.ID || len(geu.Grants) != 1 {
			t.Fatalf("employee of the session = %+v", geu)
		}
		_, _, err = s.SessionByTokenHash(ctx, strings.Repeat("b2", 32))
		wantCode(t, err, jihat.EUNAUTHORIZED, "unauthorized")

		// Expiry follows the store's clock.
		clk.Add(time.Hour - time.Second)
		if _, _, err := s.SessionByTokenHash(ctx, hash); err != nil {
			t.Fatalf("a second before expiry: %v", err)
		}
		clk.Add(2 * time.Second)
		_, _, err = s.SessionByTokenHash(ctx, hash)
		wantCode(t, err, jihat.EUNAUTHORIZED, "unauthorized")

		// Revocation.
		hash2 := strings.Repeat("c3", 32)
		sess2, err := s.CreateSession(ctx, u.ID, hash2, time.Hour, act("auth.login"))
		if err != nil {
			t.Fatal(err)
		}
		if err := s.RevokeSession(ctx, sess2.ID, act("auth.logout")); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SessionByTokenHash(ctx, hash2)
		wantCode(t, err, jihat.EUNAUTHORIZED, "unauthorized")

		// A token hash is unique.
		if _, err := s.CreateSession(ctx, u.ID, hash2, time.Hour, act("auth.login")); err == nil {
			t.Error("a second session with the same token hash was stored")
		}

		// Expired sessions are swept; live ones stay.
		hash3 := strings.Repeat("d4", 32)
		if _, err := s.CreateSession(ctx, u.ID, hash3, time.Hour, act("auth.login")); err != nil {
			t.Fatal(err)
		}
		n, err := s.DeleteExpiredSessions(ctx, clk.Now())
		if err != nil || n != 1 {
			t.Fatalf("DeleteExpiredSessions = %d, %v; want the one expired session", n, err)
		}
		if _, _, err := s.SessionByTokenHash(ctx, hash3); err != nil {
			t.Fatalf("live session after the sweep: %v", err)
		}
		auditCount(t, s)
	})
}

// TestSessionsEndWithAccount: disabling a user or changing their password
// ends their sessions (all but the one that changed it).
func TestSessionsEndWithAccount(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, &jihat.User{Email: "end@example.com", Active: true})
		other := mustUser(t, s, &jihat.User{Email: "bystander@example.com", Active: true})
		login := func(user *jihat.User, h string) *store.Session {
			t.Helper()
			sess, err := s.CreateSession(ctx, user.ID, h, time.Hour, act("auth.login"))
			if err != nil {
				t.Fatal(err)
			}
			return sess
		}
		keep, drop := strings.Repeat("01", 32), strings.Repeat("02", 32)
		keepSess := login(u, keep)
		login(u, drop)
		bystander := strings.Repeat("03", 32)
		login(other, bystander)

		if err := s.SetPassword(ctx, u.ID, "new-hash", false, keepSess.ID, act("user.change_password")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByTokenHash(ctx, keep); err != nil {
			t.Errorf("the session that changed the password ended: %v", err)
		}
		_, _, err := s.SessionByTokenHash(ctx, drop)
		wantCode(t, err, jihat.EUNAUTHORIZED, "")
		if h, _ := s.PasswordHash(ctx, u.ID); h != "new-hash" {
			t.Errorf("hash = %q", h)
		}

		if err := s.SetActive(ctx, u.ID, false, act("user.disable")); err != nil {
			t.Fatal(err)
		}
		_, _, err = s.SessionByTokenHash(ctx, keep)
		wantCode(t, err, jihat.EUNAUTHORIZED, "")
		if _, _, err := s.SessionByTokenHash(ctx, bystander); err != nil {
			t.Errorf("another user's session ended: %v", err)
		}
		// A session created for a disabled user is refused at lookup.
		late := strings.Repeat("04", 32)
		login(u, late)
		_, _, err = s.SessionByTokenHash(ctx, late)
		wantCode(t, err, jihat.EUNAUTHORIZED, "account_disabled")
		if err := s.SetActive(ctx, u.ID, true, act("user.enable")); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.SessionByTokenHash(ctx, late); err != nil {
			t.Errorf("re-enabled user: %v", err)
		}
	})
}
