package hub

import (
	"context"
	"sort"
	"sync"
	"time"
)

// MemoryPresenceConfig configures a MemoryPresence.
type MemoryPresenceConfig struct {
	TTL time.Duration    // DefaultPresenceTTL when zero
	Now func() time.Time // time.Now when nil
}

// MemoryPresence is the in-process Presence of a single node.
type MemoryPresence struct {
	ttl time.Duration
	now func() time.Time

	mu       sync.Mutex                 // guards the following fields
	channels map[string]channelPresence // channel → its members
}

// channelPresence is one channel's members by user: user → connection →
// expiry. Indexed by user so that a join asks about the user's own
// connections and a member list visits each user once: a reconnect storm
// puts hundreds of connections of a few users on one channel, and a flat
// set of members made every join and every list visit all of them (3.8 %
// of the server during a storm, issue 17 session 10).
type channelPresence map[string]map[string]time.Time

// live reports whether user has a live connection on cp other than except.
func (cp channelPresence) live(user, except string, now time.Time) bool {
	for conn, exp := range cp[user] {
		if conn != except && exp.After(now) {
			return true
		}
	}
	return false
}

// set records m on cp until exp.
func (cp channelPresence) set(m Member, exp time.Time) {
	conns := cp[m.UserID]
	if conns == nil {
		conns = map[string]time.Time{}
		cp[m.UserID] = conns
	}
	conns[m.ConnID] = exp
}

// NewMemoryPresence returns an empty MemoryPresence.
func NewMemoryPresence(cfg MemoryPresenceConfig) *MemoryPresence {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultPresenceTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryPresence{ttl: cfg.TTL, now: cfg.Now, channels: map[string]channelPresence{}}
}

// TTL implements Presence.
func (p *MemoryPresence) TTL() time.Duration { return p.ttl }

// channel returns channel's members, made when absent. p.mu is held.
func (p *MemoryPresence) channel(name string) channelPresence {
	cp := p.channels[name]
	if cp == nil {
		cp = channelPresence{}
		p.channels[name] = cp
	}
	return cp
}

// Join implements Presence.
func (p *MemoryPresence) Join(ctx context.Context, channel string, m Member) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	cp := p.channel(channel)
	first := !cp.live(m.UserID, "", now)
	cp.set(m, now.Add(p.ttl))
	return first, nil
}

// Leave implements Presence.
func (p *MemoryPresence) Leave(ctx context.Context, channel string, m Member) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	cp := p.channels[channel]
	conns := cp[m.UserID]
	if _, ok := conns[m.ConnID]; !ok {
		return false, nil
	}
	delete(conns, m.ConnID)
	last := !cp.live(m.UserID, m.ConnID, p.now())
	if len(conns) == 0 {
		delete(cp, m.UserID)
	}
	if len(cp) == 0 {
		delete(p.channels, channel)
	}
	return last, nil
}

// Touch implements Presence.
func (p *MemoryPresence) Touch(ctx context.Context, refs []PresenceRef) ([]PresenceRef, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	var readded []PresenceRef
	for _, r := range refs {
		cp := p.channel(r.Channel)
		if exp, ok := cp[r.Member.UserID][r.Member.ConnID]; !ok || !exp.After(now) {
			readded = append(readded, r)
		}
		cp.set(r.Member, now.Add(p.ttl))
	}
	return readded, nil
}

// Members implements Presence.
func (p *MemoryPresence) Members(ctx context.Context, channel string) ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	cp := p.channels[channel]
	users := make([]string, 0, len(cp))
	for user := range cp {
		if cp.live(user, "", now) {
			users = append(users, user)
		}
	}
	sort.Strings(users)
	return users, nil
}

// Sweep implements Presence.
func (p *MemoryPresence) Sweep(ctx context.Context, channel string) ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	cp := p.channels[channel]
	var gone []string
	for user, conns := range cp {
		expired := false
		for conn, exp := range conns {
			if !exp.After(now) {
				delete(conns, conn)
				expired = true
			}
		}
		if len(conns) == 0 {
			delete(cp, user)
		}
		if expired && !cp.live(user, "", now) {
			gone = append(gone, user)
		}
	}
	if len(cp) == 0 {
		delete(p.channels, channel)
	}
	sort.Strings(gone)
	return gone, nil
}

// Present implements Presence.
func (p *MemoryPresence) Present(ctx context.Context, channels []string) (map[string]bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	out := make(map[string]bool, len(channels))
	for _, ch := range channels {
		out[ch] = false
		for user := range p.channels[ch] {
			if p.channels[ch].live(user, "", now) {
				out[ch] = true
				break
			}
		}
	}
	return out, nil
}
