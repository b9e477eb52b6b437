package store

import (
	"context"
	"hash/fnv"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// Group commit of case changes. Every UpdateCase joins a queue; a committer
// takes every change queued at that moment (up to maxGroup), runs them one
// after another in ONE transaction, each inside a savepoint (a change whose
// rules refuse it, or whose statement fails, is rolled back alone and its
// caller gets the error), and commits once: one flush for the whole group
// instead of one per change. A caller is answered only after that commit, so
// an answered change is durable.
//
// A case always goes to the same committer (its shard), so the changes of one
// case, and the events of its channels, are committed and then handed to
// their After hooks (publishing to the live hub) in sequence order: a
// subscriber never sees sequence n+1 before n. Committing the next group and
// publishing the last one overlap (a publisher goroutine per shard).
//
// SQLite has one writer, so it gets one committer; PostgreSQL gets
// pgCommitters, which commit in parallel (different cases).

// maxGroup bounds the changes of one transaction, so that a very long queue
// still commits (and answers) in steps.
const maxGroup = 256

// pgCommitters is how many committers (and so transactions at once) serve
// case changes on PostgreSQL. Once the per-comment statements had gone
// (touches, one WITH statement, batched session reads), end to end on two
// cores 1 and 2 committers took 1,060–1,350 comments/s, 4 took 920–1,020 and
// 8 took 820 (persist-bench.sh, one window, load 6–11): fewer, bigger groups
// cost less per comment. Session 5 kept 2 (a slow group then holds up half
// the cases, not all; case creation was 1,500/s with 2, 1,200 with 1). Once
// a group's rows went as arrays (group_arrays.go), 1 committer took
// 1,340–1,484 comments/s at 0.17–0.18 ms of PostgreSQL CPU per comment
// against 1,144–1,395 at 0.21–0.28 with 2 (alternating, load 15–18), and
// case creation (8 departments, 64 creators) 1,432–1,655/s against
// 1,355–1,754: 1.
var pgCommitters = 1

// caseChange is one UpdateCase, or one CreateCase (create not nil),
// waiting for its group.
type caseChange struct {
	ctx    context.Context
	id     string
	create *jihat.Case
	number int64 // create on PostgreSQL: its number, taken before the group's transaction
	audit  jihat.AuditEntry
	fn     func(m *CaseTx) error
	after  func(c *jihat.Case, events []jihat.CaseEvent)

	c      *jihat.Case
	events []jihat.CaseEvent
	err    error
	done   chan struct{}
	queued time.Time // when it joined the queue (group_timing.go)
}

type committers struct {
	groups, changes atomic.Int64 // committed transactions, changes in them
	once            sync.Once
	shards          []*committer
	stop            chan struct{}
	wg              sync.WaitGroup
	mu              sync.RWMutex // senders hold it for reading; close for writing
	closed          bool
}

func newCommitters() *committers { return &committers{stop: make(chan struct{})} }

type committer struct {
	in  chan *caseChange
	pub chan committedGroup
}

// UpdateCase loads case id under a row lock, runs fn, and saves what fn
// changed together with its events, notifications and the audit entry a, in
// a group commit with the other changes that arrive at the same time. It
// returns, once committed, the saved case and the events to publish.
//
// fn may run more than once (a group runs again without a change of it
// that failed, see group_fast.go): each run gets the case afresh, and fn
// must not keep anything of an earlier run.
func (s *Store) UpdateCase(ctx context.Context, id string, a jihat.AuditEntry, fn func(m *CaseTx) error) (*jihat.Case, []jihat.CaseEvent, error) {
	return s.UpdateCaseThen(ctx, id, a, fn, nil)
}

// UpdateCaseThen is UpdateCase with a hook: after, when not nil and the
// change committed, is called with the saved case and its events before
// UpdateCaseThen returns, in commit order among the changes of the same case
// (the place to publish them). after must not call back into the store's
// case changes.
func (s *Store) UpdateCaseThen(ctx context.Context, id string, a jihat.AuditEntry, fn func(m *CaseTx) error,
	after func(c *jihat.Case, events []jihat.CaseEvent)) (*jihat.Case, []jihat.CaseEvent, error) {
	ch := &caseChange{ctx: ctx, id: id, audit: a, fn: fn, after: after}
	s.queueChange(ch, id)
	return ch.c, ch.events, ch.err
}

// queueChange puts ch in the queue of key's committer and waits for its
// answer.
func (s *Store) queueChange(ch *caseChange, key string) {
	if err := ch.ctx.Err(); err != nil {
		ch.err = err
		return
	}
	ch.done = make(chan struct{})
	ch.queued = time.Now() // real time: how long it waits (group_timing.go)
	g := s.group
	g.once.Do(func() { g.start(s) })
	g.mu.RLock()
	if g.closed {
		g.mu.RUnlock()
		ch.err = errClosed
		return
	}
	g.shards[shardOf(key, len(g.shards))].in <- ch
	g.mu.RUnlock()
	// Wait for the answer even if ctx ends: once queued, the change may
	// commit, and the caller must not report a failure for a stored change.
	<-ch.done
}

// GroupCommitStats returns how many group transactions have run and how
// many case changes they carried (their ratio is the mean group size).
func (s *Store) GroupCommitStats() (groups, changes int64) {
	return s.group.groups.Load(), s.group.changes.Load()
}

var errClosed = jihat.Errorf(jihat.EUNAVAILABLE, "unavailable")

func shardOf(id string, n int) int {
	if n == 1 {
		return 0
	}
	h := fnv.New32a()
	h.Write([]byte(id))
	return int(h.Sum32() % uint32(n))
}

func (g *committers) start(s *Store) {
	n := 1
	if s.postgre {
		n = pgCommitters
	}
	for i := 0; i < n; i++ {
		c := &committer{in: make(chan *caseChange, maxGroup), pub: make(chan committedGroup, 4)}
		g.shards = append(g.shards, c)
		g.wg.Add(2)
		go func() { defer g.wg.Done(); c.commitLoop(s, g.stop) }()
		go func() { defer g.wg.Done(); c.publishLoop(s.log) }()
	}
}

// close stops the committers after the groups under way; changes still
// queued are answered with EUNAVAILABLE.
func (g *committers) close() {
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		return
	}
	g.closed = true
	close(g.stop)
	g.mu.Unlock()
	g.wg.Wait()
	for _, c := range g.shards {
		for {
			select {
			case ch := <-c.in:
				ch.err = errClosed
				close(ch.done)
				continue
			default:
			}
			break
		}
	}
}

func (c *committer) commitLoop(s *Store, stop chan struct{}) {
	defer close(c.pub)
	for {
		var first *caseChange
		select {
		case first = <-c.in:
		case <-stop:
			return
		}
		group := []*caseChange{first}
	drain:
		for len(group) < maxGroup {
			select {
			case ch := <-c.in:
				group = append(group, ch)
			default:
				break drain
			}
		}
		began := time.Now()
		s.commitGroup(group)
		s.group.groups.Add(1)
		s.group.changes.Add(int64(len(group)))
		c.pub <- committedGroup{changes: group, began: began, committed: time.Now()}
	}
}

// publishLoop runs the After hooks of committed groups and answers their
// callers: the hooks of one case in commit order, those of different cases
// of a group at the same time (a hook may wait on the network: the server
// publishes to Redis there), each group's before the next group's.
func (c *committer) publishLoop(log *slog.Logger) {
	for cg := range c.pub {
		hooked := time.Now()
		c.runHooks(cg.changes)
		cg.log(log, hooked)
	}
}

// runHooks runs the After hooks of one committed group and answers its
// callers.
func (c *committer) runHooks(group []*caseChange) {
	var order []string
	byCase := map[string][]*caseChange{}
	for _, ch := range group {
		if ch.err != nil || ch.after == nil {
			close(ch.done)
			continue
		}
		if byCase[ch.id] == nil {
			order = append(order, ch.id)
		}
		byCase[ch.id] = append(byCase[ch.id], ch)
	}
	run := func(chs []*caseChange) {
		for _, ch := range chs {
			ch.after(ch.c, ch.events)
			close(ch.done)
		}
	}
	if len(order) == 1 {
		run(byCase[order[0]])
		return
	}
	var wg sync.WaitGroup
	for _, id := range order {
		wg.Go(func() { run(byCase[id]) })
	}
	wg.Wait()
}

// commitGroup runs the changes of group in one transaction and records
// each one's result: first without savepoints (commitFast, group_fast.go),
// then, when changes keep failing, each in a savepoint (commitSaved). The
// rows the changes only insert are buffered and written together before
// commit (rowBuf). When the transaction itself fails, every change that had
// succeeded gets its error: nothing of the group was stored.
func (s *Store) commitGroup(group []*caseChange) {
	live := group[:0:0]
	for _, ch := range group {
		if err := ch.ctx.Err(); err != nil {
			ch.err = err // the caller gave up before its turn: nothing written
			continue
		}
		live = append(live, ch)
	}
	if len(live) == 0 {
		return
	}
	ctx := context.WithoutCancel(live[0].ctx)
	now := s.now().UTC().Truncate(time.Microsecond)
	if err := s.numberCases(ctx, live, now.Year()); err != nil {
		for _, ch := range live {
			ch.err = err
		}
		return
	}
	// The new cases as they came, for a run again (fn changes them).
	created := make(map[*caseChange]jihat.Case)
	for _, ch := range live {
		if ch.create != nil {
			created[ch] = *ch.create
		}
	}
	for run := 0; len(live) > 0; run++ {
		if run == maxFastRuns {
			s.commitSaved(ctx, live, now)
			return
		}
		failed, err := s.commitFast(ctx, live, now)
		if failed == nil {
			if err != nil {
				for _, ch := range live {
					if ch.err == nil {
						ch.c, ch.events, ch.err = nil, nil, err
					}
				}
			}
			return
		}
		// failed keeps its error; the others run again without it.
		rest := live[:0:0]
		for _, ch := range live {
			if ch == failed {
				continue
			}
			ch.c, ch.events, ch.err = nil, nil, nil
			if ch.create != nil {
				*ch.create = created[ch]
			}
			rest = append(rest, ch)
		}
		live = rest
	}
}

// commitSaved runs live in one transaction, each change in a savepoint when
// there are several (a refused or failing change is rolled back alone).
func (s *Store) commitSaved(ctx context.Context, live []*caseChange, now time.Time) {
	buf := &rowBuf{}
	one := len(live) == 1
	err := s.tx(ctx, func(tx *gorm.DB) error {
		for _, ch := range live {
			if !one {
				if err := tx.SavePoint("g").Error; err != nil {
					return err
				}
			}
			mark := buf.mark()
			if ch.create != nil {
				ch.events, ch.err = s.createCaseIn(tx, buf, nil, ch.create, ch.number, now, ch.audit, ch.fn)
				ch.c = ch.create
			} else {
				ch.c, ch.events, ch.err = s.updateCaseIn(tx, buf, ch.id, ch.audit, ch.fn)
			}
			if ch.err != nil {
				ch.c, ch.events = nil, nil
				buf.truncate(mark)
				if one {
					return ch.err
				}
				if err := tx.RollbackTo("g").Error; err != nil {
					return err
				}
			}
			if !one {
				if err := tx.Exec("RELEASE SAVEPOINT g").Error; err != nil {
					return err
				}
			}
		}
		return buf.flush(tx)
	})
	if err != nil {
		for _, ch := range live {
			if ch.err == nil {
				ch.c, ch.events, ch.err = nil, nil, err
			}
		}
	}
}

// numberCases gives the new cases of a group their numbers on PostgreSQL:
// one statement for all, outside the transaction, so the counter row is
// locked only for that statement (a creation that then fails leaves a gap
// in the numbers, never a duplicate). On SQLite each creation takes its
// number inside the transaction (createCaseIn).
func (s *Store) numberCases(ctx context.Context, group []*caseChange, year int) error {
	if !s.postgre {
		return nil
	}
	n := 0
	for _, ch := range group {
		if ch.create != nil {
			n++
		}
	}
	if n == 0 {
		return nil
	}
	last, err := s.nextCounters(s.db.WithContext(ctx), year, n)
	if err != nil {
		return err
	}
	next := last - int64(n) + 1
	for _, ch := range group {
		if ch.create != nil {
			ch.number = next
			next++
		}
	}
	return nil
}
