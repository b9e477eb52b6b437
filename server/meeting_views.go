package server

import (
	"github.com/jihat/jihat"
)

type seatView struct {
	UserID string `json:"user_id"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	RSVP   string `json:"rsvp,omitempty"`
}

func seatViews(seats []jihat.MeetingSeat) []seatView {
	out := make([]seatView, len(seats))
	for i, x := range seats {
		out[i] = seatView{UserID: x.UserID, Name: x.Name, Role: string(x.Role), RSVP: string(x.RSVP)}
	}
	return out
}

type boardView struct {
	ID         string     `json:"id"`
	EntityID   string     `json:"entity_id"`
	Name       string     `json:"name"`
	Kind       string     `json:"kind"`
	QuorumRule string     `json:"quorum_rule"`
	ResultRule string     `json:"result_rule"`
	Members    []seatView `json:"members"`
	MyRole     string     `json:"my_role,omitempty"` // GET /boards only: the caller's seat
	CreatedAt  string     `json:"created_at"`
	UpdatedAt  string     `json:"updated_at"`
}

func newBoardView(b *jihat.Board) boardView {
	return boardView{ID: b.ID, EntityID: b.EntityID, Name: b.Name, Kind: b.Kind, QuorumRule: string(b.Quorum),
		ResultRule: string(b.Result), Members: seatViews(b.Members), CreatedAt: rfc3339(b.CreatedAt), UpdatedAt: rfc3339(b.UpdatedAt)}
}

type agendaView struct {
	ID       string   `json:"id"`
	Position int      `json:"position"`
	Title    string   `json:"title"`
	FileIDs  []string `json:"file_ids"`
}

func newAgendaView(it *jihat.AgendaItem) *agendaView {
	v := &agendaView{ID: it.ID, Position: it.Position, Title: it.Title, FileIDs: it.FileIDs}
	if v.FileIDs == nil {
		v.FileIDs = []string{}
	}
	return v
}

// motionView is a motion as clients see it. Votes (who voted what) is set
// for an open ballot only; a secret ballot shows its counts and nothing
// else.
type motionView struct {
	ID           string            `json:"id"`
	MeetingID    string            `json:"meeting_id"`
	AgendaItemID *string           `json:"agenda_item_id"`
	Title        string            `json:"title"`
	Secret       bool              `json:"secret"`
	Status       string            `json:"status"`
	Tally        jihat.Tally       `json:"tally"`
	Votes        map[string]string `json:"votes,omitempty"`
	Result       string            `json:"result,omitempty"`
	OpenedAt     string            `json:"opened_at,omitempty"`
	ClosedAt     string            `json:"closed_at,omitempty"`
	CreatedAt    string            `json:"created_at"`
}

func newMotionView(mo *jihat.Motion) *motionView {
	v := &motionView{ID: mo.ID, MeetingID: mo.MeetingID, Title: mo.Title, Secret: mo.Secret, Status: string(mo.Status),
		Tally: mo.Tally, Result: string(mo.Result), CreatedAt: rfc3339(mo.CreatedAt)}
	if mo.AgendaItemID != "" {
		v.AgendaItemID = &mo.AgendaItemID
	}
	if mo.OpenedAt != nil {
		v.OpenedAt = rfc3339(*mo.OpenedAt)
	}
	if mo.ClosedAt != nil {
		v.ClosedAt = rfc3339(*mo.ClosedAt)
	}
	if !mo.Secret && mo.Votes != nil {
		v.Votes = make(map[string]string, len(mo.Votes))
		for u, c := range mo.Votes {
			v.Votes[u] = string(c)
		}
	}
	return v
}

type stayView struct {
	UserID   string `json:"user_id"`
	Via      string `json:"via"`
	JoinedAt string `json:"joined_at"`
	LeftAt   string `json:"left_at,omitempty"`
}

type meetingView struct {
	ID        string        `json:"id"`
	EntityID  string        `json:"entity_id"`
	BoardID   *string       `json:"board_id"`
	Title     string        `json:"title"`
	StartsAt  string        `json:"starts_at"`
	EndsAt    string        `json:"ends_at"`
	TimeZone  string        `json:"time_zone"`
	Remote    bool          `json:"remote"`
	Location  string        `json:"location"`
	Status    string        `json:"status"`
	Sequence  int           `json:"sequence"`
	Quorum    string        `json:"quorum_rule"`
	Result    string        `json:"result_rule"`
	Agenda    []*agendaView `json:"agenda"`
	Members   []seatView    `json:"members"`
	MyRole    string        `json:"my_role,omitempty"`
	MyRSVP    string        `json:"my_rsvp,omitempty"` // the caller's answer to the invitation
	CreatedAt string        `json:"created_at"`
	UpdatedAt string        `json:"updated_at"`
	// With GET /meetings/{id} only:
	Live       *liveStateView `json:"live,omitempty"`
	Attendance []stayView     `json:"attendance,omitempty"`
	Motions    []*motionView  `json:"motions,omitempty"`
	Current    *agendaView    `json:"current_item,omitempty"`
}

func newMeetingView(m *jihat.Meeting, userID string) *meetingView {
	v := &meetingView{ID: m.ID, EntityID: m.EntityID, Title: m.Title, StartsAt: rfc3339(m.StartsAt), EndsAt: rfc3339(m.EndsAt),
		TimeZone: m.TimeZone, Remote: m.Remote, Location: m.Location, Status: string(m.Status), Sequence: m.Sequence,
		Quorum: string(m.Quorum), Result: string(m.Result), Agenda: make([]*agendaView, len(m.Agenda)), Members: seatViews(m.Members),
		CreatedAt: rfc3339(m.CreatedAt), UpdatedAt: rfc3339(m.UpdatedAt)}
	if m.BoardID != "" {
		v.BoardID = &m.BoardID
	}
	for i := range m.Agenda {
		v.Agenda[i] = newAgendaView(&m.Agenda[i])
	}
	if seat, ok := m.Member(userID); ok {
		v.MyRole, v.MyRSVP = string(seat.Role), string(seat.RSVP)
	}
	if it := agendaItem(m, m.CurrentID); it != nil {
		v.Current = newAgendaView(it)
	}
	return v
}

type noteView struct {
	ID        string `json:"id"`
	MeetingID string `json:"meeting_id"`
	AuthorID  string `json:"author_id"`
	Body      string `json:"body"`
	Shared    bool   `json:"shared"`
	CreatedAt string `json:"created_at"`
	UpdatedAt string `json:"updated_at"`
}

func newNoteView(n *jihat.MeetingNote) noteView {
	return noteView{ID: n.ID, MeetingID: n.MeetingID, AuthorID: n.AuthorID, Body: n.Body, Shared: n.Shared,
		CreatedAt: rfc3339(n.CreatedAt), UpdatedAt: rfc3339(n.UpdatedAt)}
}
