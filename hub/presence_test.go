package hub_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/jihat/jihat/hub"
)

// runPresenceSuite checks the Presence contract; newPresence returns a fresh,
// empty presence with the given TTL.
func runPresenceSuite(t *testing.T, newPresence func(t *testing.T, ttl time.Duration) hub.Presence) {
	ctx := context.Background()
	u1a := hub.Member{UserID: "u1", ConnID: "n1/1"}
	u1b := hub.Member{UserID: "u1", ConnID: "n2/7"}
	u2 := hub.Member{UserID: "u2", ConnID: "n1/2"}
	u10 := hub.Member{UserID: "u10", ConnID: "n1/3"} // "u1" is a prefix of "u10"

	members := func(t *testing.T, p hub.Presence, ch string) []string {
		t.Helper()
		got, err := p.Members(ctx, ch)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}

	t.Run("first and last are per user", func(t *testing.T) {
		p := newPresence(t, time.Minute)
		steps := []struct {
			name       string
			join       bool
			m          hub.Member
			wantResult bool
			wantUsers  []string
		}{
			{"u1 joins", true, u1a, true, []string{"u1"}},
			{"u1 joins again from another node", true, u1b, false, []string{"u1"}},
			{"u10 is not u1", true, u10, true, []string{"u1", "u10"}},
			{"u2 joins", true, u2, true, []string{"u1", "u10", "u2"}},
			{"u1 leaves one tab", false, u1a, false, []string{"u1", "u10", "u2"}},
			{"u1 leaves one tab twice", false, u1a, false, []string{"u1", "u10", "u2"}},
			{"u1 leaves the last tab", false, u1b, true, []string{"u10", "u2"}},
			{"u10 leaves", false, u10, true, []string{"u2"}},
			{"u2 joins again: a repeated join is not first", true, u2, false, []string{"u2"}},
		}
		for _, s := range steps {
			var got bool
			var err error
			if s.join {
				got, err = p.Join(ctx, "case:a", s.m)
			} else {
				got, err = p.Leave(ctx, "case:a", s.m)
			}
			if err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if got != s.wantResult {
				t.Fatalf("%s: got %v, want %v", s.name, got, s.wantResult)
			}
			if users := members(t, p, "case:a"); !reflect.DeepEqual(users, s.wantUsers) {
				t.Fatalf("%s: members %v, want %v", s.name, users, s.wantUsers)
			}
		}
		if users := members(t, p, "case:other"); len(users) != 0 {
			t.Fatalf("other channel has %v", users)
		}
	})

	t.Run("present", func(t *testing.T) {
		p := newPresence(t, time.Minute)
		p.Join(ctx, "on:1", u1a)
		p.Join(ctx, "on:2", u2)
		p.Leave(ctx, "on:2", u2)
		got, err := p.Present(ctx, []string{"on:1", "on:2", "on:3"})
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]bool{"on:1": true, "on:2": false, "on:3": false}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("Present = %v, want %v", got, want)
		}
	})

	t.Run("expiry, sweep and touch", func(t *testing.T) {
		const ttl = 300 * time.Millisecond
		p := newPresence(t, ttl)
		if p.TTL() != ttl {
			t.Fatalf("TTL = %v", p.TTL())
		}
		p.Join(ctx, "case:e", u1a) // will expire
		p.Join(ctx, "case:e", u2)  // kept alive by Touch
		p.Join(ctx, "case:e", u10) // will expire, but u10 has another live conn
		u10b := hub.Member{UserID: "u10", ConnID: "n9/9"}
		keep := []hub.PresenceRef{{Channel: "case:e", Member: u2}, {Channel: "case:e", Member: u10b}}
		if readded, err := p.Touch(ctx, keep); err != nil || len(readded) != 1 || readded[0].Member != u10b {
			t.Fatalf("first Touch re-added %v, %v; want only the new u10 member", readded, err)
		}
		// Keep u2 and u10b alive (a touch every ttl/5) until u1 has expired:
		// polled, not a fixed wait. Redis presence expires by Redis's TIME on
		// purpose (one clock for every node), so real time must pass here.
		for deadline := time.Now().Add(20 * ttl); ; time.Sleep(ttl / 5) {
			if readded, err := p.Touch(ctx, keep); err != nil || len(readded) != 0 {
				t.Fatalf("Touch of live members re-added %v, %v", readded, err)
			}
			users := members(t, p, "case:e")
			if reflect.DeepEqual(users, []string{"u10", "u2"}) {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("members after expiry %v, want [u10 u2]", users)
			}
		}
		if present, _ := p.Present(ctx, []string{"case:e"}); !present["case:e"] {
			t.Fatal("channel with live members not present")
		}
		gone, err := p.Sweep(ctx, "case:e")
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(gone, []string{"u1"}) {
			t.Fatalf("Sweep = %v, want [u1]", gone)
		}
		if gone, _ := p.Sweep(ctx, "case:e"); len(gone) != 0 {
			t.Fatalf("second Sweep = %v, want nothing", gone)
		}
		if last, _ := p.Leave(ctx, "case:e", u1a); last {
			t.Fatal("Leave of a swept member reported last")
		}
		// A member that expired and was swept comes back with Touch.
		if readded, _ := p.Touch(ctx, []hub.PresenceRef{{Channel: "case:e", Member: u1a}}); len(readded) != 1 {
			t.Fatalf("Touch of a swept member re-added %v", readded)
		}
		if users := members(t, p, "case:e"); !reflect.DeepEqual(users, []string{"u1", "u10", "u2"}) {
			t.Fatalf("members after re-add %v", users)
		}
		if first, _ := p.Join(ctx, "case:x", u2); !first {
			t.Fatal("join on an empty channel is not first")
		}
	})
}

func TestMemoryPresence(t *testing.T) {
	runPresenceSuite(t, func(t *testing.T, ttl time.Duration) hub.Presence {
		return hub.NewMemoryPresence(hub.MemoryPresenceConfig{TTL: ttl})
	})
}

func TestRedisPresence(t *testing.T) {
	client, _ := mustRedis(t)
	runPresenceSuite(t, func(t *testing.T, ttl time.Duration) hub.Presence {
		_, prefix := mustRedis(t)
		p, err := hub.NewRedisPresence(hub.RedisPresenceConfig{Client: client, Prefix: prefix, TTL: ttl})
		if err != nil {
			t.Fatal(err)
		}
		return p
	})
}
