package client

import (
	"context"
	"errors"
	"time"
)

// Latest as the since of Subscribe asks for live events only, from now on.
const Latest int64 = -1

// Subscribe subscribes to a channel ("case:<id>", "case:<id>:staff",
// "meeting:<id>", "entity:<id>:feed", "feed", "user:<id>") and returns once
// the server accepted it, or with its refusal (an *Error). On case and
// meeting channels, since ≥ 0 first replays the events after since (0: all
// of them); Latest delivers only what comes from now on (the first event or
// position then fixes where a resumption starts). Feeds and user channels
// ignore since. The subscription is resumed after every reconnect. A
// channel already subscribed is left as it is.
func (l *Live) Subscribe(ctx context.Context, channel string, since int64) error {
	l.mu.Lock()
	if l.closed() {
		l.mu.Unlock()
		return ErrClosed
	}
	cs := l.channels[channel]
	if cs == nil {
		cs = newChanState(channel, since)
		l.channels[channel] = cs
		l.kickLocked()
	}
	l.mu.Unlock()
	select {
	case <-cs.ready:
		return cs.readyErr
	case <-l.quit:
		return ErrClosed
	case <-ctx.Done():
		l.mu.Lock()
		if l.channels[channel] == cs && !cs.resolved {
			delete(l.channels, channel) // the subscriber unsubscribes if the server acks it later
		}
		l.mu.Unlock()
		return ctx.Err()
	}
}

// Unsubscribe ends a subscription; it is not resumed any more.
func (l *Live) Unsubscribe(ctx context.Context, channel string) error {
	l.mu.Lock()
	cs := l.channels[channel]
	delete(l.channels, channel)
	if cs != nil {
		cs.resolve(ErrClosed)
	}
	lc := l.conn
	subscribed := cs != nil && cs.subOn != nil && cs.subOn == lc
	l.mu.Unlock()
	if !subscribed {
		return nil
	}
	_, err := l.requestOn(ctx, lc, frame{Type: typeUnsubscribe, Channel: channel})
	if err == ErrConnectionLost {
		return nil // the new socket does not subscribe it
	}
	return err
}

// kickLocked starts the subscriber goroutine unless it runs. l.mu is held.
func (l *Live) kickLocked() {
	if l.subRunning || l.conn == nil {
		return
	}
	l.subRunning = true
	l.wg.Add(1)
	go l.subscriber()
}

// subscriber sends the queued subscribes on the current socket one after
// the other (paced by the limiter), and records their results. It ends
// when none is queued or no socket is up (attach starts it again).
func (l *Live) subscriber() {
	defer l.wg.Done()
	for {
		l.mu.Lock()
		lc := l.conn
		var cs *chanState
		var wait time.Duration
		if lc != nil && !l.closed() {
			cs, wait = l.nextQueuedLocked(time.Now())
		}
		if cs == nil && wait == 0 {
			l.subRunning = false
			l.mu.Unlock()
			return
		}
		var since *int64
		if cs != nil {
			cs.queued = false
			since = cs.since()
		}
		l.mu.Unlock()
		if cs == nil {
			l.sleep(wait)
			continue
		}
		_, err := l.requestOn(l.ctx, lc, frame{Type: typeSubscribe, Channel: cs.name, Since: since})
		l.subscribed(lc, cs, err)
	}
}

// nextQueuedLocked returns a channel to subscribe now, or how long until one
// may be (0: none queued).
func (l *Live) nextQueuedLocked(now time.Time) (*chanState, time.Duration) {
	var wait time.Duration
	for _, cs := range l.channels {
		if !cs.queued {
			continue
		}
		if d := cs.retryAt.Sub(now); d > 0 {
			if wait == 0 || d < wait {
				wait = d
			}
			continue
		}
		return cs, 0
	}
	return nil, wait
}

// subscribed records the answer to a subscribe.
func (l *Live) subscribed(lc *liveConn, cs *chanState, err error) {
	var msg Message
	var refused *Error
	l.mu.Lock()
	current := l.channels[cs.name] == cs
	switch {
	case !current:
		// Unsubscribed (or given up) meanwhile: undo on the server.
		if err == nil {
			l.wg.Add(1)
			go func() {
				defer l.wg.Done()
				ctx, cancel := context.WithTimeout(l.ctx, l.cfg.HandshakeTimeout)
				defer cancel()
				l.requestOn(ctx, lc, frame{Type: typeUnsubscribe, Channel: cs.name})
			}()
		}
	case err == nil:
		cs.subOn = lc
		cs.resolve(nil)
	case ErrorCode(err) == CodeRateLimit:
		cs.queued, cs.retryAt = true, time.Now().Add(time.Second)
	case errors.As(err, &refused):
		delete(l.channels, cs.name)
		if cs.resolved {
			msg = &Unsubscribed{Channel: cs.name, Err: refused}
		}
		cs.resolve(err)
	default:
		// The socket dropped (or the Live ends): the next socket resubscribes.
	}
	l.mu.Unlock()
	if msg != nil {
		l.emit(msg)
	}
}
