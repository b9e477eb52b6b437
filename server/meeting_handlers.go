package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

// Handlers of boards, meetings, motions and votes: decode, call one
// service, encode.

// createBoard: POST /api/v1/entities/{id}/boards.
func (s *Server) createBoard(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in boardInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.CreateBoard(c.UserContext(), u, audit(c, ""), id, in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"board": newBoardView(b)})
}

// listBoards: GET /api/v1/entities/{id}/boards (the entity's admins).
func (s *Server) listBoards(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	if !canAdminMeetings(u, id) {
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	bs, err := s.store.Boards(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := make([]boardView, len(bs))
	for i, b := range bs {
		out[i] = newBoardView(b)
	}
	return c.JSON(fiber.Map{"boards": out})
}

// myBoards: GET /api/v1/boards: the boards in which the caller holds a
// seat, each with the caller's role (a chair or secretary schedules their
// meetings from them). Anyone signed in; no seat, an empty list.
func (s *Server) myBoards(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	bs, err := s.store.BoardsOf(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	out := make([]boardView, len(bs))
	for i, b := range bs {
		out[i] = newBoardView(b)
		out[i].MyRole = string(s.boardSeat(b, u.ID))
	}
	return c.JSON(fiber.Map{"boards": out})
}

// getBoard: GET /api/v1/boards/{id}.
func (s *Server) getBoard(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	b, err := s.Board(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"board": newBoardView(b)})
}

// updateBoard: PATCH /api/v1/boards/{id}.
func (s *Server) updateBoard(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in boardInput
	if err := decode(c, &in); err != nil {
		return err
	}
	b, err := s.UpdateBoard(c.UserContext(), u, audit(c, ""), id, in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"board": newBoardView(b)})
}

// createMeeting: POST /api/v1/meetings.
func (s *Server) createMeeting(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var in meetingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.CreateMeeting(c.UserContext(), u, audit(c, ""), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"meeting": newMeetingView(m, u.ID)})
}

// listMeetings: GET /api/v1/meetings — the caller's meetings, and every
// meeting of their entity for its admins.
func (s *Server) listMeetings(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	entity := ""
	if u.EntityID != "" && canAdminMeetings(u, u.EntityID) {
		entity = u.EntityID
	}
	if text := strings.TrimSpace(c.Query("q")); text != "" {
		return s.searchMeetings(c, u, entity, text) // meeting_search.go
	}
	ms, err := s.store.MeetingsFor(c.UserContext(), u.ID, entity, 200)
	if err != nil {
		return err
	}
	out := make([]*meetingView, len(ms))
	for i, m := range ms {
		out[i] = newMeetingView(m, u.ID) // my_role and my_rsvp from the caller's seat
		out[i].Members = []seatView{}    // the list names no members (GET /meetings/{id} does)
	}
	return c.JSON(fiber.Map{"meetings": out})
}

// getMeeting: GET /api/v1/meetings/{id} — with agenda, members, attendance
// (every stay), the live state and the motions with their tallies (counts
// only for a secret ballot).
func (s *Server) getMeeting(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	m, _, err := s.Meeting(ctx, u, id)
	if err != nil {
		return err
	}
	v := newMeetingView(m, u.ID)
	if v.Live, err = s.liveState(ctx, m); err != nil {
		return err
	}
	v.Motions = v.Live.Motions
	stays, err := s.store.Attendance(ctx, id)
	if err != nil {
		return err
	}
	v.Attendance = make([]stayView, len(stays))
	for i, st := range stays {
		v.Attendance[i] = stayView{UserID: st.UserID, Via: st.Via, JoinedAt: rfc3339(st.JoinedAt)}
		if st.LeftAt != nil {
			v.Attendance[i].LeftAt = rfc3339(*st.LeftAt)
		}
	}
	return c.JSON(fiber.Map{"meeting": v})
}

// updateMeeting: PATCH /api/v1/meetings/{id}.
func (s *Server) updateMeeting(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in meetingInput
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.UpdateMeeting(c.UserContext(), u, audit(c, ""), id, in)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"meeting": newMeetingView(m, u.ID)})
}

// meetingStatus: POST /api/v1/meetings/{id}/start · /close · /cancel.
func (s *Server) meetingStatus(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, id, err := callerAndID(c)
		if err != nil {
			return err
		}
		m, err := s.MeetingStatus(c.UserContext(), u, audit(c, ""), id, action)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"meeting": newMeetingView(m, u.ID)})
	}
}

// setCurrentItem: PUT /api/v1/meetings/{id}/agenda/current.
func (s *Server) setCurrentItem(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		AgendaItemID string `json:"agenda_item_id"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.SetCurrentItem(c.UserContext(), u, audit(c, ""), id, in.AgendaItemID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"meeting": newMeetingView(m, u.ID)})
}

// rsvp: POST /api/v1/meetings/{id}/rsvp {answer: attend|decline|tentative}.
func (s *Server) rsvp(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		Answer string `json:"answer"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	m, err := s.RSVP(c.UserContext(), u, audit(c, ""), id, jihat.RSVP(in.Answer))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"meeting": newMeetingView(m, u.ID)})
}

// checkIn: POST /api/v1/meetings/{id}/attendance (check in) and DELETE
// (check out).
func (s *Server) checkIn(in bool) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, id, err := callerAndID(c)
		if err != nil {
			return err
		}
		if err := s.CheckIn(c.UserContext(), u, audit(c, ""), id, in); err != nil {
			return err
		}
		present, err := s.store.IsPresent(c.UserContext(), id, u.ID)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"meeting_id": id, "user_id": u.ID, "present": present})
	}
}

// createMotion: POST /api/v1/meetings/{id}/motions.
func (s *Server) createMotion(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		AgendaItemID string `json:"agenda_item_id"`
		Title        string `json:"title"`
		Secret       bool   `json:"secret"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	mo, err := s.CreateMotion(c.UserContext(), u, audit(c, ""), id, in.AgendaItemID, in.Title, in.Secret)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"motion": newMotionView(mo)})
}

// getMotion: GET /api/v1/motions/{id}.
func (s *Server) getMotion(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	mo, err := s.Motion(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"motion": newMotionView(mo)})
}

// motionAction: POST /api/v1/motions/{id}/open · /close.
func (s *Server) motionAction(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		u, id, err := callerAndID(c)
		if err != nil {
			return err
		}
		mo, err := s.MotionAction(c.UserContext(), u, audit(c, ""), id, action)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"motion": newMotionView(mo)})
	}
}

// vote: POST /api/v1/motions/{id}/vote {choice, receipt?}.
func (s *Server) vote(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		Choice  string `json:"choice"`
		Receipt string `json:"receipt"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	a := audit(c, "")
	a.Details = `{"via":"rest"}`
	r, err := s.Vote(c.UserContext(), u, a, id, in.Choice, in.Receipt)
	if err != nil {
		return err
	}
	return c.JSON(r)
}
