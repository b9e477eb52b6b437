package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// mustEnqueue queues one notice and returns its message.
func mustEnqueue(tb testing.TB, s *store.Store, n store.Notice) store.OutboxMessage {
	tb.Helper()
	ctx := context.Background()
	if err := s.Enqueue(ctx, n); err != nil {
		tb.Fatalf("Enqueue: %v", err)
	}
	msgs, err := s.OutboxFor(ctx, n.RecipientID)
	if err != nil || len(msgs) == 0 {
		tb.Fatalf("OutboxFor = %v, %v", msgs, err)
	}
	return msgs[len(msgs)-1]
}

func TestOutboxClaimLeaseAndFinish(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		clk := newClock()
		s := b.Open(t, WithClock(clk))
		u := mustUser(t, s, &jihat.User{})
		m := mustEnqueue(t, s, store.Notice{Kind: "case.created", RecipientID: u.ID, Data: map[string]any{"number": "2026-000001"}})
		if m.Status != store.OutboxPending || m.Attempts != 0 || m.Data["number"] != "2026-000001" {
			t.Fatalf("queued = %+v", m)
		}
		const lease = 2 * time.Minute
		got, err := s.ClaimOutbox(ctx, clk.Now(), 10, lease)
		if err != nil || len(got) != 1 || got[0].ID != m.ID || got[0].Attempts != 1 || got[0].Status != store.OutboxSending {
			t.Fatalf("first claim = %+v, %v", got, err)
		}
		// Held: nobody else gets it while the lease runs.
		if again, err := s.ClaimOutbox(ctx, clk.Now().Add(lease-time.Second), 10, lease); err != nil || len(again) != 0 {
			t.Fatalf("claimed while leased: %+v, %v", again, err)
		}
		// The worker died mid-send: once the lease is over, it is claimed again.
		clk.Add(lease + time.Second)
		again, err := s.ClaimOutbox(ctx, clk.Now(), 10, lease)
		if err != nil || len(again) != 1 || again[0].Attempts != 2 {
			t.Fatalf("claim after the lease = %+v, %v", again, err)
		}
		// The first worker's late answer is refused: the claim is no longer its.
		if ok, err := s.FinishOutbox(ctx, m.ID, 1, store.OutboxOutcome{Status: store.OutboxSent}); err != nil || ok {
			t.Fatalf("stale finish = %v, %v; want false", ok, err)
		}
		// A retry: pending again, due at RetryAt.
		retryAt := clk.Now().Add(10 * time.Minute)
		if ok, err := s.FinishOutbox(ctx, m.ID, 2, store.OutboxOutcome{Status: store.OutboxPending, RetryAt: retryAt, LastError: "sms: 503"}); err != nil || !ok {
			t.Fatalf("retry finish = %v, %v", ok, err)
		}
		if early, _ := s.ClaimOutbox(ctx, retryAt.Add(-time.Second), 10, lease); len(early) != 0 {
			t.Fatalf("claimed before its retry time: %+v", early)
		}
		third, err := s.ClaimOutbox(ctx, retryAt, 10, lease)
		if err != nil || len(third) != 1 || third[0].Attempts != 3 || third[0].LastError != "sms: 503" {
			t.Fatalf("claim at retry time = %+v, %v", third, err)
		}
		if ok, err := s.FinishOutbox(ctx, m.ID, 3, store.OutboxOutcome{Status: store.OutboxSent, ProviderID: "email=<x@y>"}); err != nil || !ok {
			t.Fatalf("finish = %v, %v", ok, err)
		}
		final, err := s.OutboxMessage(ctx, m.ID)
		if err != nil || final.Status != store.OutboxSent || final.Attempts != 3 || final.ProviderID != "email=<x@y>" || final.SentAt.IsZero() {
			t.Fatalf("final = %+v, %v", final, err)
		}
		if none, _ := s.ClaimOutbox(ctx, clk.Now().Add(24*time.Hour), 10, lease); len(none) != 0 {
			t.Fatalf("a sent message was claimed: %+v", none)
		}
		if _, err := s.FinishOutbox(ctx, m.ID, 3, store.OutboxOutcome{Status: "bogus"}); err == nil {
			t.Error("an unknown status was accepted")
		}
	})
}

func TestOutboxDeliveries(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, &jihat.User{})
		m := mustEnqueue(t, s, store.Notice{Kind: "case.reply", RecipientID: u.ID})
		for _, d := range []store.Delivery{
			{Channel: "email", Status: store.DeliverySent, ProviderID: "<id@mail>"},
			{Channel: "sms", Status: store.DeliveryRetry, Error: "503"},
			{Channel: "sms", Status: store.DeliveryRetry, Error: "503"},
			{Channel: "in_app", Status: store.DeliveryFailed, Error: "refused"},
		} {
			if err := s.RecordDelivery(ctx, m.ID, d); err != nil {
				t.Fatal(err)
			}
		}
		ds, err := s.Deliveries(ctx, m.ID)
		if err != nil || len(ds) != 3 {
			t.Fatalf("Deliveries = %+v, %v", ds, err)
		}
		byCh := map[string]store.Delivery{}
		for _, d := range ds {
			byCh[d.Channel] = d
		}
		if d := byCh["sms"]; d.Attempts != 2 || d.Status != store.DeliveryRetry {
			t.Errorf("sms = %+v", d)
		}
		if d := byCh["email"]; d.ProviderID != "<id@mail>" || d.Attempts != 1 {
			t.Errorf("email = %+v", d)
		}
		// A claim says which channels are finished, so a retry skips them.
		claimed, err := s.ClaimOutbox(ctx, time.Now().Add(time.Hour), 10, time.Minute)
		if err != nil || len(claimed) != 1 {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		if done := claimed[0].Done; !done["email"] || !done["in_app"] || done["sms"] {
			t.Errorf("Done = %v; want email and in_app", done)
		}
	})
}

// TestOutboxSecret: a generated password is encrypted in the outbox, read
// back by the worker, and erased once the message is finished.
func TestOutboxSecret(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		raw := b.Raw(t)
		u := mustUser(t, s, &jihat.User{})
		const password = "Zq7kP2mW9xR4tY6uB3nV"
		m := mustEnqueue(t, s, store.Notice{Kind: "employee.credentials", RecipientID: u.ID, Secret: true,
			Data: map[string]any{"password": password}})
		var data string
		if err := raw.Table("outbox").Select("data").Where("id = ?", m.ID).Scan(&data).Error; err != nil {
			t.Fatal(err)
		}
		if strings.Contains(data, password) || !strings.Contains(data, "$sealed") {
			t.Fatalf("outbox data at rest = %s", data)
		}
		if m.Data["password"] != password {
			t.Fatalf("decrypted data = %v", m.Data)
		}
		claimed, err := s.ClaimOutbox(ctx, time.Now().Add(time.Minute), 1, time.Minute)
		if err != nil || len(claimed) != 1 || claimed[0].Data["password"] != password {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		// A retry keeps the secret (it is needed again) ...
		if _, err := s.FinishOutbox(ctx, m.ID, 1, store.OutboxOutcome{Status: store.OutboxPending, RetryAt: time.Now()}); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.OutboxMessage(ctx, m.ID); got.Data["password"] != password {
			t.Fatalf("secret lost on retry: %v", got.Data)
		}
		claimed, _ = s.ClaimOutbox(ctx, time.Now().Add(time.Minute), 1, time.Minute)
		if len(claimed) != 1 {
			t.Fatal("not claimed again")
		}
		// ... and the end erases it.
		if _, err := s.FinishOutbox(ctx, m.ID, 2, store.OutboxOutcome{Status: store.OutboxSent}); err != nil {
			t.Fatal(err)
		}
		if err := raw.Table("outbox").Select("data").Where("id = ?", m.ID).Scan(&data).Error; err != nil || data != "{}" {
			t.Fatalf("data after sending = %q, %v", data, err)
		}
		// A message that is not secret keeps its data.
		plain := mustEnqueue(t, s, store.Notice{Kind: "case.created", RecipientID: u.ID, Data: map[string]any{"number": "N1"}})
		claimed, _ = s.ClaimOutbox(ctx, time.Now().Add(time.Minute), 1, time.Minute)
		if len(claimed) != 1 || claimed[0].ID != plain.ID {
			t.Fatalf("claim = %+v", claimed)
		}
		s.FinishOutbox(ctx, plain.ID, 1, store.OutboxOutcome{Status: store.OutboxFailed, LastError: "x"})
		if got, _ := s.OutboxMessage(ctx, plain.ID); got.Data["number"] != "N1" || got.Status != store.OutboxFailed {
			t.Fatalf("plain message after failing = %+v", got)
		}
	})
}

// TestCreateUserNotice: the credentials notice is written with the user, to
// the user, or not at all.
func TestCreateUserNotice(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		email := fmt.Sprintf("notice-%d@example.test", uniq())
		u := &jihat.User{Name: "موظف", Email: email, Role: jihat.RoleCitizen, Active: true}
		n := store.Notice{Kind: "employee.credentials", Secret: true, Data: map[string]any{"password": "p"}}
		if err := s.CreateUser(ctx, u, "hash", act("user.create"), n); err != nil {
			t.Fatal(err)
		}
		msgs, err := s.OutboxFor(ctx, u.ID)
		if err != nil || len(msgs) != 1 || msgs[0].Kind != "employee.credentials" || msgs[0].Data["password"] != "p" {
			t.Fatalf("outbox of the new user = %+v, %v", msgs, err)
		}
		before := b.Count(t, b.Raw(t), "outbox")
		dup := &jihat.User{Name: "آخر", Email: email, Role: jihat.RoleCitizen, Active: true}
		wantCode(t, s.CreateUser(ctx, dup, "hash", act("user.create"), n), jihat.ECONFLICT, "identifier_taken")
		if after := b.Count(t, b.Raw(t), "outbox"); after != before {
			t.Errorf("a refused user left %d outbox rows", after-before)
		}
	})
}

// TestOutboxClaimsDoNotOverlap: several nodes claim from one outbox at once;
// every message is claimed exactly once.
func TestOutboxClaimsDoNotOverlap(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		u := mustUser(t, s, &jihat.User{})
		const total = 120
		notices := make([]store.Notice, total)
		for i := range notices {
			notices[i] = store.Notice{Kind: "case.reply", RecipientID: u.ID, Data: map[string]any{"i": i}}
		}
		if err := s.Enqueue(ctx, notices...); err != nil {
			t.Fatal(err)
		}
		const nodes = 4
		var mu sync.Mutex
		var claimed []string
		var wg sync.WaitGroup
		for range nodes {
			node := b.Open(t)
			wg.Go(func() {
				for {
					got, err := node.ClaimOutbox(ctx, time.Now().Add(time.Second), 7, time.Hour)
					if err != nil {
						t.Error(err)
						return
					}
					if len(got) == 0 {
						return
					}
					mu.Lock()
					for _, m := range got {
						claimed = append(claimed, m.ID)
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		slices.Sort(claimed)
		if len(claimed) != total || len(slices.Compact(claimed)) != total {
			t.Fatalf("claimed %d messages (%d distinct), want %d once each", len(claimed), len(slices.Compact(slices.Clone(claimed))), total)
		}
	})
}
