package hub

import (
	"context"
	"hash/maphash"
	"sync"
	"time"

	"github.com/jihat/jihat"
)

// shard is one part of the channel → subscribers map.
type shard struct {
	mu       sync.RWMutex // guards channels
	channels map[string]*channelState
}

// channelState is a channel with subscribers on this node.
type channelState struct {
	name      string
	sequenced bool
	presence  bool

	// mu guards the following fields and is held during a fan-out, so the
	// subscribers of a channel see its frames in one order.
	mu           sync.Mutex
	subs         []*subscription
	next         int64               // next expected Seq of a sequenced channel; 0: not known yet
	held         map[int64]heldFrame // frames that arrived before their predecessor
	gapTimer     *time.Timer
	filling      bool
	fillAttempts int
	dead         bool // removed from the shard: its last subscriber left
}

func (h *Hub) shard(name string) *shard {
	return h.shards[maphash.String(h.seed, name)%uint64(len(h.shards))]
}

func (h *Hub) lookup(name string) *channelState {
	s := h.shard(name)
	s.mu.RLock()
	ch := s.channels[name]
	s.mu.RUnlock()
	return ch
}

// attach adds sub to its channel, creating the channel state if needed.
func (h *Hub) attach(sub *subscription, info jihat.Channel) (created bool) {
	s := h.shard(sub.name)
	s.mu.Lock()
	ch := s.channels[sub.name]
	if ch == nil {
		ch = &channelState{name: sub.name, sequenced: info.Sequenced(), presence: info.HasPresence()}
		s.channels[sub.name] = ch
		created = true
		h.m.channels.Inc()
	}
	ch.mu.Lock()
	sub.ch = ch
	sub.idx = len(ch.subs)
	ch.subs = append(ch.subs, sub)
	ch.mu.Unlock()
	s.mu.Unlock()
	h.m.subscriptions.Inc()
	return created
}

// detach removes sub from its channel and drops the channel when empty.
func (h *Hub) detach(sub *subscription) (emptied bool) {
	s := h.shard(sub.name)
	s.mu.Lock()
	ch := sub.ch
	ch.mu.Lock()
	if sub.idx >= 0 {
		last := len(ch.subs) - 1
		ch.subs[sub.idx] = ch.subs[last]
		ch.subs[sub.idx].idx = sub.idx
		ch.subs[last] = nil
		ch.subs = ch.subs[:last]
		sub.idx = -1
		h.m.subscriptions.Dec()
		if len(ch.subs) == 0 {
			ch.dead = true
			if ch.gapTimer != nil {
				ch.gapTimer.Stop()
			}
			ch.held = nil
			delete(s.channels, sub.name)
			emptied = true
			h.m.channels.Dec()
		}
	}
	ch.mu.Unlock()
	s.mu.Unlock()
	return emptied
}

// arrive takes a frame published here or received from the bus.
func (h *Hub) arrive(name string, frame []byte, seq int64, aud *jihat.Audience, exclude *conn) {
	if ch := h.lookup(name); ch != nil {
		h.arriveOn(ch, frame, seq, aud, exclude)
	}
}

// arriveKeyed takes the frame of a keyed event published here or received
// from the bus: it goes to every subscriber, held by those replaying.
func (h *Hub) arriveKeyed(name string, frame []byte, key string, aud *jihat.Audience) {
	ch := h.lookup(name)
	if ch == nil {
		return
	}
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.dead {
		return
	}
	for _, sub := range ch.subs {
		sub.deliverKeyed(frame, key, aud)
	}
}

// arriveOn puts the frames of a sequenced channel in order: an event that
// comes before its predecessor is held for GapWait, then the missing ones
// are read from the database. Others go straight out.
func (h *Hub) arriveOn(ch *channelState, frame []byte, seq int64, aud *jihat.Audience, exclude *conn) {
	ch.mu.Lock()
	defer ch.mu.Unlock()
	if ch.dead {
		return
	}
	if !ch.sequenced || seq == 0 {
		ch.fanout(frame, seq, aud, exclude)
		return
	}
	switch {
	case ch.next == 0: // no baseline yet: take the stream as it comes
		ch.fanout(frame, seq, aud, exclude)
		ch.next = seq + 1
	case seq < ch.next:
		h.m.duplicates.Inc()
	case seq == ch.next:
		ch.fanout(frame, seq, aud, exclude)
		ch.next++
		ch.releaseHeld()
	default:
		if _, dup := ch.held[seq]; dup {
			h.m.duplicates.Inc()
			return
		}
		if ch.held == nil {
			ch.held = map[int64]heldFrame{}
		}
		ch.held[seq] = heldFrame{frame: frame, seq: seq, aud: aud}
		if len(ch.held) > h.cfg.MaxHeld {
			h.log.Warn("hub: too many events waiting for a gap; skipping it", "channel", ch.name, "missing_from", ch.next)
			ch.skipGap()
			return
		}
		if ch.gapTimer == nil && !ch.filling {
			ch.gapTimer = time.AfterFunc(h.cfg.GapWait, func() { h.fillGap(ch) })
		}
	}
}

// releaseHeld sends the held frames that are now in order. ch.mu is held.
func (ch *channelState) releaseHeld() {
	for len(ch.held) > 0 {
		f, ok := ch.held[ch.next]
		if !ok {
			return
		}
		delete(ch.held, ch.next)
		ch.fanout(f.frame, ch.next, f.aud, nil)
		ch.next++
	}
	if ch.gapTimer != nil {
		ch.gapTimer.Stop()
		ch.gapTimer = nil
	}
}

// skipGap gives up on the missing events: delivery goes on from the lowest
// held one. Subscribers see the gap in seq and may fetch it. ch.mu is held.
func (ch *channelState) skipGap() {
	if len(ch.held) == 0 {
		return
	}
	lowest := int64(-1)
	for s := range ch.held {
		if lowest < 0 || s < lowest {
			lowest = s
		}
	}
	ch.next = lowest
	ch.releaseHeld()
}

// fanout hands frame to the queue of every subscriber that may read it
// (aud: see Event.Audience). ch.mu is held.
func (ch *channelState) fanout(frame []byte, seq int64, aud *jihat.Audience, exclude *conn) {
	for _, sub := range ch.subs {
		if sub.c != exclude {
			sub.deliver(frame, seq, aud, ch.sequenced)
		}
	}
}

// interestStripe serialises this node's bus interest in the channels that
// hash to it, so that a Subscribe and an Unsubscribe of one channel cannot
// cross on their way to Redis.
type interestStripe struct {
	mu         sync.Mutex      // held during the bus call
	subscribed map[string]bool // channels this node told the bus about
}

// reconcile makes the bus interest in name match whether this node has
// subscribers for it. It returns after the bus confirmed a subscription.
func (h *Hub) reconcile(ctx context.Context, name string) {
	st := h.interest[maphash.String(h.seed, name)%uint64(len(h.interest))]
	st.mu.Lock()
	defer st.mu.Unlock()
	want := h.lookup(name) != nil
	if want == st.subscribed[name] {
		return
	}
	var err error
	if want {
		st.subscribed[name] = true
		err = h.bus.Subscribe(ctx, name)
	} else {
		delete(st.subscribed, name)
		err = h.bus.Unsubscribe(ctx, name)
	}
	if err != nil {
		// The interest is recorded anyway (Bus contract); meanwhile the
		// channel is repaired from the database.
		h.m.busErrors.WithLabelValues("interest").Inc()
		h.log.Warn("hub: bus interest", "channel", name, "subscribe", want, "err", err)
	}
}
