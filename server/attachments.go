package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/store"
)

// Uploads and downloads are served by the net/http front, not Fiber: Fiber
// (and its adaptor) read a whole body into memory, and uploads must stream
// from the socket to the media store; downloads need http.ServeContent for
// Range requests.

// attachmentView is an attachment as the API shows it.
type attachmentView struct {
	ID         string `json:"id"`
	CaseID     string `json:"case_id"`
	CaseNumber string `json:"case_number"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	MIME       string `json:"content_type"`
	Size       int64  `json:"size"`
	DurationMS int64  `json:"duration_ms,omitempty"`
	Visibility string `json:"visibility"`
	UploaderID string `json:"uploader_id"`
	URL        string `json:"url"`
	CreatedAt  string `json:"created_at"`
}

func newAttachmentView(a *store.Attachment) attachmentView {
	return attachmentView{ID: a.ID, CaseID: a.CaseID, CaseNumber: a.CaseNumber, Name: a.Name, Kind: a.Kind, MIME: a.MIME,
		Size: a.Size, DurationMS: a.DurationMS, Visibility: string(a.Visibility), UploaderID: a.UploaderID,
		URL: "/api/v1/attachments/" + a.ID, CreatedAt: rfc3339(a.CreatedAt)}
}

// httpFail renders err on a plain net/http response, logging internal ones.
func (s *Server) httpFail(w http.ResponseWriter, r *http.Request, err error) {
	e := s.classify(r.Context(), err)
	status := statusOf(e.Code)
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(r.Context(), "request failed", slog.String("path", r.URL.Path), slog.Any("err", err))
	}
	if ra := retryAfter(e); ra != "" {
		w.Header().Set("Retry-After", ra)
	}
	if _, ok := jihat.AcceptedLang(r.Header.Get("Accept-Language")); !ok {
		// Without Accept-Language the signed-in user's saved language applies.
		cookie := ""
		if c, err := r.Cookie(SessionCookie); err == nil {
			cookie = c.Value
		}
		if token := bearerOrCookie(r.Header.Get("Authorization"), cookie); token != "" {
			if p, err := s.resolveToken(r.Context(), token); err == nil && p.user.Lang == jihat.LangEN {
				r.Header.Set("Accept-Language", string(jihat.LangEN))
			}
		}
	}
	writeJSONError(w, r, status, e)
}

// uploadPartSlack is what a multipart body may carry beyond the file itself
// (boundaries, headers, the small fields).
const uploadPartSlack = 64 << 10

// upload serves POST /api/v1/cases/{id}/attachments (multipart "file") and
// /voice (multipart "audio", duration_ms an optional hint: the server
// measures the recording). The file streams into the
// media store's temporary space while its type is sniffed; the row, the
// event and the blob's commit happen in one transaction, so a refused or
// interrupted upload leaves neither a row nor a visible file.
func (s *Server) upload(voice bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		u, err := s.requestUser(r)
		if err != nil {
			s.httpFail(w, r, err)
			return
		}
		caseID := strings.ToLower(r.PathValue("id"))
		if !jihat.IsUUID(caseID) {
			s.httpFail(w, r, jihat.Errorf(jihat.EINVALID, "invalid_id"))
			return
		}
		if c, err := s.store.Case(ctx, caseID); err != nil || !canSeeCase(u, c) {
			if err == nil || jihat.ErrorCode(err) == jihat.ENOTFOUND {
				err = hidden()
			}
			s.httpFail(w, r, err) // before reading a byte of the body
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes+uploadPartSlack)
		up, err := s.readUpload(ctx, r, voice)
		if up.pending != nil {
			defer up.pending.Discard()
		}
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				err = jihat.Errorf(jihat.ETOOLARGE, "too_large")
			}
			s.httpFail(w, r, err)
			return
		}
		action := "case.attachment"
		if voice {
			action = "case.voice"
		}
		a := jihat.AuditEntry{ActorID: u.ID, Action: action, IP: s.clientIP(r), UserAgent: truncate(r.UserAgent(), 512)}
		// The body is read: from here a half-closed client still waits for
		// the answer (see bridge).
		ctx, cancel := detached(r)
		defer cancel()
		att, err := s.AddAttachment(ctx, u, a, caseID, up, voice)
		if err != nil {
			s.httpFail(w, r, err)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]any{"attachment": att})
	}
}

// incomingUpload is a parsed multipart upload.
type incomingUpload struct {
	pending    media.Pending
	name       string
	visibility jihat.Visibility
	claimed    time.Duration // voice: the client's duration_ms, a hint only (the server measures)
}

// readUpload reads the multipart parts: the file (streamed into a pending
// blob), visibility and, for voice notes, duration_ms. Unknown parts are
// refused.
func (s *Server) readUpload(ctx context.Context, r *http.Request, voice bool) (incomingUpload, error) {
	up := incomingUpload{} // visibility "" until given: see jihat.ChooseVisibility
	fileField, limits := "file", media.AttachmentLimits()
	if voice {
		fileField, limits = "audio", media.VoiceLimits(0)
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return up, jihat.Invalid(map[string]string{fileField: "multipart_required"})
	}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return up, bodyError(err)
		}
		switch name := part.FormName(); {
		case name == fileField && up.pending == nil:
			if name := part.FileName(); name != "" { // none: AddAttachment names it "file" + the sniffed extension
				up.name = media.CleanName(name)
			}
			if up.pending, err = s.media.Put(ctx, part, limits); err != nil {
				return up, err
			}
		case name == "visibility":
			v, err := smallField(part)
			if err != nil {
				return up, err
			}
			if up.visibility, err = jihat.ParseVisibility(v); err != nil {
				return up, err
			}
		case name == "duration_ms" && voice:
			v, err := smallField(part)
			if err != nil {
				return up, err
			}
			ms, err := strconv.ParseInt(v, 10, 64)
			if err != nil || ms <= 0 {
				return up, jihat.Invalid(map[string]string{"duration_ms": "invalid_value"})
			}
			up.claimed = time.Duration(ms) * time.Millisecond
		default:
			return up, &jihat.Error{Code: jihat.EINVALID, Key: "unknown_field", Args: []any{name},
				Fields: map[string]string{name: "unknown_field"}}
		}
	}
	if up.pending == nil {
		return up, jihat.Invalid(map[string]string{fileField: "required"})
	}
	if voice {
		// The server measures the recording; the client's duration_ms is
		// only a hint (a browser's MediaRecorder often gets it wrong), so
		// it is neither required nor compared.
		if err := media.CheckVoiceDuration(up.pending.Blob().Duration, 0, s.cfg.MaxVoiceDuration); err != nil {
			return up, err
		}
	}
	return up, nil
}

// bodyError is the error for a request body that could not be read to its
// end: too large (kept, the handler answers 413), or cut short or malformed
// (a broken connection, a bad multipart encoding), which is the client's
// problem, not an internal error.
func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return err
	}
	return fmt.Errorf("%w: %w", jihat.Errorf(jihat.EINVALID, media.KeyUploadIncomplete), err)
}

// smallField reads a form field of at most 64 bytes.
func smallField(p *multipart.Part) (string, error) {
	b, err := io.ReadAll(io.LimitReader(p, 65))
	if err != nil {
		return "", bodyError(err)
	}
	if len(b) > 64 {
		return "", jihat.Invalid(map[string]string{p.FormName(): "too_long"})
	}
	return strings.TrimSpace(string(b)), nil
}

// AddAttachment records an uploaded file or voice note on the case: who may
// add what is checked on the locked case (the requester adds public files;
// handlers add public or internal ones; internal needs case.view_internal),
// then the row and the event are written and the blob committed as the last
// step of the same transaction.
// AddAttachment attaches the upload up (a file, or a voice note) to case
// caseID for u and returns its view.
func (s *Server) AddAttachment(ctx context.Context, u *jihat.User, a jihat.AuditEntry, caseID string, up incomingUpload, voice bool) (*attachmentView, error) {
	// The requester of a case never changes: who they are decides the
	// visibility before the audit entry is written.
	c, err := s.store.Case(ctx, caseID)
	if err != nil && jihat.ErrorCode(err) != jihat.ENOTFOUND {
		return nil, err
	}
	if err != nil || !canSeeCase(u, c) {
		return nil, hidden()
	}
	if up.visibility, err = jihat.ChooseVisibility(up.visibility, u.ID == c.RequesterID); err != nil {
		return nil, err
	}
	if err := s.spendWrite(ctx, u); err != nil {
		return nil, err
	}
	blob := up.pending.Blob()
	att := &store.Attachment{UploaderID: u.ID, Visibility: up.visibility, Kind: string(blob.Kind), Name: up.name,
		MIME: blob.MIME, Size: blob.Size, SHA256: blob.SHA256, DurationMS: blob.Duration.Milliseconds()}
	// The name follows the content: the person's base name with the
	// extension of what the bytes are, never an executable's.
	att.Name = media.NameFor(att.Name, blob.Ext)
	// The audit entry names the file: its target is the case, and the
	// attachment's ID is made inside the transaction.
	a.Details = detailsJSON(map[string]any{"name": att.Name, "kind": att.Kind, "size": att.Size, "sha256": att.SHA256,
		"visibility": att.Visibility})
	_, _, err = s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		switch {
		case !canSeeCase(u, c):
			return hidden()
		case up.visibility == jihat.VisibilityInternal && !canSeeInternal(u, c):
			return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		case u.ID != c.RequesterID && !canHandle(u, c):
			return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		case c.Status == jihat.StatusClosed:
			return jihat.Errorf(jihat.ECONFLICT, "case_closed")
		}
		if err := m.AddAttachment(att); err != nil {
			return err
		}
		typ := jihat.CaseEventAttachment
		if voice {
			typ = jihat.CaseEventVoice
		}
		if _, err := m.Event(typ, u.ID, up.visibility, jihat.AttachmentData{AttachmentID: att.ID, Name: att.Name,
			ContentType: att.MIME, Size: att.Size, DurationMS: att.DurationMS}); err != nil {
			return err
		}
		if up.visibility == jihat.VisibilityPublic { // the rules of a public reply, notifications included
			if err := publicAction(m, u, "case."+string(typ), map[string]any{"number": c.Number, "body": att.Name}); err != nil {
				return err
			}
		}
		return up.pending.Commit(ctx)
	})
	if err != nil {
		return nil, err
	}
	v := newAttachmentView(att)
	return &v, nil
}
