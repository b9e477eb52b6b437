package hub

import (
	"context"
	"slices"

	"github.com/jihat/jihat"
)

// subscribe authorises and adds a subscription, then replays from the
// database (since, or the channel's initial history) before live frames.
// Subscribing again to a subscribed channel with since is a fetch. Feeds
// and user channels have no sequence: they ignore since, and a feed starts
// with its latest events whatever the client gave.
func (s *Endpoint) subscribe(ctx context.Context, c *conn, env Envelope) {
	if sub := c.subscription(env.Channel); sub != nil {
		c.sendAck(env, nil)
		if env.Since != nil && sub.info.Sequenced() {
			if err := c.replay(ctx, sub, *env.Since, true); err != nil {
				c.sendError(env, err)
			}
		}
		return
	}
	c.mu.Lock()
	n := len(c.subs)
	c.mu.Unlock()
	if n >= s.cfg.MaxSubscriptions {
		c.sendError(env, jihat.Errorf(jihat.EINVALID, "ws_too_many_subscriptions"))
		return
	}
	info, _ := jihat.ParseChannel(env.Channel) // DecodeEnvelope checked it
	// Live frames are held from the moment the subscription is attached
	// until the replay is done: nothing published meanwhile is missed.
	sub := &subscription{c: c, name: env.Channel, info: info, idx: -1, replaying: true}
	since := int64(-1)
	if env.Since != nil && info.Sequenced() {
		since = *env.Since
		sub.last = since
	}
	for {
		// A re-check of the user (reauthorize) that starts while this
		// Authorize runs may not see the subscription yet: then authorise
		// again, with what the re-check changed. One that starts later
		// finds the subscription in c.subs.
		epoch := c.rechecks.Load()
		if err := s.h.withRead(ctx, func() error { return s.backend.Authorize(ctx, c.p, env.Channel) }); err != nil {
			c.sendError(env, err)
			return
		}
		c.mu.Lock()
		if c.closing.Load() {
			c.mu.Unlock()
			return
		}
		if c.rechecks.Load() != epoch {
			c.mu.Unlock()
			continue
		}
		c.subs = append(c.subs, sub)
		c.mu.Unlock()
		break
	}
	h := s.h
	created := h.attach(sub, info)
	h.reconcile(ctx, sub.name)
	if created && info.Sequenced() && h.events != nil {
		var pos map[string]int64
		err := h.withRead(ctx, func() (err error) {
			pos, err = h.events.Positions(ctx, []string{sub.name})
			return err
		})
		if err == nil {
			h.setBaseline(sub.ch, pos[sub.name])
		} else {
			h.log.Warn("hub: baseline position", "channel", sub.name, "err", err)
		}
	}
	c.sendAck(env, nil)
	if info.HasPresence() {
		h.joinPresence(ctx, sub)
	}
	if err := c.replay(ctx, sub, since, false); err != nil {
		c.sendError(env, err)
	}
}

// fetch resends the durable events after since on a subscribed channel,
// for a client that saw a gap in seq (or a position ahead of its last seq).
func (s *Endpoint) fetch(ctx context.Context, c *conn, env Envelope) {
	sub := c.subscription(env.Channel)
	if sub == nil {
		c.sendError(env, jihat.Errorf(jihat.EINVALID, "ws_not_subscribed"))
		return
	}
	c.sendAck(env, nil)
	if !sub.info.Sequenced() {
		return // nothing to fetch on a live tail
	}
	if err := c.replay(ctx, sub, *env.Since, true); err != nil {
		c.sendError(env, err)
	}
}

// drop removes a subscription: unsubscribe, a failed re-authorisation, or
// a closing socket. It is safe to call twice.
func (h *Hub) drop(ctx context.Context, sub *subscription) {
	c := sub.c
	c.mu.Lock()
	if i := slices.Index(c.subs, sub); i >= 0 {
		c.subs = slices.Delete(c.subs, i, i+1)
	}
	already := sub.removed
	sub.removed = true
	sub.held = nil
	joined := sub.joined
	c.mu.Unlock()
	if already {
		return
	}
	if h.detach(sub) {
		h.reconcile(ctx, sub.name)
	}
	if joined {
		h.leavePresence(ctx, sub)
	}
}

// reauthorize runs Backend.Authorize again for each subscription of the
// socket and drops those refused, telling the client with "unsubscribed".
// A failure of the check itself (EINTERNAL, or EUNAVAILABLE: the database
// is down) keeps the subscription.
func (c *conn) reauthorize(ctx context.Context) {
	if c.srv == nil || c.closing.Load() {
		return
	}
	if r, ok := c.p.Value.(Rechecker); ok {
		r.Recheck()
	}
	c.rechecks.Add(1) // after Recheck: a subscribe that sees it authorises afresh
	c.mu.Lock()
	subs := make([]*subscription, 0, len(c.subs))
	for _, s := range c.subs {
		subs = append(subs, s)
	}
	c.mu.Unlock()
	for _, sub := range subs {
		err := c.h.withRead(ctx, func() error { return c.srv.backend.Authorize(ctx, c.p, sub.name) })
		if err == nil {
			continue
		}
		if code := jihat.ErrorCode(err); code == jihat.EINTERNAL || code == jihat.EUNAVAILABLE {
			c.h.log.Error("hub: reauthorize", "channel", sub.name, "conn", c.id, "err", err)
			continue
		}
		c.h.drop(ctx, sub)
		c.send(encodeFrame(TypeUnsubscribed, "", sub.name, 0, errorPayload(err, c.p.Lang)))
	}
}
