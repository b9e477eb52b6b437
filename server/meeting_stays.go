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
// batches (keyedBatches, as voteBatcher does for votes): a thousand members
// joining at once cost a handful of transactions, not a thousand of them
// each waiting on the audit chain. A batch that fails for an internal
// reason (a timeout on an overloaded machine) is tried again, so a member
// whose socket is in the room is not left out of the attendance.
type stayBatcher struct {
	s       *Server
	batches keyedBatches[store.StayEdge, bool]
}

// maxStayBatch bounds the edges of one transaction.
const maxStayBatch = 500

// stayTries is how many times a failing batch is tried.
const stayTries = 4

// record queues one edge of meetingID's attendance and waits for its batch.
func (b *stayBatcher) record(meetingID string, e store.StayEdge) (bool, error) {
	return b.batches.do(meetingID, e, maxStayBatch, b.commit)
}

// commit records one batch of edges of meetingID, trying again on an
// internal error.
func (b *stayBatcher) commit(meetingID string, edges []store.StayEdge) ([]bool, error) {
	var changed []bool
	var err error
	for try := 1; ; try++ {
		ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
		changed, err = b.s.store.RecordStays(ctx, meetingID, edges)
		cancel()
		if err == nil || jihat.ErrorCode(err) != jihat.EINTERNAL || try == stayTries {
			break
		}
		b.s.log.Warn("attendance: batch failed, trying again", slog.String("meeting", meetingID), slog.Int("edges", len(edges)),
			slog.Int("try", try), slog.Any("err", err))
		time.Sleep(time.Duration(try) * 250 * time.Millisecond)
	}
	if err != nil && jihat.ErrorCode(err) == jihat.EINTERNAL {
		b.s.log.Error("attendance: batch failed", slog.String("meeting", meetingID), slog.Int("edges", len(edges)), slog.Any("err", err))
	}
	return changed, err
}

// keyLocks is a mutex per key (a member in a room), made on first use and
// let go when nobody holds or waits for it.
type keyLocks struct {
	mu sync.Mutex // guards m
	m  map[string]*keyLock
}

type keyLock struct {
	mu    sync.Mutex
	users int // holders and waiters
}

// lock locks key and returns its unlock.
func (k *keyLocks) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*keyLock{}
	}
	l := k.m[key]
	if l == nil {
		l = &keyLock{}
		k.m[key] = l
	}
	l.users++
	k.mu.Unlock()
	l.mu.Lock()
	return func() {
		l.mu.Unlock()
		k.mu.Lock()
		if l.users--; l.users == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}
