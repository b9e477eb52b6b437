package client

import (
	"context"
	"net/http"
	"time"
)

// Meetings: boards and committees, meetings with their agenda and members,
// invitations' answers, attendance, motions and votes (the REST side; the
// live side is in meeting_live.go).

// Seat is a member of a board or a meeting with their role: chair,
// secretary, member, or observer (attends, does not vote).
type Seat struct {
	UserID string `json:"user_id"`
	Name   string `json:"name,omitempty"`
	Role   string `json:"role"`
	RSVP   string `json:"rsvp,omitempty"` // a meeting's invitation answer: attend, decline, tentative
}

// Board is a board of directors or a committee of an entity.
type Board struct {
	ID         string `json:"id"`
	EntityID   string `json:"entity_id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	QuorumRule string `json:"quorum_rule"` // majority (default: more than half of the voting members), two_thirds, all
	ResultRule string `json:"result_rule"` // majority (default: more accepts than rejects), two_thirds, unanimous
	Members    []Seat `json:"members"`
	CreatedAt  Time   `json:"created_at"`
	UpdatedAt  Time   `json:"updated_at"`
}

// BoardRequest creates a board, or (with nil fields left alone) changes one.
type BoardRequest struct {
	Name       *string `json:"name,omitempty"`
	Kind       *string `json:"kind,omitempty"`
	QuorumRule *string `json:"quorum_rule,omitempty"`
	ResultRule *string `json:"result_rule,omitempty"`
	Members    *[]Seat `json:"members,omitempty"`
}

// AgendaItem is one item of a meeting's agenda, in order.
type AgendaItem struct {
	ID       string   `json:"id"`
	Position int      `json:"position"`
	Title    string   `json:"title"`
	FileIDs  []string `json:"file_ids"`
}

// Tally counts the votes of a motion. Version grows with every committed
// batch of votes (and with attendance changes while it is open): of two
// tallies, the higher version is the newer.
type Tally struct {
	Accept   int   `json:"accept"`
	Reject   int   `json:"reject"`
	Abstain  int   `json:"abstain"`
	Voted    int   `json:"voted"`
	Eligible int   `json:"eligible"`
	Present  int   `json:"present"`
	Version  int64 `json:"version"`
}

// Motion is a question put to the vote. Votes (member ID → choice) is set
// for an open ballot only, never for a secret one.
type Motion struct {
	ID           string            `json:"id"`
	MeetingID    string            `json:"meeting_id"`
	AgendaItemID *string           `json:"agenda_item_id"`
	Title        string            `json:"title"`
	Secret       bool              `json:"secret"`
	Status       string            `json:"status"` // draft, open, closed
	Tally        Tally             `json:"tally"`
	Votes        map[string]string `json:"votes,omitempty"`
	Result       string            `json:"result,omitempty"` // approved, rejected, no_quorum (closed motions)
	OpenedAt     Time              `json:"opened_at,omitempty"`
	ClosedAt     Time              `json:"closed_at,omitempty"`
	CreatedAt    Time              `json:"created_at"`
}

// Quorum is the quorum of a meeting now.
type Quorum struct {
	Rule     string `json:"rule"`
	Present  int    `json:"present"`  // voting members present
	Eligible int    `json:"eligible"` // voting members
	Needed   int    `json:"needed"`
	Met      bool   `json:"met"`
}

// LiveState is the live part of a meeting: its status, the agenda item
// under discussion, who is present, the quorum and every motion with its
// whole tally. A subscriber to meeting:<id> gets it in its snapshot.
type LiveState struct {
	Status     string      `json:"status"`
	Current    *AgendaItem `json:"current_item"`
	Attendance []string    `json:"attendance"` // user IDs present now
	Quorum     Quorum      `json:"quorum"`
	Motions    []Motion    `json:"motions"`
}

// Stay is one presence of a member: joined, and left unless still there.
type Stay struct {
	UserID   string `json:"user_id"`
	Via      string `json:"via"` // ws (the room), checkin (in person)
	JoinedAt Time   `json:"joined_at"`
	LeftAt   Time   `json:"left_at,omitempty"`
}

// Meeting is a meeting of a board, or of an explicit list of members.
// Live, Attendance and Motions come with Meeting (GET) only.
type Meeting struct {
	ID         string       `json:"id"`
	EntityID   string       `json:"entity_id"`
	BoardID    *string      `json:"board_id"`
	Title      string       `json:"title"`
	StartsAt   Time         `json:"starts_at"`
	EndsAt     Time         `json:"ends_at"`
	TimeZone   string       `json:"time_zone"`
	Remote     bool         `json:"remote"`
	Location   string       `json:"location"`
	Status     string       `json:"status"` // scheduled, started, closed, cancelled
	Sequence   int          `json:"sequence"`
	QuorumRule string       `json:"quorum_rule"`
	ResultRule string       `json:"result_rule"`
	Agenda     []AgendaItem `json:"agenda"`
	Members    []Seat       `json:"members"`
	MyRole     string       `json:"my_role,omitempty"`
	Current    *AgendaItem  `json:"current_item,omitempty"`
	Live       *LiveState   `json:"live,omitempty"`
	Attendance []Stay       `json:"attendance,omitempty"`
	Motions    []Motion     `json:"motions,omitempty"`
	CreatedAt  Time         `json:"created_at"`
	UpdatedAt  Time         `json:"updated_at"`
}

// AgendaRequest is one agenda item of a MeetingRequest.
type AgendaRequest struct {
	Title   string   `json:"title"`
	FileIDs []string `json:"file_ids,omitempty"`
}

// MeetingRequest schedules a meeting: of BoardID's members, or of
// MemberIDs (members) or Members (with roles) without a board.
type MeetingRequest struct {
	EntityID   string          `json:"entity_id"`
	BoardID    string          `json:"board_id,omitempty"`
	Title      string          `json:"title"`
	StartsAt   time.Time       `json:"starts_at"`
	EndsAt     time.Time       `json:"ends_at"`
	TimeZone   string          `json:"time_zone,omitempty"`
	Remote     *bool           `json:"remote,omitempty"`
	Location   string          `json:"location,omitempty"`
	MemberIDs  []string        `json:"member_ids,omitempty"`
	Members    []Seat          `json:"members,omitempty"`
	QuorumRule string          `json:"quorum_rule,omitempty"`
	ResultRule string          `json:"result_rule,omitempty"`
	Agenda     []AgendaRequest `json:"agenda,omitempty"`
}

// VoteResult answers a vote: the choice (open ballots only) and, for a
// secret ballot, the voter's receipt.
type VoteResult struct {
	MotionID string `json:"motion_id"`
	Choice   string `json:"choice,omitempty"`
	Receipt  string `json:"receipt,omitempty"`
}

// Attendance answers a check-in or check-out.
type Attendance struct {
	MeetingID string `json:"meeting_id"`
	UserID    string `json:"user_id"`
	Present   bool   `json:"present"`
}

type boardAnswer struct {
	Board Board `json:"board"`
}

type meetingAnswer struct {
	Meeting Meeting `json:"meeting"`
}

type motionAnswer struct {
	Motion Motion `json:"motion"`
}

// CreateBoard creates a board of entityID (an entity admin).
func (c *Client) CreateBoard(ctx context.Context, entityID string, req BoardRequest) (*Board, error) {
	var out boardAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/entities/"+pathEscape(entityID)+"/boards", nil, req, &out); err != nil {
		return nil, err
	}
	return &out.Board, nil
}

// Boards lists the boards of entityID (its admins).
func (c *Client) Boards(ctx context.Context, entityID string) ([]Board, error) {
	var out struct {
		Boards []Board `json:"boards"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/entities/"+pathEscape(entityID)+"/boards", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Boards, nil
}

// Board returns one board.
func (c *Client) Board(ctx context.Context, id string) (*Board, error) {
	var out boardAnswer
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/boards/"+pathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Board, nil
}

// UpdateBoard changes the fields of req that are set.
func (c *Client) UpdateBoard(ctx context.Context, id string, req BoardRequest) (*Board, error) {
	var out boardAnswer
	if _, err := c.do(ctx, http.MethodPatch, "/api/v1/boards/"+pathEscape(id), nil, req, &out); err != nil {
		return nil, err
	}
	return &out.Board, nil
}

// ScheduleMeeting schedules a meeting (its secretary or chair, or an entity
// admin); the members are invited.
func (c *Client) ScheduleMeeting(ctx context.Context, req MeetingRequest) (*Meeting, error) {
	var out meetingAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/meetings", nil, req, &out); err != nil {
		return nil, err
	}
	return &out.Meeting, nil
}

// Meetings lists the caller's meetings (and every meeting of their entity
// for its admins).
func (c *Client) Meetings(ctx context.Context) ([]Meeting, error) {
	var out struct {
		Meetings []Meeting `json:"meetings"`
	}
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/meetings", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Meetings, nil
}

// Meeting returns a meeting with its live state, every stay and its motions.
func (c *Client) Meeting(ctx context.Context, id string) (*Meeting, error) {
	var out meetingAnswer
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/meetings/"+pathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Meeting, nil
}

// meetingCall posts to /meetings/{id}/<action> and returns the meeting.
func (c *Client) meetingCall(ctx context.Context, method, id, action string, in any) (*Meeting, error) {
	var out meetingAnswer
	if _, err := c.do(ctx, method, "/api/v1/meetings/"+pathEscape(id)+"/"+action, nil, in, &out); err != nil {
		return nil, err
	}
	return &out.Meeting, nil
}

// StartMeeting, CloseMeeting and CancelMeeting move a meeting on (chair,
// secretary or an entity admin).
func (c *Client) StartMeeting(ctx context.Context, id string) (*Meeting, error) {
	return c.meetingCall(ctx, http.MethodPost, id, "start", nil)
}

// CloseMeeting ends a meeting.
func (c *Client) CloseMeeting(ctx context.Context, id string) (*Meeting, error) {
	return c.meetingCall(ctx, http.MethodPost, id, "close", nil)
}

// CancelMeeting cancels a meeting (the members get a cancellation).
func (c *Client) CancelMeeting(ctx context.Context, id string) (*Meeting, error) {
	return c.meetingCall(ctx, http.MethodPost, id, "cancel", nil)
}

// SetCurrentItem moves the meeting to an agenda item (live for everyone).
func (c *Client) SetCurrentItem(ctx context.Context, id, itemID string) (*Meeting, error) {
	return c.meetingCall(ctx, http.MethodPut, id, "agenda/current", map[string]string{"agenda_item_id": itemID})
}

// RSVP answers the invitation: attend, decline or tentative.
func (c *Client) RSVP(ctx context.Context, id, answer string) (*Meeting, error) {
	return c.meetingCall(ctx, http.MethodPost, id, "rsvp", map[string]string{"answer": answer})
}

// CheckIn records the caller's arrival in person; CheckOut their departure.
func (c *Client) CheckIn(ctx context.Context, id string) (*Attendance, error) {
	return c.attendance(ctx, http.MethodPost, id)
}

// CheckOut records the caller's departure.
func (c *Client) CheckOut(ctx context.Context, id string) (*Attendance, error) {
	return c.attendance(ctx, http.MethodDelete, id)
}

func (c *Client) attendance(ctx context.Context, method, id string) (*Attendance, error) {
	var out Attendance
	if _, err := c.do(ctx, method, "/api/v1/meetings/"+pathEscape(id)+"/attendance", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateMotion drafts a motion in a meeting (the chair), on an agenda item
// when agendaItemID is not "".
func (c *Client) CreateMotion(ctx context.Context, meetingID, agendaItemID, title string, secret bool) (*Motion, error) {
	in := map[string]any{"title": title, "secret": secret}
	if agendaItemID != "" {
		in["agenda_item_id"] = agendaItemID
	}
	var out motionAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/meetings/"+pathEscape(meetingID)+"/motions", nil, in, &out); err != nil {
		return nil, err
	}
	return &out.Motion, nil
}

// Motion returns a motion with its whole tally.
func (c *Client) Motion(ctx context.Context, id string) (*Motion, error) {
	var out motionAnswer
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/motions/"+pathEscape(id), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Motion, nil
}

// OpenMotion opens a motion to the vote; CloseMotion closes it and computes
// its result. Both are idempotent.
func (c *Client) OpenMotion(ctx context.Context, id string) (*Motion, error) {
	return c.motionCall(ctx, id, "open")
}

// CloseMotion freezes the tally and the result.
func (c *Client) CloseMotion(ctx context.Context, id string) (*Motion, error) {
	return c.motionCall(ctx, id, "close")
}

func (c *Client) motionCall(ctx context.Context, id, action string) (*Motion, error) {
	var out motionAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/motions/"+pathEscape(id)+"/"+action, nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Motion, nil
}

// Vote casts (or changes) the caller's vote over REST: accept, reject or
// abstain. The socket's Live.Vote does the same.
func (c *Client) Vote(ctx context.Context, motionID, choice string) (*VoteResult, error) {
	var out VoteResult
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/motions/"+pathEscape(motionID)+"/vote", nil, map[string]string{"choice": choice}, &out); err != nil {
		return nil, err
	}
	return &out, nil
}
