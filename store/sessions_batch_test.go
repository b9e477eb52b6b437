package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
)

// TestSessionsConcurrent: 64 readers at once, each reading one of twelve
// sessions of six users — live, revoked, of a disabled user, or unknown —
// many times over, so that reads go together (read_batch.go). Each reader
// always gets its own session and user, or EUNAUTHORIZED for the others;
// a session revoked while the readers run is refused from then on.
func TestSessionsConcurrent(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		type want struct {
			hash, user, session, code string
		}
		var wants []want
		for i := range 6 {
			u := mustUser(t, s, &jihat.User{Name: fmt.Sprint("مستخدم ", i), Email: fmt.Sprintf("conc%d@example.com", i),
				Lang: jihat.LangAR, Active: i != 5})
			for j := range 2 {
				h := strings.Repeat(fmt.Sprintf("%x%x", i, j), 32)
				sess, err := s.CreateSession(ctx, u.ID, h, time.Hour, act("auth.login"))
				if err != nil {
					t.Fatal(err)
				}
				w := want{hash: h, user: u.ID, session: sess.ID}
				switch {
				case i == 5:
					w.code = "account_disabled"
				case j == 1 && i%2 == 0:
					if err := s.RevokeSession(ctx, sess.ID, act("auth.logout")); err != nil {
						t.Fatal(err)
					}
					w.code = "unauthorized"
				}
				wants = append(wants, w)
			}
		}
		wants = append(wants, want{hash: strings.Repeat("ef", 32), code: "unauthorized"})
		late := wants[3] // live until revoked below
		var wg sync.WaitGroup
		var revoked sync.WaitGroup
		revoked.Add(1)
		for r := range 64 {
			wg.Go(func() {
				for k := range 40 {
					w := wants[(r+k)%len(wants)]
					sess, u, err := s.SessionByTokenHash(ctx, w.hash)
					if w.hash == late.hash && jihat.ErrorCode(err) == jihat.EUNAUTHORIZED {
						continue // revoked meanwhile
					}
					if w.code != "" {
						if jihat.ErrorCode(err) != jihat.EUNAUTHORIZED {
							t.Errorf("session %s: %v, %v; want %s", w.hash[:4], sess, err, w.code)
						}
						continue
					}
					if err != nil || sess.ID != w.session || u.ID != w.user || sess.UserID != w.user {
						t.Errorf("session %s: %+v, %v, %v; want session %s of user %s", w.hash[:4], sess, u, err, w.session, w.user)
					}
				}
			})
		}
		go func() {
			defer revoked.Done()
			if err := s.RevokeSession(ctx, late.session, act("auth.logout")); err != nil {
				t.Error(err)
			}
		}()
		revoked.Wait()
		if _, _, err := s.SessionByTokenHash(ctx, late.hash); jihat.ErrorCode(err) != jihat.EUNAUTHORIZED {
			t.Errorf("revoked session still read after the revocation returned: %v", err)
		}
		wg.Wait()
	})
}
