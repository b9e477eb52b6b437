package jihat

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// Priority is how urgent a case is. Each case type sets an SLA in working
// hours per priority (SLAHours).
type Priority string

// Priorities, shown in Arabic as عادي / هام / هام جداً.
const (
	PriorityNormal        Priority = "normal"
	PriorityImportant     Priority = "important"
	PriorityVeryImportant Priority = "very_important"
)

// Priorities lists every priority, least urgent first.
var Priorities = []Priority{PriorityNormal, PriorityImportant, PriorityVeryImportant}

// Valid reports whether p is a known priority.
func (p Priority) Valid() bool {
	return p == PriorityNormal || p == PriorityImportant || p == PriorityVeryImportant
}

// Label returns the name of p shown to people in lang.
func (p Priority) Label(lang Lang) string { return Message(lang, "priority_"+string(p)) }

// ParsePriority returns the priority named s, or an EINVALID error.
func ParsePriority(s string) (Priority, error) {
	if p := Priority(s); p.Valid() {
		return p, nil
	}
	return "", invalidField("priority", "invalid_priority")
}

// HoursFor returns the SLA hours the case type allows for priority p, and 0
// for an unknown priority.
func (s SLAHours) HoursFor(p Priority) int {
	switch p {
	case PriorityNormal:
		return s.Normal
	case PriorityImportant:
		return s.Important
	case PriorityVeryImportant:
		return s.VeryImportant
	}
	return 0
}

// CaseKind is what a case is about. It is optional: "" means unspecified.
type CaseKind string

// Case kinds.
const (
	KindInquiry    CaseKind = "inquiry"
	KindComplaint  CaseKind = "complaint"
	KindSuggestion CaseKind = "suggestion"
	KindReport     CaseKind = "report" // a report of an incident; carries a ReportCategory
)

// CaseKinds lists every case kind.
var CaseKinds = []CaseKind{KindInquiry, KindComplaint, KindSuggestion, KindReport}

// Valid reports whether k is a known kind.
func (k CaseKind) Valid() bool {
	return k == KindInquiry || k == KindComplaint || k == KindSuggestion || k == KindReport
}

// Label returns the name of k shown to people in lang.
func (k CaseKind) Label(lang Lang) string { return Message(lang, "kind_"+string(k)) }

// ReportCategory classifies a case of kind report.
type ReportCategory string

// Report categories.
const (
	CategoryBuildingMaintenance ReportCategory = "building_maintenance"
	CategoryFire                ReportCategory = "fire"
	CategoryCriminalIncident    ReportCategory = "criminal_incident"
	CategoryTrafficAccident     ReportCategory = "traffic_accident"
	CategoryViolence            ReportCategory = "violence"
	CategoryFoodPoisoning       ReportCategory = "food_poisoning"
	CategoryCleanliness         ReportCategory = "cleanliness"
	CategoryOther               ReportCategory = "other"
)

// ReportCategories lists every report category.
var ReportCategories = []ReportCategory{
	CategoryBuildingMaintenance, CategoryFire, CategoryCriminalIncident, CategoryTrafficAccident,
	CategoryViolence, CategoryFoodPoisoning, CategoryCleanliness, CategoryOther,
}

// Valid reports whether c is a known category.
func (c ReportCategory) Valid() bool {
	for _, v := range ReportCategories {
		if c == v {
			return true
		}
	}
	return false
}

// Label returns the name of c shown to people in lang.
func (c ReportCategory) Label(lang Lang) string { return Message(lang, "category_"+string(c)) }

// Location is a point on the map in WGS 84 degrees.
type Location struct {
	Lat float64
	Lng float64
}

// Valid reports whether l is a usable point: finite, within range, and not
// exactly (0, 0), which is what a device sends when it has no fix rather than
// a place anyone reports from (it is in the Gulf of Guinea).
func (l Location) Valid() bool {
	for _, v := range []float64{l.Lat, l.Lng} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return false
		}
	}
	return l.Lat >= -90 && l.Lat <= 90 && l.Lng >= -180 && l.Lng <= 180 && (l.Lat != 0 || l.Lng != 0)
}

// EscalationLevel is who answers for a case: each objection to a resolution
// moves it up the entity's ladder (EscalationConfig.Ladder): the employee,
// the department's supervisor, the entity admin, the entity's head when one
// is configured, and the oversight body last.
type EscalationLevel int

// Escalation levels.
const (
	EscalationEmployee    EscalationLevel = iota // the assigned employee (every case starts here)
	EscalationSupervisor                         // a supervisor of the case type's department
	EscalationEntityAdmin                        // an admin of the entity
	EscalationHead                               // the entity's head (EscalationConfig.HeadUserID)
	EscalationOversight                          // the oversight body: the last level
)

// escalationNames are the levels' names, as JSON shows them.
var escalationNames = []string{"employee", "supervisor", "entity_admin", "head", "oversight"}

// Next returns the level above l on the fixed order of levels; the top level
// stays where it is. An entity's ladder may skip levels: see
// EscalationConfig.Next.
func (l EscalationLevel) Next() EscalationLevel {
	if l < EscalationEmployee {
		return EscalationSupervisor
	}
	if l >= EscalationOversight {
		return EscalationOversight
	}
	return l + 1
}

// Role returns the staff role that handles a case at level l: the entity
// admin's for the head (who is staff of the entity, whatever their role),
// oversight's for the oversight level.
func (l EscalationLevel) Role() Role {
	switch {
	case l >= EscalationOversight:
		return RoleOversight
	case l >= EscalationEntityAdmin:
		return RoleEntityAdmin
	case l == EscalationSupervisor:
		return RoleSupervisor
	}
	return RoleEmployee
}

// String returns the level's name: employee, supervisor, entity_admin, head
// or oversight.
func (l EscalationLevel) String() string {
	if l < 0 || int(l) >= len(escalationNames) {
		return escalationNames[0]
	}
	return escalationNames[l]
}

// MarshalText encodes the level by name, so JSON shows "supervisor", not 1.
func (l EscalationLevel) MarshalText() ([]byte, error) { return []byte(l.String()), nil }

// UnmarshalText decodes a level name.
func (l *EscalationLevel) UnmarshalText(b []byte) error {
	for i, n := range escalationNames {
		if n == string(b) {
			*l = EscalationLevel(i)
			return nil
		}
	}
	return invalidField("level", "invalid_value")
}

// Case is one request (معاملة) a person opened with an entity.
//
// Times are instants; the zero time means "not yet" (ResolvedAt,
// FirstResponseAt, ClosedAt) or "no deadline" (DueAt).
type Case struct {
	ID              string
	Number          string // human-readable and unique, "2026-000123"; see FormatCaseNumber
	EntityID        string
	CaseTypeID      string
	DepartmentID    string // the department that owns the case type
	Subject         string
	Body            string
	Priority        Priority
	Kind            CaseKind       // "" when unspecified
	Category        ReportCategory // only for KindReport, else ""
	Location        *Location      // nil when none was given
	Status          Status
	RequesterID     string
	AssigneeID      string // "" while unassigned
	EscalationLevel EscalationLevel
	Objections      int           // objections the requester has made
	FinalDecision   bool          // the last resolution came from the last level of the ladder: no objection left
	DueAt           time.Time     // from the SLA on the entity's calendar; moved by postponement
	PostponedUntil  time.Time     // while postponed
	PausedWork      time.Duration // while postponed: the working time that was left before DueAt (restored at resumption)
	FirstResponseAt time.Time     // first public staff reply
	ResolvedAt      time.Time     // last resolution; the objection window counts from here
	ClosedAt        time.Time
	Resolution      string
	RemindAt        time.Time // when the assignee is reminded of the deadline
	RemindedAt      time.Time // when they were; zero until then
	LateNotifiedAt  time.Time // when supervisors were told the case is late
	Rating          int       // the requester's score 1..5; 0 until rated
	RatingComment   string
	RatedAt         time.Time
	ServiceID       string // the guide's service the case is about; "" for none
	CreatedAt       time.Time
	UpdatedAt       time.Time // any change, internal notes included: for staff who see them
	// PublicUpdatedAt moves only with what the requester sees (a public
	// event, or a change of what the case shows them), so an internal note
	// does not tell them that something happened (UpdatedFor).
	PublicUpdatedAt time.Time
}

// UpdatedFor is the updated_at shown to a reader: the internal one to
// whoever may read internal notes, the public one to everyone else.
func (c *Case) UpdatedFor(seesInternal bool) time.Time {
	if seesInternal || c.PublicUpdatedAt.IsZero() {
		return c.UpdatedAt
	}
	return c.PublicUpdatedAt
}

// Late reports whether c is open and its deadline has passed at now.
func (c *Case) Late(now time.Time) bool {
	return c.Status.Open() && !c.DueAt.IsZero() && now.After(c.DueAt)
}

// DefaultObjectionWindow is how long after a resolution the requester may
// object, unless the entity configures another window.
const DefaultObjectionWindow = 7 * 24 * time.Hour

// ObjectionDeadline returns the last moment the requester may object to the
// resolution of c, given the window (DefaultObjectionWindow when window <= 0).
func (c *Case) ObjectionDeadline(window time.Duration) time.Time {
	if window <= 0 {
		window = DefaultObjectionWindow
	}
	return c.ResolvedAt.Add(window)
}

// CanObject returns nil when the requester may object to c at now: the case
// is resolved and the window has not ended. Otherwise an ECONFLICT error.
func (c *Case) CanObject(now time.Time, window time.Duration) error {
	if c.Status != StatusResolved {
		return transitionError(c.Status, ActionObject)
	}
	if c.FinalDecision {
		return Errorf(ECONFLICT, "objection_final")
	}
	if c.ResolvedAt.IsZero() || now.After(c.ObjectionDeadline(window)) {
		return Errorf(ECONFLICT, "objection_window_closed")
	}
	return nil
}

// CanRate returns nil when the requester may rate c: once, after it has been
// resolved (status resolved or closed). alreadyRated says whether a rating
// exists. A rating does not change the status: a requester who rates low may
// still object within the window.
func (c *Case) CanRate(alreadyRated bool) error {
	if c.Status != StatusResolved && c.Status != StatusClosed {
		return Errorf(ECONFLICT, "rating_not_resolved")
	}
	if alreadyRated {
		return Errorf(ECONFLICT, "already_rated")
	}
	return nil
}

// FormatCaseNumber returns the human-readable number of the n-th case of a
// year: FormatCaseNumber(2026, 123) is "2026-000123". Numbers past 999999
// simply grow longer.
func FormatCaseNumber(year int, n int64) string {
	return fmt.Sprintf("%04d-%06d", year, n)
}

// ParseCaseNumber recognises a case number as a person types it, with
// ASCII, Arabic-Indic or Eastern Arabic-Indic digits and surrounding space:
// four digits of year, a dash, and one to twelve digits of sequence. The dash
// is required, so a ten-digit national ID is never taken for a case number.
// Search uses it to look a number up before searching words.
func ParseCaseNumber(s string) (year int, n int64, ok bool) {
	var digits [16]byte
	i, dash := 0, -1
	for _, r := range strings.TrimSpace(s) {
		switch d := digitValue(r); {
		case d >= 0 && i < len(digits):
			digits[i] = byte(d)
			i++
		case r == '-' && dash < 0:
			dash = i
		default:
			return 0, 0, false
		}
	}
	if dash != 4 || i <= 4 {
		return 0, 0, false
	}
	for _, d := range digits[:4] {
		year = year*10 + int(d)
	}
	for _, d := range digits[4:i] {
		n = n*10 + int64(d)
	}
	if year < 2000 || n < 1 {
		return 0, 0, false
	}
	return year, n, true
}

// invalidField returns an EINVALID error for one field.
func invalidField(field, key string) *Error {
	return Invalid(map[string]string{field: key})
}
