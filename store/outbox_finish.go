package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The notifications worker's writes, for a whole claimed batch at once: one
// transaction for the batch's in-app notifications and one for its
// deliveries and outcomes, instead of three or four per message (on SQLite
// every one of them queues for the single writer; on PostgreSQL every one
// is a commit).

// AddNotifications stores in-app notifications, each once: one that exists
// already (a message delivered again) is left as it is. It fills each
// CreatedAt left zero.
func (s *Store) AddNotifications(ctx context.Context, ns []*Notification) error {
	if len(ns) == 0 {
		return nil
	}
	now := s.now().UTC().Truncate(time.Microsecond)
	rows := make([]notificationRow, len(ns))
	for i, n := range ns {
		rows[i] = notificationRowOf(n, now)
		n.CreatedAt = rows[i].CreatedAt
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error
}

// notificationRowOf maps n, stamped now unless it has a creation time.
func notificationRowOf(n *Notification, now time.Time) notificationRow {
	row := notificationRow{ID: n.ID, UserID: n.UserID, Kind: n.Kind, Title: n.Title, Body: n.Body, CaseID: ptr(n.CaseID),
		CreatedAt: n.CreatedAt.UTC().Truncate(time.Microsecond)}
	if row.CreatedAt.IsZero() {
		row.CreatedAt = now
	}
	return row
}

// OutboxFinish is what a worker did with one claimed message: what each
// channel tried did, and how the claim ends.
type OutboxFinish struct {
	ID         string
	Attempt    int // the claim's fencing token (OutboxMessage.Attempts)
	Deliveries []Delivery
	Outcome    OutboxOutcome
}

// FinishOutboxBatch records the deliveries and ends the claims of fs in one
// transaction, and reports for each message whether its claim was still
// this worker's (as FinishOutbox does; its deliveries are recorded either
// way, as RecordDelivery does). On error nothing is recorded.
func (s *Store) FinishOutboxBatch(ctx context.Context, fs []OutboxFinish) ([]bool, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var rows []deliveryRow
	for _, f := range fs {
		for _, d := range f.Deliveries {
			rows = append(rows, deliveryRowOf(f.ID, d, now))
		}
	}
	ok := make([]bool, len(fs))
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := upsertDeliveries(tx, rows); err != nil {
			return err
		}
		for i, f := range fs {
			var err error
			if ok[i], err = finishOutbox(tx, f.ID, f.Attempt, f.Outcome, now); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return ok, nil
}

// deliveryRowOf is the row of what channel d of message outboxID did in one
// attempt, at now.
func deliveryRowOf(outboxID string, d Delivery, now time.Time) deliveryRow {
	row := deliveryRow{OutboxID: outboxID, Channel: d.Channel, Status: d.Status, Attempts: 1, ProviderID: d.ProviderID,
		LastError: truncateText(d.Error, 2000), UpdatedAt: now}
	if d.Status == DeliverySent {
		row.SentAt = &now
	}
	return row
}

// upsertDeliveries writes rows, one statement on PostgreSQL and one per
// sqliteUpsertRows rows on SQLite: a channel tried before counts one more
// attempt and takes the new state.
func upsertDeliveries(db *gorm.DB, rows []deliveryRow) error {
	per := len(rows)
	if db.Dialector.Name() != "postgres" {
		per = sqliteUpsertRows
	}
	retried := clause.OnConflict{
		Columns: []clause.Column{{Name: "outbox_id"}, {Name: "channel"}},
		DoUpdates: append(clause.AssignmentColumns([]string{"status", "provider_id", "last_error", "sent_at", "updated_at"}),
			clause.Assignment{Column: clause.Column{Name: "attempts"}, Value: gorm.Expr("outbox_deliveries.attempts + 1")}),
	}
	for len(rows) > 0 {
		part := rows[:min(per, len(rows))]
		rows = rows[len(part):]
		if err := db.Clauses(retried).Create(&part).Error; err != nil {
			return err
		}
	}
	return nil
}

// sqliteUpsertRows bounds the rows of one delivery upsert on SQLite. Its
// driver (glebarez/go-sqlite) finds each parameter's value by scanning all
// of them, so binding a statement costs the square of its parameters: a
// batch of 27 messages × 3 channels (~650 parameters) spent 0.48 s of 8 in
// binding alone at 540 comments/s, 6 % of the server. Sixteen rows (128
// parameters) bind in a fifth of that for one more statement each.
const sqliteUpsertRows = 16
