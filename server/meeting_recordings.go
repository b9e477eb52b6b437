package server

import (
	"context"
	"net/http"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

// Meeting recordings (rtc_record.go makes them): listed with the minutes and
// on their own, and downloaded, by exactly those who may read the minutes —
// the meeting's members, its admins and those granted access; anyone else
// gets 404, as for the minutes.

// recordingView is a recording as the API shows it.
type recordingView struct {
	ID          string    `json:"id"`
	MeetingID   string    `json:"meeting_id"`
	Speaker     personRef `json:"speaker"`
	StartedBy   string    `json:"started_by"`
	ContentType string    `json:"content_type"`
	Size        int64     `json:"size"`
	DurationMS  int64     `json:"duration_ms"`
	StartedAt   string    `json:"started_at"`
	EndedAt     string    `json:"ended_at"`
	URL         string    `json:"url"`
}

func newRecordingView(r *jihat.MeetingRecording) recordingView {
	return recordingView{ID: r.ID, MeetingID: r.MeetingID, Speaker: personRef{ID: r.SpeakerID}, StartedBy: r.StartedBy,
		ContentType: r.MIME, Size: r.Size, DurationMS: r.DurationMS, StartedAt: rfc3339(r.StartedAt), EndedAt: rfc3339(r.EndedAt),
		URL: "/api/v1/recordings/" + r.ID}
}

// MeetingRecordings lists the recordings of meeting id for those who may
// read its minutes, speakers named from the meeting's members.
func (s *Server) MeetingRecordings(ctx context.Context, u *jihat.User, id string) ([]recordingView, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	if !accessTo(u, m).minute {
		return nil, hidden()
	}
	return s.recordingViews(ctx, m)
}

// recordingViews lists m's recordings (the caller checked the access).
func (s *Server) recordingViews(ctx context.Context, m *jihat.Meeting) ([]recordingView, error) {
	recs, err := s.store.MeetingRecordings(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	out := make([]recordingView, len(recs))
	for i := range recs {
		out[i] = newRecordingView(&recs[i])
		if seat, ok := m.Member(recs[i].SpeakerID); ok {
			out[i].Speaker.Name = seat.Name
		}
	}
	return out, nil
}

// listRecordings: GET /api/v1/meetings/{id}/recordings.
func (s *Server) listRecordings(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	recs, err := s.MeetingRecordings(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"recordings": recs})
}

// downloadRecording serves GET /api/v1/recordings/{id}: the Ogg/Opus file,
// for the minutes' readers only, audited, with Range support.
func (s *Server) downloadRecording(w http.ResponseWriter, r *http.Request) {
	s.serveBlob(w, r, func(ctx context.Context, u *jihat.User, id string) (blob, error) {
		rec, err := s.store.MeetingRecording(ctx, id)
		if err != nil {
			return blob{}, err
		}
		m, err := s.store.Meeting(ctx, rec.MeetingID)
		if err != nil || !accessTo(u, m).minute {
			return blob{}, hidden()
		}
		return blob{sha256: rec.SHA256, mime: rec.MIME,
			disposition: media.ContentDisposition("recording-"+rec.ID+".ogg", true),
			csp:         "default-src 'none'; media-src 'self'; frame-ancestors 'self'",
			audit: jihat.AuditEntry{Action: "meeting.recording_download", Target: "meeting:" + m.ID,
				Details: mustJSON(map[string]any{"recording_id": rec.ID})}}, nil
	})
}
