package media

import (
	"errors"
	"io"
	"math"
	"mime"
	"time"

	"github.com/jihat/jihat"
)

// trackKind is what a track of an audio/video container carries.
type trackKind byte

const (
	trackOther trackKind = iota
	trackAudio
	trackVideo
)

// track is one track of a container: its kind and codec as the container
// names it ("A_OPUS" in WebM, "mp4a" in MP4, "opus" in Ogg).
type track struct {
	kind  trackKind
	codec string
}

// container is what the parsers read: the duration and the tracks.
type container struct {
	duration time.Duration
	tracks   []track
}

const (
	// maxTracks bounds the tracks a parser keeps; real voice notes have one.
	maxTracks = 16
	// maxPlausible is the longest duration a parser believes; longer is a
	// hostile or broken header.
	maxPlausible = 100 * time.Hour
	// voiceOverrun is how far a recording may run past MaxDuration: a
	// recorder stopped by a timer at the limit writes a few more
	// milliseconds, and containers pad the last packet.
	voiceOverrun = time.Second
)

// seconds converts n units of 1/scale second to a Duration, or errFormat
// when it is not plausible.
func seconds(n float64, scale float64) (time.Duration, error) {
	if scale <= 0 || math.IsNaN(n) || math.IsInf(n, 0) || n < 0 {
		return 0, errFormat
	}
	s := n / scale
	if s > maxPlausible.Seconds() {
		return 0, errFormat
	}
	return time.Duration(s * float64(time.Second)), nil
}

// VoiceDuration reads the duration of a voice note from its container:
// Ogg Opus (last granule position minus the pre-skip, at 48 kHz), WebM
// (Segment Info Duration, or the last block's time when a recorder left it
// out) or MP4 (fragments, then mdhd, then mvhd). mimeType says which
// container; parameters such as codecs=opus are ignored. r holds the whole
// file of size bytes.
//
// It returns an EINVALID *jihat.Error: file_type_not_allowed for another
// container, voice_unreadable when the duration cannot be read.
func VoiceDuration(r io.ReaderAt, size int64, mimeType string) (time.Duration, error) {
	c, err := parseAudio(r, size, mimeType)
	if err != nil {
		return 0, audioError(err)
	}
	return c.duration, nil
}

func parseAudio(r io.ReaderAt, size int64, mimeType string) (container, error) {
	essence, _, _ := mime.ParseMediaType(mimeType)
	switch essence {
	case "audio/ogg", "application/ogg":
		return parseOgg(r, size)
	case "audio/webm", "video/webm":
		return parseWebM(r, size)
	case "audio/mp4", "video/mp4", "audio/x-m4a", "audio/m4a":
		return parseMP4(r, size)
	}
	return container{}, errUnsupported
}

// audioError maps a parser error to the coded error a user sees.
func audioError(err error) error {
	switch {
	case errors.Is(err, errUnsupported):
		return notAllowed()
	case errors.Is(err, errFormat):
		return jihat.Errorf(jihat.EINVALID, KeyVoiceUnreadable)
	}
	return err // an I/O error reading the temporary file
}

// CheckVoiceDuration compares the duration read from the container with
// the limit and with the client's claim (skipped when claimed is 0). A
// recording may run up to one second past limit; the claim may be off by
// max(1 s, 10 %) of the measured duration.
func CheckVoiceDuration(measured, claimed, limit time.Duration) error {
	switch {
	case measured <= 0:
		return jihat.Errorf(jihat.EINVALID, KeyVoiceUnreadable)
	case limit > 0 && measured > limit+voiceOverrun:
		return jihat.Errorf(jihat.EINVALID, KeyVoiceTooLong, clock(limit))
	case claimed < 0:
		return jihat.Errorf(jihat.EINVALID, KeyVoiceMismatch)
	case claimed > 0:
		tolerance := max(time.Second, measured/10)
		if diff := measured - claimed; diff > tolerance || -diff > tolerance {
			return jihat.Errorf(jihat.EINVALID, KeyVoiceMismatch)
		}
	}
	return nil
}
