package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/store"
)

// voteBatcher commits the votes on one motion in batches (keyedBatches):
// the motion's row lock orders the batches of every node.
type voteBatcher struct {
	s       *Server
	batches keyedBatches[store.VoteCast, store.VoteOutcome]
}

// maxVoteBatch bounds the votes of one transaction: a board of a
// thousand voting at once goes in one.
const maxVoteBatch = 1000

// voteGather is the longest a batch of votes waits for more while they
// keep arriving (keyedBatches.gatherMore), and voteQuiet how long without
// a new vote ends that wait. A node that shares its cores with others
// reads a storm's votes over 40–100 ms, with pauses of a few ms between
// them: a 40 ms cap and a 1 ms pause split a storm into batches taken
// one after the other (on two nodes, taking turns on the motion's row),
// the later ones waiting for the earlier ones to commit. One node, A/B
// on one build (docs/BENCHMARKS.md, "Meetings", session 8): ack p99
// 147 and 140 ms → 90 and 98 ms. A lone vote waits voteQuiet.
const (
	voteGather = 80 * time.Millisecond
	voteQuiet  = 5 * time.Millisecond
)

// slowVoteBatch: a batch that takes longer is logged (a vote's ack waits
// for its batch, and the ack's p99 target is 100 ms).
const slowVoteBatch = 100 * time.Millisecond

// cast queues one vote and waits for its batch to commit (within voteTimeout).
func (b *voteBatcher) cast(ctx context.Context, motionID string, c store.VoteCast) (store.VoteOutcome, error) {
	return b.batches.do(motionID, c, maxVoteBatch, b.commit)
}

// busy reports whether votes on motionID are queued or being committed on
// this node.
func (b *voteBatcher) busy(motionID string) bool { return b.batches.busy(motionID) }

// commit stores one batch of votes on motionID.
func (b *voteBatcher) commit(motionID string, casts []store.VoteCast) ([]store.VoteOutcome, error) {
	ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
	defer cancel()
	t0 := time.Now()
	outs, err := b.s.store.CastVotes(ctx, motionID, casts)
	// The tally changed when a vote counted: told once per batch, before
	// any of its acks leaves, not by each of its hundreds of votes after
	// its ack (a thousand callers of the coalescer's lock at once, in the
	// storm's window).
	for _, o := range outs {
		if err == nil && o.Err == nil {
			b.s.tallies.changed(motionID)
			break
		}
	}
	if err != nil && jihat.ErrorCode(err) == jihat.EINTERNAL {
		b.s.log.Error("votes: batch failed", slog.String("motion", motionID), slog.Int("votes", len(casts)), slog.Any("err", err))
	}
	if d := time.Since(t0); d > slowVoteBatch {
		b.s.log.Warn("votes: slow batch", slog.String("motion", motionID), slog.Int("votes", len(casts)), slog.Duration("took", d))
	} else {
		b.s.log.Debug("votes: batch", slog.String("motion", motionID), slog.Int("votes", len(casts)),
			slog.String("began", t0.UTC().Format("15:04:05.000000")), slog.Duration("took", d))
	}
	return outs, err
}

// voteCommand is the data of a "vote" command on meeting:<id>.
type voteCommand struct {
	MotionID string `json:"motion_id"`
	Choice   string `json:"choice"`
	Receipt  string `json:"receipt"`
}

// vote runs a "vote" command of userID through the same service as REST.
// A vote reads nothing before its batch: the batch's transaction checks the
// voter (an active member with a voting seat, present) and the user is
// read only to word a refusal (castVote).
func (b liveBackend) vote(ctx context.Context, userID string, env hub.Envelope) (any, error) {
	ch, err := jihat.ParseChannel(env.Channel)
	if err != nil || ch.Kind != jihat.ChannelMeeting {
		return nil, jihat.Invalid(map[string]string{"channel": "invalid_value"})
	}
	var cmd voteCommand
	dec := json.NewDecoder(bytes.NewReader(env.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cmd); err != nil {
		return nil, jihat.Errorf(jihat.EINVALID, "malformed_json")
	}
	if !jihat.IsUUID(cmd.MotionID) {
		return nil, jihat.Invalid(map[string]string{"motion_id": "invalid_value"})
	}
	ref, err := b.s.motionCache.get(ctx, b.s.store, cmd.MotionID)
	if err != nil || ref.meetingID != ch.ID {
		return nil, hidden()
	}
	a := jihat.AuditEntry{ActorID: userID, Details: `{"via":"ws"}`}
	return b.s.castVote(ctx, userID, nil, a, cmd.MotionID, cmd.Choice, cmd.Receipt)
}
