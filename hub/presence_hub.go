package hub

import (
	"bytes"
	"context"
	"slices"
	"time"

	"github.com/jihat/jihat"
)

// presenceTimeout bounds one presence operation, so a slow Redis never
// holds a subscription up for long.
const presenceTimeout = 2 * time.Second

func presenceFrame(channel, action, userID string) []byte {
	data := append([]byte(`{"action":`), '"')
	data = append(data, action...)
	data = append(data, `","user_id":`...)
	data = appendString(data, userID)
	data = append(data, '}')
	return encodeFrame(TypePresence, "", channel, 0, data)
}

// joinPresence records s's user on its channel, tells the channel when the
// user just arrived, and sends s the snapshot of who is there.
func (h *Hub) joinPresence(parent context.Context, s *subscription) {
	ctx, cancel := context.WithTimeout(parent, presenceTimeout)
	defer cancel()
	m := Member{UserID: s.c.p.UserID, ConnID: s.c.id}
	first, err := h.presence.Join(ctx, s.name, m)
	if err != nil {
		h.log.Warn("hub: presence join", "channel", s.name, "err", err)
		if h.cfg.StrictPresence != nil && h.cfg.StrictPresence(s.name) {
			s.c.closeWith(CloseResync, "resync", reasonResync)
			return
		}
	} else {
		s.c.mu.Lock()
		s.joined = true
		s.c.mu.Unlock()
		if first {
			h.publishFrame(ctx, s.name, presenceFrame(s.name, "join", m.UserID), 0, nil, nil)
			h.presenceEdge(parent, s.name, m.UserID, true)
		}
	}
	// Everyone who arrives while the list is being read shares the next
	// read (one that starts after they joined): a room where hundreds
	// arrive at once costs a few reads of its members, not one each.
	users, err := h.members.Get(s.name, func() ([]string, error) {
		ctx, cancel := context.WithTimeout(h.ctx, presenceTimeout)
		defer cancel()
		return h.presence.Members(ctx, s.name)
	})
	if err != nil {
		h.log.Warn("hub: presence members", "channel", s.name, "err", err)
		return
	}
	data := []byte(`{"presence":[`)
	for i, u := range users {
		if i > 0 {
			data = append(data, ',')
		}
		data = appendString(data, u)
	}
	data = append(data, ']')
	if h.cfg.Snapshot != nil {
		extra, err := h.cfg.Snapshot(parent, s.c.p, s.name) // the command's time, not presence's
		if err != nil {
			// A snapshot without the application's state would read as
			// the truth (a meeting with no motion, a client keeping the
			// tally it had before it reconnected, then missing the changes
			// in between): the client reconnects instead, and subscribes
			// again (CloseResync: nothing is lost).
			h.log.Warn("hub: snapshot", "channel", s.name, "err", err)
			s.c.closeWith(CloseResync, "resync", reasonResync)
			return
		}
		if inner := bytes.TrimSpace(extra); len(inner) > 2 && inner[0] == '{' && inner[len(inner)-1] == '}' {
			data = append(data, ',')
			data = append(data, bytes.TrimSpace(inner[1:len(inner)-1])...)
		}
	}
	data = append(data, '}')
	s.c.send(encodeFrame(TypeSnapshot, "", s.name, 0, data))
}

// presenceEdge tells Config.OnPresence that userID arrived on or left
// channel.
func (h *Hub) presenceEdge(ctx context.Context, channel, userID string, present bool) {
	if h.cfg.OnPresence != nil {
		h.cfg.OnPresence(ctx, channel, userID, present)
	}
}

// leavePresence removes s's membership and tells the channel when the user
// has no connection left there.
func (h *Hub) leavePresence(ctx context.Context, s *subscription) {
	ctx, cancel := context.WithTimeout(ctx, presenceTimeout)
	defer cancel()
	m := Member{UserID: s.c.p.UserID, ConnID: s.c.id}
	last, err := h.presence.Leave(ctx, s.name, m)
	if err != nil {
		h.log.Warn("hub: presence leave", "channel", s.name, "err", err)
		return
	}
	if last {
		h.publishFrame(ctx, s.name, presenceFrame(s.name, "leave", m.UserID), 0, nil, nil)
		h.presenceEdge(ctx, s.name, m.UserID, false)
	}
}

// heartbeat renews this node's memberships, announces again those that had
// expired, and announces the users whose memberships expired elsewhere (a
// dead node) on the presence channels with subscribers here.
func (h *Hub) heartbeat() {
	ctx, cancel := context.WithTimeout(h.ctx, h.presence.TTL()/3)
	defer cancel()
	var refs []PresenceRef
	for _, c := range h.reg.all() {
		refs = append(refs, PresenceRef{Channel: onlineChannel(c.p.UserID), Member: Member{UserID: c.p.UserID, ConnID: c.id}})
		c.mu.Lock()
		for _, s := range c.subs {
			if s.joined {
				refs = append(refs, PresenceRef{Channel: s.name, Member: Member{UserID: c.p.UserID, ConnID: c.id}})
			}
		}
		c.mu.Unlock()
	}
	readded, err := h.presence.Touch(ctx, refs)
	if err != nil {
		h.log.Warn("hub: presence heartbeat", "err", err)
	}
	for _, r := range readded {
		if jihat.ValidChannel(r.Channel) {
			h.publishFrame(ctx, r.Channel, presenceFrame(r.Channel, "join", r.Member.UserID), 0, nil, nil)
			h.presenceEdge(ctx, r.Channel, r.Member.UserID, true)
		}
	}
	for _, s := range h.shards {
		s.mu.RLock()
		var names []string
		for name, ch := range s.channels {
			if ch.presence {
				names = append(names, name)
			}
		}
		s.mu.RUnlock()
		for _, name := range names {
			gone, err := h.presence.Sweep(ctx, name)
			if err != nil {
				h.log.Warn("hub: presence sweep", "channel", name, "err", err)
				return
			}
			for _, u := range gone {
				h.publishFrame(ctx, name, presenceFrame(name, "leave", u), 0, nil, nil)
				h.presenceEdge(ctx, name, u, false)
			}
		}
	}
}

// Present reports whether userID has a live connection on channel, on any
// node (for an application that reconciles its own records with presence).
func (h *Hub) Present(ctx context.Context, channel, userID string) (bool, error) {
	users, err := h.presence.Members(ctx, channel)
	if err != nil {
		return false, err
	}
	return slices.Contains(users, userID), nil
}

// Online reports which of userIDs have at least one connection on any node
// (for case assignment that prefers online employees).
func (h *Hub) Online(ctx context.Context, userIDs []string) (map[string]bool, error) {
	names := make([]string, len(userIDs))
	for i, u := range userIDs {
		names[i] = onlineChannel(u)
	}
	present, err := h.presence.Present(ctx, names)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(userIDs))
	for i, u := range userIDs {
		out[u] = present[names[i]]
	}
	return out, nil
}

// startBackground starts the position and presence heartbeat loops.
func (h *Hub) startBackground() {
	h.goEvery(h.cfg.PositionInterval, h.positions)
	h.goEvery(h.presence.TTL()/3, h.heartbeat)
}
