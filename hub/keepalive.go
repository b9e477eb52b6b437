package hub

import (
	"sync"
	"time"
)

// Keepalive: one sweep per endpoint instead of a timer per socket.
//
// Every socket must be pinged after PingInterval of silence and closed after
// IdleTimeout. A timer per socket (and the object that held it) cost about
// 0.15 KiB of live heap per idle connection, and a timer firing per socket
// per PingInterval. Instead one goroutine per endpoint looks at every
// registered socket each sweep (PingInterval/25 and IdleTimeout/25, at most
// a second, at least a millisecond): a silent one is closed with CloseIdle,
// one idle for PingInterval and not pinged for as long is pinged. A socket
// costs one int64 (conn.pingedAt). The ping is written without waiting
// (corkConn.tryPing); the client's pong, or anything it sends, updates
// lastSeen.

// keepalive is an endpoint's sweep, started with its first socket.
type keepalive struct {
	once sync.Once
	due  []*conn // reused: the sockets of one sweep
}

// sweepEvery is the period of the keepalive sweep.
func (s *Endpoint) sweepEvery() time.Duration {
	return min(time.Second, max(time.Millisecond, min(s.cfg.PingInterval, s.cfg.IdleTimeout)/25))
}

// startKeepalive starts the endpoint's sweep once.
func (s *Endpoint) startKeepalive() {
	s.ka.once.Do(func() { s.h.goEvery(s.sweepEvery(), s.sweep) })
}

// sweep pings or closes the endpoint's idle sockets.
func (s *Endpoint) sweep() {
	now := time.Now().UnixNano()
	ping, idle := int64(s.cfg.PingInterval), int64(s.cfg.IdleTimeout)
	due := s.ka.due[:0]
	s.h.reg.mu.RLock()
	for _, c := range s.h.reg.byID {
		if c.srv == s && now-c.lastSeen.Load() >= min(ping, idle) {
			due = append(due, c)
		}
	}
	s.h.reg.mu.RUnlock()
	deadline := time.Now().Add(s.h.cfg.WriteTimeout)
	for i, c := range due {
		due[i] = nil
		silent := now - c.lastSeen.Load()
		switch {
		case silent >= idle:
			c.closeWith(CloseIdle, "idle timeout", reasonIdle)
		case silent >= ping && now-c.pingedAt >= ping:
			if w, ok := c.w.(*wsWriter); ok && w.cork.tryPing(deadline) {
				c.pingedAt = now
			}
		}
	}
	if cap(due) <= 4096 { // let a storm's big array go
		s.ka.due = due[:0]
	}
}
