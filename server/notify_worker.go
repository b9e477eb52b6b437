package server

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// NotifyConfig tunes the notifications worker. Zero values get defaults.
type NotifyConfig struct {
	Poll        time.Duration // how often the outbox is read besides wake-ups; default 5 s
	Lease       time.Duration // how long a claimed message is its worker's; default 2 min
	MaxAttempts int           // claims before a message fails for good; default 8
	RetryBase   time.Duration // the first retry's delay, doubled each time; default 30 s
	RetryMax    time.Duration // the longest delay; default 1 h
	Batch       int           // messages claimed, and sent in parallel, at once; default 8
}

// notifier is the worker's state on a Server.
type notifier struct {
	cfg  NotifyConfig
	wake chan struct{} // a new message was queued
	sent *prometheus.CounterVec
}

func newNotifier(cfg NotifyConfig, reg prometheus.Registerer) *notifier {
	if cfg.Poll <= 0 {
		cfg.Poll = 5 * time.Second
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 2 * time.Minute
	}
	if cfg.MaxAttempts <= 0 {
		cfg.MaxAttempts = 8
	}
	if cfg.RetryBase <= 0 {
		cfg.RetryBase = 30 * time.Second
	}
	if cfg.RetryMax <= 0 {
		cfg.RetryMax = time.Hour
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 8
	}
	n := &notifier{cfg: cfg, wake: make(chan struct{}, 1), sent: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jihat_notifications_total", Help: "Notification deliveries by channel and result (sent, retry, failed).",
	}, []string{"channel", "result"})}
	reg.MustRegister(n.sent)
	return n
}

// RunNotifier delivers the outbox until ctx ends: at once when a service
// queued something on this node (wakeNotifier), and every Poll for messages
// queued elsewhere, retries that came due and messages whose worker died.
// Several nodes may run it together: each message is claimed by one worker
// at a time.
func (s *Server) RunNotifier(ctx context.Context) {
	t := time.NewTicker(s.notify.cfg.Poll)
	defer t.Stop()
	for {
		if _, err := s.FlushNotifications(ctx); err != nil && ctx.Err() == nil {
			s.log.ErrorContext(ctx, "notifications", slog.Any("err", err))
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.notify.wake:
		}
	}
}

// wakeNotifier asks the worker to look at the outbox now. It never blocks.
func (s *Server) wakeNotifier() {
	select {
	case s.notify.wake <- struct{}{}:
	default:
	}
}

// FlushNotifications delivers every message due now, Batch at a time, and
// returns how many it handled. Messages that must be retried later are left
// for a later call. Tests and commands call it to deliver synchronously.
func (s *Server) FlushNotifications(ctx context.Context) (int, error) {
	total := 0
	for ctx.Err() == nil {
		msgs, err := s.store.ClaimOutbox(ctx, s.now(), s.notify.cfg.Batch, s.notify.cfg.Lease)
		if err != nil || len(msgs) == 0 {
			return total, err
		}
		// One person's messages go out in the order they were queued;
		// different people's in parallel.
		var order []string
		byRecipient := map[string][]*store.OutboxMessage{}
		for i := range msgs {
			r := msgs[i].RecipientID
			if byRecipient[r] == nil {
				order = append(order, r)
			}
			byRecipient[r] = append(byRecipient[r], &msgs[i])
		}
		var wg sync.WaitGroup
		for _, r := range order {
			wg.Go(func() {
				for _, m := range byRecipient[r] {
					s.deliver(ctx, m)
				}
			})
		}
		wg.Wait()
		total += len(msgs)
	}
	return total, ctx.Err()
}

// deliver sends one claimed message on each channel not yet done and ends
// the claim: sent, failed, or pending again with a backoff.
func (s *Server) deliver(ctx context.Context, m *store.OutboxMessage) {
	log := s.log.With(slog.String("outbox", m.ID), slog.String("kind", m.Kind), slog.Int("attempt", m.Attempts))
	results, err := s.deliverChannels(ctx, m)
	if ctx.Err() != nil {
		s.release(ctx, m, results)
		return
	}
	last := m.Attempts >= s.notify.cfg.MaxAttempts
	var retry, failed, providers []string
	if m.ProviderID != "" {
		providers = append(providers, m.ProviderID)
	}
	if err != nil { // the message itself (its recipient, the database)
		if notify.IsPermanent(err) || last {
			failed = append(failed, err.Error())
		} else {
			retry = append(retry, err.Error())
		}
	}
	for _, r := range results {
		switch {
		case r.Status == store.DeliverySent:
			providers = append(providers, r.Channel+"="+r.ProviderID)
		case r.Status == store.DeliveryRetry && last:
			r.Status = store.DeliveryFailed
			fallthrough
		case r.Status == store.DeliveryFailed:
			failed = append(failed, r.Channel+": "+r.Error)
		default:
			retry = append(retry, r.Channel+": "+r.Error)
		}
		s.notify.sent.WithLabelValues(r.Channel, r.Status).Inc()
		if err := s.store.RecordDelivery(context.WithoutCancel(ctx), m.ID, r); err != nil {
			log.ErrorContext(ctx, "notification delivery not recorded", slog.String("channel", r.Channel), slog.Any("err", err))
		}
	}
	o := store.OutboxOutcome{Status: store.OutboxSent, ProviderID: strings.Join(providers, " ")}
	switch {
	case len(retry) > 0:
		o.Status, o.LastError = store.OutboxPending, strings.Join(retry, "; ")
		o.RetryAt = s.now().Add(backoff(m.Attempts, s.notify.cfg.RetryBase, s.notify.cfg.RetryMax))
		log.WarnContext(ctx, "notification not delivered; will retry", slog.String("err", o.LastError), slog.Time("retry_at", o.RetryAt))
	case len(failed) > 0:
		o.Status, o.LastError = store.OutboxFailed, strings.Join(failed, "; ")
		log.ErrorContext(ctx, "notification not delivered", slog.String("err", o.LastError))
	}
	ok, err := s.store.FinishOutbox(context.WithoutCancel(ctx), m.ID, m.Attempts, o)
	if err != nil {
		log.ErrorContext(ctx, "notification outcome not recorded", slog.Any("err", err))
	} else if !ok {
		log.WarnContext(ctx, "notification lease expired before the outcome was recorded")
	}
}

// release ends a claim interrupted by shutdown: what was delivered is
// recorded, and the message is due again at once for the next worker.
func (s *Server) release(ctx context.Context, m *store.OutboxMessage, results []store.Delivery) {
	ctx = context.WithoutCancel(ctx)
	for _, r := range results {
		if r.Status == store.DeliverySent {
			if err := s.store.RecordDelivery(ctx, m.ID, r); err != nil {
				s.log.ErrorContext(ctx, "notification delivery not recorded", slog.String("outbox", m.ID), slog.Any("err", err))
			}
		}
	}
	if _, err := s.store.FinishOutbox(ctx, m.ID, m.Attempts, store.OutboxOutcome{Status: store.OutboxPending,
		RetryAt: s.now(), LastError: "interrupted by shutdown", ProviderID: m.ProviderID}); err != nil {
		s.log.ErrorContext(ctx, "notification not released", slog.String("outbox", m.ID), slog.Any("err", err))
	}
}

// backoff is the delay before the retry following attempt (1, 2, ...):
// base doubled each attempt up to max, with jitter over its second half so
// nodes that failed together do not retry together.
func backoff(attempt int, base, max time.Duration) time.Duration {
	d := base
	for i := 1; i < attempt && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	return d/2 + rand.N(d/2+1)
}
