package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// meetingRecordingRow is one speaker's recording of a meeting. The bytes live
// in the media store under SHA256.
type meetingRecordingRow struct {
	ID         string    `gorm:"primaryKey;size:36"`
	MeetingID  string    `gorm:"size:36;not null;index:idx_rec_meeting,priority:1"`
	SpeakerID  string    `gorm:"size:36;not null"`
	StartedBy  string    `gorm:"size:36;not null"`
	SHA256     string    `gorm:"size:64;not null;index"`
	MIME       string    `gorm:"size:100;not null"`
	Size       int64     `gorm:"not null"`
	DurationMS int64     `gorm:"not null"`
	StartedAt  time.Time `gorm:"not null;index:idx_rec_meeting,priority:2"`
	EndedAt    time.Time `gorm:"not null"`
}

func (meetingRecordingRow) TableName() string { return "meeting_recordings" }

// AddMeetingRecording records r (its ID is filled) and the audit entry in
// one transaction; commit, when not nil, runs last inside it (the media
// store's Commit of the blob), so a row never names a missing blob.
func (s *Store) AddMeetingRecording(ctx context.Context, r *jihat.MeetingRecording, a jihat.AuditEntry, commit func(context.Context) error) error {
	r.ID = newID()
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := tx.Create(&meetingRecordingRow{ID: r.ID, MeetingID: r.MeetingID, SpeakerID: r.SpeakerID,
			StartedBy: r.StartedBy, SHA256: r.SHA256, MIME: r.MIME, Size: r.Size, DurationMS: r.DurationMS,
			StartedAt: r.StartedAt.UTC(), EndedAt: r.EndedAt.UTC()}).Error; err != nil {
			return err
		}
		a.Target = "meeting:" + r.MeetingID
		if err := s.appendAudit(tx, a); err != nil {
			return err
		}
		if commit != nil {
			return commit(ctx)
		}
		return nil
	})
}

// MeetingRecordings lists the recordings of a meeting, oldest first.
func (s *Store) MeetingRecordings(ctx context.Context, meetingID string) ([]jihat.MeetingRecording, error) {
	var rows []meetingRecordingRow
	if err := s.db.WithContext(ctx).Where("meeting_id = ?", meetingID).Order("started_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.MeetingRecording, len(rows))
	for i, r := range rows {
		out[i] = meetingRecording(r)
	}
	return out, nil
}

// MeetingRecording returns one recording, or ENOTFOUND.
func (s *Store) MeetingRecording(ctx context.Context, id string) (*jihat.MeetingRecording, error) {
	var r meetingRecordingRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	rec := meetingRecording(r)
	return &rec, nil
}

func meetingRecording(r meetingRecordingRow) jihat.MeetingRecording {
	return jihat.MeetingRecording{ID: r.ID, MeetingID: r.MeetingID, SpeakerID: r.SpeakerID, StartedBy: r.StartedBy,
		SHA256: r.SHA256, MIME: r.MIME, Size: r.Size, DurationMS: r.DurationMS, StartedAt: r.StartedAt.UTC(),
		EndedAt: r.EndedAt.UTC()}
}

// recordingReferences reports whether a recording names the blob.
func recordingReferences(db *gorm.DB, sha string) (bool, error) {
	var n int64
	err := db.Model(&meetingRecordingRow{}).Where("sha256 = ?", sha).Limit(1).Count(&n).Error
	return n > 0, err
}
