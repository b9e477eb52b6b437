package client

import (
	"bytes"
	"encoding/json"
	"time"
)

// Time is a time as the API writes it: RFC 3339 in UTC. An empty string or
// null decodes as the zero time.
type Time struct{ time.Time }

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if bytes.Equal(b, []byte(`""`)) || bytes.Equal(b, []byte("null")) {
		t.Time = time.Time{}
		return nil
	}
	return t.Time.UnmarshalJSON(b)
}

// MarshalJSON implements json.Marshaler ("" for the zero time).
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// User is an account as the API shows it. NationalID and Mobile are filled
// only for the user themself and for staff allowed to see them.
type User struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Email              string   `json:"email,omitempty"`
	NationalID         string   `json:"national_id,omitempty"`
	Mobile             string   `json:"mobile,omitempty"`
	Role               string   `json:"role"`
	Roles              []string `json:"roles"`
	Permissions        []string `json:"permissions"`
	EntityID           string   `json:"entity_id"`
	DepartmentID       string   `json:"department_id,omitempty"`
	Lang               string   `json:"lang"`
	Active             bool     `json:"active"`
	MustChangePassword bool     `json:"must_change_password"`
	CreatedAt          Time     `json:"created_at"`
}

// Calendar is an entity's working calendar.
type Calendar struct {
	TimeZone string   `json:"time_zone"`
	Workdays []string `json:"workdays"`
	Start    string   `json:"start"`
	End      string   `json:"end"`
	Holidays []string `json:"holidays"`
}

// Entity is a government body, company or non-profit.
type Entity struct {
	ID         string   `json:"id"`
	NameAR     string   `json:"name_ar"`
	NameEN     string   `json:"name_en"`
	Sector     string   `json:"sector"` // government, private, nonprofit
	AssignRule string   `json:"assign_rule"`
	Calendar   Calendar `json:"calendar"`
	CreatedAt  Time     `json:"created_at"`
}

// Department is a department of an entity.
type Department struct {
	ID       string `json:"id"`
	EntityID string `json:"entity_id"`
	NameAR   string `json:"name_ar"`
	NameEN   string `json:"name_en"`
}

// SLAHours are the hours a case type allows per priority.
type SLAHours struct {
	Normal        int `json:"normal"`
	Important     int `json:"important"`
	VeryImportant int `json:"very_important"`
}

// CaseType is a kind of case an entity handles, with its SLA.
type CaseType struct {
	ID           string   `json:"id"`
	EntityID     string   `json:"entity_id"`
	DepartmentID string   `json:"department_id"`
	NameAR       string   `json:"name_ar"`
	NameEN       string   `json:"name_en"`
	SLAHours     SLAHours `json:"sla_hours"`
}

// Person names someone on a case: requester, assignee, actor.
type Person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Location is a point on the map.
type Location struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// Case is a case (معاملة) as its viewer sees it; Actions lists what the
// viewer may do now.
type Case struct {
	ID              string    `json:"id"`
	Number          string    `json:"number"`
	EntityID        string    `json:"entity_id"`
	CaseTypeID      string    `json:"case_type_id"`
	DepartmentID    string    `json:"department_id"`
	Subject         string    `json:"subject"`
	Body            string    `json:"body"`
	Priority        string    `json:"priority"`
	PriorityLabel   string    `json:"priority_label"`
	Kind            string    `json:"kind,omitempty"`
	Category        string    `json:"category,omitempty"`
	Location        *Location `json:"location,omitempty"`
	Status          string    `json:"status"`
	StatusLabel     string    `json:"status_label"`
	Requester       Person    `json:"requester"`
	Assignee        *Person   `json:"assignee"`
	EscalationLevel string    `json:"escalation_level"`
	DueAt           Time      `json:"due_at"`
	Late            bool      `json:"late"`
	PostponedUntil  Time      `json:"postponed_until"`
	Resolution      string    `json:"resolution,omitempty"`
	ResolvedAt      Time      `json:"resolved_at"`
	Rating          int       `json:"rating,omitempty"`
	RatingComment   string    `json:"rating_comment,omitempty"`
	Actions         []string  `json:"actions"`
	CreatedAt       Time      `json:"created_at"`
	UpdatedAt       Time      `json:"updated_at"`
}

// CaseEvent is one step of a case: over REST (CaseEvents, Comment) and as
// the data of a live Event on a case channel (Event.CaseEvent).
type CaseEvent struct {
	ID         string          `json:"id"`
	CaseID     string          `json:"case_id"`
	Seq        int64           `json:"seq"`
	Channel    string          `json:"channel"`
	Type       string          `json:"type"` // created, comment, assigned, status_changed, ...
	Actor      *Person         `json:"actor"`
	Visibility string          `json:"visibility"` // public or internal
	Data       json.RawMessage `json:"data"`       // the payload of Type, e.g. {"body": "..."} for a comment
	CreatedAt  Time            `json:"created_at"`
}

// Body returns the text of a comment event ("" for other types).
func (e *CaseEvent) Body() string {
	var d struct {
		Body string `json:"body"`
	}
	if e.Type != "comment" || json.Unmarshal(e.Data, &d) != nil {
		return ""
	}
	return d.Body
}

// Postponement is a postponement waiting for a supervisor's decision.
type Postponement struct {
	ID          string `json:"id"`
	RequestedBy string `json:"requested_by"`
	Until       Time   `json:"until"`
	Reason      string `json:"reason"`
	Status      string `json:"status"`
	CreatedAt   Time   `json:"created_at"`
}
