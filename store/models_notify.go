package store

import "time"

// Notification models (migration 4). The outbox itself (outboxRow) is older:
// migration 2 created it with the cases. While a worker holds a message its
// status is "sending" and available_at is the end of that worker's lease, so
// a message whose worker died becomes due again on its own.

// deliveryRow is the state of one channel of one outbox message: a channel
// delivered (or refused for good) is not tried again when another channel
// of the same message is retried.
type deliveryRow struct {
	OutboxID   string `gorm:"primaryKey;size:36"`
	Channel    string `gorm:"primaryKey;size:10"` // email, sms, in_app
	Status     string `gorm:"size:10;not null"`   // sent, failed, retry
	Attempts   int    `gorm:"not null;default:0"`
	ProviderID string `gorm:"not null;default:''"`
	LastError  string `gorm:"not null;default:''"`
	SentAt     *time.Time
	UpdatedAt  time.Time `gorm:"not null"`
}

func (deliveryRow) TableName() string { return "outbox_deliveries" }

// notificationRow is one in-app notification. Its ID is the ID of the
// outbox message it came from, so delivering a message twice stores it once.
type notificationRow struct {
	ID        string  `gorm:"primaryKey;size:36;index:idx_notifications_user,priority:2"`
	UserID    string  `gorm:"size:36;not null;index:idx_notifications_user,priority:1"`
	Kind      string  `gorm:"size:40;not null"`
	Title     string  `gorm:"not null"`
	Body      string  `gorm:"not null"`
	CaseID    *string `gorm:"size:36"`
	ReadAt    *time.Time
	CreatedAt time.Time `gorm:"not null"`
}

func (notificationRow) TableName() string { return "notifications" }

// notificationPrefRow is one person's choice for one kind on one channel.
// Only choices are stored; the defaults live in package server.
type notificationPrefRow struct {
	UserID    string    `gorm:"primaryKey;size:36"`
	Kind      string    `gorm:"primaryKey;size:40"`
	Channel   string    `gorm:"primaryKey;size:10"`
	Enabled   bool      `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (notificationPrefRow) TableName() string { return "notification_prefs" }

// templateRow is an entity's own text for one kind, language and channel,
// replacing the default of the message catalogue.
type templateRow struct {
	EntityID  string    `gorm:"primaryKey;size:36"`
	Kind      string    `gorm:"primaryKey;size:40"`
	Lang      string    `gorm:"primaryKey;size:8"`
	Channel   string    `gorm:"primaryKey;size:10"`
	Subject   string    `gorm:"not null;default:''"`
	Body      string    `gorm:"not null"`
	UpdatedBy string    `gorm:"size:36;not null;default:''"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (templateRow) TableName() string { return "notification_templates" }
