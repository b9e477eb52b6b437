package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// A group without savepoints. Most groups are made of changes that all
// succeed (comments, mostly), so a group first runs its changes one after
// another with no savepoint around each, which costs two statements (two
// round trips on PostgreSQL) per change:
//
//   - the group's cases are loaded and locked in one statement, in ID order
//     (two groups never wait on each other's cases in opposite orders), and
//     their channel counters are read in one more; a case changed twice in
//     the group is handed to its second change as the first left it;
//   - every change counts its events' sequence numbers in memory: a case's
//     channels move only under the case's row lock, which the group holds;
//     the counters are written at the end in one upsert (rowBuf.counters);
//   - a change whose rules refuse it, or whose statement fails, aborts the
//     whole transaction (it may have written something already): it keeps
//     its error, and the group runs again without it, from scratch. A
//     change's fn must therefore be safe to run again: it may only change
//     the case it is given, record through the CaseTx, and set variables of
//     its caller that every run sets anew (the server's services do). After
//     maxFastRuns such runs, the rest of the group runs with a savepoint per
//     change (commitSaved), as groups did before.

// maxFastRuns bounds the runs of one group without savepoints.
const maxFastRuns = 3

// groupState is what a group without savepoints keeps in memory.
type groupState struct {
	groupCache
	cases map[string]jihat.Case // the group's cases, as its changes so far left them
	seqs  map[string]int64      // the last sequence number of their channels
	moved map[string]bool       // channels whose counter moved
	// touched are the cases whose two times a change moved and nothing
	// else of the row: written together at the end (group_touch.go).
	touched map[string]bool
	// wordKeys are, on SQLite, the last comment search key of each of the
	// group's cases and the first key past its range (search_comments.go).
	wordKeys map[string]*[2]int64
}

// wordKey numbers the next comment search row of case id (SQLite): false
// when the case's range is full (the comment is then not indexed, as
// indexComment does).
func (g *groupState) wordKey(id string) (int64, bool) {
	w := g.wordKeys[id]
	if w == nil || w[0]+1 >= w[1] {
		return 0, false
	}
	w[0]++
	return w[0], true
}

// nextSeq counts the next sequence number of channel, one of the group's
// cases' channels.
func (g *groupState) nextSeq(channel string) (int64, error) {
	last, ok := g.seqs[channel]
	if !ok {
		return 0, fmt.Errorf("store: channel %s is not one of the group's cases'", channel)
	}
	g.seqs[channel] = last + 1
	g.moved[channel] = true
	return last + 1, nil
}

// counters returns the moved counters as rows to upsert, by channel.
func (g *groupState) counters() []channelSeqRow {
	out := make([]channelSeqRow, 0, len(g.moved))
	for ch := range g.moved {
		out = append(out, channelSeqRow{Channel: ch, LastSeq: g.seqs[ch]})
	}
	slices.SortFunc(out, func(a, b channelSeqRow) int { return cmp.Compare(a.Channel, b.Channel) })
	return out
}

// groupIDs are the existing cases group changes, in ID order.
func groupIDs(group []*caseChange) []string {
	var ids []string
	seen := map[string]bool{}
	for _, ch := range group {
		if ch.create == nil && !seen[ch.id] {
			seen[ch.id] = true
			ids = append(ids, ch.id)
		}
	}
	slices.Sort(ids)
	return ids
}

// newGroupState is the state of a group whose cases, locked, are rows and
// whose channels' counters are seqs.
func newGroupState(rows []caseRow, seqs []channelSeqRow) *groupState {
	g := &groupState{groupCache: newGroupCache(), cases: map[string]jihat.Case{}, seqs: map[string]int64{}, moved: map[string]bool{}}
	for _, r := range rows {
		g.cases[r.ID] = caseFromRow(r)
		for _, v := range []jihat.Visibility{jihat.VisibilityPublic, jihat.VisibilityInternal} {
			g.seqs[jihat.CaseEventChannel(r.ID, v)] = 0
		}
	}
	for _, r := range seqs {
		if _, ok := g.seqs[r.Channel]; ok {
			g.seqs[r.Channel] = r.LastSeq
		}
	}
	return g
}

// commitFast runs live in one transaction without savepoints. When one of
// its changes fails, it returns that change (with its error; the
// transaction rolled back, nothing of the group stored); otherwise the
// transaction's error, nil when the group committed.
func (s *Store) commitFast(ctx context.Context, live []*caseChange, now time.Time) (failed *caseChange, err error) {
	buf := &rowBuf{}
	// run runs the changes on tx and writes their rows; on PostgreSQL it
	// may return the last statement instead, to go with COMMIT.
	run := func(tx *gorm.DB, g *groupState) (*sqlPart, error) {
		for _, ch := range live {
			if ch.create != nil {
				ch.events, ch.err = s.createCaseIn(tx, buf, g, ch.create, ch.number, now, ch.audit, ch.fn)
				ch.c = ch.create
			} else if c, ok := g.cases[ch.id]; !ok {
				ch.err = jihat.Errorf(jihat.ENOTFOUND, "not_found") // nothing run, nothing written
			} else if ch.c, ch.events, ch.err = s.changeCase(tx, buf, g, c, ch.audit, ch.fn); ch.err == nil {
				g.cases[ch.id] = *ch.c
			}
			if ch.err != nil {
				ch.c, ch.events = nil, nil
				if ch.create == nil && !hasCase(g, ch.id) {
					continue
				}
				failed = ch
				return nil, ch.err
			}
		}
		buf.counters, buf.touches = g.counters(), g.touches()
		if s.postgre {
			last, done, err := flushOne(tx, buf, &g.groupCache, !g.usersMoved())
			if err != nil || done {
				if err != nil {
					return nil, err
				}
				return last, g.flushUsers(tx, true)
			}
		}
		if err := buf.flush(tx); err != nil {
			return nil, err
		}
		return nil, g.flush(tx, s.postgre)
	}
	if s.postgre {
		err = s.pipelinedGroupTx(ctx, groupIDs(live), run)
	} else {
		err = s.tx(ctx, func(tx *gorm.DB) error {
			g, err := s.loadGroup(tx, live)
			if err != nil {
				return err
			}
			_, err = run(tx, g)
			return err
		})
	}
	if failed != nil {
		return failed, nil
	}
	return nil, err
}

func hasCase(g *groupState, id string) bool {
	_, ok := g.cases[id]
	return ok
}
