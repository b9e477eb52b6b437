package client

import (
	"context"
	"encoding/json"
	"time"
)

// chanState is one subscribed channel: where its sequence stands, the
// events held behind a gap, and the subscription on the current socket.
// Guarded by Live.mu.
type chanState struct {
	name      string
	sequenced bool

	// Sequencing (sequenced channels).
	known      bool  // last is meaningful: a since was given, or an event or position came
	last       int64 // the last Seq delivered on Events
	want       int64 // the highest Seq known to exist; last < want is a gap
	held       map[int64]Message
	fetching   bool // a fetch is on its way
	fetchAt    time.Time
	fetchFrom  int64 // the since of that fetch
	fetchTries int   // fetches since the gap opened
	seen       idRing

	// Subscription.
	subOn    *liveConn // the socket that acknowledged the subscription
	queued   bool      // waiting for the subscriber goroutine to (re)subscribe
	retryAt  time.Time // not before (after a rate-limit refusal)
	ready    chan struct{}
	readyErr error
	resolved bool
}

func newChanState(name string, since int64) *chanState {
	cs := &chanState{name: name, sequenced: sequenced(name), ready: make(chan struct{}), queued: true}
	if cs.sequenced && since >= 0 {
		cs.known, cs.last = true, since
	}
	return cs
}

// resetForConn readies the channel for a new socket: it must be subscribed
// again, and the resubscription replays what a fetch was asking for.
func (cs *chanState) resetForConn() {
	cs.subOn, cs.queued, cs.retryAt = nil, true, time.Time{}
	cs.fetching, cs.fetchTries = false, 0
}

// resolve answers the Subscribe call waiting for the first result.
func (cs *chanState) resolve(err error) {
	if !cs.resolved {
		cs.resolved, cs.readyErr = true, err
		close(cs.ready)
	}
}

// since is the since of the next subscribe: the last delivered Seq, or none
// (live from now) while unknown.
func (cs *chanState) since() *int64 {
	if !cs.sequenced || !cs.known {
		return nil
	}
	v := cs.last
	return &v
}

// durable orders one durable frame: it returns what to deliver now (the
// event and any held ones that follow it) and whether a fetch should start.
// Called with Live.mu held.
func (l *Live) durable(cs *chanState, f *frame) []Message {
	m := decodeMessage(f)
	if !cs.sequenced || f.Seq <= 0 {
		// Live tails (feeds) may resend an event after a reconnect; the
		// Seq 0 frames of a sequenced channel are state (a meeting's
		// tally, whose "id" is the motion's), each one new.
		if !cs.sequenced && dupEvent(cs, f.Data) {
			l.n.duplicates.Add(1)
			return nil
		}
		l.n.delivered.Add(1)
		return []Message{m}
	}
	var out []Message
	switch seq := f.Seq; {
	case !cs.known:
		cs.known, cs.last = true, seq
		out = []Message{m}
	case seq <= cs.last:
		l.n.duplicates.Add(1)
		return nil
	case seq == cs.last+1:
		cs.last = seq
		out = cs.drain([]Message{m})
	default:
		if _, dup := cs.held[seq]; dup {
			l.n.duplicates.Add(1)
			return nil
		}
		if cs.held == nil {
			cs.held = map[int64]Message{}
		}
		cs.held[seq] = m
		cs.want = max(cs.want, seq)
		if len(cs.held) > l.cfg.MaxHeld {
			out = l.skipGap(cs)
		}
	}
	l.n.delivered.Add(int64(len(out)))
	return out
}

// position takes the channel's latest Seq in the database: a Seq beyond the
// last delivered one is a missed event. Called with Live.mu held.
func (l *Live) position(cs *chanState, seq int64) {
	switch {
	case !cs.sequenced:
	case !cs.known:
		// Everything up to seq was fanned out before this position was
		// queued: a live-only subscription starts after it.
		cs.known, cs.last = true, seq
	case seq > cs.last:
		cs.want = max(cs.want, seq)
	}
}

// drain appends the held events that now follow last.
func (cs *chanState) drain(out []Message) []Message {
	for len(cs.held) > 0 {
		m, ok := cs.held[cs.last+1]
		if !ok {
			break
		}
		delete(cs.held, cs.last+1)
		cs.last++
		out = append(out, m)
	}
	return out
}

// skipGap gives up on the missing events: delivery goes on from the lowest
// held event (or, with none held, the position that announced the gap is
// forgotten). Called with Live.mu held.
func (l *Live) skipGap(cs *chanState) []Message {
	l.n.gapsSkipped.Add(1)
	cs.fetching, cs.fetchTries = false, 0
	if len(cs.held) == 0 {
		cs.want = cs.last
		return nil
	}
	lowest := int64(-1)
	for s := range cs.held {
		if lowest < 0 || s < lowest {
			lowest = s
		}
	}
	cs.last = lowest - 1
	out := cs.drain(nil)
	cs.want = cs.last
	for s := range cs.held {
		cs.want = max(cs.want, s)
	}
	return out
}

// gap decides what a channel's gap needs now: nothing (no gap, or a fetch
// in flight), a fetch from last, or skipping it after MaxFetchAttempts.
// It returns the events a skip releases and whether to fetch. now is the
// time, or zero to read the clock only when there is a gap (a delivery in
// order, the common case, does not). Called with Live.mu held.
func (l *Live) gap(cs *chanState, now time.Time) (out []Message, fetch bool) {
	if cs.last >= cs.want {
		if cs.fetching {
			l.n.gapsFilled.Add(1)
		}
		cs.fetching, cs.fetchTries = false, 0
		return nil, false
	}
	if now.IsZero() {
		now = time.Now()
	}
	if cs.fetching && now.Sub(cs.fetchAt) < l.cfg.FetchTimeout {
		return nil, false
	}
	cs.fetching = false
	if cs.subOn == nil || cs.subOn != l.conn {
		return nil, false // the (re)subscription will replay from last
	}
	if cs.fetchTries >= l.cfg.MaxFetchAttempts {
		out = l.skipGap(cs)
		l.n.delivered.Add(int64(len(out)))
		return out, false
	}
	cs.fetching, cs.fetchAt, cs.fetchFrom = true, now, cs.last
	cs.fetchTries++
	l.n.fetches.Add(1)
	return nil, true
}

// startFetch asks the server to resend the events of channel after since on
// lc. A refused or lost fetch is asked again by the keepalive goroutine.
func (l *Live) startFetch(lc *liveConn, channel string, since int64) {
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		ctx, cancel := context.WithTimeout(l.ctx, l.cfg.FetchTimeout)
		defer cancel()
		_, err := l.requestOn(ctx, lc, frame{Type: typeFetch, Channel: channel, Since: &since})
		if err != nil {
			l.mu.Lock()
			if cs := l.channels[channel]; cs != nil && cs.fetching && cs.fetchFrom == since {
				cs.fetching = false // the keepalive goroutine tries again
			}
			l.mu.Unlock()
		}
	}()
	select {
	case l.wake <- struct{}{}:
	default:
	}
}

// checkFetches runs the gap decision of every channel with a gap; it
// reports whether some gap remains open (so it should run again soon).
func (l *Live) checkFetches() bool {
	l.emitMu.Lock()
	defer l.emitMu.Unlock()
	type fetchReq struct {
		name  string
		since int64
	}
	var fetches []fetchReq
	var out []Message
	open := false
	l.mu.Lock()
	lc := l.conn
	now := time.Now()
	for _, cs := range l.channels {
		if !cs.sequenced || cs.last >= cs.want && !cs.fetching {
			continue
		}
		msgs, fetch := l.gap(cs, now)
		out = append(out, msgs...)
		if fetch {
			fetches = append(fetches, fetchReq{cs.name, cs.last})
		}
		open = open || cs.last < cs.want
	}
	l.mu.Unlock()
	for _, f := range fetches {
		l.startFetch(lc, f.name, f.since)
	}
	l.emitLocked(out)
	return open
}

// dupEvent reports whether an event of a live tail was delivered already.
func dupEvent(cs *chanState, data json.RawMessage) bool {
	id := eventID(data)
	return id != "" && cs.seen.add(id)
}

// eventID returns the "id" of an event's data, for the channels without
// sequence numbers (a feed resent after a reconnect).
func eventID(data json.RawMessage) string {
	var d struct {
		ID string `json:"id"`
	}
	if len(data) == 0 || json.Unmarshal(data, &d) != nil {
		return ""
	}
	return d.ID
}

// idRing remembers the last ringSize IDs.
type idRing struct {
	ids  []string
	next int
	set  map[string]struct{}
}

const ringSize = 512

// add records id and reports whether it was already there.
func (r *idRing) add(id string) bool {
	if _, ok := r.set[id]; ok {
		return true
	}
	if r.set == nil {
		r.set = make(map[string]struct{}, ringSize)
		r.ids = make([]string, 0, ringSize)
	}
	if len(r.ids) < ringSize {
		r.ids = append(r.ids, id)
	} else {
		delete(r.set, r.ids[r.next])
		r.ids[r.next] = id
		r.next = (r.next + 1) % ringSize
	}
	r.set[id] = struct{}{}
	return false
}
