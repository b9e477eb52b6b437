package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// AddNote stores a private note of an attendee, with the audit entry a
// (which never holds the note's text).
func (s *Store) AddNote(ctx context.Context, n *jihat.MeetingNote, a jihat.AuditEntry) error {
	now := s.now().UTC().Truncate(time.Microsecond)
	n.ID, n.CreatedAt, n.UpdatedAt = newID(), now, now
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&meetingNoteRow{ID: n.ID, MeetingID: n.MeetingID, AuthorID: n.AuthorID, Body: n.Body, Shared: n.Shared,
			CreatedAt: now, UpdatedAt: now}).Error; err != nil {
			return err
		}
		a.Target = "meeting_note:" + n.ID
		return s.appendAudit(tx, a)
	})
}

// UpdateNote lets fn change note id (loaded) and saves it.
func (s *Store) UpdateNote(ctx context.Context, id string, a jihat.AuditEntry, fn func(n *jihat.MeetingNote) error) (*jihat.MeetingNote, error) {
	var out *jihat.MeetingNote
	err := s.tx(ctx, func(tx *gorm.DB) error {
		var r meetingNoteRow
		if err := s.lock(tx).Where("id = ?", id).Take(&r).Error; err != nil {
			return notFound(err)
		}
		n := note(r)
		if err := fn(&n); err != nil {
			return err
		}
		n.UpdatedAt = s.now().UTC().Truncate(time.Microsecond)
		if err := tx.Model(&meetingNoteRow{}).Where("id = ?", id).
			Updates(map[string]any{"body": n.Body, "shared": n.Shared, "updated_at": n.UpdatedAt}).Error; err != nil {
			return err
		}
		a.Target = "meeting_note:" + id
		out = &n
		return s.appendAudit(tx, a)
	})
	return out, err
}

// Note returns note id.
func (s *Store) Note(ctx context.Context, id string) (*jihat.MeetingNote, error) {
	var r meetingNoteRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	n := note(r)
	return &n, nil
}

// Notes returns the notes of a meeting written by authorID, and, when
// withShared, every shared note of the meeting; oldest first.
func (s *Store) Notes(ctx context.Context, meetingID, authorID string, withShared bool) ([]jihat.MeetingNote, error) {
	q := s.db.WithContext(ctx).Where("meeting_id = ?", meetingID)
	if withShared {
		q = q.Where("author_id = ? OR shared = ?", authorID, true)
	} else {
		q = q.Where("author_id = ?", authorID)
	}
	var rows []meetingNoteRow
	if err := q.Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.MeetingNote, len(rows))
	for i, r := range rows {
		out[i] = note(r)
	}
	return out, nil
}

func note(r meetingNoteRow) jihat.MeetingNote {
	return jihat.MeetingNote{ID: r.ID, MeetingID: r.MeetingID, AuthorID: r.AuthorID, Body: r.Body, Shared: r.Shared,
		CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// Minutes returns the latest version of a meeting's minutes, or nil.
func (s *Store) Minutes(ctx context.Context, meetingID string) (*jihat.Minutes, error) {
	return s.latestMinutes(s.db.WithContext(ctx), meetingID)
}

func (s *Store) latestMinutes(db *gorm.DB, meetingID string) (*jihat.Minutes, error) {
	var r minutesRow
	res := db.Where("meeting_id = ?", meetingID).Order("version DESC").Limit(1).Find(&r)
	if res.Error != nil || res.RowsAffected == 0 {
		return nil, res.Error
	}
	return &jihat.Minutes{MeetingID: r.MeetingID, Version: r.Version, Status: r.Status, Body: r.Body, UpdatedBy: r.UpdatedBy,
		UpdatedAt: r.UpdatedAt, ApprovedBy: deref(r.ApprovedBy), ApprovedAt: r.ApprovedAt}, nil
}

// MinutesTx changes the minutes of the meeting of mt inside its
// transaction: fn gets the latest version (nil when none) and returns the
// version to save (a new Version is inserted, the same one updated).
func (m *MeetingTx) Minutes(fn func(cur *jihat.Minutes) (*jihat.Minutes, error)) (*jihat.Minutes, error) {
	cur, err := m.s.latestMinutes(m.tx.Session(&gorm.Session{NewDB: true}), m.Meeting.ID)
	if err != nil {
		return nil, err
	}
	next, err := fn(cur)
	if err != nil {
		return nil, err
	}
	row := minutesRow{MeetingID: m.Meeting.ID, Version: next.Version, Status: next.Status, Body: next.Body, UpdatedBy: next.UpdatedBy,
		UpdatedAt: m.Now, ApprovedBy: ptr(next.ApprovedBy), ApprovedAt: next.ApprovedAt}
	next.UpdatedAt = m.Now
	if cur == nil || next.Version != cur.Version {
		return next, m.tx.Create(&row).Error
	}
	return next, m.tx.Save(&row).Error
}

// GrantMinutes gives userID read access to the meeting's minutes.
func (m *MeetingTx) GrantMinutes(userID string) error {
	return m.tx.Exec(`INSERT INTO minutes_access (meeting_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, m.Meeting.ID, userID).Error
}
