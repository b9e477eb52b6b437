package hub

import (
	"context"
)

// register makes an authenticated connection known to the hub: revocable,
// online in presence, reported to OnConnect. It fails once the hub closes.
func (h *Hub) register(ctx context.Context, c *conn) bool {
	h.connMu.Lock()
	if h.closed.Load() {
		h.connMu.Unlock()
		return false
	}
	h.conns.Add(1)
	h.reg.add(c)
	h.live.Add(1)
	h.connMu.Unlock()
	h.m.connections.Inc()
	pctx, cancel := context.WithTimeout(ctx, presenceTimeout)
	first, err := h.presence.Join(pctx, onlineChannel(c.p.UserID), Member{UserID: c.p.UserID, ConnID: c.id})
	cancel()
	if err != nil {
		h.log.Warn("hub: presence online", "err", err)
	}
	if h.cfg.OnConnect != nil {
		h.cfg.OnConnect(SessionEvent{UserID: c.p.UserID, SessionID: c.p.SessionID, ConnID: c.id,
			ConnectedAt: c.since, At: c.since, Online: first})
	}
	return true
}

// unregister undoes register when the connection ends: its subscriptions
// are dropped, presence left, OnDisconnect called.
func (h *Hub) unregister(c *conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*presenceTimeout)
	defer cancel()
	c.mu.Lock()
	subs := make([]*subscription, 0, len(c.subs))
	for _, s := range c.subs {
		subs = append(subs, s)
	}
	c.mu.Unlock()
	for _, s := range subs {
		h.drop(ctx, s)
	}
	h.reg.remove(c)
	h.live.Add(-1)
	h.m.connections.Dec()
	last, err := h.presence.Leave(ctx, onlineChannel(c.p.UserID), Member{UserID: c.p.UserID, ConnID: c.id})
	if err != nil {
		h.log.Warn("hub: presence offline", "err", err)
	}
	if h.cfg.OnDisconnect != nil {
		h.cfg.OnDisconnect(SessionEvent{UserID: c.p.UserID, SessionID: c.p.SessionID, ConnID: c.id,
			ConnectedAt: c.since, At: h.cfg.Now(), Online: last, Reason: c.reason()})
	}
	h.conns.Done()
}
