package server

import (
	"context"
	"log/slog"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// voteBatcher commits the votes on one motion in batches (keyedBatches):
// the motion's row lock orders the batches of every node.
type voteBatcher struct {
	s       *Server
	batches keyedBatches[store.VoteCast, store.VoteOutcome]
}

// maxVoteBatch bounds the votes of one transaction.
const maxVoteBatch = 500

// cast queues one vote and waits for its batch to commit (within voteTimeout).
func (b *voteBatcher) cast(ctx context.Context, motionID string, c store.VoteCast) (store.VoteOutcome, error) {
	return b.batches.do(motionID, c, maxVoteBatch, b.commit)
}

// commit stores one batch of votes on motionID.
func (b *voteBatcher) commit(motionID string, casts []store.VoteCast) ([]store.VoteOutcome, error) {
	ctx, cancel := context.WithTimeout(context.Background(), voteTimeout)
	defer cancel()
	outs, err := b.s.store.CastVotes(ctx, motionID, casts)
	if err != nil && jihat.ErrorCode(err) == jihat.EINTERNAL {
		b.s.log.Error("votes: batch failed", slog.String("motion", motionID), slog.Int("votes", len(casts)), slog.Any("err", err))
	}
	return outs, err
}
