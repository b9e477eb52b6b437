package hub

import (
	"context"
	"time"
)

// fillTimeout bounds one gap fill from the database.
const fillTimeout = 30 * time.Second

// maxFillAttempts is how many fills a gap gets before it is skipped.
const maxFillAttempts = 3

// fillGap runs when a sequenced channel has waited GapWait for a missing
// event: it reads the missing events from the database.
func (h *Hub) fillGap(ch *channelState) {
	ch.mu.Lock()
	ch.gapTimer = nil
	if ch.dead || ch.filling || len(ch.held) == 0 {
		ch.mu.Unlock()
		return
	}
	ch.filling = true
	from := ch.next - 1
	ch.mu.Unlock()
	h.fill(ch, from)
}

// fill reads the events of ch after from and delivers them through the
// channel's sequencer (duplicates are dropped there). When a gap remains,
// another fill follows after a pause; after maxFillAttempts the gap is
// given up, so a channel never stalls. ch.filling must have been set by the
// caller; fill clears it.
func (h *Hub) fill(ch *channelState, from int64) {
	defer func() {
		ch.mu.Lock()
		defer ch.mu.Unlock()
		ch.filling = false
		if len(ch.held) == 0 || ch.dead {
			ch.fillAttempts = 0
			return
		}
		ch.fillAttempts++
		if ch.fillAttempts >= maxFillAttempts || h.events == nil {
			h.log.Warn("hub: gap not filled; skipping it", "channel", ch.name, "missing_from", ch.next)
			ch.fillAttempts = 0
			ch.skipGap()
			return
		}
		if ch.gapTimer == nil {
			ch.gapTimer = time.AfterFunc(time.Duration(ch.fillAttempts)*h.cfg.GapWait, func() { h.fillGap(ch) })
		}
	}()
	if h.events == nil {
		return
	}
	h.m.gapFills.Inc()
	ctx, cancel := context.WithTimeout(h.ctx, fillTimeout)
	defer cancel()
	cursor := from
	for {
		evs, err := h.events.Replay(ctx, ch.name, cursor, h.cfg.ReplayPage)
		if err != nil {
			h.log.Warn("hub: gap fill", "channel", ch.name, "since", cursor, "err", err)
			return
		}
		for _, ev := range evs {
			if ev.Seq <= cursor {
				continue
			}
			h.arriveOn(ch, encodeFrame(eventType(ev), "", ch.name, ev.Seq, ev.Data), ev.Seq, ev.Audience, nil)
			cursor = ev.Seq
		}
		if len(evs) < h.cfg.ReplayPage {
			return
		}
	}
}

func eventType(ev Event) string {
	if ev.Type == "" {
		return TypeEvent
	}
	return ev.Type
}

// setBaseline tells a sequenced channel the latest Seq in the database. A
// channel that knew no sequence yet starts after it; one that is behind it
// (a bus message lost, or the publishing node died before publishing) is
// filled from the database. It reports whether the channel is behind pos
// (a fill started now, one already running, or events held behind a gap):
// then pos names events not fanned out yet, and must not be told to
// subscribers, who would ask for events that are on their way.
func (h *Hub) setBaseline(ch *channelState, pos int64) (behind bool) {
	ch.mu.Lock()
	if ch.dead || !ch.sequenced {
		ch.mu.Unlock()
		return false
	}
	if ch.next == 0 {
		ch.next = pos + 1
		ch.releaseHeld()
		ch.mu.Unlock()
		return false
	}
	if pos < ch.next {
		ch.mu.Unlock()
		return false
	}
	if ch.filling || len(ch.held) > 0 {
		ch.mu.Unlock()
		return true
	}
	ch.filling = true
	from := ch.next - 1
	ch.mu.Unlock()
	go h.fill(ch, from)
	return true
}

// positionBatch bounds the channels of one EventSource.Positions call.
const positionBatch = 500

// positions runs every PositionInterval: it asks the database for the
// latest Seq of every sequenced channel with subscribers here, repairs the
// channels that are behind, and tells each subscriber the position.
func (h *Hub) positions() {
	if h.events == nil {
		return
	}
	var names []*channelState
	for _, s := range h.shards {
		s.mu.RLock()
		for _, ch := range s.channels {
			if ch.sequenced {
				names = append(names, ch)
			}
		}
		s.mu.RUnlock()
	}
	for len(names) > 0 {
		batch := names[:min(len(names), positionBatch)]
		names = names[len(batch):]
		list := make([]string, len(batch))
		for i, ch := range batch {
			list[i] = ch.name
		}
		ctx, cancel := context.WithTimeout(h.ctx, h.cfg.PositionInterval)
		pos, err := h.events.Positions(ctx, list)
		cancel()
		if err != nil {
			h.log.Warn("hub: positions", "channels", len(list), "err", err)
			return
		}
		for _, ch := range batch {
			p := pos[ch.name]
			if h.setBaseline(ch, p) || p == 0 {
				continue // behind: a fill is on its way; the next round tells
			}
			frame := encodeFrame(TypePosition, "", ch.name, p, nil)
			ch.mu.Lock()
			// Only a position this channel has delivered: an event committed
			// but still on its way here (or held for its predecessor) would
			// otherwise make every subscriber fetch it from the database,
			// just before it arrives.
			if p < ch.next {
				for _, sub := range ch.subs {
					sub.sendPosition(frame, p)
				}
			}
			ch.mu.Unlock()
		}
	}
}
