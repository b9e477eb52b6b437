package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// A batch's deliveries and outcomes are recorded in one call: each
// message's claim is checked on its own (a stale one changes nothing but
// its deliveries), a channel tried again counts one more attempt, and an
// invalid outcome leaves the whole batch unrecorded.
func TestFinishOutboxBatch(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		clk := newClock()
		s := b.Open(t, WithClock(clk))
		u := mustUser(t, s, &jihat.User{})
		a := mustEnqueue(t, s, store.Notice{Kind: "case.reply", RecipientID: u.ID})
		c := mustEnqueue(t, s, store.Notice{Kind: "case.reply", RecipientID: u.ID})
		claimed, err := s.ClaimOutbox(ctx, clk.Now(), 10, time.Minute)
		if err != nil || len(claimed) != 2 {
			t.Fatalf("claim = %+v, %v", claimed, err)
		}
		if err := s.RecordDelivery(ctx, c.ID, store.Delivery{Channel: "sms", Status: store.DeliveryRetry, Error: "503"}); err != nil {
			t.Fatal(err)
		}
		retryAt := clk.Now().Add(time.Hour)
		batch := []store.OutboxFinish{
			{ID: a.ID, Attempt: 1, Deliveries: []store.Delivery{{Channel: "in_app", Status: store.DeliverySent, ProviderID: a.ID},
				{Channel: "email", Status: store.DeliverySent, ProviderID: "<a@mail>"}},
				Outcome: store.OutboxOutcome{Status: store.OutboxSent, ProviderID: "in_app=" + a.ID}},
			{ID: c.ID, Attempt: 1, Deliveries: []store.Delivery{{Channel: "sms", Status: store.DeliveryRetry, Error: "504"}},
				Outcome: store.OutboxOutcome{Status: store.OutboxPending, RetryAt: retryAt, LastError: "sms: 504"}},
			{ID: c.ID, Attempt: 9, Outcome: store.OutboxOutcome{Status: "bogus"}},
		}
		if _, err := s.FinishOutboxBatch(ctx, batch); err == nil {
			t.Fatal("a batch with an unknown status was accepted")
		}
		if ds, _ := s.Deliveries(ctx, a.ID); len(ds) != 0 {
			t.Fatalf("a refused batch recorded deliveries: %+v", ds)
		}
		// A stale claim (attempt 7) among fresh ones.
		batch[2] = store.OutboxFinish{ID: a.ID, Attempt: 7, Outcome: store.OutboxOutcome{Status: store.OutboxFailed}}
		ok, err := s.FinishOutboxBatch(ctx, batch)
		if err != nil || len(ok) != 3 || !ok[0] || !ok[1] || ok[2] {
			t.Fatalf("FinishOutboxBatch = %v, %v; want [true true false]", ok, err)
		}
		ma, _ := s.OutboxMessage(ctx, a.ID)
		mc, _ := s.OutboxMessage(ctx, c.ID)
		if ma.Status != store.OutboxSent || ma.ProviderID != "in_app="+a.ID || ma.SentAt.IsZero() {
			t.Errorf("a = %+v", ma)
		}
		if mc.Status != store.OutboxPending || !mc.AvailableAt.Equal(retryAt.UTC().Truncate(time.Microsecond)) || mc.LastError != "sms: 504" {
			t.Errorf("c = %+v", mc)
		}
		ds, err := s.Deliveries(ctx, a.ID)
		if err != nil || len(ds) != 2 || ds[0].Channel != "email" || ds[0].ProviderID != "<a@mail>" || ds[1].Channel != "in_app" {
			t.Errorf("a's deliveries = %+v, %v", ds, err)
		}
		ds, err = s.Deliveries(ctx, c.ID)
		if err != nil || len(ds) != 1 || ds[0].Attempts != 2 || ds[0].Error != "504" || ds[0].Status != store.DeliveryRetry {
			t.Errorf("c's deliveries = %+v, %v", ds, err)
		}
	})
}

// TestFinishOutboxBatchMany: a batch whose deliveries take several
// statements on SQLite (sqliteUpsertRows) records every one of them, and a
// channel tried before (in the last statement) counts its attempts on.
func TestFinishOutboxBatchMany(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		clk := newClock()
		s := b.Open(t, WithClock(clk))
		u := mustUser(t, s, &jihat.User{})
		const n = 23 // 69 rows: four full statements of 16 and a part
		for range n {
			mustEnqueue(t, s, store.Notice{Kind: "case.reply", RecipientID: u.ID})
		}
		claimed, err := s.ClaimOutbox(ctx, clk.Now(), 64, time.Minute)
		if err != nil || len(claimed) != n {
			t.Fatalf("claimed %d, %v; want %d", len(claimed), err, n)
		}
		last := claimed[n-1]
		if err := s.RecordDelivery(ctx, last.ID, store.Delivery{Channel: "sms", Status: store.DeliveryRetry, Error: "503"}); err != nil {
			t.Fatal(err)
		}
		var batch []store.OutboxFinish
		for _, m := range claimed {
			batch = append(batch, store.OutboxFinish{ID: m.ID, Attempt: m.Attempts, Deliveries: []store.Delivery{
				{Channel: "in_app", Status: store.DeliverySent, ProviderID: m.ID},
				{Channel: "email", Status: store.DeliverySent, ProviderID: "<" + m.ID + "@mail>"},
				{Channel: "sms", Status: store.DeliverySent, ProviderID: "sms-" + m.ID}},
				Outcome: store.OutboxOutcome{Status: store.OutboxSent, ProviderID: "in_app=" + m.ID}})
		}
		ok, err := s.FinishOutboxBatch(ctx, batch)
		if err != nil || len(ok) != n || slices.Contains(ok, false) {
			t.Fatalf("FinishOutboxBatch = %v, %v", ok, err)
		}
		for _, m := range claimed {
			ds, err := s.Deliveries(ctx, m.ID)
			if err != nil || len(ds) != 3 {
				t.Fatalf("%s: deliveries %+v, %v", m.ID, ds, err)
			}
			for _, d := range ds {
				want := 1
				if m.ID == last.ID && d.Channel == "sms" {
					want = 2
				}
				if d.Status != store.DeliverySent || d.Attempts != want || d.ProviderID == "" {
					t.Errorf("%s %s: %+v, want sent, %d attempts", m.ID, d.Channel, d, want)
				}
			}
		}
	})
}
