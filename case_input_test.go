package jihat_test

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
)

const (
	testEntityID = "0b8f5c1e-3a2d-4c6b-9e7f-1a2b3c4d5e6f"
	testTypeID   = "7d1e2f3a-4b5c-4d6e-8f90-a1b2c3d4e5f6"
)

func validCase() jihat.NewCaseInput {
	return jihat.NewCaseInput{
		EntityID: testEntityID, CaseTypeID: testTypeID,
		Subject: "تسرب مياه في المدرسة", Body: "يوجد تسرب مياه في الفصل الثالث منذ أسبوع.",
		Priority: jihat.PriorityImportant,
	}
}

func TestNewCaseInputValidate(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*jihat.NewCaseInput)
		fields map[string]string // nil when valid
	}{
		{"valid", func(*jihat.NewCaseInput) {}, nil},
		{"report with category and location", func(in *jihat.NewCaseInput) {
			in.Kind, in.Category, in.Location = jihat.KindReport, jihat.CategoryFire, &jihat.Location{Lat: 24.7, Lng: 46.7}
		}, nil},
		{"complaint with location", func(in *jihat.NewCaseInput) {
			in.Kind, in.Location = jihat.KindComplaint, &jihat.Location{Lat: 30.04, Lng: 31.23}
		}, nil},
		{"subject of exactly 3 and 200 runes", func(in *jihat.NewCaseInput) { in.Subject = "  طلب  " }, nil},
		{"subject 200 runes", func(in *jihat.NewCaseInput) { in.Subject = strings.Repeat("ب", 200) }, nil},
		{"body 10000 runes", func(in *jihat.NewCaseInput) { in.Body = strings.Repeat("ج", 10000) }, nil},
		{"everything missing", func(in *jihat.NewCaseInput) { *in = jihat.NewCaseInput{} }, map[string]string{
			"entity_id": "required", "case_type_id": "required", "subject": "required", "body": "required", "priority": "required",
		}},
		{"bad ids", func(in *jihat.NewCaseInput) {
			in.EntityID, in.CaseTypeID = "1", strings.ToUpper(testTypeID)
		}, map[string]string{"entity_id": "invalid_id", "case_type_id": "invalid_id"}},
		{"subject too short", func(in *jihat.NewCaseInput) { in.Subject = " أب " }, map[string]string{"subject": "subject_length"}},
		{"subject too long", func(in *jihat.NewCaseInput) { in.Subject = strings.Repeat("ب", 201) }, map[string]string{"subject": "subject_length"}},
		{"blank body", func(in *jihat.NewCaseInput) { in.Body = " \n\t " }, map[string]string{"body": "required"}},
		{"body too long", func(in *jihat.NewCaseInput) { in.Body = strings.Repeat("ج", 10001) }, map[string]string{"body": "body_length"}},
		{"NUL in body", func(in *jihat.NewCaseInput) { in.Body = "a\x00b" }, map[string]string{"body": "invalid_text"}},
		{"invalid UTF-8 subject", func(in *jihat.NewCaseInput) { in.Subject = "abc\xff" }, map[string]string{"subject": "invalid_text"}},
		{"bad priority", func(in *jihat.NewCaseInput) { in.Priority = "urgent" }, map[string]string{"priority": "invalid_priority"}},
		{"bad kind", func(in *jihat.NewCaseInput) { in.Kind = "request" }, map[string]string{"kind": "invalid_kind"}},
		{"report without category", func(in *jihat.NewCaseInput) { in.Kind = jihat.KindReport }, map[string]string{"category": "required"}},
		{"report with unknown category", func(in *jihat.NewCaseInput) {
			in.Kind, in.Category = jihat.KindReport, "flood"
		}, map[string]string{"category": "invalid_category"}},
		{"category on an inquiry", func(in *jihat.NewCaseInput) {
			in.Kind, in.Category = jihat.KindInquiry, jihat.CategoryFire
		}, map[string]string{"category": "category_only_for_reports"}},
		{"category without kind", func(in *jihat.NewCaseInput) { in.Category = jihat.CategoryFire }, map[string]string{"category": "category_only_for_reports"}},
		{"null island", func(in *jihat.NewCaseInput) { in.Location = &jihat.Location{} }, map[string]string{"location": "invalid_location"}},
		{"latitude out of range", func(in *jihat.NewCaseInput) { in.Location = &jihat.Location{Lat: 124, Lng: 46} }, map[string]string{"location": "invalid_location"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := validCase()
			tt.edit(&in)
			checkFields(t, in.Validate(), tt.fields)
		})
	}
}

// checkFields checks that err is nil when fields is nil, and otherwise an
// EINVALID error with exactly these field keys, all of them in the catalogue.
func checkFields(t *testing.T, err error, fields map[string]string) {
	t.Helper()
	if fields == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	e := jihat.AsError(err)
	if err == nil || e.Code != jihat.EINVALID || !reflect.DeepEqual(e.Fields, fields) {
		t.Fatalf("err = %v (fields %v), want fields %v", err, e.Fields, fields)
	}
	for _, key := range append([]string{e.Key}, values(e.Fields)...) {
		if !jihat.HasMessage(key) {
			t.Errorf("message key %q is not in the catalogue", key)
		}
	}
}

func values(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

func TestActionInputs(t *testing.T) {
	now := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		err    error
		fields map[string]string
	}{
		{"comment", jihat.ValidateComment("شكراً", jihat.VisibilityPublic), nil},
		{"internal note", jihat.ValidateComment("ملاحظة داخلية", jihat.VisibilityInternal), nil},
		{"empty comment", jihat.ValidateComment("  ", jihat.VisibilityPublic), map[string]string{"body": "required"}},
		{"comment too long", jihat.ValidateComment(strings.Repeat("x", 10001), jihat.VisibilityPublic), map[string]string{"body": "body_length"}},
		{"comment visibility", jihat.ValidateComment("x", "secret"), map[string]string{"visibility": "invalid_visibility"}},
		{"resolution", jihat.ValidateResolution("تم الإصلاح"), nil},
		{"empty resolution", jihat.ValidateResolution(""), map[string]string{"resolution": "required"}},
		{"reason", jihat.ValidateReason("reason", "لم يتم الإصلاح"), nil},
		{"short reason", jihat.ValidateReason("reason", "لا"), map[string]string{"reason": "reason_length"}},
		{"long reason", jihat.ValidateReason("reason", strings.Repeat("x", 2001)), map[string]string{"reason": "reason_length"}},
		{"postpone", jihat.ValidatePostponement(now.Add(48*time.Hour), "بانتظار قطع الغيار", now), nil},
		{"postpone to the past", jihat.ValidatePostponement(now.Add(-time.Hour), "بانتظار قطع الغيار", now), map[string]string{"until": "invalid_postpone_until"}},
		{"postpone to now", jihat.ValidatePostponement(now, "بانتظار قطع الغيار", now), map[string]string{"until": "invalid_postpone_until"}},
		{"postpone too far", jihat.ValidatePostponement(now.Add(366*24*time.Hour), "سبب كافٍ", now), map[string]string{"until": "invalid_postpone_until"}},
		{"postpone without anything", jihat.ValidatePostponement(time.Time{}, "", now), map[string]string{"until": "required", "reason": "required"}},
		{"rating", jihat.ValidateRating(5, ""), nil},
		{"rating with comment", jihat.ValidateRating(1, "تأخير كبير"), nil},
		{"rating 0", jihat.ValidateRating(0, ""), map[string]string{"score": "invalid_score"}},
		{"rating 6", jihat.ValidateRating(6, ""), map[string]string{"score": "invalid_score"}},
		{"rating comment too long", jihat.ValidateRating(3, strings.Repeat("x", 2001)), map[string]string{"comment": "reason_length"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkFields(t, tt.err, tt.fields) })
	}
}

func TestVisibility(t *testing.T) {
	for in, want := range map[string]jihat.Visibility{"": "", "public": jihat.VisibilityPublic, "internal": jihat.VisibilityInternal} {
		if got, err := jihat.ParseVisibility(in); err != nil || got != want {
			t.Errorf("ParseVisibility(%q) = %q, %v", in, got, err)
		}
	}
	_, err := jihat.ParseVisibility("Internal")
	checkFields(t, err, map[string]string{"visibility": "invalid_visibility"})
}

// TestChooseVisibility: staff must say it; the requester's is public.
func TestChooseVisibility(t *testing.T) {
	for _, tt := range []struct {
		in        jihat.Visibility
		requester bool
		want      jihat.Visibility
		code      string
	}{
		{"", true, jihat.VisibilityPublic, ""},
		{jihat.VisibilityPublic, true, jihat.VisibilityPublic, ""},
		{jihat.VisibilityInternal, true, "", jihat.EFORBIDDEN},
		{"", false, "", jihat.EINVALID},
		{jihat.VisibilityPublic, false, jihat.VisibilityPublic, ""},
		{jihat.VisibilityInternal, false, jihat.VisibilityInternal, ""},
	} {
		got, err := jihat.ChooseVisibility(tt.in, tt.requester)
		if got != tt.want || jihat.ErrorCode(err) != tt.code && !(tt.code == "" && err == nil) {
			t.Errorf("ChooseVisibility(%q, requester %v) = %q, %v; want %q, %s", tt.in, tt.requester, got, err, tt.want, tt.code)
		}
	}
	_, err := jihat.ChooseVisibility("", false)
	checkFields(t, err, map[string]string{"visibility": "visibility_required"})
}

// TestCaseMessageKeys checks that every message key the case rules can
// return exists in both languages, and that no text has a broken format.
func TestCaseMessageKeys(t *testing.T) {
	keys := []string{
		"invalid_transition", "invalid_priority", "invalid_status", "invalid_kind", "invalid_category",
		"category_only_for_reports", "invalid_location", "subject_length", "body_length", "reason_length",
		"invalid_text", "invalid_visibility", "invalid_postpone_until", "invalid_score", "objection_window_closed",
		"rating_not_resolved", "already_rated", "invalid_assign_rule", "invalid_channel", "invalid_date",
		"invalid_time_zone", "invalid_workdays", "invalid_working_hours", "invalid_holidays",
		"required", "invalid_id", "invalid_value", "invalid_input",
	}
	for _, key := range keys {
		if !jihat.HasMessage(key) {
			t.Errorf("missing message %q", key)
			continue
		}
		ar, en := jihat.Message(jihat.LangAR, key), jihat.Message(jihat.LangEN, key)
		if ar == en || ar == "" || en == "" {
			t.Errorf("%s: %q / %q", key, ar, en)
		}
	}
	// Errors built by the rules, with their arguments.
	_, err := jihat.Transition(jihat.StatusClosed, jihat.ActionReply)
	e := jihat.AsError(err)
	if got := e.Message(jihat.LangAR); got != "لا يمكن تنفيذ «الرد» على معاملة حالتها «مغلقة»" {
		t.Errorf("Arabic: %q", got)
	}
	if got := e.Message(jihat.LangEN); got != "The action “reply” is not allowed on a case in status “Closed”" {
		t.Errorf("English: %q", got)
	}
}
