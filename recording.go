package jihat

import "time"

// MeetingRecording is one speaker's audio of a meeting, recorded while the
// chair had recording on: an Ogg/Opus file in the media store, written from
// the packets the SFU forwarded (muted audio is not recorded). Recordings
// belong to the minutes: whoever may read the minutes may hear them.
type MeetingRecording struct {
	ID         string
	MeetingID  string
	SpeakerID  string // whose voice
	StartedBy  string // the chair who turned recording on
	SHA256     string // the blob in the media store
	MIME       string
	Size       int64
	DurationMS int64
	StartedAt  time.Time
	EndedAt    time.Time
}
