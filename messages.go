package jihat

import (
	"fmt"
	"strings"
)

// Lang is a user interface language.
type Lang string

// Supported languages. Arabic is the default.
const (
	LangAR Lang = "ar"
	LangEN Lang = "en"
)

// ParseLang picks the first supported language from an Accept-Language
// header value ("en-US,en;q=0.9,ar;q=0.8"). Arabic when none matches.
func ParseLang(header string) Lang {
	if l, ok := AcceptedLang(header); ok {
		return l
	}
	return LangAR
}

// AcceptedLang returns the first language of an Accept-Language header that
// Jihat speaks, and false when the header names neither Arabic nor English
// (then a signed-in user's saved language applies).
func AcceptedLang(header string) (Lang, bool) {
	for _, part := range strings.Split(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "ar" || strings.HasPrefix(tag, "ar-"):
			return LangAR, true
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return LangEN, true
		}
	}
	return LangAR, false
}

// text is one message in both languages.
type text struct{ ar, en string }

// Message returns the text for key in lang, formatted with args. An unknown
// key returns the key itself so a missing translation is visible, not blank.
func Message(lang Lang, key string, args ...any) string {
	t, ok := lookup(key)
	if !ok {
		return key
	}
	s := t.ar
	if lang == LangEN {
		s = t.en
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// HasMessage reports whether key is in the catalogue (tests use it to check
// that every key a rule returns has a translation).
func HasMessage(key string) bool {
	_, ok := lookup(key)
	return ok
}

// catalogues is the message catalogue, one map a topic, each in a file of
// its own (messages_<topic>.go). A key is in one map only (a test checks):
// add a topic's keys to its map, or a new map here for a new topic.
var catalogues = []map[string]text{
	commonMessages,   // messages.go
	accountMessages,  // messages_accounts.go
	mediaMessages,    // messages_media.go
	caseMessages,     // messages_cases.go
	liveMessages,     // messages_live.go
	notifyMessages,   // messages_notify.go
	rtcMessages,      // messages_rtc.go
	webMessages,      // messages_web.go
	securityMessages, // messages_security.go
	guideMessages,
	meetingMessages, // messages_meetings.go
	statsMessages,   // messages_stats.go
}

func lookup(key string) (text, bool) {
	for _, m := range catalogues {
		if t, ok := m[key]; ok {
			return t, true
		}
	}
	return text{}, false
}

// commonMessages are the texts of errors that any part may return. Every
// rule that returns an *Error uses a key from one of the catalogues.
var commonMessages = map[string]text{
	"invalid_input":      {"البيانات المدخلة غير صحيحة", "The input is not valid"},
	"internal":           {"حدث خطأ داخلي، حاول مرة أخرى لاحقاً", "An internal error occurred; try again later"},
	"not_found":          {"العنصر المطلوب غير موجود", "The requested item was not found"},
	"forbidden":          {"ليست لديك صلاحية لهذا الإجراء", "You do not have permission for this action"},
	"unauthorized":       {"يلزم تسجيل الدخول", "You must log in"},
	"rate_limited":       {"محاولات كثيرة، حاول بعد قليل", "Too many attempts; try again shortly"},
	"too_large":          {"حجم الطلب أكبر من المسموح", "The request is larger than allowed"},
	"json_content_type":  {"يجب أن يكون نوع المحتوى application/json", "The Content-Type must be application/json"},
	"malformed_json":     {"صيغة JSON غير صحيحة", "The JSON body is malformed"},
	"unknown_field":      {"الحقل غير معروف: %s", "Unknown field: %s"},
	"invalid_id":         {"المعرّف غير صحيح", "The identifier is not valid"},
	"required":           {"هذا الحقل مطلوب", "This field is required"},
	"too_long":           {"النص أطول من المسموح", "The text is too long"},
	"invalid_value":      {"القيمة غير مقبولة", "The value is not accepted"},
	"conflict":           {"يتعارض الطلب مع الحالة الحالية", "The request conflicts with the current state"},
	"unavailable":        {"الخدمة غير متاحة مؤقتاً", "The service is temporarily unavailable"},
	"method_not_allowed": {"الطريقة غير مسموحة", "Method not allowed"},
}
