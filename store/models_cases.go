package store

import "time"

// Case-management models (migration 2).

type caseRow struct {
	ID              string  `gorm:"primaryKey;size:36;index:idx_cases_entity,priority:2;index:idx_cases_assignee,priority:2;index:idx_cases_requester,priority:2;index:idx_cases_dept,priority:2"`
	Number          string  `gorm:"size:20;not null;uniqueIndex"`
	EntityID        string  `gorm:"size:36;not null;index:idx_cases_entity,priority:1"`
	CaseTypeID      string  `gorm:"size:36;not null"`
	DepartmentID    string  `gorm:"size:36;not null;index:idx_cases_dept,priority:1"`
	RequesterID     string  `gorm:"size:36;not null;index:idx_cases_requester,priority:1"`
	AssigneeID      *string `gorm:"size:36;index:idx_cases_assignee,priority:1"`
	Priority        string  `gorm:"size:16;not null"`
	Kind            string  `gorm:"size:16;not null;default:''"`
	Category        string  `gorm:"size:32;not null;default:''"`
	Lat             *float64
	Lng             *float64
	Subject         string    `gorm:"size:400;not null"`
	Body            string    `gorm:"not null"`
	SearchText      string    `gorm:"not null;default:''"`               // number, subject and body: exact form (jihat.SearchDoc)
	SearchStem      string    `gorm:"not null;default:''"`               // and stems (migration 50)
	SearchVer       int       `gorm:"not null;default:0"`                // the jihat.SearchVersion they were made with
	ServiceID       string    `gorm:"size:36;not null;default:'';index"` // the guide's service the case is about, or ''
	Status          string    `gorm:"size:20;not null;index"`
	EscalationLevel int       `gorm:"not null;default:0"`
	Objections      int       `gorm:"not null;default:0"`     // migration 20
	FinalDecision   bool      `gorm:"not null;default:false"` // migration 20
	PausedWorkS     int64     `gorm:"not null;default:0"`     // migration 20: working seconds left when postponed
	Resolution      string    `gorm:"not null;default:''"`
	DueAt           time.Time `gorm:"not null;index"`
	PostponedUntil  *time.Time
	RemindAt        *time.Time `gorm:"index"`
	RemindedAt      *time.Time
	LateNotifiedAt  *time.Time
	FirstResponseAt *time.Time
	ResolvedAt      *time.Time
	ClosedAt        *time.Time
	Rating          int    `gorm:"not null;default:0"`
	RatingComment   string `gorm:"not null;default:''"`
	RatedAt         *time.Time
	CreatedAt       time.Time  `gorm:"not null"`
	UpdatedAt       time.Time  `gorm:"not null"`
	PublicUpdatedAt *time.Time // migration 12: moved only by what the requester sees
}

func (caseRow) TableName() string { return "cases" }

type caseEventRow struct {
	ID         string    `gorm:"primaryKey;size:36"`
	CaseID     string    `gorm:"size:36;not null;index"`
	EntityID   string    `gorm:"size:36;not null;index:idx_events_entity,priority:1"`
	Channel    string    `gorm:"size:64;not null;uniqueIndex:idx_events_channel_seq,priority:1"`
	Seq        int64     `gorm:"not null;uniqueIndex:idx_events_channel_seq,priority:2"`
	Type       string    `gorm:"size:40;not null"`
	ActorID    string    `gorm:"size:36"`
	Visibility string    `gorm:"size:10;not null"`
	Data       string    `gorm:"not null;default:'{}'"`
	CreatedAt  time.Time `gorm:"not null;index:idx_events_entity,priority:2"`
}

func (caseEventRow) TableName() string { return "case_events" }

// channelSeqRow holds the last sequence number of each durable channel.
type channelSeqRow struct {
	Channel string `gorm:"primaryKey;size:64"`
	LastSeq int64  `gorm:"not null"`
}

func (channelSeqRow) TableName() string { return "channel_seqs" }

// counterRow numbers cases per year on SQLite (PostgreSQL uses a sequence per year).
type counterRow struct {
	Name string `gorm:"primaryKey;size:32"`
	Last int64  `gorm:"not null"`
}

func (counterRow) TableName() string { return "counters" }

// requestRow is what every request on a case waiting for a supervisor
// holds (postponements, reassignments): who asked, its status and the
// decision. Embedded (gorm:"embedded"), its columns are the tables' own, as
// before; the field is named because GORM skips an unexported anonymous one.
type requestRow struct {
	ID          string  `gorm:"primaryKey;size:36"`
	CaseID      string  `gorm:"size:36;not null;index"`
	RequestedBy string  `gorm:"size:36;not null"`
	Status      string  `gorm:"size:10;not null"` // pending, approved, refused
	DecidedBy   *string `gorm:"size:36"`
	DecidedAt   *time.Time
	Note        string    `gorm:"not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
}

type postponementRow struct {
	Req          requestRow `gorm:"embedded"`
	Until        time.Time  `gorm:"not null"`
	Reason       string     `gorm:"not null"`            // internal: staff only
	PublicReason string     `gorm:"not null;default:''"` // for the requester; "" when none was written
}

func (postponementRow) TableName() string       { return "postponements" }
func (r *postponementRow) request() *requestRow { return &r.Req }

// reassignmentRow is an employee's request to hand a case to a colleague
// (migration 21).
type reassignmentRow struct {
	Req      requestRow `gorm:"embedded"`
	ToUserID string     `gorm:"size:36;not null"`
	Reason   string     `gorm:"not null;default:''"`
}

func (reassignmentRow) TableName() string       { return "reassignments" }
func (r *reassignmentRow) request() *requestRow { return &r.Req }

// outboxRow is a notification to send, written in the same transaction as
// the event that causes it. The notifications worker delivers it.
type outboxRow struct {
	ID          string    `gorm:"primaryKey;size:36"`
	Kind        string    `gorm:"size:40;not null"`
	RecipientID string    `gorm:"size:36;not null;index"`
	CaseID      *string   `gorm:"size:36"`
	Data        string    `gorm:"not null;default:'{}'"`
	Status      string    `gorm:"size:10;not null;index:idx_outbox_due,priority:1"` // pending, sent, failed
	Attempts    int       `gorm:"not null;default:0"`
	AvailableAt time.Time `gorm:"not null;index:idx_outbox_due,priority:2"`
	SentAt      *time.Time
	LastError   string    `gorm:"not null;default:''"`
	ProviderID  string    `gorm:"not null;default:''"`
	CreatedAt   time.Time `gorm:"not null"`
}

func (outboxRow) TableName() string { return "outbox" }
