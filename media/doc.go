// Package media keeps the files people attach to cases and the voice notes
// they record: where the bytes live, what they really are, and how long a
// recording lasts.
//
// An upload goes through Store.Put, which streams it into a temporary file
// (never holding it whole in memory) while hashing it with SHA-256 and
// enforcing the size limit, sniffs its type from the bytes (the client's
// Content-Type and file name are never trusted), checks the type against an
// allow-list per Kind (see allow.go), reads a voice note's duration from its
// container, and returns a Pending upload. Nothing is visible under a real
// name until Pending.Commit renames the temporary file into its
// content-addressed place; a refused or discarded upload leaves nothing
// behind. Store.Sweep removes temporary files a crashed process left.
//
// The intended use in a request handler:
//
//	p, err := files.Put(ctx, part, media.AttachmentLimits())
//	if err != nil {
//		return err // a *jihat.Error: EINVALID, ETOOLARGE; nothing stored
//	}
//	defer p.Discard() // no-op once committed
//	err = db.Transaction(func(tx) error {
//		insert the attachment row with p.Blob() ...
//		return p.Commit(ctx) // last step before the database commits
//	})
//
// If the process dies after Commit but before the database commits, the blob
// stays without a row: harmless, never served (downloads go through rows),
// and found by Store.Walk for an orphan sweep.
//
// Local (local.go) is the file-system implementation; the Store interface
// leaves room for an S3-compatible one, which would spool to a local
// temporary file, call Inspect, and upload on Commit.
//
// Local is safe for concurrent use; a Pending belongs to one goroutine.
// Inspect, VoiceDuration and ContentDisposition are pure functions.
package media
