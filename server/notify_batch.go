package server

import (
	"context"
	"log/slog"
	"strings"
	"sync"

	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// outgoing is one claimed message on its way through a batch: who it is
// for, the channels still to try, and what each did.
type outgoing struct {
	m        *store.OutboxMessage
	r        *recipient
	channels []string            // due and reachable, in notify.Channels order
	err      error               // about the message as a whole (its recipient, the database)
	inApp    *store.Notification // the in-app notice to store, when that channel is due
	results  []store.Delivery
}

// deliverBatch delivers claimed messages in four steps, so that the
// database sees a few writes per batch rather than several per message:
// every recipient is read and every in-app notice rendered; the in-app
// notices are stored in one statement and published; e-mails and SMS go
// out (one person's in the order they were queued, up to Parallel people's
// at once); the deliveries and outcomes are recorded in one transaction.
// A shutdown during the sends releases the claims instead.
func (s *Server) deliverBatch(ctx context.Context, msgs []store.OutboxMessage) {
	out := make([]*outgoing, len(msgs))
	reads := newRecipientReads(s)
	for i := range msgs {
		out[i] = s.prepare(ctx, &msgs[i], reads)
	}
	s.storeInApp(ctx, out)
	var order []string
	byRecipient := map[string][]*outgoing{}
	for _, o := range out {
		r := o.m.RecipientID
		if byRecipient[r] == nil {
			order = append(order, r)
		}
		byRecipient[r] = append(byRecipient[r], o)
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, s.notify.cfg.Parallel)
	for _, r := range order {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			for _, o := range byRecipient[r] {
				s.sendExternal(ctx, o)
			}
		})
	}
	wg.Wait()
	if ctx.Err() != nil {
		for _, o := range out {
			s.release(ctx, o.m, o.results)
		}
		return
	}
	s.finishBatch(ctx, out)
}

// prepare reads m's recipient and choices, the channels still due, and
// renders its in-app notice.
func (s *Server) prepare(ctx context.Context, m *store.OutboxMessage, reads *recipientReads) *outgoing {
	o := &outgoing{m: m}
	if o.r, o.err = reads.recipient(ctx, m); o.err != nil {
		return o
	}
	prefs, err := reads.notificationPrefs(ctx, o.r.user.ID)
	if err != nil {
		o.err = err
		return o
	}
	for _, ch := range channelsFor(m.Kind, prefs) {
		if m.Done[ch] || !s.mayReach(o.r.user, m.Kind, ch) {
			continue
		}
		o.channels = append(o.channels, ch)
		if ch == notify.ChannelInApp {
			title, body := s.renderChannel(ctx, m, o.r, ch)
			o.inApp = &store.Notification{ID: m.ID, UserID: o.r.user.ID, Kind: m.Kind, Title: title, Body: body,
				CaseID: m.CaseID, CreatedAt: m.CreatedAt}
		}
	}
	return o
}

// storeInApp stores the batch's in-app notices in one statement and
// publishes each on its person's channel. When they cannot be stored, the
// in-app channel of each is retried with its message.
func (s *Server) storeInApp(ctx context.Context, out []*outgoing) {
	var ns []*store.Notification
	for _, o := range out {
		if o.inApp != nil {
			ns = append(ns, o.inApp)
		}
	}
	err := s.store.AddNotifications(ctx, ns)
	for _, o := range out {
		switch {
		case o.inApp == nil:
		case err != nil:
			o.results = append(o.results, store.Delivery{Channel: notify.ChannelInApp, Status: store.DeliveryRetry, Error: err.Error()})
		default:
			o.results = append(o.results, store.Delivery{Channel: notify.ChannelInApp, Status: store.DeliverySent, ProviderID: o.m.ID})
			s.publishNotification(ctx, o.inApp)
		}
	}
}

// sendExternal sends o's e-mail and SMS, when due.
func (s *Server) sendExternal(ctx context.Context, o *outgoing) {
	for _, ch := range o.channels {
		if ch == notify.ChannelInApp || ctx.Err() != nil {
			continue
		}
		if d, skip := s.deliverChannel(ctx, o.m, o.r, ch); !skip {
			o.results = append(o.results, d)
		}
	}
}

// finishBatch records every message's deliveries and outcome in one
// transaction; when that fails, message by message, so that one message's
// failure does not hold back the others (a message whose outcome cannot be
// recorded is claimed again when its lease ends).
func (s *Server) finishBatch(ctx context.Context, out []*outgoing) {
	ctx = context.WithoutCancel(ctx)
	fs := make([]store.OutboxFinish, len(out))
	for i, o := range out {
		fs[i] = s.finishOf(ctx, o)
	}
	oks, err := s.store.FinishOutboxBatch(ctx, fs)
	if err != nil {
		s.log.WarnContext(ctx, "notification batch not recorded; recording message by message", slog.Any("err", err))
		oks = make([]bool, len(fs))
		for i := range fs {
			ok, err := s.store.FinishOutboxBatch(ctx, fs[i:i+1])
			if err != nil {
				s.log.ErrorContext(ctx, "notification outcome not recorded", slog.String("outbox", fs[i].ID), slog.Any("err", err))
				continue
			}
			oks[i] = ok[0]
		}
	}
	for i, ok := range oks {
		if !ok && err == nil {
			s.log.WarnContext(ctx, "notification lease expired before the outcome was recorded", slog.String("outbox", fs[i].ID))
		}
	}
}

// finishOf is how o's claim ends: sent, failed, or pending again with a
// backoff; it counts and logs what each channel did.
func (s *Server) finishOf(ctx context.Context, o *outgoing) store.OutboxFinish {
	m := o.m
	log := s.log.With(slog.String("outbox", m.ID), slog.String("kind", m.Kind), slog.Int("attempt", m.Attempts))
	last := m.Attempts >= s.notify.cfg.MaxAttempts
	var retry, failed, providers []string
	if m.ProviderID != "" {
		providers = append(providers, m.ProviderID)
	}
	if o.err != nil {
		if notify.IsPermanent(o.err) || last {
			failed = append(failed, o.err.Error())
		} else {
			retry = append(retry, o.err.Error())
		}
	}
	for i := range o.results {
		r := &o.results[i]
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
	}
	f := store.OutboxFinish{ID: m.ID, Attempt: m.Attempts, Deliveries: o.results,
		Outcome: store.OutboxOutcome{Status: store.OutboxSent, ProviderID: strings.Join(providers, " ")}}
	switch {
	case len(retry) > 0:
		f.Outcome.Status, f.Outcome.LastError = store.OutboxPending, strings.Join(retry, "; ")
		f.Outcome.RetryAt = s.now().Add(backoff(m.Attempts, s.notify.cfg.RetryBase, s.notify.cfg.RetryMax))
		log.WarnContext(ctx, "notification not delivered; will retry", slog.String("err", f.Outcome.LastError), slog.Time("retry_at", f.Outcome.RetryAt))
	case len(failed) > 0:
		f.Outcome.Status, f.Outcome.LastError = store.OutboxFailed, strings.Join(failed, "; ")
		log.ErrorContext(ctx, "notification not delivered", slog.String("err", f.Outcome.LastError))
	}
	return f
}
