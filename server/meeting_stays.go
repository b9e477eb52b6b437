package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// stayBatcher records the room's arrivals and departures of one meeting in
// batches (group commit, as voteBatcher does for votes): a thousand members
// joining at once cost a handful of transactions, not a thousand of them
// each waiting on the audit chain. A batch that fails for an internal
// reason (a timeout on an overloaded machine) is tried again, so a member
// whose socket is in the room is not left out of the attendance.
type stayBatcher struct {
	s      *Server
	mu     sync.Mutex // guards queues
	queues map[string]*stayQueue
}

// maxStayBatch bounds the edges of one transaction.
const maxStayBatch = 500

// stayTries is how many times a failing batch is tried.
const stayTries = 4

type stayQueue struct {
	items   []stayItem
	running bool
}

type stayItem struct {
	edge store.StayEdge
	done chan stayDone
}

type stayDone struct {
	changed bool
	err     error
}

// record queues one edge of meetingID's attendance and waits for its batch.
func (b *stayBatcher) record(meetingID string, e store.StayEdge) (bool, error) {
	it := stayItem{edge: e, done: make(chan stayDone, 1)}
	b.mu.Lock()
	if b.queues == nil {
		b.queues = map[string]*stayQueue{}
	}
	q := b.queues[meetingID]
	if q == nil {
		q = &stayQueue{}
		b.queues[meetingID] = q
	}
	q.items = append(q.items, it)
	start := !q.running
	q.running = true
	b.mu.Unlock()
	if start {
		go b.run(meetingID)
	}
	d := <-it.done
	return d.changed, d.err
}

// run commits the queue of meetingID batch after batch until it is empty.
func (b *stayBatcher) run(meetingID string) {
	for {
		b.mu.Lock()
		q := b.queues[meetingID]
		n := min(len(q.items), maxStayBatch)
		if n == 0 {
			delete(b.queues, meetingID)
			b.mu.Unlock()
			return
		}
		batch := q.items[:n:n]
		q.items = q.items[n:]
		b.mu.Unlock()
		edges := make([]store.StayEdge, n)
		for i, it := range batch {
			edges[i] = it.edge
		}
		var changed []bool
		var err error
		for try := 1; ; try++ {
			ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
			changed, err = b.s.store.RecordStays(ctx, meetingID, edges)
			cancel()
			if err == nil || jihat.ErrorCode(err) != jihat.EINTERNAL || try == stayTries {
				break
			}
			b.s.log.Warn("attendance: batch failed, trying again", slog.String("meeting", meetingID), slog.Int("edges", n),
				slog.Int("try", try), slog.Any("err", err))
			time.Sleep(time.Duration(try) * 250 * time.Millisecond)
		}
		if err != nil && jihat.ErrorCode(err) == jihat.EINTERNAL {
			b.s.log.Error("attendance: batch failed", slog.String("meeting", meetingID), slog.Int("edges", n), slog.Any("err", err))
		}
		for i, it := range batch {
			if err != nil {
				it.done <- stayDone{err: err}
			} else {
				it.done <- stayDone{changed: changed[i]}
			}
		}
	}
}
