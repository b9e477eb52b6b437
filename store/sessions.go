package store

import (
	"context"
	"database/sql"
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
// its user, by token hash. The rows are scanned column by column into
// their fields (sessionUserRow.scan) rather than by gorm's reflection: at
// the ceiling (every REST comment authenticates) and in a reconnect storm
// gorm's Scan was most of this read's CPU (issue 17, session 7).
func (s *Store) sessionUsers(ctx context.Context, hashes []string) (map[string]sessionUserRow, error) {
	rows, err := s.rdb.WithContext(ctx).Raw(sessionUserQuery, hashes, s.now().UTC()).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]sessionUserRow, len(hashes))
	for rows.Next() {
		var r sessionUserRow
		if err := r.scan(rows); err != nil {
			return nil, err
		}
		out[r.SessionTokenHash] = r
	}
	return out, rows.Err()
}

// sessionUserQuery reads live sessions and their users in one statement:
// the user's columns that Store.user reads, in sessionUserRow.scan's order.
const sessionUserQuery = `SELECT users.id, users.name, users.national_id_enc, users.email, users.mobile_enc,
  users.email_verified_at, users.mobile_verified_at, users.role, users.entity_id, users.department_id,
  users.grants, users.revokes, users.lang, users.active, users.must_change_pass, users.capacity,
  users.created_at, users.updated_at, sessions.id, sessions.expires_at, sessions.token_hash
FROM sessions JOIN users ON users.id = sessions.user_id
WHERE sessions.token_hash IN ? AND sessions.revoked_at IS NULL AND sessions.expires_at > ?`

// sessionUserRow is a row of sessionUserQuery (User holds only the columns
// the query reads).
type sessionUserRow struct {
	User             userRow
	SessionID        string
	SessionExpiresAt time.Time
	SessionTokenHash string
}

// scan reads the current row of sessionUserQuery.
func (r *sessionUserRow) scan(rows *sql.Rows) error {
	u := &r.User
	return rows.Scan(&u.ID, &u.Name, &u.NationalIDEnc, &u.Email, &u.MobileEnc,
		&u.EmailVerifiedAt, &u.MobileVerifiedAt, &u.Role, &u.EntityID, &u.DepartmentID,
		&u.Grants, &u.Revokes, &u.Lang, &u.Active, &u.MustChangePass, &u.Capacity,
		&u.CreatedAt, &u.UpdatedAt, &r.SessionID, &r.SessionExpiresAt, &r.SessionTokenHash)
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
