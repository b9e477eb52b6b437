package media

import (
	"context"
	"io"
	"time"

	"github.com/jihat/jihat"
)

// Store keeps blobs by the SHA-256 of their content. Local is the
// file-system implementation; an S3-compatible one can follow (see doc.go).
type Store interface {
	// Put streams r into temporary storage, enforcing lim while it reads
	// (the moment the size limit is passed it stops with ETOOLARGE), and
	// inspects the result (see Inspect). Nothing is visible under a real
	// name until Commit. On error nothing is left behind.
	Put(ctx context.Context, r io.Reader, lim Limits) (Pending, error)
	// Open returns the blob for reading; ENOTFOUND if there is none.
	Open(ctx context.Context, sha256 string) (*File, error)
	// Delete removes the blob; deleting a missing blob is not an error.
	// The store does not count references: call it only when no row names
	// sha256 any more, and see Walk about uploads of the same content.
	Delete(ctx context.Context, sha256 string) error
	// Sweep removes temporary files not written for olderThan (left by a
	// crashed process or an abandoned Pending) and says how many.
	Sweep(ctx context.Context, olderThan time.Duration) (int, error)
	// Walk calls fn for every stored blob, for an orphan sweep: a blob
	// committed by a process that died before its database transaction
	// committed has no row. Commit refreshes the modification time of a
	// blob it deduplicates, so an orphan sweep that deletes only blobs
	// without a row AND modified before a grace period (say an hour) never
	// races an upload of the same content in flight.
	Walk(ctx context.Context, fn func(sha256 string, size int64, modTime time.Time) error) error
}

// Pending is an inspected upload waiting for Commit or Discard. It belongs
// to one goroutine.
type Pending interface {
	// Blob describes the upload.
	Blob() Blob
	// Commit makes the blob durable under its content address (or keeps the
	// identical blob already there). Call it as the last step of the
	// database transaction that inserts the row.
	Commit(ctx context.Context) error
	// Discard removes the temporary data; after Commit it does nothing, so
	// it can be deferred.
	Discard() error
}

// File is an open blob: pass it to http.ServeContent with ModTime for
// Range requests. Close it when done.
type File struct {
	io.ReadSeekCloser
	Size    int64
	ModTime time.Time
}

// ValidSHA256 reports whether s is a SHA-256 in lowercase hex, the only
// form the stores accept as a key (so a key can never be a path).
func ValidSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func notFound() error { return jihat.Errorf(jihat.ENOTFOUND, "not_found") }
