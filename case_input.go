package jihat

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Lengths of the texts of a case, in runes after trimming space.
const (
	MinSubjectRunes = 3
	MaxSubjectRunes = 200
	MaxBodyRunes    = 10000 // also comments and resolutions
	MaxReasonRunes  = 2000  // postponement, objection and refusal reasons; rating comments
)

// MaxPostponement is the furthest ahead a case may be postponed.
const MaxPostponement = 365 * 24 * time.Hour

// NewCaseInput is what a requester sends to open a case. Services trim the
// texts (strings.TrimSpace) before they store them; Validate measures them
// trimmed.
type NewCaseInput struct {
	EntityID   string
	CaseTypeID string
	Subject    string
	Body       string
	Priority   Priority
	Kind       CaseKind       // optional
	Category   ReportCategory // required for KindReport, refused for other kinds
	Location   *Location      // optional, for any kind
	ServiceID  string         // optional: the guide's service the case is about
}

// Validate checks the input and returns an EINVALID error with a message key
// per bad field (entity_id, case_type_id, subject, body, priority, kind,
// category, location), or nil.
func (in NewCaseInput) Validate() error {
	f := map[string]string{}
	checkID(f, "entity_id", in.EntityID)
	checkID(f, "case_type_id", in.CaseTypeID)
	checkText(f, "subject", in.Subject, MinSubjectRunes, MaxSubjectRunes, "subject_length")
	checkText(f, "body", in.Body, 1, MaxBodyRunes, "body_length")
	switch {
	case in.Priority == "":
		f["priority"] = "required"
	case !in.Priority.Valid():
		f["priority"] = "invalid_priority"
	}
	if in.Kind != "" && !in.Kind.Valid() {
		f["kind"] = "invalid_kind"
	}
	switch {
	case in.Kind == KindReport && in.Category == "":
		f["category"] = "required"
	case in.Kind == KindReport && !in.Category.Valid():
		f["category"] = "invalid_category"
	case in.Kind != KindReport && in.Category != "":
		f["category"] = "category_only_for_reports"
	}
	if in.Location != nil && !in.Location.Valid() {
		f["location"] = "invalid_location"
	}
	return invalidIf(f)
}

// ValidateComment checks the body of a reply or note (1..MaxBodyRunes runes)
// and its visibility.
func ValidateComment(body string, v Visibility) error {
	f := map[string]string{}
	checkText(f, "body", body, 1, MaxBodyRunes, "body_length")
	if v != "" && !v.Valid() { // "": decided by ChooseVisibility
		f["visibility"] = "invalid_visibility"
	}
	return invalidIf(f)
}

// ValidateResolution checks a resolution text (1..MaxBodyRunes runes).
func ValidateResolution(resolution string) error {
	f := map[string]string{}
	checkText(f, "resolution", resolution, 1, MaxBodyRunes, "body_length")
	return invalidIf(f)
}

// ValidateReason checks a reason (objection, refusal) under field name
// field: 3..MaxReasonRunes runes.
func ValidateReason(field, reason string) error {
	f := map[string]string{}
	checkText(f, field, reason, 3, MaxReasonRunes, "reason_length")
	return invalidIf(f)
}

// ValidatePostponement checks a postponement asked at now: a reason, and an
// until strictly after now and at most MaxPostponement ahead.
func ValidatePostponement(until time.Time, reason string, now time.Time) error {
	f := map[string]string{}
	switch {
	case until.IsZero():
		f["until"] = "required"
	case !until.After(now) || until.Sub(now) > MaxPostponement:
		f["until"] = "invalid_postpone_until"
	}
	checkText(f, "reason", reason, 3, MaxReasonRunes, "reason_length")
	return invalidIf(f)
}

// ValidatePublicReason checks the optional public wording of a
// postponement: empty, or 3..MaxReasonRunes runes.
func ValidatePublicReason(s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	f := map[string]string{}
	checkText(f, "public_reason", s, 3, MaxReasonRunes, "reason_length")
	return invalidIf(f)
}

// ValidateRating checks a rating: a score of 1..5 and an optional comment
// of at most MaxReasonRunes runes.
func ValidateRating(score int, comment string) error {
	f := map[string]string{}
	if score < 1 || score > 5 {
		f["score"] = "invalid_score"
	}
	if strings.TrimSpace(comment) != "" {
		checkText(f, "comment", comment, 0, MaxReasonRunes, "reason_length")
	}
	return invalidIf(f)
}

// checkID records a missing or malformed ID.
func checkID(f map[string]string, field, id string) {
	switch {
	case id == "":
		f[field] = "required"
	case !IsCanonicalUUID(id):
		f[field] = "invalid_id"
	}
}

// checkText records a text that is empty, outside lo..hi runes once
// trimmed (key lengthKey), or not storable: invalid UTF-8 or a NUL byte,
// which PostgreSQL refuses.
func checkText(f map[string]string, field, s string, lo, hi int, lengthKey string) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0:
		f[field] = "invalid_text"
	case n == 0 && lo > 0:
		f[field] = "required"
	case n < lo || n > hi:
		f[field] = lengthKey
	}
}

// invalidIf returns Invalid(f), or nil when f is empty.
func invalidIf(f map[string]string) error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(f)
}
