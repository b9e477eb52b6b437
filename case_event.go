package jihat

import (
	"encoding/json"
	"time"
)

// Visibility says who may see an event or an attachment of a case.
type Visibility string

// Visibilities.
const (
	VisibilityPublic   Visibility = "public"   // the requester and staff with access to the case
	VisibilityInternal Visibility = "internal" // staff with case.view_internal only; never the requester
)

// Valid reports whether v is a known visibility.
func (v Visibility) Valid() bool { return v == VisibilityPublic || v == VisibilityInternal }

// ParseVisibility returns the visibility named s, "" when s is empty (not
// given: see ChooseVisibility), or an EINVALID error.
func ParseVisibility(s string) (Visibility, error) {
	if s == "" {
		return "", nil
	}
	if v := Visibility(s); v.Valid() {
		return v, nil
	}
	return "", invalidField("visibility", "invalid_visibility")
}

// ChooseVisibility decides the visibility of a comment or file given as v
// ("" when the request gave none). The requester's own contributions are
// public (they may not write internal notes: EFORBIDDEN). Staff must say
// which: a missing visibility is EINVALID (visibility_required), so an
// internal note is never published by default.
func ChooseVisibility(v Visibility, requester bool) (Visibility, error) {
	switch {
	case requester && v == VisibilityInternal:
		return "", Errorf(EFORBIDDEN, "forbidden")
	case requester:
		return VisibilityPublic, nil
	case v == "":
		return "", invalidField("visibility", "visibility_required")
	}
	return v, nil
}

// CaseEventType is what happened on a case.
type CaseEventType string

// Case event types. The Data of each is the payload type named beside it
// (encoded as JSON), or none.
const (
	CaseEventCreated               CaseEventType = "created"                // none
	CaseEventAssigned              CaseEventType = "assigned"               // AssignedData
	CaseEventComment               CaseEventType = "comment"                // CommentData
	CaseEventStatusChanged         CaseEventType = "status_changed"         // StatusChangedData
	CaseEventPostponed             CaseEventType = "postponed"              // PostponedData
	CaseEventPostponementRequested CaseEventType = "postponement_requested" // PostponedData (internal)
	CaseEventPostponementApproved  CaseEventType = "postponement_approved"  // PostponedData (internal)
	CaseEventPostponementRefused   CaseEventType = "postponement_refused"   // ReasonData (internal)
	CaseEventReassignRequested     CaseEventType = "reassignment_requested" // ReassignRequestData (internal)
	CaseEventReassignApproved      CaseEventType = "reassignment_approved"  // ReassignRequestData (internal)
	CaseEventReassignRefused       CaseEventType = "reassignment_refused"   // ReassignRequestData (internal)
	CaseEventResolved              CaseEventType = "resolved"               // ResolvedData
	CaseEventObjected              CaseEventType = "objected"               // ObjectedData
	CaseEventEscalated             CaseEventType = "escalated"              // EscalatedData
	CaseEventRated                 CaseEventType = "rated"                  // RatedData
	CaseEventAttachment            CaseEventType = "attachment"             // AttachmentData
	CaseEventVoice                 CaseEventType = "voice"                  // AttachmentData
	CaseEventReminder              CaseEventType = "reminder"               // DueData (internal): the deadline is near
	CaseEventOverdue               CaseEventType = "overdue"                // DueData (internal): the deadline passed
	CaseEventClosed                CaseEventType = "closed"                 // none
)

// CaseEvent is one step in the life of a case. Seq numbers the events of one
// channel from 1 without gaps, so a client that reconnects asks for what it
// missed ("since": N). Public events go to CaseChannel, internal ones to
// CaseStaffChannel (see CaseEventChannel).
type CaseEvent struct {
	ID         string
	CaseID     string
	EntityID   string // the case's entity, for the activity feeds
	Channel    string
	Seq        int64
	Type       CaseEventType
	ActorID    string // "" for the system (automatic assignment, reminders)
	Visibility Visibility
	Data       json.RawMessage // the payload of Type; nil when it has none
	CreatedAt  time.Time
}

// Payloads of case events, encoded into CaseEvent.Data. Their JSON names are
// part of the public contract (they reach clients as the event's data).
type (
	// AssignedData: who has the case now, and who had it; the department
	// it moved to with its new assignee, if it moved.
	AssignedData struct {
		AssigneeID   string `json:"assignee_id"`
		PreviousID   string `json:"previous_id,omitempty"`
		Auto         bool   `json:"auto"` // chosen by the assignment rule, not by a person
		DepartmentID string `json:"department_id,omitempty"`
	}
	// ReassignRequestData: an employee's request to hand a case to a
	// colleague, and the decision on it (Note).
	ReassignRequestData struct {
		RequestID  string `json:"request_id"`
		EmployeeID string `json:"employee_id"`
		Reason     string `json:"reason,omitempty"`
		Note       string `json:"note,omitempty"`
	}
	// CommentData: a reply or an internal note.
	CommentData struct {
		Body string `json:"body"`
	}
	// StatusChangedData: a move in the state machine.
	StatusChangedData struct {
		From   Status `json:"from"`
		To     Status `json:"to"`
		Action Action `json:"action"`
	}
	// PostponedData: a postponement, done or asked for.
	PostponedData struct {
		Until  time.Time `json:"until"`
		Reason string    `json:"reason"`
		DueAt  time.Time `json:"due_at"` // the deadline after the postponement
	}
	// ReasonData: a refusal or another step with only a reason.
	ReasonData struct {
		Reason string `json:"reason"`
	}
	// ResolvedData: the resolution text, and whether it is final.
	ResolvedData struct {
		Resolution string `json:"resolution"`
		// Final: the last level of the entity's ladder decided (or the cap
		// on objections is reached): no objection may follow.
		Final bool `json:"final,omitempty"`
	}
	// ObjectedData: the requester's objection and the level it went up to.
	ObjectedData struct {
		Reason string          `json:"reason"`
		Level  EscalationLevel `json:"level"`
	}
	// EscalatedData: the level a case went up to, and why (objection, overdue).
	EscalatedData struct {
		Level  EscalationLevel `json:"level"`
		Reason string          `json:"reason"`
	}
	// RatedData: the requester's rating.
	RatedData struct {
		Score   int    `json:"score"`
		Comment string `json:"comment,omitempty"`
	}
	// AttachmentData: a file or voice note added to the case.
	AttachmentData struct {
		AttachmentID string `json:"attachment_id"`
		Name         string `json:"name,omitempty"`
		ContentType  string `json:"content_type"`
		Size         int64  `json:"size"`
		DurationMS   int64  `json:"duration_ms,omitempty"` // voice notes
	}
	// DueData: a deadline reminder or breach.
	DueData struct {
		DueAt time.Time `json:"due_at"`
	}
)
