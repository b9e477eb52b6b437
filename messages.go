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
	for _, part := range strings.Split(header, ",") {
		tag := strings.ToLower(strings.TrimSpace(strings.SplitN(part, ";", 2)[0]))
		switch {
		case tag == "ar" || strings.HasPrefix(tag, "ar-"):
			return LangAR
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			return LangEN
		}
	}
	return LangAR
}

// text is one message in both languages.
type text struct{ ar, en string }

// Message returns the text for key in lang, formatted with args. An unknown
// key returns the key itself so a missing translation is visible, not blank.
func Message(lang Lang, key string, args ...any) string {
	t, ok := catalogue[key]
	if !ok {
		if t, ok = moreMessages[key]; !ok {
			return key
		}
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
	_, ok := catalogue[key]
	_, more := moreMessages[key]
	return ok || more
}

// catalogue holds every text a person may see in an error, in both
// languages, grouped by area. Every rule that returns an *Error uses a key
// from here.
var catalogue = map[string]text{
	// generic
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

	// accounts
	"invalid_national_id":      {"رقم الهوية غير صحيح", "The national ID is not valid"},
	"invalid_mobile":           {"رقم الجوال غير صحيح", "The mobile number is not valid"},
	"invalid_email":            {"البريد الإلكتروني غير صحيح", "The e-mail address is not valid"},
	"identifier_required":      {"أدخل رقم الهوية أو البريد الإلكتروني أو رقم الجوال", "Enter a national ID, an e-mail or a mobile number"},
	"identifier_taken":         {"هذا المعرّف مسجل مسبقاً", "This identifier is already registered"},
	"password_too_short":       {"كلمة المرور يجب ألا تقل عن %d حرفاً", "The password must be at least %d characters"},
	"password_too_long":        {"كلمة المرور يجب ألا تزيد عن %d حرفاً", "The password must be at most %d characters"},
	"password_common":          {"كلمة المرور شائعة جداً، اختر غيرها", "This password is too common; choose another"},
	"bad_credentials":          {"بيانات الدخول غير صحيحة", "The login or password is incorrect"},
	"account_disabled":         {"الحساب معطل", "The account is disabled"},
	"password_change_required": {"يجب تغيير كلمة المرور قبل المتابعة", "You must change your password before continuing"},
	"invalid_role":             {"الدور غير مقبول", "The role is not accepted"},
	"invalid_permission":       {"الصلاحية غير معروفة: %s", "Unknown permission: %s"},
	"invalid_sector":           {"القطاع يجب أن يكون حكومي أو خاص أو غير ربحي", "The sector must be government, private or nonprofit"},
	"department_not_in_entity": {"القسم لا يتبع هذه الجهة", "The department does not belong to this entity"},
	"invalid_sla":              {"ساعات SLA يجب أن تكون بين 1 و 8760", "SLA hours must be between 1 and 8760"},
	"wrong_password":           {"كلمة المرور الحالية غير صحيحة", "The current password is incorrect"},
}
