package server

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Meeting services: each runs one use case (check, write in one
// transaction with its audit entry and events, then publish).

// meetingInput is the body of POST /meetings and PATCH /meetings/{id}.
type meetingInput struct {
	EntityID   string      `json:"entity_id"`
	BoardID    string      `json:"board_id"`
	Title      *string     `json:"title"`
	StartsAt   *time.Time  `json:"starts_at"`
	EndsAt     *time.Time  `json:"ends_at"`
	TimeZone   *string     `json:"time_zone"`
	Remote     *bool       `json:"remote"`
	Location   *string     `json:"location"`
	MemberIDs  []string    `json:"member_ids"`
	Members    []seatInput `json:"members"`
	QuorumRule string      `json:"quorum_rule"`
	ResultRule string      `json:"result_rule"`
	Agenda     *[]agendaIn `json:"agenda"`
}

type agendaIn struct {
	Title   string   `json:"title"`
	FileIDs []string `json:"file_ids"`
}

// applyTimes validates and applies the schedule fields of in to m.
func applySchedule(fields map[string]string, m *jihat.Meeting, in meetingInput, creating bool) {
	if in.Title != nil || creating {
		m.Title = jihat.ValidateTitle(fields, "title", derefString(in.Title), jihat.MaxMeetingTitle)
	}
	if in.StartsAt != nil {
		m.StartsAt = in.StartsAt.UTC().Truncate(time.Second)
	}
	if in.EndsAt != nil {
		m.EndsAt = in.EndsAt.UTC().Truncate(time.Second)
	}
	if in.TimeZone != nil {
		m.TimeZone = *in.TimeZone
	}
	if m.TimeZone == "" {
		m.TimeZone = "Asia/Riyadh"
	}
	jihat.ValidateMeetingTimes(fields, m.StartsAt, m.EndsAt, m.TimeZone)
	if in.Remote != nil {
		m.Remote = *in.Remote
	} else if creating {
		m.Remote = true
	}
	if in.Location != nil {
		m.Location = *in.Location
		if len([]rune(m.Location)) > jihat.MaxMeetingTitle {
			fields["location"] = "invalid_value"
		}
	}
	if in.Agenda != nil {
		if len(*in.Agenda) > jihat.MaxAgendaItems {
			fields["agenda"] = "meeting_too_many"
			return
		}
		old := m.Agenda
		m.Agenda = nil
		for i, it := range *in.Agenda {
			item := jihat.AgendaItem{Position: i + 1, FileIDs: it.FileIDs}
			item.Title = jihat.ValidateTitle(fields, "agenda", it.Title, jihat.MaxMeetingTitle)
			for _, f := range it.FileIDs {
				if !jihat.IsUUID(f) {
					fields["agenda"] = "invalid_value"
				}
			}
			if i < len(old) {
				item.ID = old[i].ID // keep the IDs of items that stay in place
			}
			m.Agenda = append(m.Agenda, item)
		}
	}
}

// CreateMeeting schedules a meeting of a board (its chair or secretary, or
// an admin) or of an explicit member list (an admin), and invites every
// member by e-mail with an .ics and by SMS through the outbox.
func (s *Server) CreateMeeting(ctx context.Context, u *jihat.User, a jihat.AuditEntry, in meetingInput) (*jihat.Meeting, error) {
	fields := map[string]string{}
	if !jihat.IsUUID(in.EntityID) {
		return nil, jihat.Invalid(map[string]string{"entity_id": "invalid_value"})
	}
	m := &jihat.Meeting{EntityID: in.EntityID, CreatedBy: u.ID, Status: jihat.MeetingScheduled}
	admin := canAdminMeetings(u, in.EntityID)
	switch {
	case in.BoardID != "":
		b, err := s.store.Board(ctx, in.BoardID)
		if err != nil || b.EntityID != in.EntityID {
			return nil, jihat.Invalid(map[string]string{"board_id": "invalid_value"})
		}
		if !admin && !s.boardSeat(b, u.ID).Runs() {
			return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		}
		m.BoardID, m.Quorum, m.Result = b.ID, b.Quorum, b.Result
		m.Members = slices.Clone(b.Members)
	case len(in.MemberIDs) > 0 || len(in.Members) > 0:
		if !admin {
			return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		}
		seats := slices.Clone(in.Members)
		for _, id := range in.MemberIDs {
			seats = append(seats, seatInput{UserID: id, Role: string(jihat.MeetingMember)})
		}
		var err error
		if m.Members, err = s.checkSeats(ctx, fields, "member_ids", in.EntityID, seats); err != nil {
			return nil, err
		}
		m.Quorum, m.Result = jihat.QuorumRule(in.QuorumRule), jihat.ResultRule(in.ResultRule)
	default:
		if !admin {
			return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		}
		fields["member_ids"] = "meeting_no_members"
	}
	if m.Quorum == "" {
		m.Quorum = jihat.QuorumMajority
	}
	if m.Result == "" {
		m.Result = jihat.ResultMajority
	}
	if !m.Quorum.Valid() {
		fields["quorum_rule"] = "meeting_bad_rule"
	}
	if !m.Result.Valid() {
		fields["result_rule"] = "meeting_bad_rule"
	}
	if in.Agenda == nil {
		in.Agenda = &[]agendaIn{}
	}
	applySchedule(fields, m, in, true)
	if len(fields) > 0 {
		return nil, jihat.Invalid(fields)
	}
	if _, err := s.store.Entity(ctx, in.EntityID); err != nil {
		return nil, jihat.Invalid(map[string]string{"entity_id": "invalid_value"})
	}
	users, err := s.invitees(ctx, m)
	if err != nil {
		return nil, err
	}
	a.Action = "meeting.create"
	events, err := s.store.CreateMeeting(ctx, m, a, func(mt *store.MeetingTx) error {
		if err := mt.Event("meeting.scheduled", u.ID, s.meetingSummary(m)); err != nil {
			return err
		}
		return s.invite(mt, u, users, "REQUEST")
	})
	if err != nil {
		return nil, err
	}
	s.publishMeeting(ctx, m, events)
	return m, nil
}

// meetingSummary is the data of the events that announce a meeting.
func (s *Server) meetingSummary(m *jihat.Meeting) map[string]any {
	return map[string]any{"meeting_id": m.ID, "title": m.Title, "starts_at": rfc3339(m.StartsAt), "ends_at": rfc3339(m.EndsAt),
		"status": m.Status, "sequence": m.Sequence, "board_id": m.BoardID}
}

// UpdateMeeting changes the schedule, place or agenda of a meeting that
// has not ended; every member gets an updated invitation (same UID, next
// SEQUENCE).
func (s *Server) UpdateMeeting(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, in meetingInput) (*jihat.Meeting, error) {
	if in.EntityID != "" || in.BoardID != "" || in.MemberIDs != nil || in.Members != nil || in.QuorumRule != "" || in.ResultRule != "" {
		return nil, jihat.Invalid(map[string]string{"entity_id": "invalid_value"})
	}
	users, err := s.preloadInvitees(ctx, id)
	if err != nil {
		return nil, err
	}
	a.Action = "meeting.update"
	m, events, err := s.store.UpdateMeeting(ctx, id, a, func(mt *store.MeetingTx) error {
		m := mt.Meeting
		if err := mayRun(u, m); err != nil {
			return err
		}
		if m.Status.Ended() {
			return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
		}
		fields := map[string]string{}
		applySchedule(fields, m, in, false)
		if len(fields) > 0 {
			return jihat.Invalid(fields)
		}
		if in.Agenda != nil {
			for i := range m.Agenda {
				if m.Agenda[i].ID == "" {
					m.Agenda[i].ID = uuidString()
				}
			}
			mt.AgendaChanged = true
		}
		m.Sequence++
		if err := mt.Event("meeting.updated", u.ID, s.meetingSummary(m)); err != nil {
			return err
		}
		return s.invite(mt, u, users, "REQUEST")
	})
	if err != nil {
		return nil, err
	}
	s.publishMeeting(ctx, m, events)
	return m, nil
}

// preloadInvitees loads the members of meeting id before a transaction
// that may invite them.
func (s *Server) preloadInvitees(ctx context.Context, id string) (map[string]*jihat.User, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	return s.invitees(ctx, m)
}

// mayRun checks that u may run m (chair, secretary, admin); a stranger is
// told the meeting does not exist.
func mayRun(u *jihat.User, m *jihat.Meeting) error {
	acc := accessTo(u, m)
	switch {
	case acc.run:
		return nil
	case acc.see:
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return hidden()
}

// mayChair checks that u may act as m's chair.
func mayChair(u *jihat.User, m *jihat.Meeting) error {
	acc := accessTo(u, m)
	switch {
	case acc.chair:
		return nil
	case acc.see:
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return hidden()
}

// Meeting returns a meeting to those who may see it.
func (s *Server) Meeting(ctx context.Context, u *jihat.User, id string) (*jihat.Meeting, meetingAccess, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return nil, meetingAccess{}, err
	}
	acc := accessTo(u, m)
	if !acc.see {
		return nil, acc, hidden()
	}
	return m, acc, nil
}

// MeetingStatus moves a meeting: "start", "close" or "cancel". Closing
// closes its open motions (their results computed) and every stay;
// cancelling sends the members a cancellation (.ics METHOD:CANCEL).
// Starting or closing twice changes nothing and answers the same.
func (s *Server) MeetingStatus(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, action string) (*jihat.Meeting, error) {
	var users map[string]*jihat.User
	if action == "cancel" {
		var err error
		if users, err = s.preloadInvitees(ctx, id); err != nil {
			return nil, err
		}
	}
	a.Action = "meeting." + action
	var closed []*jihat.Motion
	m, events, err := s.store.UpdateMeeting(ctx, id, a, func(mt *store.MeetingTx) error {
		m := mt.Meeting
		if err := mayRun(u, m); err != nil {
			return err
		}
		now := mt.Now
		switch action {
		case "start":
			if m.Status == jihat.MeetingStarted {
				return nil
			}
			if m.Status.Ended() {
				return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
			}
			m.Status, m.StartedAt = jihat.MeetingStarted, &now
			return mt.Event("meeting.started", u.ID, s.meetingSummary(m))
		case "close":
			if m.Status == jihat.MeetingClosed {
				return nil
			}
			if m.Status == jihat.MeetingCancelled {
				return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
			}
			open, err := mt.OpenMotions()
			if err != nil {
				return err
			}
			for _, mo := range open {
				if err := s.closeMotion(mt, u, mo); err != nil {
					return err
				}
				closed = append(closed, mo)
			}
			if m.StartedAt == nil {
				m.StartedAt = &now
			}
			m.Status, m.ClosedAt = jihat.MeetingClosed, &now
			if err := mt.CloseAttendance(); err != nil {
				return err
			}
			return mt.Event("meeting.closed", u.ID, s.meetingSummary(m))
		default: // cancel
			if m.Status == jihat.MeetingCancelled {
				return nil
			}
			if m.Status == jihat.MeetingClosed {
				return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
			}
			m.Status, m.ClosedAt = jihat.MeetingCancelled, &now
			m.Sequence++
			if err := mt.CloseAttendance(); err != nil {
				return err
			}
			if err := mt.Event("meeting.cancelled", u.ID, s.meetingSummary(m)); err != nil {
				return err
			}
			return s.invite(mt, u, users, "CANCEL")
		}
	})
	if err != nil {
		return nil, err
	}
	s.publishMeeting(ctx, m, events)
	for _, mo := range closed {
		s.tallies.final(ctx, mo)
	}
	return m, nil
}

// SetCurrentItem moves the meeting to an agenda item (the chair, the
// secretary or an admin); everyone in the room sees it live.
func (s *Server) SetCurrentItem(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, itemID string) (*jihat.Meeting, error) {
	a.Action = "meeting.agenda"
	a.Details = mustJSON(map[string]string{"agenda_item_id": itemID})
	m, events, err := s.store.UpdateMeeting(ctx, id, a, func(mt *store.MeetingTx) error {
		m := mt.Meeting
		if err := mayRun(u, m); err != nil {
			return err
		}
		if m.Status.Ended() {
			return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
		}
		item := agendaItem(m, itemID)
		if item == nil {
			return jihat.Invalid(map[string]string{"agenda_item_id": "meeting_bad_agenda_item"})
		}
		if m.CurrentID == itemID {
			return nil
		}
		m.CurrentID = itemID
		return mt.Event("agenda.current", u.ID, map[string]any{"agenda_item_id": item.ID, "position": item.Position, "title": item.Title})
	})
	if err != nil {
		return nil, err
	}
	s.publishMeeting(ctx, m, events)
	return m, nil
}

func agendaItem(m *jihat.Meeting, id string) *jihat.AgendaItem {
	for i := range m.Agenda {
		if m.Agenda[i].ID == id {
			return &m.Agenda[i]
		}
	}
	return nil
}

// RSVP records a member's answer to the invitation; the secretary sees it
// live on the meeting's channel.
func (s *Server) RSVP(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, answer jihat.RSVP) (*jihat.Meeting, error) {
	if !answer.Valid() {
		return nil, jihat.Invalid(map[string]string{"answer": "invalid_value"})
	}
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return nil, err
	}
	if !accessTo(u, m).see {
		return nil, hidden()
	}
	a.Action = "meeting.rsvp"
	a.Details = mustJSON(map[string]string{"answer": string(answer)})
	m, events, err := s.store.SetRSVP(ctx, id, u.ID, answer, a)
	if err != nil {
		return nil, err
	}
	s.publishMeeting(ctx, m, events)
	return m, nil
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}
