package jihat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// MeetingRole is what a person is in a board, a committee or one meeting.
type MeetingRole string

// Meeting roles. Observers attend but never vote.
const (
	MeetingChair     MeetingRole = "chair"
	MeetingSecretary MeetingRole = "secretary"
	MeetingMember    MeetingRole = "member"
	MeetingObserver  MeetingRole = "observer"
)

// Valid reports whether r is a known meeting role.
func (r MeetingRole) Valid() bool {
	switch r {
	case MeetingChair, MeetingSecretary, MeetingMember, MeetingObserver:
		return true
	}
	return false
}

// Votes reports whether a person with role r may vote.
func (r MeetingRole) Votes() bool {
	return r == MeetingChair || r == MeetingSecretary || r == MeetingMember
}

// Runs reports whether r may run a meeting: schedule it, move through the
// agenda, open and close motions, draft the minutes (chair and secretary).
func (r MeetingRole) Runs() bool { return r == MeetingChair || r == MeetingSecretary }

// MeetingStatus is where a meeting is in its life.
type MeetingStatus string

// Meeting statuses: scheduled → started → closed; scheduled or started →
// cancelled.
const (
	MeetingScheduled MeetingStatus = "scheduled"
	MeetingStarted   MeetingStatus = "started"
	MeetingClosed    MeetingStatus = "closed"
	MeetingCancelled MeetingStatus = "cancelled"
)

// Ended reports whether nothing more may happen in the meeting.
func (s MeetingStatus) Ended() bool { return s == MeetingClosed || s == MeetingCancelled }

// RSVP is an invitee's answer.
type RSVP string

// Answers to an invitation ("" = not answered yet).
const (
	RSVPAttend    RSVP = "attend"
	RSVPDecline   RSVP = "decline"
	RSVPTentative RSVP = "tentative"
)

// Valid reports whether a is a known answer.
func (a RSVP) Valid() bool { return a == RSVPAttend || a == RSVPDecline || a == RSVPTentative }

// Board is a board of directors or a committee of an entity.
type Board struct {
	ID         string
	EntityID   string
	Name       string
	Kind       string // "board" or "committee"
	Quorum     QuorumRule
	Result     ResultRule
	Members    []MeetingSeat
	CreatedAt  time.Time
	UpdatedAt  time.Time
	ArchivedAt *time.Time
}

// MeetingSeat is a person's seat in a board or a meeting.
type MeetingSeat struct {
	UserID string
	Name   string // filled by the store for display
	Role   MeetingRole
	RSVP   RSVP // meetings only
}

// AgendaItem is one ordered item of a meeting's agenda.
type AgendaItem struct {
	ID       string
	Position int // 1, 2, ...
	Title    string
	FileIDs  []string // attachments of the item, if any
}

// Meeting is one sitting of a board, a committee or an explicit list of
// members.
type Meeting struct {
	ID         string
	EntityID   string
	BoardID    string // "" for a meeting of an explicit member list
	Title      string
	StartsAt   time.Time
	EndsAt     time.Time
	TimeZone   string // IANA name, e.g. Asia/Riyadh
	Remote     bool
	Location   string
	Status     MeetingStatus
	Sequence   int // the .ics SEQUENCE: raised by every update or cancellation
	Quorum     QuorumRule
	Result     ResultRule
	CurrentID  string // the agenda item under discussion, "" before the first
	Agenda     []AgendaItem
	Members    []MeetingSeat
	CreatedBy  string
	CreatedAt  time.Time
	UpdatedAt  time.Time
	StartedAt  *time.Time
	ClosedAt   *time.Time
	MinutesFor []string // users granted access to the minutes beside the members
}

// Member returns the seat of userID in m, if any.
func (m *Meeting) Member(userID string) (MeetingSeat, bool) {
	for _, x := range m.Members {
		if x.UserID == userID {
			return x, true
		}
	}
	return MeetingSeat{}, false
}

// VotingMembers counts the members who may vote.
func (m *Meeting) VotingMembers() int {
	n := 0
	for _, x := range m.Members {
		if x.Role.Votes() {
			n++
		}
	}
	return n
}

// Limits of meeting texts.
const (
	MaxMeetingTitle  = 300
	MaxAgendaItems   = 100
	MaxMeetingSize   = 5000 // members of one board or meeting
	MaxMotionTitle   = 500
	MaxNoteBody      = 20000
	MaxMinutesBody   = 200000
	MaxMeetingLength = 7 * 24 * time.Hour
)

// ValidateTitle checks a required one-line title of at most max characters
// and records a message key in fields under name when it is wrong.
func ValidateTitle(fields map[string]string, name, s string, max int) string {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		fields[name] = "required"
	case utf8.RuneCountInString(s) > max || strings.ContainsAny(s, "\r\n\x00"):
		fields[name] = "invalid_value"
	}
	return s
}

// ValidateMeetingTimes checks start and end and the time zone name.
func ValidateMeetingTimes(fields map[string]string, start, end time.Time, tz string) {
	if start.IsZero() {
		fields["starts_at"] = "required"
	}
	if end.IsZero() {
		fields["ends_at"] = "required"
	}
	if !start.IsZero() && !end.IsZero() && (!end.After(start) || end.Sub(start) > MaxMeetingLength) {
		fields["ends_at"] = "meeting_bad_times"
	}
	if tz != "" {
		if _, err := time.LoadLocation(tz); err != nil {
			fields["time_zone"] = "invalid_value"
		}
	}
}

// Attendance is one stay of a person in a meeting. LeftAt is nil while they
// are there. Via is "ws" (the live room) or "checkin" (in person).
type Attendance struct {
	UserID   string
	Via      string
	JoinedAt time.Time
	LeftAt   *time.Time
}

// MeetingEvent is a durable event of a meeting's channel (meeting:<id>),
// numbered like case events. Type is e.g. "meeting.scheduled",
// "agenda.current", "motion.opened", "motion.closed", "rsvp".
type MeetingEvent struct {
	ID        string
	MeetingID string
	EntityID  string
	Channel   string
	Seq       int64
	Type      string
	ActorID   string
	Data      []byte // JSON object
	CreatedAt time.Time
}

// MeetingNote is a private note of an attendee; Shared makes it readable by
// the meeting's chair and secretary.
type MeetingNote struct {
	ID        string
	MeetingID string
	AuthorID  string
	Body      string
	Shared    bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Minutes is one version of a meeting's minutes. An approved version is
// frozen; editing it starts the next version as a draft.
type Minutes struct {
	MeetingID  string
	Version    int
	Status     string // "draft" or "approved"
	Body       string
	UpdatedBy  string
	UpdatedAt  time.Time
	ApprovedBy string
	ApprovedAt *time.Time
}
