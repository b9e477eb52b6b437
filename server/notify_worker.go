package server

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat/store"
)

// NotifyConfig tunes the notifications worker. Zero values get defaults.
type NotifyConfig struct {
	Poll        time.Duration // how often the outbox is read besides wake-ups; default 5 s
	Lease       time.Duration // how long a claimed message is its worker's; default 2 min
	MaxAttempts int           // claims before a message fails for good; default 8
	RetryBase   time.Duration // the first retry's delay, doubled each time; default 30 s
	RetryMax    time.Duration // the longest delay; default 1 h
	Batch       int           // messages claimed, and recorded, at once; default 64
	Parallel    int           // people whose e-mails and SMS are being sent at once; default 8
	Gather      time.Duration // after a wake-up, how long to let others come before reading; default 200 ms, < 0 none
}

// notifyGather is NotifyConfig.Gather's default. A batch's claim, its
// recipients' reads, its in-app rows and its deliveries' upsert cost the same
// for one message as for twenty: at 100 comments/s on a case (a notice to
// the assignee each) 50 ms made batches of ~5 and the worker ~5 % of the
// server's CPU during a reconnect storm (0.41 s of an 8.6 s profile; the
// comments' group commit 0.97 s; issue 17, session 10). An e-mail, an SMS or an in-app notice (its
// live copy on user:{id}) now comes up to 200 ms after its comment instead
// of 50 ms; the case's own events are published by the group commit, not
// here, and are not delayed.
const notifyGather = 200 * time.Millisecond

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
		cfg.Batch = 64
	}
	if cfg.Parallel <= 0 {
		cfg.Parallel = 8
	}
	if cfg.Gather == 0 {
		cfg.Gather = notifyGather
	}
	n := &notifier{cfg: cfg, wake: make(chan struct{}, 1), sent: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "jihat_notifications_total", Help: "Notification deliveries by channel and result (sent, retry, failed).",
	}, []string{"channel", "result"})}
	reg.MustRegister(n.sent)
	return n
}

// RunNotifier delivers the outbox until ctx ends: soon after a service
// queued something on this node (wakeNotifier), and every Poll for messages
// queued elsewhere, retries that came due and messages whose worker died.
// Several nodes may run it together: each message is claimed by one worker
// at a time.
//
// A wake-up waits Gather before reading the outbox: a busy case queues a
// notice with every comment, and reading at once made each a batch of one
// (a claim and a finish, write transactions that on SQLite take the one
// writer from the comments' group commits); gathered, they are one batch.
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
			if s.notify.cfg.Gather > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(s.notify.cfg.Gather):
				}
			}
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
		s.deliverBatch(ctx, msgs)
		total += len(msgs)
	}
	return total, ctx.Err()
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
