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

// catalogues are the message maps Message looks in, in order; a topic adds
// its own map (messages_<topic>.go) to this list.
func catalogues() []map[string]text {
	return []map[string]text{catalogue, moreMessages, notifyMessages, rtcMessages, webMessages, caseMessages, securityMessages, guideMessages, statsMessages}
}

// lookup finds key in the catalogues.
func lookup(key string) (text, bool) {
	for _, m := range catalogues() {
		if t, ok := m[key]; ok {
			return t, true
		}
	}
	return text{}, false
}

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

	// media (files and voice notes; media/errors.go)
	"file_type_not_allowed":     {"نوع الملف غير مسموح به", "This file type is not allowed"},
	"file_too_large":            {"حجم الملف أكبر من الحد المسموح (%s ميغابايت)", "The file is larger than the allowed %s MB"},
	"file_empty":                {"الملف فارغ", "The file is empty"},
	"file_corrupt":              {"الملف تالف أو غير مكتمل", "The file is damaged or incomplete"},
	"office_macros_not_allowed": {"المستندات التي تحتوي على وحدات ماكرو غير مسموح بها", "Documents containing macros are not allowed"},
	"image_too_large":           {"أبعاد الصورة أكبر من المسموح", "The image dimensions are larger than allowed"},
	"voice_too_long":            {"الرسالة الصوتية أطول من المدة المسموحة (%s)", "The voice note is longer than the allowed %s"},
	"voice_duration_mismatch":   {"مدة الرسالة الصوتية لا تطابق التسجيل", "The voice note duration does not match the recording"},
	"voice_unreadable":          {"تعذرت قراءة مدة الرسالة الصوتية", "The duration of the voice note could not be read"},
	"upload_incomplete":         {"لم يكتمل رفع الملف، حاول مرة أخرى", "The upload did not complete; try again"},

	// cases: priorities, kinds, categories, statuses, actions, rules and
	// working calendar (case.go, case_input.go, status.go, calendar*.go,
	// assign.go, channel.go)
	"priority_normal":               {"عادي", "Normal"},
	"priority_important":            {"هام", "Important"},
	"priority_very_important":       {"هام جداً", "Very important"},
	"kind_inquiry":                  {"استفسار", "Inquiry"},
	"kind_complaint":                {"شكوى", "Complaint"},
	"kind_suggestion":               {"اقتراح", "Suggestion"},
	"kind_report":                   {"بلاغ", "Report"},
	"category_building_maintenance": {"صيانة مبانٍ", "Building maintenance"},
	"category_fire":                 {"حريق", "Fire"},
	"category_criminal_incident":    {"حادث جنائي", "Criminal incident"},
	"category_traffic_accident":     {"حادث مروري", "Traffic accident"},
	"category_violence":             {"عنف", "Violence"},
	"category_food_poisoning":       {"تسمم غذائي", "Food poisoning"},
	"category_cleanliness":          {"نظافة", "Cleanliness"},
	"category_other":                {"أخرى", "Other"},
	"status_new":                    {"جديدة", "New"},
	"status_assigned":               {"مسندة", "Assigned"},
	"status_in_progress":            {"قيد المعالجة", "In progress"},
	"status_awaiting_citizen":       {"بانتظار رد المستفيد", "Awaiting the requester"},
	"status_postponed":              {"مؤجلة", "Postponed"},
	"status_resolved":               {"منجزة", "Resolved"},
	"status_objected":               {"معترض عليها", "Objected"},
	"status_closed":                 {"مغلقة", "Closed"},
	"action_assign":                 {"الإسناد", "assign"},
	"action_unassign":               {"إلغاء الإسناد", "unassign"},
	"action_start":                  {"بدء المعالجة", "start work"},
	"action_reply":                  {"الرد", "reply"},
	"action_await_citizen":          {"طلب معلومات من المستفيد", "ask the requester"},
	"action_citizen_reply":          {"رد المستفيد", "requester reply"},
	"action_postpone":               {"التأجيل", "postpone"},
	"action_resume":                 {"الاستئناف", "resume"},
	"action_resolve":                {"الإنجاز", "resolve"},
	"action_object":                 {"الاعتراض", "object"},
	"action_close":                  {"الإغلاق", "close"},
	"invalid_transition":            {"لا يمكن تنفيذ «%[1]s» على معاملة حالتها «%[2]s»", "The action “%[3]s” is not allowed on a case in status “%[4]s”"},
	"invalid_priority":              {"الأولوية يجب أن تكون عادي أو هام أو هام جداً", "The priority must be normal, important or very important"},
	"invalid_status":                {"الحالة غير معروفة", "Unknown status"},
	"invalid_kind":                  {"نوع المعاملة يجب أن يكون استفساراً أو شكوى أو اقتراحاً أو بلاغاً", "The kind must be inquiry, complaint, suggestion or report"},
	"invalid_category":              {"تصنيف البلاغ غير معروف", "Unknown report category"},
	"category_only_for_reports":     {"التصنيف يُحدد للبلاغات فقط", "A category is given only for reports"},
	"invalid_location":              {"الموقع غير صحيح", "The location is not valid"},
	"subject_length":                {"الموضوع يجب أن يكون بين 3 و 200 حرف", "The subject must be 3 to 200 characters"},
	"body_length":                   {"النص يجب أن يكون بين 1 و 10000 حرف", "The text must be 1 to 10000 characters"},
	"reason_length":                 {"السبب يجب أن يكون بين 3 و 2000 حرف", "The reason must be 3 to 2000 characters"},
	"invalid_text":                  {"النص يحتوي على رموز غير مقبولة", "The text contains characters that are not accepted"},
	"invalid_visibility":            {"الظهور يجب أن يكون عاماً أو داخلياً", "The visibility must be public or internal"},
	"invalid_postpone_until":        {"تاريخ التأجيل يجب أن يكون في المستقبل وخلال سنة", "The postponement date must be in the future and within a year"},
	"invalid_score":                 {"التقييم يجب أن يكون من 1 إلى 5", "The score must be from 1 to 5"},
	"objection_window_closed":       {"انتهت مهلة الاعتراض على هذه المعاملة", "The time to object to this case has ended"},
	"rating_not_resolved":           {"يمكن التقييم بعد إنجاز المعاملة فقط", "A case can be rated only after it is resolved"},
	"already_rated":                 {"تم تقييم هذه المعاملة مسبقاً", "This case has already been rated"},
	"invalid_assign_rule":           {"قاعدة التوزيع يجب أن تكون بالتناوب أو الأقل انشغالاً", "The assignment rule must be round_robin or least_load"},
	"invalid_channel":               {"اسم القناة غير صحيح", "The channel name is not valid"},
	"invalid_date":                  {"التاريخ غير صحيح، الصيغة YYYY-MM-DD", "The date is not valid; use YYYY-MM-DD"},
	"invalid_time_zone":             {"المنطقة الزمنية غير معروفة", "Unknown time zone"},
	"invalid_workdays":              {"أيام العمل غير صحيحة", "The working days are not valid"},
	"invalid_working_hours":         {"ساعات العمل غير صحيحة (مثال: 08:00 إلى 15:00)", "The working hours are not valid (e.g. 08:00 to 15:00)"},
	"invalid_holidays":              {"قائمة الإجازات غير صحيحة", "The list of holidays is not valid"},

	// live socket (hub package)
	"ws_invalid_message":        {"الرسالة غير صالحة", "The message is not valid"},
	"ws_unknown_type":           {"نوع الرسالة غير معروف", "Unknown message type"},
	"ws_invalid_channel":        {"اسم القناة غير صحيح", "The channel name is not valid"},
	"ws_not_subscribed":         {"لست مشتركاً في هذه القناة", "You are not subscribed to this channel"},
	"ws_too_many_subscriptions": {"عدد الاشتراكات أكثر من المسموح", "Too many subscriptions on this connection"},
	"ws_already_authenticated":  {"تم التحقق من الهوية مسبقاً", "Already authenticated"},
	"ws_token_in_url":           {"لا يُقبل رمز الدخول في الرابط؛ استخدم الترويسة أو رسالة auth", "A token in the URL is not accepted; use the header or an auth message"},
	"ws_origin_refused":         {"مصدر الطلب غير مسموح", "The request origin is not allowed"},
}
