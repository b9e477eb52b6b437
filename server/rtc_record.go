package server

import (
	"context"
	"io"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/media/rtc"
)

// Recording of meeting audio: the chair turns it on and off with the
// rtc.record {on} command on the meeting's channel (it runs on the node
// hosting the room). While it is on, the SFU writes one Ogg/Opus file per
// speaker from the packets it forwards (no decoding; muted audio is not
// recorded); each file streams into the media store and, when the speaker
// leaves or recording stops, becomes a recording of the meeting in the same
// transaction as its audit entry. Recordings belong to the minutes: the
// minutes' readers list and hear them (meeting_recordings.go).

// recordingLimits bound one speaker's file: audio only, 1 GiB and 24 hours
// (Opus at the 96 kbit/s ceiling fills 1 GiB in about 24 hours).
var recordingLimits = media.Limits{Kinds: []media.Kind{media.KindAudio}, MaxSize: 1 << 30, MaxDuration: 24 * time.Hour}

// record turns the recording of meeting on or off (the chair only; checked
// by the caller). Turning it on or off twice is not an error. The room is
// told with rtc.recording {on, by}.
func (r *rtcService) record(ctx context.Context, c rtcCommand, on bool) error {
	r.mu.Lock()
	room := r.hosted[c.Meeting]
	if room == nil {
		r.mu.Unlock()
		return jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	was := room.recordedBy != ""
	if on {
		room.recordedBy = c.UserID
	} else {
		room.recordedBy = ""
	}
	r.mu.Unlock()
	if was == on {
		return nil
	}
	var err error
	if on {
		err = r.sfu.StartRecording(c.Meeting, r.openRecording(c.Meeting, c.UserID))
	} else {
		err = r.sfu.StopRecording(c.Meeting)
	}
	if err != nil {
		return err
	}
	action := "meeting.recording_stop"
	if on {
		action = "meeting.recording_start"
	}
	if err := r.s.store.Audit(ctx, jihat.AuditEntry{ActorID: c.UserID, Action: action, Target: "meeting:" + c.Meeting,
		IP: c.IP, UserAgent: c.UserAgent}); err != nil {
		r.s.log.Warn("rtc: audit recording", "meeting", c.Meeting, "err", err)
	}
	r.publish(c.Meeting, "rtc.recording", map[string]any{"on": on, "by": c.UserID})
	return nil
}

// resumeRecording makes a room the SFU recreated (it had emptied, and
// someone joined before the hosted state was swept) record again if the
// chair had recording on.
func (r *rtcService) resumeRecording(meeting string) {
	r.mu.Lock()
	by := ""
	if room := r.hosted[meeting]; room != nil {
		by = room.recordedBy
	}
	r.mu.Unlock()
	if by != "" {
		if err := r.sfu.StartRecording(meeting, r.openRecording(meeting, by)); err != nil {
			r.s.log.Warn("rtc: resume recording", "meeting", meeting, "err", err)
		}
	}
}

// openRecording returns the SFU's RecordFunc for meeting: each speaker's
// Ogg stream goes through a pipe into the media store (which inspects it as
// it would an uploaded voice note); when the SFU closes the stream, the
// blob and its row are committed together. A file with no audio (the
// speaker stayed silent or muted) is discarded.
func (r *rtcService) openRecording(meeting, by string) rtc.RecordFunc {
	return func(speaker string) (io.WriteCloser, error) {
		pr, pw := io.Pipe()
		started := r.s.now()
		r.recordings.Add(1)
		go func() {
			defer r.recordings.Done()
			pend, err := r.s.media.Put(context.Background(), pr, recordingLimits)
			pr.CloseWithError(err) // a refused stream stops the SFU's writes
			if err != nil {
				r.s.log.Warn("rtc: recording refused", "meeting", meeting, "speaker", speaker, "err", err)
				return
			}
			defer pend.Discard()
			blob := pend.Blob()
			if blob.Duration <= 0 {
				return
			}
			rec := &jihat.MeetingRecording{MeetingID: meeting, SpeakerID: speaker, StartedBy: by, SHA256: blob.SHA256,
				MIME: blob.MIME, Size: blob.Size, DurationMS: blob.Duration.Milliseconds(), StartedAt: started, EndedAt: r.s.now()}
			a := jihat.AuditEntry{ActorID: by, Action: "meeting.recording",
				Details: mustJSON(map[string]any{"speaker_id": speaker, "size": blob.Size, "duration_ms": rec.DurationMS})}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			if err := r.s.store.AddMeetingRecording(ctx, rec, a, pend.Commit); err != nil {
				r.s.log.Error("rtc: store recording", "meeting", meeting, "speaker", speaker, "err", err)
				return
			}
			r.publish(meeting, "rtc.recorded", newRecordingView(rec))
		}()
		return pw, nil
	}
}
