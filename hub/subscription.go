package hub

import (
	"context"
	"time"

	"github.com/jihat/jihat"
)

// subscription is one connection's subscription to one channel.
type subscription struct {
	c    *conn
	name string
	info jihat.Channel

	ch  *channelState // set by attach
	idx int           // position in ch.subs, -1 once detached; guarded by ch.mu

	// Guarded by c.mu:
	last      int64 // highest Seq delivered
	told      int64 // highest position sent
	replaying bool  // a replay from the database is running: live frames wait in held
	held      []heldFrame
	replayed  map[string]struct{} // keys of the keyed events this replay sent
	removed   bool
	typingAt  time.Time // last typing relayed, to throttle
	joined    bool      // presence recorded
}

type heldFrame struct {
	frame []byte
	seq   int64
	aud   *jihat.Audience // who may read it; nil: every subscriber
	key   string          // a keyed event's Key (then seq is 0)
}

// deliver queues a live frame. A frame with an audience the subscriber may
// not read is skipped (it still counts as seen, so no gap is reported for
// it). Durable frames are delivered once each: a Seq at or below the last
// delivered one is dropped on a sequenced channel. During a replay, durable
// frames wait until the replay is done. Called with ch.mu held.
func (s *subscription) deliver(frame []byte, seq int64, aud *jihat.Audience, sequenced bool) {
	c := s.c
	readable := c.canRead(aud)
	c.mu.Lock()
	if s.removed || c.closing.Load() {
		c.mu.Unlock()
		return
	}
	if !readable {
		if seq > 0 && !s.replaying {
			s.last = max(s.last, seq)
		}
		c.mu.Unlock()
		c.h.m.scoped.Inc()
		return
	}
	if seq > 0 {
		if s.replaying {
			if len(s.held) >= c.h.cfg.SeamBuffer {
				c.mu.Unlock()
				c.closeWith(CloseResync, "resync", reasonResync)
				return
			}
			s.held = append(s.held, heldFrame{frame: frame, seq: seq})
			c.mu.Unlock()
			return
		}
		if sequenced && seq <= s.last {
			c.mu.Unlock()
			c.h.m.duplicates.Inc()
			return
		}
		s.last = max(s.last, seq)
	}
	overflow := c.enqueueLocked(frame)
	c.mu.Unlock()
	if overflow {
		c.closeWith(CloseResync, "resync", reasonResync)
	}
}

// deliverKeyed queues the live frame of a keyed event. During a replay it
// waits, and goes out after it unless the replay sent the same key. Called
// with ch.mu held.
func (s *subscription) deliverKeyed(frame []byte, key string, aud *jihat.Audience) {
	c := s.c
	if !c.canRead(aud) {
		c.h.m.scoped.Inc()
		return
	}
	c.mu.Lock()
	if s.removed || c.closing.Load() {
		c.mu.Unlock()
		return
	}
	if s.replaying {
		if len(s.held) >= c.h.cfg.SeamBuffer {
			c.mu.Unlock()
			c.closeWith(CloseResync, "resync", reasonResync)
			return
		}
		s.held = append(s.held, heldFrame{frame: frame, key: key})
		c.mu.Unlock()
		return
	}
	overflow := c.enqueueLocked(frame)
	c.mu.Unlock()
	if overflow {
		c.closeWith(CloseResync, "resync", reasonResync)
	}
}

// sendPosition queues the position frame of seq unless a replay is running
// (the client will get the events themselves) or the client knows it
// already: every event up to seq was delivered to it (or it said it had
// them), or it was told this position before. An idle channel's
// subscribers are told once, not every PositionInterval. Called with ch.mu
// held.
func (s *subscription) sendPosition(frame []byte, seq int64) {
	c := s.c
	c.mu.Lock()
	if s.removed || s.replaying || seq <= s.last || seq <= s.told {
		c.mu.Unlock()
		return
	}
	s.told = seq
	overflow := c.enqueueLocked(frame)
	c.mu.Unlock()
	if overflow {
		c.closeWith(CloseResync, "resync", reasonResync)
	}
}

// replay delivers the durable events after since from the database, then
// the live frames that arrived meanwhile, without duplicates or gaps at the
// seam: the subscription was receiving (holding) live frames before the
// database was read, and after the replay only held frames newer than the
// last delivered Seq go out.
//
// With resend (a fetch), events after since are sent even when they were
// delivered before; otherwise each Seq goes out once. since < 0 asks for
// the channel's initial history (EventSource.Replay). Runs on the
// connection's reading goroutine, one replay at a time.
func (c *conn) replay(ctx context.Context, s *subscription, since int64, resend bool) error {
	c.mu.Lock()
	s.replaying = true
	c.mu.Unlock()
	err := c.replayEvents(ctx, s, since, resend)
	if err == nil {
		err = c.flushHeld(ctx, s)
	}
	c.mu.Lock()
	s.held, s.replaying, s.replayed = nil, false, nil
	c.mu.Unlock()
	return err
}

// flushHeld sends the live frames held during a replay, through the same
// bounded wait as the replay itself (a burst that arrived meanwhile must not
// overflow the queue at once), until none is left; frames that keep arriving
// are held until then, so the order stays the channel's.
//
// The subscription goes live only once the writer has brought the queue
// down to a quarter: the replay keeps it up to half full (sendWait), and
// switching to live frames then would leave a burst published across the
// seam only half the queue before it overflows and the client is told to
// resync. Until then live frames keep being held (up to SeamBuffer) and
// flushed with the same bounded wait.
func (c *conn) flushHeld(ctx context.Context, s *subscription) error {
	for {
		c.mu.Lock()
		batch := s.held
		s.held = nil
		if len(batch) == 0 {
			if len(c.pending) > c.h.cfg.QueueSize/4 && !c.closing.Load() {
				space := c.spaceLocked()
				c.mu.Unlock()
				if err := c.waitSpace(ctx, space); err != nil {
					return err
				}
				continue
			}
			s.replaying = false
			c.mu.Unlock()
			return nil
		}
		c.mu.Unlock()
		for _, hf := range batch {
			c.mu.Lock()
			var skip bool
			if hf.key != "" {
				_, skip = s.replayed[hf.key]
				skip = skip || s.removed
			} else {
				skip = s.removed || hf.seq <= s.last
				if !skip {
					s.last = hf.seq
				}
			}
			c.mu.Unlock()
			if skip {
				continue
			}
			if err := c.sendWait(ctx, hf.frame); err != nil {
				return err
			}
		}
	}
}

func (c *conn) replayEvents(ctx context.Context, s *subscription, since int64, resend bool) error {
	src := c.h.events
	if src == nil {
		return nil
	}
	if since < 0 && s.info.Sequenced() {
		// A sequenced channel has no initial history (EventSource.Replay):
		// a subscriber from the latest event starts live. A reconnect storm
		// of such subscribers queued for read slots here for nothing.
		return nil
	}
	page := c.h.cfg.ReplayPage
	cursor := since
	if !resend && cursor >= 0 && s.ch != nil && s.ch.sequenced {
		// The channel delivered everything up to next-1 (its baseline was
		// read from the database when it was created here): a subscriber
		// that has it all needs no query; what comes after reaches it live,
		// as it is attached. A reconnect storm asks this of every client.
		s.ch.mu.Lock()
		next := s.ch.next
		s.ch.mu.Unlock()
		if next > 0 && cursor >= next-1 {
			c.h.m.replaySkipped.Inc()
			return nil
		}
	}
	for {
		var evs []Event
		err := c.h.withRead(ctx, func() (err error) {
			evs, err = src.Replay(ctx, s.name, cursor, page)
			return err
		})
		if err != nil {
			return err
		}
		advanced := false
		for _, ev := range evs {
			if ev.Seq == 0 {
				// An unsequenced event (a feed's history): sent once, in
				// the order given; its key keeps the live copy out.
				c.mu.Lock()
				if s.removed {
					c.mu.Unlock()
					return nil
				}
				if ev.Key != "" {
					if s.replayed == nil {
						s.replayed = map[string]struct{}{}
					}
					s.replayed[ev.Key] = struct{}{}
				}
				c.mu.Unlock()
				if !c.canRead(ev.Audience) {
					continue
				}
				if err := c.sendWait(ctx, encodeFrame(eventType(ev), "", s.name, 0, ev.Data)); err != nil {
					return err
				}
				continue
			}
			if cursor >= 0 && ev.Seq <= cursor {
				continue // the source must return Seq > since; be safe
			}
			c.mu.Lock()
			if s.removed {
				c.mu.Unlock()
				return nil
			}
			send := ev.Seq > s.last || resend && ev.Seq > since
			s.last = max(s.last, ev.Seq)
			c.mu.Unlock()
			if ev.Seq > cursor {
				cursor, advanced = ev.Seq, true
			}
			if !send || !c.canRead(ev.Audience) {
				continue
			}
			if err := c.sendWait(ctx, encodeFrame(eventType(ev), "", s.name, ev.Seq, ev.Data)); err != nil {
				return err
			}
		}
		if len(evs) < page || !advanced {
			return nil
		}
	}
}
