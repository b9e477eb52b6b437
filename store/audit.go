package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// appendAudit adds e to the hash chain inside tx. The chain head is read under
// a lock (an advisory transaction lock on PostgreSQL; SQLite has a single
// writer), so concurrent writers always link to the true previous row.
func (s *Store) appendAudit(tx *gorm.DB, e jihat.AuditEntry) error {
	if s.postgre {
		if err := tx.Exec("SELECT pg_advisory_xact_lock(7202)").Error; err != nil {
			return err
		}
	}
	var last auditRow
	err := tx.Order("seq DESC").Limit(1).Take(&last).Error
	if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
		return err
	}
	if e.Details == "" {
		e.Details = "{}"
	}
	e.Seq = last.Seq + 1
	e.PrevHash = last.Hash
	e.At = s.now().UTC().Truncate(time.Microsecond)
	e.Hash = e.ComputeHash()
	return tx.Create(&auditRow{
		Seq: e.Seq, ActorID: e.ActorID, Action: e.Action, Target: e.Target, IP: e.IP,
		UserAgent: e.UserAgent, Details: e.Details, At: e.At, PrevHash: e.PrevHash, Hash: e.Hash,
	}).Error
}

// Audit appends one entry on its own (for events with no other write, such as
// a login or a failed login).
func (s *Store) Audit(ctx context.Context, e jihat.AuditEntry) error {
	return s.tx(ctx, func(tx *gorm.DB) error { return s.appendAudit(tx, e) })
}

// VerifyAudit walks the whole chain in batches and returns the sequence number
// of the first broken row (0 when intact) and how many rows it checked.
func (s *Store) VerifyAudit(ctx context.Context) (firstBad, checked int64, err error) {
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

// AuditLog returns entries newest first, before seq `before` (0 = latest).
func (s *Store) AuditLog(ctx context.Context, before int64, limit int) ([]jihat.AuditEntry, error) {
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
