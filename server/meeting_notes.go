package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// Attendees' private notes of a meeting, shared with the chair and the
// secretary on request.

// AddNote keeps a private note of u in meeting id; shared, it is readable
// by the chair and the secretary (and the meeting's admins), who are told
// live on their own channels.
func (s *Server) AddNote(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, body string, shared bool) (*jihat.MeetingNote, error) {
	m, _, err := s.Meeting(ctx, u, id)
	if err != nil {
		return nil, err
	}
	if err := checkNoteBody(body); err != nil {
		return nil, err
	}
	n := &jihat.MeetingNote{MeetingID: id, AuthorID: u.ID, Body: body, Shared: shared}
	a.Action = "meeting.note"
	a.Details = mustJSON(map[string]any{"meeting_id": id, "shared": shared})
	if err := s.store.AddNote(ctx, n, a); err != nil {
		return nil, err
	}
	if shared {
		s.noteShared(ctx, m, n)
	}
	return n, nil
}

func checkNoteBody(body string) error {
	if strings.TrimSpace(body) == "" {
		return jihat.Invalid(map[string]string{"body": "required"})
	}
	if len([]rune(body)) > jihat.MaxNoteBody {
		return jihat.Invalid(map[string]string{"body": "invalid_value"})
	}
	return nil
}

// noteShared tells the chair and the secretary of m that a note was shared.
func (s *Server) noteShared(ctx context.Context, m *jihat.Meeting, n *jihat.MeetingNote) {
	payload := []byte(mustJSON(map[string]any{"type": "note.shared", "meeting_id": m.ID, "note": newNoteView(n)}))
	for _, x := range m.Members {
		if x.Role.Runs() && x.UserID != n.AuthorID {
			s.live(ctx, jihat.UserChannel(x.UserID), hub.Event{Data: payload})
		}
	}
}

// UpdateNote changes the text or the sharing of one's own note.
func (s *Server) UpdateNote(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, body *string, shared *bool) (*jihat.MeetingNote, error) {
	n0, err := s.store.Note(ctx, id)
	if err != nil {
		return nil, err
	}
	if n0.AuthorID != u.ID {
		return nil, hidden()
	}
	m, _, err := s.Meeting(ctx, u, n0.MeetingID)
	if err != nil {
		return nil, err
	}
	if body != nil {
		if err := checkNoteBody(*body); err != nil {
			return nil, err
		}
	}
	a.Action = "meeting.note_update"
	n, err := s.store.UpdateNote(ctx, id, a, func(n *jihat.MeetingNote) error {
		if body != nil {
			n.Body = *body
		}
		if shared != nil {
			n.Shared = *shared
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	if n.Shared {
		s.noteShared(ctx, m, n)
	}
	return n, nil
}

// Notes returns u's own notes of meeting id and, for the chair, the
// secretary and admins, the notes shared with them.
func (s *Server) Notes(ctx context.Context, u *jihat.User, id string) ([]jihat.MeetingNote, error) {
	_, acc, err := s.Meeting(ctx, u, id)
	if err != nil {
		return nil, err
	}
	return s.store.Notes(ctx, id, u.ID, acc.run)
}

// addNote: POST /api/v1/meetings/{id}/notes {body, shared?}.
func (s *Server) addNote(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body   string `json:"body"`
		Shared bool   `json:"shared"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	n, err := s.AddNote(c.UserContext(), u, audit(c, ""), id, in.Body, in.Shared)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"note": newNoteView(n)})
}

// listNotes: GET /api/v1/meetings/{id}/notes.
func (s *Server) listNotes(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	ns, err := s.Notes(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	out := make([]noteView, len(ns))
	for i := range ns {
		out[i] = newNoteView(&ns[i])
	}
	return c.JSON(fiber.Map{"notes": out})
}

// updateNote: PATCH /api/v1/notes/{id} {body?, shared?}.
func (s *Server) updateNote(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body   *string `json:"body"`
		Shared *bool   `json:"shared"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	n, err := s.UpdateNote(c.UserContext(), u, audit(c, ""), id, in.Body, in.Shared)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"note": newNoteView(n)})
}
