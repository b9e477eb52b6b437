package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// The audit log is a hash chain (jihat.AuditEntry): each row links to the
// one before it. Linking a row needs the true previous row, which would make
// every audited transaction wait for every other one until commit (a global
// lock held across the commit's flush). So the commit path only writes the
// entry, unlinked, to audit_pending; a chainer links pending entries into
// audit_log after they commit, in batches, under a lock of its own
// (an advisory lock on PostgreSQL, so chainers on several nodes take turns).
// The chain order is the order in which the chainer sees the entries
// (their pending id), not their commit order, so an entry that commits late
// is linked late; each keeps the time of its action (At).
//
// Readers of the log (AuditLog, VerifyAudit) chain first, so they see every
// committed entry. Between commit and chaining (milliseconds; the chainer is
// woken after every commit and polls every chainPoll) an entry is not yet
// protected by the chain: that window is what this design trades for
// throughput.

// chainBatch is how many pending entries one chaining transaction links.
const chainBatch = 500

// chainGap is the least time between two chaining passes.
const chainGap = 50 * time.Millisecond

// chainPoll is how often the chainer looks for entries written by other
// nodes or missed by a wake-up.
const chainPoll = time.Second

// appendAudit writes e, unlinked, inside tx; the chainer links it after
// commit (kicked by s.tx).
func (s *Store) appendAudit(tx *gorm.DB, e jihat.AuditEntry) error {
	row := s.auditRow(tx, e)
	return tx.Create(&row).Error
}

// auditRow is the pending row of entry e, to be inserted in tx (which is
// marked so that the chainer is woken after its commit).
func (s *Store) auditRow(tx *gorm.DB, e jihat.AuditEntry) auditPendingRow {
	if e.Details == "" {
		e.Details = "{}"
	}
	e.At = s.now().UTC().Truncate(time.Microsecond)
	s.chainer.start(s)
	if f, ok := tx.Statement.Context.Value(auditFlagKey{}).(*bool); ok {
		*f = true // s.tx kicks the chainer after commit
	}
	return auditPendingRow{ActorID: e.ActorID, Action: e.Action, Target: e.Target, IP: e.IP,
		UserAgent: e.UserAgent, Details: e.Details, At: e.At.UTC()}
}

// Audit appends one entry on its own (for events with no other write, such as
// a login or a failed login).
func (s *Store) Audit(ctx context.Context, e jihat.AuditEntry) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return s.appendAudit(tx, e) })
}

// ChainAudit links every committed pending entry into the chain and returns
// how many it linked.
func (s *Store) ChainAudit(ctx context.Context) (int, error) {
	total := 0
	for {
		n, err := s.chainOnce(ctx)
		total += n
		if err != nil || n < chainBatch {
			return total, err
		}
	}
}

// chainOnce links up to chainBatch pending entries in one transaction.
func (s *Store) chainOnce(ctx context.Context) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if s.postgre {
			if err := tx.Exec("SELECT pg_advisory_xact_lock(7202)").Error; err != nil {
				return err
			}
		}
		var pending []auditPendingRow
		if err := tx.Order("id").Limit(chainBatch).Find(&pending).Error; err != nil || len(pending) == 0 {
			return err
		}
		var last auditRow
		err := tx.Order("seq DESC").Limit(1).Take(&last).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		rows := make([]auditRow, len(pending))
		ids := make([]int64, len(pending))
		for i, p := range pending {
			e := jihat.AuditEntry{Seq: last.Seq + 1, PrevHash: last.Hash, ActorID: p.ActorID, Action: p.Action,
				Target: p.Target, IP: p.IP, UserAgent: p.UserAgent, Details: p.Details, At: p.At.UTC()}
			e.Hash = e.ComputeHash()
			rows[i] = auditRow{Seq: e.Seq, ActorID: e.ActorID, Action: e.Action, Target: e.Target, IP: e.IP,
				UserAgent: e.UserAgent, Details: e.Details, At: e.At, PrevHash: e.PrevHash, Hash: e.Hash}
			last, ids[i] = rows[i], p.ID
		}
		if err := tx.CreateInBatches(rows, 100).Error; err != nil {
			return err
		}
		if err := tx.Where("id IN ?", ids).Delete(&auditPendingRow{}).Error; err != nil {
			return err
		}
		n = len(rows)
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// auditFlagKey marks, in the context of a transaction run by s.tx, that
// the transaction appended an audit entry.
type auditFlagKey struct{}

// chainer runs ChainAudit in the background: after each commit (kick) and
// every chainPoll. It starts with the first audited write, so a store that
// never writes (or is not migrated yet) runs nothing.
type chainer struct {
	once      sync.Once
	started   atomic.Bool // set by start's once; close waits for run only then
	closeOnce sync.Once
	wake      chan struct{}
	stop      chan struct{}
	done      chan struct{}
}

func newChainer() *chainer {
	return &chainer{wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
}

func (c *chainer) start(s *Store) {
	c.once.Do(func() { c.started.Store(true); go c.run(s) })
}

// kick asks the chainer to look for pending entries (never blocks).
func (c *chainer) kick() {
	select {
	case c.wake <- struct{}{}:
	default:
	}
}

func (c *chainer) run(s *Store) {
	defer close(c.done)
	t := time.NewTicker(chainPoll)
	defer t.Stop()
	for {
		select {
		case <-c.stop:
			return
		case <-c.wake:
		case <-t.C:
		}
		if _, err := s.ChainAudit(context.Background()); err != nil {
			s.log.Warn("audit chainer", "err", err)
		}
		// Let entries gather before the next pass: woken after every
		// commit, the chainer would otherwise spend a transaction (four
		// statements) per group commit to link one or two entries.
		select {
		case <-c.stop:
			return
		case <-time.After(chainGap):
		}
	}
}

// close stops the chainer (if it started) and links what is left. It may be
// called more than once: a store that is closed twice (as tests do) must not
// wait a second time, nor wait for a run that never started.
func (c *chainer) close(s *Store) {
	c.once.Do(func() {}) // no start after close
	if !c.started.Load() {
		return
	}
	first := false
	c.closeOnce.Do(func() { first = true; close(c.stop) })
	if !first {
		return
	}
	<-c.done
	if _, err := s.ChainAudit(context.Background()); err != nil {
		s.log.Warn("audit chainer: final pass", "err", err)
	}
}

// VerifyAudit links what is pending, then walks the whole chain in batches
// and returns the sequence number of the first broken row (0 when intact)
// and how many rows it checked. A changed row breaks its own hash, a removed
// row leaves a hole in the sequence (or, at the end, is missing from the
// next row's link), and rows swapped in place break their links.
func (s *Store) VerifyAudit(ctx context.Context) (firstBad, checked int64, err error) {
	if _, err := s.ChainAudit(ctx); err != nil {
		return 0, 0, err
	}
	const batch = 1000
	prev, after := "", int64(0)
	for {
		var rows []auditRow
		if err := s.db.WithContext(ctx).Where("seq > ?", after).Order("seq").Limit(batch).Find(&rows).Error; err != nil {
			return 0, checked, err
		}
		if len(rows) == 0 {
			return 0, checked, nil
		}
		entries := make([]jihat.AuditEntry, len(rows))
		for i, r := range rows {
			entries[i] = auditEntry(r)
			if r.Seq != after+int64(i)+1 { // a deleted row leaves a hole
				return after + int64(i) + 1, checked + int64(i), nil
			}
		}
		if bad := jihat.VerifyChain(entries, prev); bad != 0 {
			return bad, checked + bad - after - 1, nil
		}
		checked += int64(len(rows))
		prev, after = rows[len(rows)-1].Hash, rows[len(rows)-1].Seq
	}
}

// AuditLog links what is pending, then returns entries newest first, before
// seq `before` (0 = latest).
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]jihat.AuditEntry, error) {
	if _, err := s.ChainAudit(ctx); err != nil {
		return nil, err
	}
	q := s.db.WithContext(ctx).Order("seq DESC").Limit(limit)
	if before > 0 {
		q = q.Where("seq < ?", before)
	}
	var rows []auditRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.AuditEntry, len(rows))
	for i, r := range rows {
		out[i] = auditEntry(r)
	}
	return out, nil
}

func auditEntry(r auditRow) jihat.AuditEntry {
	return jihat.AuditEntry{Seq: r.Seq, ActorID: r.ActorID, Action: r.Action, Target: r.Target, IP: r.IP,
		UserAgent: r.UserAgent, Details: r.Details, At: r.At, PrevHash: r.PrevHash, Hash: r.Hash}
}
