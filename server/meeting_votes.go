package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
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

// tallyInterval is the least time between two tallies of one motion sent
// by one node (at most ~5 a second). The coalescer paces frames in real
// time (time.Now, time.AfterFunc), not with the injected clock: it is the
// rate of network sends, not a domain time (nothing it measures is stored,
// shown or compared with a deadline), and a stopped test clock must not
// stop the tallies.
const tallyInterval = 200 * time.Millisecond

// tallyCoalescer publishes the whole tally of a motion after votes, at
// most once per tallyInterval: the tally is state, not a stream, so the
// latest one replaces all the ones skipped. It reads the tally from the
// database when it sends, so what it sends is always whole and current.
type tallyCoalescer struct {
	s       *Server
	mu      sync.Mutex // guards motions
	motions map[string]*tallyState
}

type tallyState struct {
	meetingID string
	last      time.Time
	pending   bool
}

// changed says that motionID's tally changed.
func (t *tallyCoalescer) changed(meetingID, motionID string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.motions == nil {
		t.motions = map[string]*tallyState{}
	}
	st := t.motions[motionID]
	if st == nil {
		st = &tallyState{meetingID: meetingID}
		t.motions[motionID] = st
	}
	if st.pending {
		return
	}
	st.pending = true
	wait := tallyInterval - time.Since(st.last)
	if wait <= 0 {
		go t.send(motionID)
		return
	}
	time.AfterFunc(wait, func() { t.send(motionID) })
}

func (t *tallyCoalescer) send(motionID string) {
	t.mu.Lock()
	if st := t.motions[motionID]; st != nil {
		st.pending = false // a change from now on sends again
		st.last = time.Now()
	}
	t.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	mo, err := t.s.store.Motion(ctx, motionID)
	if err != nil {
		t.s.log.Warn("tally", slog.String("motion", motionID), slog.Any("err", err))
		return
	}
	t.publish(ctx, mo)
	if mo.Status == jihat.MotionClosed {
		t.mu.Lock()
		if st := t.motions[motionID]; st != nil && !st.pending {
			delete(t.motions, motionID)
		}
		t.mu.Unlock()
	}
}

// final sends the frozen tally of a motion that just closed, at once.
func (t *tallyCoalescer) final(ctx context.Context, mo *jihat.Motion) {
	t.publish(ctx, mo)
}

func (t *tallyCoalescer) publish(ctx context.Context, mo *jihat.Motion) {
	payload, err := json.Marshal(tallyFrame{Type: "tally", MeetingID: mo.MeetingID, motionView: newMotionView(mo)})
	if err != nil {
		return
	}
	t.s.live(ctx, jihat.MeetingChannel(mo.MeetingID), hub.Event{Data: payload})
}

// tallyFrame is the data of a live tally: the motion with its whole tally
// (who voted what for an open ballot; the counts only for a secret one).
type tallyFrame struct {
	Type      string `json:"type"`
	MeetingID string `json:"meeting_id"`
	*motionView
}
