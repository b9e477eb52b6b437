package store_test

import (
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestCastVotesOrder: two nodes' batches on one motion at once, their
// voters in random orders, must not deadlock, must store every voter once,
// and a reader must never see part of a batch, whatever order the vote
// statement takes its locks in (the motion's row, the votes' rows):
//
//   - overlapping: each batch holds every voter, one choice. A reader's
//     changes after the last version it saw hold every voter with one
//     choice (a new batch, whole), or none. Batches that locked their
//     votes in their own orders would deadlock (PostgreSQL then fails one).
//   - halves: node 0's batches hold the first half, node 1's the second:
//     nothing but the motion's version orders them. Each half's votes
//     always share one version, so the changes after any version hold
//     each half whole or not at all; a reader that applies the changes
//     after the last version it saw ends with what is stored.
//   - close: batches keep coming on both nodes while the motion closes.
//     The frozen tally equals the stored votes and no vote changed after
//     it: no batch checked the motion open and wrote after the close.
func TestCastVotesOrder(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		nodes := []*store.Store{b.Open(t), b.Open(t)}
		const n = 40
		// Two batches in their own orders deadlock in a few hundred rounds
		// on PostgreSQL; on SQLite (one writer: whole transactions in turn)
		// two stores on one file would wait out its busy timeout instead.
		rounds := 200
		if b.Name == "sqlite" {
			rounds = 15
		}
		r := newVoteRoom(t, nodes[0], n, false)
		choices := []jihat.Choice{jihat.ChoiceAccept, jihat.ChoiceReject, jihat.ChoiceAbstain}
		batch := func(voters []string, c jihat.Choice) []store.VoteCast {
			out := make([]store.VoteCast, 0, len(voters))
			for _, i := range rand.Perm(len(voters)) {
				out = append(out, cast(voters[i], c))
			}
			return out
		}
		// storm runs rounds batches on each node at once (voters(node) in a
		// random order, a random choice) while read (if any) checks each
		// snapshot the reader gets; a node stops at a refusal whose key is
		// stopAt.
		storm := func(rounds int, voters func(node int) []string, read func(*store.Store) error, stopAt string) {
			t.Helper()
			var wg sync.WaitGroup
			var done atomic.Bool
			errs := make(chan error, 3)
			for node := range nodes {
				wg.Go(func() {
					for range rounds {
						out, err := nodes[node].CastVotes(ctx, r.motion, batch(voters(node), choices[rand.IntN(3)]))
						for _, o := range out {
							err = cmpErr(err, o.Err)
						}
						if err != nil && errKey(err) == stopAt {
							return
						}
						if err != nil {
							errs <- err
							return
						}
					}
				})
			}
			reader := make(chan struct{})
			go func() {
				defer close(reader)
				for k := 0; read != nil && !done.Load(); k++ {
					if err := read(nodes[k%2]); err != nil {
						errs <- err
						return
					}
				}
			}()
			wg.Wait()
			done.Store(true)
			<-reader
			close(errs)
			for err := range errs {
				t.Fatal(err)
			}
		}

		since := int64(0)
		storm(rounds, func(int) []string { return r.voters }, func(s *store.Store) error {
			mo, err := s.MotionChanges(ctx, r.motion, since)
			if err != nil {
				return err
			}
			var counted jihat.Tally
			for _, c := range mo.Votes {
				counted.Add(c, 1)
			}
			switch t := mo.Tally; {
			case t.Version == since && len(mo.Votes) > 0:
				return fmt.Errorf("overlapping: %d votes changed after %d at version %d", len(mo.Votes), since, t.Version)
			case t.Version == since, t.Version == 1 && len(mo.Votes) == 0:
			case uniform(mo.Votes, r.voters) == "" || t.Accept != counted.Accept || t.Reject != counted.Reject || t.Abstain != counted.Abstain:
				return fmt.Errorf("overlapping: changes after %d at version %d: %v, tally %+v; want all %d voters with one choice, counted",
					since, t.Version, mo.Votes, t, n)
			}
			since = mo.Tally.Version
			return nil
		}, "")

		halves := [][]string{r.voters[:n/2], r.voters[n/2:]}
		start, err := nodes[0].MotionChanges(ctx, r.motion, 0)
		if err != nil {
			t.Fatal(err)
		}
		seen, since := start.Votes, start.Tally.Version
		storm(rounds, func(node int) []string { return halves[node] }, func(s *store.Store) error {
			mo, err := s.MotionChanges(ctx, r.motion, since)
			if err != nil {
				return err
			}
			for h, half := range halves {
				if anyOf(mo.Votes, half) && uniform(mo.Votes, half) == "" {
					return fmt.Errorf("halves: changes after %d at version %d hold part of half %d: %v", since, mo.Tally.Version, h, mo.Votes)
				}
			}
			maps.Copy(seen, mo.Votes)
			since = mo.Tally.Version
			return nil
		}, "")
		mo, err := nodes[1].MotionChanges(ctx, r.motion, since)
		if err != nil {
			t.Fatal(err)
		}
		maps.Copy(seen, mo.Votes)
		if all, err := nodes[0].Motion(ctx, r.motion); err != nil || !maps.Equal(all.Votes, seen) {
			t.Errorf("halves: stored %v, the reader's changes made %v (%v)", all.Votes, seen, err)
		}

		// On SQLite the close's storm is as short as the others: one store
		// looping on the file's write lock can keep the other's connection
		// (the closer's) past its busy timeout (SQLITE_BUSY in CI, 20:43).
		// The close lands within those rounds or after them; both are checked.
		closeRounds := 1000
		if b.Name == "sqlite" {
			closeRounds = rounds
		}
		closed := make(chan struct{})
		go func() {
			defer close(closed)
			if err := closeMotion(ctx, nodes[0], r); err != nil {
				t.Error(err)
			}
		}()
		storm(closeRounds, func(node int) []string { return halves[node][:n/4] }, nil, "meeting_motion_closed")
		<-closed
		final, err := nodes[1].Motion(ctx, r.motion)
		if err != nil {
			t.Fatal(err)
		}
		var counted jihat.Tally
		for _, c := range final.Votes {
			counted.Add(c, 1)
		}
		if f := final.Tally; len(final.Votes) != n || f.Accept != counted.Accept || f.Reject != counted.Reject || f.Abstain != counted.Abstain {
			t.Errorf("close: frozen tally %+v, stored %d votes %+v", f, len(final.Votes), counted)
		}
		if ch, err := nodes[0].MotionChanges(ctx, r.motion, final.Tally.Version); err != nil || len(ch.Votes) != 0 {
			t.Errorf("close: votes changed after the frozen version %d: %v (%v)", final.Tally.Version, ch.Votes, err)
		}
	})
}

// uniform returns the one choice that votes holds for every one of
// voters, or "" when some voter is missing or the choices differ.
func uniform(votes map[string]jihat.Choice, voters []string) jihat.Choice {
	var c jihat.Choice
	for _, u := range voters {
		v, ok := votes[u]
		if !ok || c != "" && v != c {
			return ""
		}
		c = v
	}
	return c
}

// anyOf reports whether votes holds a vote of one of voters.
func anyOf(votes map[string]jihat.Choice, voters []string) bool {
	return slices.ContainsFunc(voters, func(u string) bool { _, ok := votes[u]; return ok })
}
