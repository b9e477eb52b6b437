package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// The room's state goes live coalesced: a meeting of a thousand attendees
// where everyone votes or joins at once must not cost a frame per vote or
// per arrival to each of the thousand sockets.

// tallyInterval is the least time between two tallies of one motion sent
// by one node, and between two attendance frames of one meeting (at most
// ~5 a second).
//
// The pacing is real time (time.Now, time.AfterFunc), not the injected
// clock: it is the rate of network sends, not a domain time (nothing it
// measures is stored, shown or compared with a deadline), and a stopped
// test clock must not stop the tallies.
const tallyInterval = 200 * time.Millisecond

// tallyHold is the longest a tally waits for the votes this node is still
// committing on its motion (tallyCoalescer.send).
const tallyHold = 500 * time.Millisecond

// tallyQuiet is how long a storm's tally waits after the last sign of a
// batch (tallyCoalescer.hold).
const tallyQuiet = 60 * time.Millisecond

// stormVotes is how many changed votes make a tally a storm's
// (tallyCoalescer.hold): a lone vote's tally leaves at once, the tally of
// a batch of hundreds waits for their acks.
const stormVotes = 50

// coalescer runs, for each key with changes, one sender at a time: the
// first change after a quiet spell is sent at once, the changes that
// arrive while a send runs or within tallyInterval of the last one wait
// and go together. Sends of one key never overlap, so they go out in
// order.
type coalescer struct {
	mu      sync.Mutex // guards keys, senders and idle
	keys    map[string]*coalesced
	send    func(key string, st *coalesced) // called without mu
	senders int                             // senders running
	idle    *sync.Cond                      // on mu: senders dropped to 0 (wait)
}

type coalesced struct {
	pending, running bool
	done             bool      // the state may go when nothing is pending
	last             time.Time // when the last send started
	// the caller's state, guarded by coalescer.mu
	sent    int64            // tallies: the version of the last tally sent
	changes []attendanceEdge // attendance: the edges not sent yet
}

// touch marks key changed, with update (may be nil) applied to its state
// under the lock, and starts its sender when none runs.
func (c *coalescer) touch(key string, update func(*coalesced)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = map[string]*coalesced{}
	}
	st := c.keys[key]
	if st == nil {
		st = &coalesced{}
		c.keys[key] = st
	}
	if update != nil {
		update(st)
	}
	st.pending = true
	if !st.running {
		st.running = true
		c.senders++
		go c.run(key, st)
	}
}

// wait returns once no sender runs (Server.Close: the last frames go out
// before the hub closes, and nothing is sent or logged after). A counter
// under mu rather than a WaitGroup: touch may start a sender while Close
// waits, which a WaitGroup does not allow.
func (c *coalescer) wait() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for c.senders > 0 {
		if c.idle == nil {
			c.idle = sync.NewCond(&c.mu)
		}
		c.idle.Wait()
	}
}

func (c *coalescer) run(key string, st *coalesced) {
	for {
		c.mu.Lock()
		if !st.pending {
			st.running = false
			if st.done && c.keys[key] == st {
				delete(c.keys, key)
			}
			if c.senders--; c.senders == 0 && c.idle != nil {
				c.idle.Broadcast()
			}
			c.mu.Unlock()
			return
		}
		wait := tallyInterval - time.Since(st.last)
		c.mu.Unlock()
		if wait > 0 {
			time.Sleep(wait)
		}
		c.mu.Lock()
		st.pending = false // a change from now on sends again
		st.last = time.Now()
		c.mu.Unlock()
		c.send(key, st)
	}
}

// forget lets st go once nothing is pending (called by send).
func (c *coalescer) forget(st *coalesced) {
	c.mu.Lock()
	st.done = true
	c.mu.Unlock()
}

// tallyCoalescer publishes the tally of a motion after votes, at most once
// per tallyInterval per node: the tally is state, not a stream, so the
// latest one replaces all the ones skipped. It reads the tally from the
// database when it sends, so the counts are always whole and current. An
// open ballot's frame carries who voted what as a delta: "changes" holds
// the votes changed after tally version "since" (this node's previous
// frame) up to the frame's tally version, read from one snapshot of the
// database. A client holding version V applies a frame of version > V
// whose since ≤ V; a frame whose since is above V means it missed one (a
// dropped socket): it reads the whole motion again (GET, or the snapshot
// of a new subscription). The frame of a closing motion has since 0 and
// every vote.
type tallyCoalescer struct {
	s    *Server
	once sync.Once
	c    coalescer
}

// changed says that motionID's tally changed.
func (t *tallyCoalescer) changed(motionID string) {
	t.once.Do(func() { t.c.send = t.send })
	t.c.touch(motionID, nil)
}

func (t *tallyCoalescer) send(motionID string, st *coalesced) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	t0 := time.Now()
	t.c.mu.Lock()
	since := st.sent // (only this sender changes it)
	t.c.mu.Unlock()
	t.hold(ctx, motionID, since)
	t1 := time.Now()
	mo, err := t.s.store.MotionChanges(ctx, motionID, since)
	if err != nil {
		t.s.log.Warn("tally", slog.String("motion", motionID), slog.Any("err", err))
		return
	}
	if mo.Status == jihat.MotionClosed {
		// The closer sent the final tally (final); nothing more of it.
		t.c.forget(st)
		return
	}
	t2 := time.Now()
	t.publish(ctx, mo, since)
	t.c.mu.Lock()
	st.sent = max(st.sent, mo.Tally.Version)
	t.c.mu.Unlock()
	t.s.log.Debug("tally: sent", slog.String("motion", motionID), slog.Int64("version", mo.Tally.Version),
		slog.String("began", t0.UTC().Format("15:04:05.000000")), slog.Duration("hold", t1.Sub(t0)),
		slog.Duration("read", t2.Sub(t1)), slog.Duration("publish", time.Since(t2)))
}

// hold delays a tally while a storm of votes on motionID is being
// committed, up to tallyHold, so that the votes' acks go out first, on
// every node, instead of queueing (on the servers and on the clients)
// behind frames of hundreds of changes to every socket, and one frame
// carries what several would have. A storm is this node's batcher busy
// with the motion, any node's batch holding the motion's row, its version
// moving between two looks, or, at the first look that finds the row
// free, stormVotes or more votes changed after the last tally this node
// sent (since): batches that ended just before the look, whose acks are
// leaving now (this node's own batch, which told the tally before its
// acks, or another node's, which ended while this tally waited out
// tallyInterval). Once one is seen, the tally waits until the motion has
// been quiet for tallyQuiet. A lone vote's tally does not wait.
func (t *tallyCoalescer) hold(ctx context.Context, motionID string, since int64) {
	storm, counted, last, quiet := false, false, int64(-1), time.Now()
	for look, end := 0, time.Now().Add(tallyHold); time.Now().Before(end); look++ {
		if look > 0 {
			time.Sleep(5 * time.Millisecond)
		}
		if t.s.votes.busy(motionID) {
			// (at the first look, the batch that made this tally may
			// still be leaving: the count below tells a storm's batch)
			storm, quiet = storm || look > 0, time.Now()
			continue
		}
		v, changed, locked, err := t.s.store.MotionBusy(ctx, motionID, since)
		if err != nil {
			return
		}
		if locked || last >= 0 && v != last || !locked && !counted && changed >= stormVotes {
			storm, quiet = true, time.Now()
		}
		if !locked {
			counted, last = true, v
		}
		if !storm || !locked && time.Since(quiet) >= tallyQuiet {
			return
		}
	}
}

// final sends the frozen tally of a motion that just closed, at once, with
// every vote of an open ballot.
func (t *tallyCoalescer) final(ctx context.Context, mo *jihat.Motion) {
	t.publish(ctx, mo, 0)
}

func (t *tallyCoalescer) publish(ctx context.Context, mo *jihat.Motion, since int64) {
	f := tallyFrame{Type: "tally", MeetingID: mo.MeetingID, motionView: newMotionView(mo)}
	if !mo.Secret {
		f.Since, f.Changes = &since, f.Votes
		if f.Changes == nil {
			f.Changes = map[string]string{}
		}
		f.Votes = nil
	}
	payload, err := json.Marshal(f)
	if err != nil {
		return
	}
	t.s.live(ctx, jihat.MeetingChannel(mo.MeetingID), hub.Event{Data: payload})
}

// tallyFrame is the data of a live tally: the motion with its whole counts
// and, for an open ballot, the votes changed after tally version Since
// (never the choices of a secret ballot).
type tallyFrame struct {
	Type      string `json:"type"`
	MeetingID string `json:"meeting_id"`
	*motionView
	Since   *int64            `json:"since,omitempty"`
	Changes map[string]string `json:"changes,omitempty"`
}

// attendanceEdge is one arrival or departure in the room.
type attendanceEdge struct {
	UserID string `json:"user_id"`
	Action string `json:"action"` // join, leave
	Via    string `json:"via"`    // ws, checkin
	At     string `json:"at"`
}

// attendanceCoalescer tells the room who came or went: the edges this
// node recorded since its last frame, in order, with the quorum now, at
// most once per tallyInterval per meeting and node. Each edge is recorded
// by one node, so each is sent once.
type attendanceCoalescer struct {
	s    *Server
	once sync.Once
	c    coalescer
}

// add queues an edge of meetingID's attendance.
func (a *attendanceCoalescer) add(meetingID string, e attendanceEdge) {
	a.once.Do(func() { a.c.send = a.send })
	a.c.touch(meetingID, func(st *coalesced) { st.changes = append(st.changes, e) })
}

func (a *attendanceCoalescer) send(meetingID string, st *coalesced) {
	a.c.mu.Lock()
	edges := st.changes
	st.changes = nil
	a.c.mu.Unlock()
	defer a.c.forget(st)
	if len(edges) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s := a.s
	m, err := s.store.MeetingHead(ctx, meetingID)
	if err != nil {
		return
	}
	here, eligible, err := s.store.QuorumCounts(ctx, meetingID)
	if err != nil {
		return
	}
	payload, _ := json.Marshal(map[string]any{"type": "attendance", "meeting_id": meetingID, "changes": edges,
		"quorum": jihat.NewQuorum(m.Quorum, here, eligible)})
	s.live(ctx, jihat.MeetingChannel(meetingID), hub.Event{Data: payload})
	open, err := s.store.OpenMotionIDs(ctx, meetingID)
	if err != nil {
		return
	}
	for _, id := range open {
		s.tallies.changed(id)
	}
}
