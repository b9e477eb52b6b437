package jihat

// securityMessages holds the texts of the security rules: who must say a
// visibility, throttling, contact verification, password strength and
// unavailable dependencies. Message looks here too.
var securityMessages = map[string]text{
	"visibility_required": {"حدّد ظهور الرسالة: علنية (public) يراها المستفيد أو داخلية (internal) للموظفين فقط",
		"Say who sees it: public (the requester sees it) or internal (staff only)"},
	"password_weak": {"كلمة المرور سهلة التخمين: تجنّب الأحرف المكررة أو المتسلسلة (aaaa، 1234، abcd) وأنماط لوحة المفاتيح (qwerty) واسمك وبريدك واسم المنصة؛ عبارة من عدة كلمات غير مترابطة أقوى",
		"This password is easy to guess: avoid repeated or sequential characters (aaaa, 1234, abcd), keyboard patterns (qwerty), your name, your e-mail and the service's name; a phrase of several unrelated words is stronger"},
	"request_cancelled": {"أُلغي الطلب قبل اكتماله", "The request was cancelled before it completed"},

	// An image whose header reads but whose end is missing (media/image_end.go).
	"image_truncated": {"الصورة غير مكتملة: انقطع الملف قبل نهايته؛ أعد رفعها", "The image is incomplete: the file ends before the image does; upload it again"},

	// Contact verification (contact.go, server/contacts.go).
	"contact_missing":          {"لا يوجد في حسابك عنوان من هذا النوع", "Your account has no address of this kind"},
	"contact_already_verified": {"تم التحقق من هذا العنوان من قبل", "This address is already verified"},
	"contact_code_invalid":     {"رمز التحقق غير صحيح", "The verification code is not correct"},
	"contact_code_expired":     {"انتهت صلاحية رمز التحقق (10 دقائق)؛ اطلب رمزاً جديداً", "The verification code has expired (10 minutes); ask for a new one"},
	"contact_code_exhausted":   {"تجاوزت عدد المحاولات المسموح (5)؛ اطلب رمزاً جديداً", "Too many wrong tries (5); ask for a new code"},
	"contact_code_missing":     {"لا يوجد رمز تحقق ساري لهذا العنوان؛ اطلب رمزاً جديداً", "There is no live code for this address; ask for a new one"},
	// The code travels in .Password, as the password reset's does.
	"notify.account.verify_email.title": {"رمز التحقق من بريدك الإلكتروني", "Your e-mail verification code"},
	"notify.account.verify_email.body": {"مرحباً {{.Name}}،\n\nرمز التحقق من بريدك الإلكتروني في منصة جهات: {{.Password}}\nصالح لمدة 10 دقائق. إن لم تسجّل في جهات فتجاهل هذه الرسالة، ولن يصلك منا شيء آخر.",
		"Hello {{.Name}},\n\nYour Jihat e-mail verification code is {{.Password}}\nIt is valid for 10 minutes. If you did not register with Jihat, ignore this message: you will get nothing else from us."},
	"notify.account.verify_email.sms":    {"جهات: رمز التحقق {{.Password}}", "Jihat: your verification code is {{.Password}}"},
	"notify.account.verify_mobile.title": {"رمز التحقق من جوالك", "Your mobile verification code"},
	"notify.account.verify_mobile.body": {"رمز التحقق من جوالك في منصة جهات: {{.Password}} (صالح 10 دقائق)",
		"Your Jihat mobile verification code is {{.Password}} (valid 10 minutes)"},
	"notify.account.verify_mobile.sms": {"جهات: رمز التحقق من جوالك {{.Password}} صالح 10 دقائق. إن لم تطلبه فتجاهل الرسالة.",
		"Jihat: your mobile verification code is {{.Password}}, valid 10 minutes. If you did not ask for it, ignore this message."},
}
