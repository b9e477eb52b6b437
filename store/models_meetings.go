package store

import "time"

// Meeting models (migration 30). Secret ballots keep "who has voted"
// (ballotVoterRow) and the ballot box (ballotBoxRow: counts only) in two
// tables that share nothing but the motion: no ballot ID, no timestamp, no
// order, no foreign key between them (README, "Secret ballots").

type boardRow struct {
	ID         string    `gorm:"primaryKey;size:36"`
	EntityID   string    `gorm:"size:36;not null;index"`
	Name       string    `gorm:"size:300;not null"`
	Kind       string    `gorm:"size:16;not null"`
	QuorumRule string    `gorm:"size:16;not null"`
	ResultRule string    `gorm:"size:16;not null"`
	CreatedAt  time.Time `gorm:"not null"`
	UpdatedAt  time.Time `gorm:"not null"`
	ArchivedAt *time.Time
}

func (boardRow) TableName() string { return "boards" }

type boardMemberRow struct {
	BoardID string `gorm:"primaryKey;size:36"`
	UserID  string `gorm:"primaryKey;size:36;index"`
	Role    string `gorm:"size:16;not null"`
}

func (boardMemberRow) TableName() string { return "board_members" }

type meetingRow struct {
	ID            string    `gorm:"primaryKey;size:36"`
	EntityID      string    `gorm:"size:36;not null;index"`
	BoardID       *string   `gorm:"size:36;index"`
	Title         string    `gorm:"size:300;not null"`
	StartsAt      time.Time `gorm:"not null;index"`
	EndsAt        time.Time `gorm:"not null"`
	TimeZone      string    `gorm:"size:64;not null"`
	Remote        bool      `gorm:"not null"`
	Location      string    `gorm:"size:300;not null;default:''"`
	Status        string    `gorm:"size:16;not null"`
	Sequence      int       `gorm:"not null;default:0"`
	QuorumRule    string    `gorm:"size:16;not null"`
	ResultRule    string    `gorm:"size:16;not null"`
	CurrentItemID *string   `gorm:"size:36"`
	CreatedBy     string    `gorm:"size:36;not null"`
	CreatedAt     time.Time `gorm:"not null"`
	UpdatedAt     time.Time `gorm:"not null"`
	StartedAt     *time.Time
	ClosedAt      *time.Time
	SearchText    string `gorm:"not null;default:''"` // title and agenda titles: exact form (jihat.SearchDoc; migration 54)
	SearchStem    string `gorm:"not null;default:''"` // and stems
	SearchVer     int    `gorm:"not null;default:0"`  // the jihat.SearchVersion they were made with
}

func (meetingRow) TableName() string { return "meetings" }

type meetingMemberRow struct {
	MeetingID string `gorm:"primaryKey;size:36"`
	UserID    string `gorm:"primaryKey;size:36;index"`
	Role      string `gorm:"size:16;not null"`
	RSVP      string `gorm:"column:rsvp;size:16;not null;default:''"`
	RSVPAt    *time.Time
}

func (meetingMemberRow) TableName() string { return "meeting_members" }

type agendaItemRow struct {
	ID        string `gorm:"primaryKey;size:36"`
	MeetingID string `gorm:"size:36;not null;index"`
	Position  int    `gorm:"not null"`
	Title     string `gorm:"size:300;not null"`
	FileIDs   string `gorm:"column:file_ids;not null;default:''"` // comma-separated attachment IDs
}

func (agendaItemRow) TableName() string { return "agenda_items" }

// attendanceRow is one stay of a person in a meeting: from a join (the
// socket or a check-in) to the matching leave; LeftAt nil = present now.
type attendanceRow struct {
	ID        string    `gorm:"primaryKey;size:36"`
	MeetingID string    `gorm:"size:36;not null;index:idx_attendance_open,priority:1"`
	UserID    string    `gorm:"size:36;not null;index:idx_attendance_open,priority:2"`
	Via       string    `gorm:"size:10;not null"` // ws or checkin
	JoinedAt  time.Time `gorm:"not null"`
	LeftAt    *time.Time
}

func (attendanceRow) TableName() string { return "meeting_attendance" }

type motionRow struct {
	ID           string  `gorm:"primaryKey;size:36"`
	MeetingID    string  `gorm:"size:36;not null;index"`
	AgendaItemID *string `gorm:"size:36"`
	Title        string  `gorm:"size:500;not null"`
	Secret       bool    `gorm:"not null"`
	Status       string  `gorm:"size:10;not null"`
	Result       string  `gorm:"size:16;not null;default:''"`
	Version      int64   `gorm:"not null;default:0"`
	// Frozen at the close: the tally and who could vote and was present.
	Accept, Reject, Abstain, Voted int `gorm:"not null;default:0"`
	Eligible, Present              int `gorm:"not null;default:0"`
	OpenedAt                       *time.Time
	ClosedAt                       *time.Time
	CreatedBy                      string    `gorm:"size:36;not null"`
	CreatedAt                      time.Time `gorm:"not null"`
}

func (motionRow) TableName() string { return "motions" }

// voteRow is one member's vote on an open ballot: one row per member and
// motion (the primary key), changed in place when the member changes it.
type voteRow struct {
	MotionID  string    `gorm:"primaryKey;size:36"`
	UserID    string    `gorm:"primaryKey;size:36"`
	Choice    string    `gorm:"size:10;not null"`
	UpdatedAt time.Time `gorm:"not null"`
	// Version is the motion's tally version that this vote's last change
	// made: a live tally sends the votes changed after a version.
	Version int64 `gorm:"not null;default:0"`
}

func (voteRow) TableName() string { return "votes" }

// ballotVoterRow says that a member has voted on a secret ballot, and how
// many times (Generation), and nothing else: no choice, no time.
type ballotVoterRow struct {
	MotionID   string `gorm:"primaryKey;size:36"`
	UserID     string `gorm:"primaryKey;size:36"`
	Generation int64  `gorm:"not null"`
}

func (ballotVoterRow) TableName() string { return "ballot_voters" }

// ballotBoxRow is the ballot box of a secret ballot: the counts only.
type ballotBoxRow struct {
	MotionID string `gorm:"primaryKey;size:36"`
	Accept   int    `gorm:"not null;default:0"`
	Reject   int    `gorm:"not null;default:0"`
	Abstain  int    `gorm:"not null;default:0"`
}

func (ballotBoxRow) TableName() string { return "ballot_boxes" }

// meetingEventRow is a durable event of a meeting's channel, with the next
// sequence number of that channel (channel_seqs, as for cases).
type meetingEventRow struct {
	ID        string    `gorm:"primaryKey;size:36"`
	MeetingID string    `gorm:"size:36;not null;index"`
	EntityID  string    `gorm:"size:36;not null;index:idx_meeting_events_entity,priority:1"`
	Channel   string    `gorm:"size:64;not null;uniqueIndex:idx_meeting_events_channel_seq,priority:1"`
	Seq       int64     `gorm:"not null;uniqueIndex:idx_meeting_events_channel_seq,priority:2"`
	Type      string    `gorm:"size:40;not null"`
	ActorID   string    `gorm:"size:36"`
	Data      string    `gorm:"not null;default:'{}'"`
	CreatedAt time.Time `gorm:"not null;index:idx_meeting_events_entity,priority:2"`
}

func (meetingEventRow) TableName() string { return "meeting_events" }

type meetingNoteRow struct {
	ID        string    `gorm:"primaryKey;size:36"`
	MeetingID string    `gorm:"size:36;not null;index:idx_notes_meeting_author,priority:1"`
	AuthorID  string    `gorm:"size:36;not null;index:idx_notes_meeting_author,priority:2"`
	Body      string    `gorm:"not null"`
	Shared    bool      `gorm:"not null"`
	CreatedAt time.Time `gorm:"not null"`
	UpdatedAt time.Time `gorm:"not null"`
}

func (meetingNoteRow) TableName() string { return "meeting_notes" }

type minutesRow struct {
	MeetingID  string    `gorm:"primaryKey;size:36"`
	Version    int       `gorm:"primaryKey;autoIncrement:false"`
	Status     string    `gorm:"size:10;not null"` // draft, approved
	Body       string    `gorm:"not null"`
	UpdatedBy  string    `gorm:"size:36;not null"`
	UpdatedAt  time.Time `gorm:"not null"`
	ApprovedBy *string   `gorm:"size:36"`
	ApprovedAt *time.Time
}

func (minutesRow) TableName() string { return "minutes" }

type minutesAccessRow struct {
	MeetingID string `gorm:"primaryKey;size:36"`
	UserID    string `gorm:"primaryKey;size:36"`
}

func (minutesAccessRow) TableName() string { return "minutes_access" }
