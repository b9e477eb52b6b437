package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// Notification is one in-app notification of one person.
type Notification struct {
	ID        string // the ID of the outbox message it came from
	UserID    string
	Kind      string
	Title     string
	Body      string
	CaseID    string
	ReadAt    time.Time // zero while unread
	CreatedAt time.Time
}

// Notifications returns one page of a person's notifications, newest first
// (IDs are time-ordered, so the ID is the keyset), and the cursor of the next
// page ("" at the end).
func (s *Store) Notifications(ctx context.Context, userID string, unreadOnly bool, cursor string, limit int) ([]Notification, string, error) {
	if limit <= 0 || limit > 100 {
		limit = 50
	}
	db := s.db.WithContext(ctx).Where("user_id = ?", userID)
	if unreadOnly {
		db = db.Where("read_at IS NULL")
	}
	if cursor != "" {
		db = db.Where("id < ?", cursor)
	}
	var rows []notificationRow
	if err := db.Order("id DESC").Limit(limit + 1).Find(&rows).Error; err != nil {
		return nil, "", err
	}
	next := ""
	if len(rows) > limit {
		rows = rows[:limit]
		next = rows[len(rows)-1].ID
	}
	out := make([]Notification, len(rows))
	for i := range rows {
		out[i] = notification(&rows[i])
	}
	return out, next, nil
}

// UnreadNotifications counts a person's unread notifications.
func (s *Store) UnreadNotifications(ctx context.Context, userID string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", userID).Count(&n).Error
	return n, err
}

// MarkNotificationRead marks notification id of userID read (once; a second
// call keeps the first time). Someone else's notification is ENOTFOUND.
func (s *Store) MarkNotificationRead(ctx context.Context, userID, id string) (*Notification, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var row notificationRow
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&notificationRow{}).Where("id = ? AND user_id = ? AND read_at IS NULL", id, userID).
			Update("read_at", now).Error; err != nil {
			return err
		}
		return notFound(tx.Where("id = ? AND user_id = ?", id, userID).Take(&row).Error)
	})
	if err != nil {
		return nil, err
	}
	n := notification(&row)
	return &n, nil
}

// MarkAllNotificationsRead marks every unread notification of userID read
// and returns how many changed.
func (s *Store) MarkAllNotificationsRead(ctx context.Context, userID string) (int64, error) {
	res := s.db.WithContext(ctx).Model(&notificationRow{}).Where("user_id = ? AND read_at IS NULL", userID).
		Update("read_at", s.now().UTC().Truncate(time.Microsecond))
	return res.RowsAffected, res.Error
}

func notification(r *notificationRow) Notification {
	n := Notification{ID: r.ID, UserID: r.UserID, Kind: r.Kind, Title: r.Title, Body: r.Body, CaseID: deref(r.CaseID), CreatedAt: r.CreatedAt}
	if r.ReadAt != nil {
		n.ReadAt = *r.ReadAt
	}
	return n
}

// NotificationPref is one person's choice for one kind on one channel.
type NotificationPref struct {
	Kind    string
	Channel string
	Enabled bool
}

// NotificationPrefs returns the choices a person made (kinds and channels
// they never touched are absent: their defaults apply).
func (s *Store) NotificationPrefs(ctx context.Context, userID string) ([]NotificationPref, error) {
	var rows []notificationPrefRow
	if err := s.db.WithContext(ctx).Where("user_id = ?", userID).Order("kind, channel").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]NotificationPref, len(rows))
	for i, r := range rows {
		out[i] = NotificationPref{Kind: r.Kind, Channel: r.Channel, Enabled: r.Enabled}
	}
	return out, nil
}

// SetNotificationPrefs stores choices of userID (others stay as they were),
// with the audit entry a, in one transaction.
func (s *Store) SetNotificationPrefs(ctx context.Context, userID string, prefs []NotificationPref, a jihat.AuditEntry) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	return s.tx(ctx, func(tx *gorm.DB) error {
		for _, p := range prefs {
			row := notificationPrefRow{UserID: userID, Kind: p.Kind, Channel: p.Channel, Enabled: p.Enabled, UpdatedAt: now}
			if err := tx.Clauses(clause.OnConflict{
				Columns:   []clause.Column{{Name: "user_id"}, {Name: "kind"}, {Name: "channel"}},
				DoUpdates: clause.AssignmentColumns([]string{"enabled", "updated_at"}),
			}).Create(&row).Error; err != nil {
				return err
			}
		}
		a.Target = "user:" + userID
		return s.appendAudit(tx, a)
	})
}

// Template is an entity's own text for one kind, language and channel.
type Template struct {
	EntityID  string
	Kind      string
	Lang      jihat.Lang
	Channel   string
	Subject   string // e-mail subject or in-app title; "" for SMS
	Body      string
	UpdatedBy string
	UpdatedAt time.Time
}

// Templates returns the overrides of entityID for kind.
func (s *Store) Templates(ctx context.Context, entityID, kind string) ([]Template, error) {
	var rows []templateRow
	if err := s.db.WithContext(ctx).Where("entity_id = ? AND kind = ?", entityID, kind).Order("lang, channel").
		Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]Template, len(rows))
	for i, r := range rows {
		out[i] = Template{EntityID: r.EntityID, Kind: r.Kind, Lang: jihat.Lang(r.Lang), Channel: r.Channel, Subject: r.Subject,
			Body: r.Body, UpdatedBy: r.UpdatedBy, UpdatedAt: r.UpdatedAt}
	}
	return out, nil
}

// SetTemplates replaces every override of entityID for kind with ts (none
// restores the defaults), with the audit entry a, in one transaction.
func (s *Store) SetTemplates(ctx context.Context, entityID, kind string, ts []Template, a jihat.AuditEntry) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := mustExist(tx, &entityRow{}, entityID); err != nil {
			return err
		}
		if err := tx.Where("entity_id = ? AND kind = ?", entityID, kind).Delete(&templateRow{}).Error; err != nil {
			return err
		}
		for _, t := range ts {
			row := templateRow{EntityID: entityID, Kind: kind, Lang: string(t.Lang), Channel: t.Channel, Subject: t.Subject,
				Body: t.Body, UpdatedBy: a.ActorID, UpdatedAt: now}
			if err := tx.Create(&row).Error; err != nil {
				return err
			}
		}
		a.Target = "entity:" + entityID
		return s.appendAudit(tx, a)
	})
}
