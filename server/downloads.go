package server

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

// download serves GET /api/v1/attachments/{id}: authorised per attachment
// (an internal one only to staff who may see internal notes), audited, with
// Range support for seeking in voice notes, a Content-Disposition that keeps
// Arabic names (RFC 5987), no sniffing, and a Content-Security-Policy that
// keeps a served file from running anything.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	s.serveBlob(w, r, func(ctx context.Context, u *jihat.User, id string) (blob, error) {
		att, err := s.store.Attachment(ctx, id)
		if err != nil {
			return blob{}, err
		}
		c, err := s.store.Case(ctx, att.CaseID)
		if err != nil || !canSeeCase(u, c) || (att.Visibility == jihat.VisibilityInternal && !canSeeInternal(u, c)) {
			return blob{}, hidden()
		}
		return blob{sha256: att.SHA256, mime: att.MIME,
			disposition: media.ContentDisposition(media.ServeName(att.Name, att.MIME), media.ServeInline(att.MIME)),
			csp:         "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; object-src 'self'; frame-ancestors 'self'",
			audit:       jihat.AuditEntry{Action: "attachment.download", Target: "attachment:" + att.ID}}, nil
	})
}

// blob is a stored file as a download serves it; find (below) fills it once
// the caller may read it.
type blob struct {
	sha256, mime, disposition, csp string
	audit                          jihat.AuditEntry // the actor and client are added by serveBlob
}

// serveBlob serves GET …/{id} of a stored file: the caller must be logged
// in, the id a UUID, and find must authorise the caller and describe the
// file. One audit entry per download (not per seek of an audio player), then
// the file with Range support, no sniffing and the blob's CSP.
func (s *Server) serveBlob(w http.ResponseWriter, r *http.Request, find func(ctx context.Context, u *jihat.User, id string) (blob, error)) {
	ctx := r.Context()
	u, err := s.requestUser(r)
	if err != nil {
		s.httpFail(w, r, err)
		return
	}
	id := strings.ToLower(r.PathValue("id"))
	if !jihat.IsUUID(id) {
		s.httpFail(w, r, jihat.Errorf(jihat.EINVALID, "invalid_id"))
		return
	}
	b, err := find(ctx, u, id)
	if err != nil {
		s.httpFail(w, r, err)
		return
	}
	f, err := s.media.Open(ctx, b.sha256)
	if err != nil {
		s.httpFail(w, r, err)
		return
	}
	defer f.Close()
	if r.Header.Get("Range") == "" || strings.HasPrefix(r.Header.Get("Range"), "bytes=0-") {
		a := b.audit
		a.ActorID, a.IP, a.UserAgent = u.ID, s.clientIP(r), truncate(r.UserAgent(), 512)
		if err := s.store.Audit(ctx, a); err != nil {
			s.httpFail(w, r, err)
			return
		}
	}
	h := w.Header()
	h.Set("Content-Type", b.mime)
	h.Set("Content-Disposition", b.disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", b.csp)
	h.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", f.ModTime, f)
}

// mediaGrace is how old a blob without a row must be before the sweep
// removes it: longer than any upload's transaction.
const mediaGrace = time.Hour

// sweepMedia removes temporary files left by interrupted uploads and blobs
// that no attachment names (a process that died between the blob's commit
// and its transaction's).
func (s *Server) sweepMedia(ctx context.Context) {
	if n, err := s.media.Sweep(ctx, mediaGrace); err != nil {
		s.log.WarnContext(ctx, "media sweep", slog.Any("err", err))
	} else if n > 0 {
		s.log.InfoContext(ctx, "media sweep: temporary files removed", slog.Int("count", n))
	}
	cutoff := s.now().Add(-mediaGrace)
	err := s.media.Walk(ctx, func(sha string, _ int64, mod time.Time) error {
		if mod.After(cutoff) {
			return nil
		}
		used, err := s.store.BlobReferenced(ctx, sha)
		if err != nil || used {
			return err
		}
		s.log.InfoContext(ctx, "media sweep: orphan blob removed", slog.String("sha256", sha))
		return s.media.Delete(ctx, sha)
	})
	if err != nil {
		s.log.WarnContext(ctx, "media orphan sweep", slog.Any("err", err))
	}
}
