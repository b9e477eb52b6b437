package media

import (
	"log/slog"
	"slices"
	"time"
)

// Kind is what an upload is for; each kind has its own allow-list of types.
type Kind string

// Kinds of upload.
const (
	KindDocument Kind = "document" // PDF, office documents, plain text, CSV
	KindImage    Kind = "image"    // JPEG, PNG, GIF, WebP, HEIC/HEIF
	KindAudio    Kind = "audio"    // voice notes: Opus in WebM or Ogg, AAC or Opus in MP4
)

// AttachmentLimits returns the Limits of POST /cases/{id}/attachments:
// documents and images, the configured size.
func AttachmentLimits() Limits {
	return Limits{Kinds: []Kind{KindDocument, KindImage}}
}

// VoiceLimits returns the Limits of POST /cases/{id}/voice: audio only, the
// configured size and duration, and the client's duration_ms to check.
func VoiceLimits(claimed time.Duration) Limits {
	return Limits{Kinds: []Kind{KindAudio}, ClaimedDuration: claimed}
}

// Defaults for the zero values of Config and Limits.
const (
	DefaultMaxFileSize      = 25 << 20        // 25 MiB
	DefaultMaxVoiceDuration = 5 * time.Minute //
	DefaultMaxImagePixels   = 100_000_000     // 100 megapixels (a 48 MP phone photo fits)
)

// Config configures a Store. Zero values take the defaults above.
type Config struct {
	// Root is the directory that holds the blobs (Local only), for example
	// "<data dir>/files". It is created if missing.
	Root string
	// MaxFileSize is the largest upload in bytes.
	MaxFileSize int64
	// MaxVoiceDuration is the longest voice note.
	MaxVoiceDuration time.Duration
	// MaxImagePixels is the largest width × height of an image.
	MaxImagePixels int64
	// Logger receives Sweep's removals and cleanup failures; nil discards.
	Logger *slog.Logger
	// Now replaces the clock in tests; nil means time.Now.
	Now func() time.Time
}

func (c Config) withDefaults() Config {
	if c.MaxFileSize <= 0 {
		c.MaxFileSize = DefaultMaxFileSize
	}
	if c.MaxVoiceDuration <= 0 {
		c.MaxVoiceDuration = DefaultMaxVoiceDuration
	}
	if c.MaxImagePixels <= 0 {
		c.MaxImagePixels = DefaultMaxImagePixels
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

// Limits says what one upload may be. Zero fields take the store's Config.
type Limits struct {
	// Kinds accepted; nil accepts every kind.
	Kinds []Kind
	// MaxSize in bytes; 0 means Config.MaxFileSize. Set it only for an
	// endpoint that needs a different limit.
	MaxSize int64
	// MaxDuration of a voice note; 0 means Config.MaxVoiceDuration.
	MaxDuration time.Duration
	// ClaimedDuration is the client's duration_ms for a voice note. When it
	// is > 0, the duration read from the container must be within
	// max(1 s, 10 %) of it. 0 skips the comparison (the handler decides
	// whether duration_ms is required).
	ClaimedDuration time.Duration
	// MaxImagePixels is the largest width × height; 0 means Config.MaxImagePixels.
	MaxImagePixels int64
}

// Resolve fills the zero fields of l from c and c's zero fields from the
// package defaults. Put does it; call it before Inspect to get the same
// limits as a store configured with c.
func (l Limits) Resolve(c Config) Limits {
	c = c.withDefaults()
	if l.MaxSize <= 0 {
		l.MaxSize = c.MaxFileSize
	}
	if l.MaxDuration <= 0 {
		l.MaxDuration = c.MaxVoiceDuration
	}
	if l.MaxImagePixels <= 0 {
		l.MaxImagePixels = c.MaxImagePixels
	}
	return l
}

func (l Limits) allows(k Kind) bool {
	return l.Kinds == nil || slices.Contains(l.Kinds, k)
}
