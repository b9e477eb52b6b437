package store

import (
	"context"
	"time"

	"gorm.io/gorm"
)

// TouchUsers records when each user was last seen (user ID → time), in one
// transaction: the coalesced form of TouchUser for many sockets connecting
// at once.
func (s *Store) TouchUsers(ctx context.Context, seen map[string]time.Time) error {
	if len(seen) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for id, at := range seen {
			if err := tx.Model(&userRow{}).Where("id = ?", id).Update("last_seen_at", at.UTC()).Error; err != nil {
				return err
			}
		}
		return nil
	})
}
