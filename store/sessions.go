package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// Session is a login: only the SHA-256 of its token is stored.
type Session struct {
	ID        string
	UserID    string
	ExpiresAt time.Time
}

// CreateSession records a login with the hash of its token, and the audit
// entry of the login, in one transaction.
func (s *Store) CreateSession(ctx context.Context, userID, tokenHash string, ttl time.Duration, a jihat.AuditEntry) (*Session, error) {
	now := s.now().UTC()
	row := &sessionRow{ID: newID(), UserID: userID, TokenHash: tokenHash, IP: a.IP, UserAgent: a.UserAgent,
		CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err := s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		if err := tx.Model(&userRow{}).Where("id = ?", userID).Update("last_seen_at", now).Error; err != nil {
			return err
		}
		a.ActorID, a.Target = userID, "session:"+row.ID
		return s.appendAudit(tx, a)
	})
	if err != nil {
		return nil, err
	}
	return &Session{ID: row.ID, UserID: userID, ExpiresAt: row.ExpiresAt}, nil
}

// SessionByTokenHash returns the live session with that token hash and its
// user. An unknown, expired or revoked session, or a disabled user, is
// EUNAUTHORIZED.
//
// One query, the session joined with its user: every socket's connect and
// every REST request starts here, and a reconnect storm is mostly this
// read (a second query for the user cost as much again). The reads of
// concurrent requests go as one query (readBatcher, read_batch.go). Not
// prepared: the SQLite driver prepares each statement at every query anyway
// (go-sqlite's stmt.query), and pgx caches its statements itself.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash string) (*Session, *jihat.User, error) {
	row, ok, err := s.sessions.get(ctx, tokenHash)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	u, err := s.user(&row.User)
	if err != nil {
		return nil, nil, err
	}
	if !u.Active {
		return nil, nil, jihat.Errorf(jihat.EUNAUTHORIZED, "account_disabled")
	}
	return &Session{ID: row.SessionID, UserID: u.ID, ExpiresAt: row.SessionExpiresAt}, u, nil
}

// sessionUsers reads the live sessions with these token hashes, each with
// its user, by token hash.
func (s *Store) sessionUsers(ctx context.Context, hashes []string) (map[string]sessionUserRow, error) {
	var rows []sessionUserRow
	if err := s.rdb.WithContext(ctx).Raw(sessionUserQuery, hashes, s.now().UTC()).Scan(&rows).Error; err != nil {
		return nil, err
	}
	out := make(map[string]sessionUserRow, len(rows))
	for _, r := range rows {
		out[r.SessionTokenHash] = r
	}
	return out, nil
}

// sessionUserQuery reads live sessions and their users in one statement.
const sessionUserQuery = `SELECT users.*, sessions.id AS session_id, sessions.expires_at AS session_expires_at,
  sessions.token_hash AS session_token_hash
FROM sessions JOIN users ON users.id = sessions.user_id
WHERE sessions.token_hash IN ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ?`

// sessionUserRow is a row of sessionUserQuery.
type sessionUserRow struct {
	User             userRow `gorm:"embedded"`
	SessionID        string
	SessionExpiresAt time.Time
	SessionTokenHash string
}

// RevokeSession ends one session (logout) and audits it.
func (s *Store) RevokeSession(ctx context.Context, id string, a jihat.AuditEntry) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Model(&sessionRow{}).Where("id = ? AND revoked_at IS NULL", id).
			Update("revoked_at", s.now().UTC()).Error; err != nil {
			return err
		}
		a.Target = "session:" + id
		return s.appendAudit(tx, a)
	})
}

// DeleteExpiredSessions removes sessions that expired before cutoff.
func (s *Store) DeleteExpiredSessions(ctx context.Context, cutoff time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at < ?", cutoff.UTC()).Delete(&sessionRow{})
	return res.RowsAffected, res.Error
}
