package media

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/jihat/jihat"
)

// Message keys of the errors this package returns (texts in messages.go).
const (
	KeyTypeNotAllowed   = "file_type_not_allowed"
	KeyTooLarge         = "file_too_large"
	KeyEmpty            = "file_empty"
	KeyCorrupt          = "file_corrupt"
	KeyMacros           = "office_macros_not_allowed"
	KeyImageTooLarge    = "image_too_large"
	KeyImageTruncated   = "image_truncated"
	KeyVoiceTooLong     = "voice_too_long"
	KeyVoiceMismatch    = "voice_duration_mismatch"
	KeyVoiceUnreadable  = "voice_unreadable"
	KeyUploadIncomplete = "upload_incomplete"
)

// errFormat is what the container parsers return for bytes they cannot
// read; Inspect turns it into a coded error.
var errFormat = errors.New("media: malformed container")

// errUnsupported marks a well-formed container holding something outside the
// allow-list (a video track, a codec other than Opus or AAC).
var errUnsupported = errors.New("media: content not allowed")

func notAllowed() error { return jihat.Errorf(jihat.EINVALID, KeyTypeNotAllowed) }

func corrupt() error { return jihat.Errorf(jihat.EINVALID, KeyCorrupt) }

func tooLarge(max int64) error {
	return jihat.Errorf(jihat.ETOOLARGE, KeyTooLarge, megabytes(max))
}

// incomplete reports an upload whose reader failed (a cancelled request, a
// broken connection). The cause stays reachable with errors.Is for logs.
func incomplete(cause error) error {
	return fmt.Errorf("%w: %w", jihat.Errorf(jihat.EINVALID, KeyUploadIncomplete), cause)
}

// megabytes formats n bytes as MB with at most two decimals ("25", "0.5").
func megabytes(n int64) string {
	mb := float64(n) / (1 << 20)
	if mb < 0.01 {
		mb = 0.01
	}
	s := strconv.FormatFloat(mb, 'f', 2, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// clock formats d as m:ss for messages ("5:00").
func clock(d time.Duration) string {
	s := int64(d.Round(time.Second) / time.Second)
	return fmt.Sprintf("%d:%02d", s/60, s%60)
}
