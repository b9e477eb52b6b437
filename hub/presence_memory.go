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

	mu       sync.Mutex                      // guards the following fields
	channels map[string]map[Member]time.Time // channel → member → expiry
}

// NewMemoryPresence returns an empty MemoryPresence.
func NewMemoryPresence(cfg MemoryPresenceConfig) *MemoryPresence {
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultPresenceTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &MemoryPresence{ttl: cfg.TTL, now: cfg.Now, channels: map[string]map[Member]time.Time{}}
}

// TTL implements Presence.
func (p *MemoryPresence) TTL() time.Duration { return p.ttl }

// userLive reports whether user has a live member on ms other than except.
func userLive(ms map[Member]time.Time, user string, except Member, now time.Time) bool {
	for m, exp := range ms {
		if m.UserID == user && m != except && exp.After(now) {
			return true
		}
	}
	return false
}

// Join implements Presence.
func (p *MemoryPresence) Join(ctx context.Context, channel string, m Member) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	ms := p.channels[channel]
	if ms == nil {
		ms = map[Member]time.Time{}
		p.channels[channel] = ms
	}
	first := !userLive(ms, m.UserID, Member{}, now)
	ms[m] = now.Add(p.ttl)
	return first, nil
}

// Leave implements Presence.
func (p *MemoryPresence) Leave(ctx context.Context, channel string, m Member) (bool, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	ms := p.channels[channel]
	if _, ok := ms[m]; !ok {
		return false, nil
	}
	delete(ms, m)
	last := !userLive(ms, m.UserID, m, p.now())
	if len(ms) == 0 {
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
		ms := p.channels[r.Channel]
		if ms == nil {
			ms = map[Member]time.Time{}
			p.channels[r.Channel] = ms
		}
		if exp, ok := ms[r.Member]; !ok || !exp.After(now) {
			readded = append(readded, r)
		}
		ms[r.Member] = now.Add(p.ttl)
	}
	return readded, nil
}

// Members implements Presence.
func (p *MemoryPresence) Members(ctx context.Context, channel string) ([]string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	now := p.now()
	seen := map[string]bool{}
	users := []string{}
	for m, exp := range p.channels[channel] {
		if exp.After(now) && !seen[m.UserID] {
			seen[m.UserID] = true
			users = append(users, m.UserID)
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
	ms := p.channels[channel]
	expired := map[string]bool{}
	for m, exp := range ms {
		if !exp.After(now) {
			delete(ms, m)
			expired[m.UserID] = true
		}
	}
	var gone []string
	for u := range expired {
		if !userLive(ms, u, Member{}, now) {
			gone = append(gone, u)
		}
	}
	if len(ms) == 0 {
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
		for _, exp := range p.channels[ch] {
			if exp.After(now) {
				out[ch] = true
				break
			}
		}
		if !out[ch] {
			out[ch] = false
		}
	}
	return out, nil
}
