package store

import (
	"context"
	"time"

	"gorm.io/gorm/clause"
)

// workIntervalRow is a stretch of time a user was online (a live socket
// open) or active (acting in the app), recorded by the server's activity
// tracker (migration 61). An interval still running has the end last
// written; the tracker extends it every few minutes, so a node that dies
// loses at most that much.
type workIntervalRow struct {
	ID      string    `gorm:"primaryKey;size:64"`
	UserID  string    `gorm:"size:36;not null;index:idx_work_user,priority:1"`
	Kind    string    `gorm:"size:8;not null"` // online, active
	StartAt time.Time `gorm:"not null;index:idx_work_user,priority:2"`
	EndAt   time.Time `gorm:"not null"`
}

func (workIntervalRow) TableName() string { return "work_intervals" }

// WorkInterval is one online or active stretch of a user.
type WorkInterval struct {
	ID     string
	UserID string
	Kind   string // "online" or "active"
	Start  time.Time
	End    time.Time
}

// Kinds of work intervals.
const (
	WorkOnline = "online"
	WorkActive = "active"
)

// SaveWorkIntervals inserts intervals, or moves the end of those already
// written (same ID), in one statement.
func (s *Store) SaveWorkIntervals(ctx context.Context, ivs []WorkInterval) error {
	if len(ivs) == 0 {
		return nil
	}
	rows := make([]workIntervalRow, len(ivs))
	for i, v := range ivs {
		rows[i] = workIntervalRow{ID: v.ID, UserID: v.UserID, Kind: v.Kind, StartAt: v.Start.UTC(), EndAt: v.End.UTC()}
	}
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "id"}},
		DoUpdates: clause.AssignmentColumns([]string{"end_at"})}).Create(&rows).Error
}

// WorkIntervals returns the intervals of the users that overlap [from, to),
// oldest first.
func (s *Store) WorkIntervals(ctx context.Context, userIDs []string, from, to time.Time) ([]WorkInterval, error) {
	var rows []workIntervalRow
	if len(userIDs) == 0 {
		return nil, nil
	}
	err := s.db.WithContext(ctx).Where("user_id IN ? AND start_at < ? AND end_at > ?", userIDs, to.UTC(), from.UTC()).
		Order("start_at").Find(&rows).Error
	out := make([]WorkInterval, 0, len(rows))
	for _, r := range rows {
		out = append(out, WorkInterval{ID: r.ID, UserID: r.UserID, Kind: r.Kind, Start: r.StartAt, End: r.EndAt})
	}
	return out, err
}

// SessionSpan is one login of a user: when it began, and when it ended by
// logout (LoggedOut) or expiry.
type SessionSpan struct {
	ID        string
	UserID    string
	LoginAt   time.Time
	LogoutAt  time.Time // zero while the session lasts
	ExpiresAt time.Time
	IP        string
	UserAgent string
}

// SessionSpans returns the logins of the users that overlap [from, to),
// oldest first.
func (s *Store) SessionSpans(ctx context.Context, userIDs []string, from, to time.Time) ([]SessionSpan, error) {
	if len(userIDs) == 0 {
		return nil, nil
	}
	var rows []sessionRow
	err := s.db.WithContext(ctx).Where("user_id IN ? AND created_at < ? AND expires_at > ? AND (revoked_at IS NULL OR revoked_at > ?)",
		userIDs, to.UTC(), from.UTC(), from.UTC()).Order("created_at").Find(&rows).Error
	out := make([]SessionSpan, len(rows))
	for i, r := range rows {
		out[i] = SessionSpan{ID: r.ID, UserID: r.UserID, LoginAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, IP: r.IP, UserAgent: r.UserAgent}
		if r.RevokedAt != nil {
			out[i].LogoutAt = *r.RevokedAt
		}
	}
	return out, err
}
