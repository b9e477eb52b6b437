package server

import "context"

// Hooks for the black-box tests of attachments (package server_test).

// MediaGrace is how old a blob without a row must be before SweepMedia
// removes it.
const MediaGrace = mediaGrace

// SweepMedia runs the media sweep once, as RunSweeper does every
// MediaGrace: temporary files of interrupted uploads and orphan blobs.
func (s *Server) SweepMedia(ctx context.Context) { s.sweepMedia(ctx) }
