package server

import (
	"context"
	"log/slog"
	"sync"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// voteBatcher commits the votes on one motion in batches (group commit):
// while one batch's transaction runs, the votes that arrive queue up and
// go together in the next. A lone vote waits for nothing; a storm of votes
// costs one transaction per batch instead of one per vote. The motion's
// row lock orders the batches of every node.
type voteBatcher struct {
	s      *Server
	mu     sync.Mutex // guards queues
	queues map[string]*voteQueue
}

// maxVoteBatch bounds the votes of one transaction.
const maxVoteBatch = 500

type voteQueue struct {
	items   []voteItem
	running bool
}

type voteItem struct {
	cast store.VoteCast
	done chan voteDone
}

type voteDone struct {
	o   store.VoteOutcome
	err error
}

// cast queues one vote and waits for its batch to commit.
func (b *voteBatcher) cast(ctx context.Context, motionID string, c store.VoteCast) (store.VoteOutcome, error) {
	it := voteItem{cast: c, done: make(chan voteDone, 1)}
	b.mu.Lock()
	if b.queues == nil {
		b.queues = map[string]*voteQueue{}
	}
	q := b.queues[motionID]
	if q == nil {
		q = &voteQueue{}
		b.queues[motionID] = q
	}
	q.items = append(q.items, it)
	start := !q.running
	q.running = true
	b.mu.Unlock()
	if start {
		go b.run(motionID)
	}
	d := <-it.done // the batch always answers, within voteTimeout
	return d.o, d.err
}

// run commits the queue of motionID batch after batch until it is empty.
func (b *voteBatcher) run(motionID string) {
	for {
		b.mu.Lock()
		q := b.queues[motionID]
		n := min(len(q.items), maxVoteBatch)
		if n == 0 {
			delete(b.queues, motionID)
			b.mu.Unlock()
			return
		}
		batch := q.items[:n:n]
		q.items = q.items[n:]
		b.mu.Unlock()
		casts := make([]store.VoteCast, n)
		for i, it := range batch {
			casts[i] = it.cast
		}
		ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
		outs, err := b.s.store.CastVotes(ctx, motionID, casts)
		cancel()
		if err != nil && jihat.ErrorCode(err) == jihat.EINTERNAL {
			b.s.log.Error("votes: batch failed", slog.String("motion", motionID), slog.Int("votes", n), slog.Any("err", err))
		}
		for i, it := range batch {
			if err != nil {
				it.done <- voteDone{err: err}
			} else {
				it.done <- voteDone{o: outs[i]}
			}
		}
	}
}
