package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Outbox statuses. A message is pending until a worker claims it; while the
// worker holds it, it is sending and available_at is the end of the lease; it
// ends sent or failed.
const (
	OutboxPending = "pending"
	OutboxSending = "sending"
	OutboxSent    = "sent"
	OutboxFailed  = "failed"
)

// Delivery statuses of one channel of a message.
const (
	DeliverySent   = "sent"   // delivered; never sent again
	DeliveryFailed = "failed" // refused for good (or out of attempts)
	DeliveryRetry  = "retry"  // failed for now; tried again with the message
)

// sealedKey marks an outbox data column that is encrypted (Notice.Secret).
const sealedKey = "$sealed"

// Notice is a notification to queue for one person.
type Notice struct {
	Kind        string
	RecipientID string // in CreateUser, "" means the user being created
	CaseID      string // optional
	Data        map[string]any
	// Secret encrypts Data at rest (a generated password) and erases it once
	// the message is sent or has failed for good.
	Secret bool
}

// OutboxMessage is one message of the outbox.
type OutboxMessage struct {
	ID          string
	Kind        string
	RecipientID string
	CaseID      string
	Data        map[string]any // decoded and, for a secret, decrypted
	Status      string
	Attempts    int // claims so far; also the fencing token of the current claim
	AvailableAt time.Time
	SentAt      time.Time
	LastError   string
	ProviderID  string
	CreatedAt   time.Time
	// Done lists the channels already delivered or refused for good
	// (filled by ClaimOutbox), so a retry sends only what is left.
	Done map[string]bool
}

// Enqueue queues notices on their own, outside any other change.
func (s *Store) Enqueue(ctx context.Context, notices ...Notice) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	return s.tx(ctx, func(tx *gorm.DB) error {
		for _, n := range notices {
			if err := s.enqueueNotice(tx, n, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// enqueueNotice writes one outbox row in tx.
func (s *Store) enqueueNotice(tx *gorm.DB, n Notice, now time.Time) error {
	if n.Kind == "" || n.RecipientID == "" {
		return fmt.Errorf("store: a notice needs a kind and a recipient")
	}
	id := newID()
	raw, err := json.Marshal(n.Data)
	if err != nil {
		return err
	}
	if n.Data == nil {
		raw = []byte("{}")
	}
	if n.Secret {
		sealed, err := s.crypt.seal("outbox:"+id, string(raw))
		if err != nil {
			return err
		}
		if raw, err = json.Marshal(map[string]string{sealedKey: sealed}); err != nil {
			return err
		}
	}
	return tx.Create(&outboxRow{ID: id, Kind: n.Kind, RecipientID: n.RecipientID, CaseID: ptr(n.CaseID), Data: string(raw),
		Status: OutboxPending, AvailableAt: now, CreatedAt: now}).Error
}

// ClaimOutbox reserves up to limit due messages for this worker until
// now+lease and returns them. Due means pending and available, or sending
// with an expired lease (its worker died mid-send: at-least-once). Each claim
// counts one attempt. On PostgreSQL the rows are locked with FOR UPDATE SKIP
// LOCKED, so workers on several nodes never claim the same message at once;
// SQLite has a single writer, which serialises claims.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, limit int, lease time.Duration) ([]OutboxMessage, error) {
	now = now.UTC().Truncate(time.Microsecond)
	var rows []outboxRow
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := tx.Where("status IN ? AND available_at <= ?", []string{OutboxPending, OutboxSending}, now).
			Order("available_at, id").Limit(limit)
		if s.postgre {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		if err := q.Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]string, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
			rows[i].Status, rows[i].Attempts, rows[i].AvailableAt = OutboxSending, rows[i].Attempts+1, now.Add(lease)
		}
		return tx.Model(&outboxRow{}).Where("id IN ?", ids).Updates(map[string]any{
			"status": OutboxSending, "attempts": gorm.Expr("attempts + 1"), "available_at": now.Add(lease)}).Error
	})
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]string, len(rows))
	for i := range rows {
		ids[i] = rows[i].ID
	}
	var done []deliveryRow
	if err := s.db.WithContext(ctx).Where("outbox_id IN ? AND status IN ?", ids, []string{DeliverySent, DeliveryFailed}).
		Find(&done).Error; err != nil {
		return nil, err
	}
	out := make([]OutboxMessage, len(rows))
	for i := range rows {
		if out[i], err = s.outboxMessage(&rows[i]); err != nil {
			return nil, err
		}
		out[i].Done = map[string]bool{}
		for _, d := range done {
			if d.OutboxID == rows[i].ID {
				out[i].Done[d.Channel] = true
			}
		}
	}
	return out, nil
}

// outboxMessage maps a row, decoding (and decrypting) its data.
func (s *Store) outboxMessage(r *outboxRow) (OutboxMessage, error) {
	m := OutboxMessage{ID: r.ID, Kind: r.Kind, RecipientID: r.RecipientID, CaseID: deref(r.CaseID), Status: r.Status,
		Attempts: r.Attempts, AvailableAt: r.AvailableAt, LastError: r.LastError, ProviderID: r.ProviderID, CreatedAt: r.CreatedAt}
	if r.SentAt != nil {
		m.SentAt = *r.SentAt
	}
	if err := json.Unmarshal([]byte(r.Data), &m.Data); err != nil {
		return m, fmt.Errorf("store: outbox %s data: %w", r.ID, err)
	}
	if sealed, ok := m.Data[sealedKey].(string); ok && len(m.Data) == 1 {
		plain, err := s.crypt.open("outbox:"+r.ID, sealed)
		if err != nil {
			return m, err
		}
		m.Data = nil
		if err := json.Unmarshal([]byte(plain), &m.Data); err != nil {
			return m, fmt.Errorf("store: outbox %s data: %w", r.ID, err)
		}
	}
	if m.Data == nil {
		m.Data = map[string]any{}
	}
	return m, nil
}

// Delivery is the outcome of one channel of one message.
type Delivery struct {
	Channel    string
	Status     string // DeliverySent, DeliveryFailed or DeliveryRetry
	ProviderID string // the provider's message ID, when it gave one
	Error      string
	Attempts   int // read back by Deliveries
}

// RecordDelivery records what one channel of message outboxID did in one
// attempt. It is recorded even when the worker's lease has expired
// meanwhile: the delivery happened.
func (s *Store) RecordDelivery(ctx context.Context, outboxID string, d Delivery) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	return upsertDeliveries(s.db.WithContext(ctx), []deliveryRow{deliveryRowOf(outboxID, d, now)})
}

// Deliveries returns the state of each channel of message outboxID.
func (s *Store) Deliveries(ctx context.Context, outboxID string) ([]Delivery, error) {
	var rows []deliveryRow
	if err := s.db.WithContext(ctx).Where("outbox_id = ?", outboxID).Order("channel").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Delivery, len(rows))
	for i, r := range rows {
		out[i] = Delivery{Channel: r.Channel, Status: r.Status, ProviderID: r.ProviderID, Error: r.LastError, Attempts: r.Attempts}
	}
	return out, nil
}

// OutboxOutcome ends one claim of a message.
type OutboxOutcome struct {
	Status     string    // OutboxSent, OutboxFailed, or OutboxPending to retry
	RetryAt    time.Time // when pending: the next attempt
	LastError  string
	ProviderID string
}

// FinishOutbox ends the claim attempt of message id with o. It changes
// nothing and reports false when the claim is no longer this worker's (its
// lease expired and another worker claimed the message again). A secret
// message's data is erased once it is sent or failed.
func (s *Store) FinishOutbox(ctx context.Context, id string, attempt int, o OutboxOutcome) (bool, error) {
	return finishOutbox(s.db.WithContext(ctx), id, attempt, o, s.now().UTC().Truncate(time.Microsecond))
}

// finishOutbox is FinishOutbox in db, at now.
func finishOutbox(db *gorm.DB, id string, attempt int, o OutboxOutcome, now time.Time) (bool, error) {
	updates := map[string]any{"status": o.Status, "last_error": truncateText(o.LastError, 2000), "provider_id": o.ProviderID}
	switch o.Status {
	case OutboxPending:
		updates["available_at"] = o.RetryAt.UTC().Truncate(time.Microsecond)
	case OutboxSent, OutboxFailed:
		updates["available_at"] = now
		if o.Status == OutboxSent {
			updates["sent_at"] = now
		}
		updates["data"] = gorm.Expr("CASE WHEN data LIKE ? THEN '{}' ELSE data END", `{"`+sealedKey+`"%`)
	default:
		return false, fmt.Errorf("store: outbox status %q", o.Status)
	}
	res := db.Model(&outboxRow{}).Where("id = ? AND status = ? AND attempts = ?", id, OutboxSending, attempt).
		Updates(updates)
	return res.RowsAffected == 1, res.Error
}

// OutboxMessage returns message id as stored (for operators and tests).
func (s *Store) OutboxMessage(ctx context.Context, id string) (*OutboxMessage, error) {
	var r outboxRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	m, err := s.outboxMessage(&r)
	return &m, err
}

// OutboxFor returns the messages queued for one person, oldest first.
func (s *Store) OutboxFor(ctx context.Context, recipientID string) ([]OutboxMessage, error) {
	var rows []outboxRow
	if err := s.db.WithContext(ctx).Where("recipient_id = ?", recipientID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]OutboxMessage, len(rows))
	for i := range rows {
		var err error
		if out[i], err = s.outboxMessage(&rows[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// truncateText cuts s to at most n bytes without splitting a UTF-8
// sequence, and drops invalid UTF-8 (PostgreSQL refuses it).
func truncateText(s string, n int) string {
	if len(s) > n {
		for n > 0 && s[n]&0xC0 == 0x80 {
			n--
		}
		s = s[:n]
	}
	return strings.ToValidUTF8(s, "")
}
