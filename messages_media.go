package jihat

// mediaMessages are the texts of files and voice notes (media/errors.go,
// server/attachments.go).
var mediaMessages = map[string]text{
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
	"multipart_required":        {"يجب إرسال الملف بصيغة multipart/form-data", "Send the file as multipart/form-data"},
}
