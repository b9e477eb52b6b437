package jihat

// webMessages holds the texts of the web app's serving and its
// cross-site request protection (server/webapp.go); Message looks here
// after the other catalogues.
var webMessages = map[string]text{
	"reset_code_invalid": {"الرمز غير صحيح أو انتهت صلاحيته؛ اطلب رمزاً جديداً", "The code is wrong or has expired; ask for a new one"},
	// the reset code (server/password_reset.go); the code travels in .Password
	"notify.account.password_reset.title": {"رمز إعادة تعيين كلمة المرور", "Your password reset code"},
	"notify.account.password_reset.body": {"مرحباً {{.Name}}،\n\nرمز إعادة تعيين كلمة المرور في منصة جهات: {{.Password}}\nصالح لمدة 15 دقيقة على الأقل. إن لم تطلبه فتجاهل هذه الرسالة.\n\n— منصة جهات",
		"Hello {{.Name}},\n\nYour Jihat password reset code: {{.Password}}\nIt is valid for at least 15 minutes. If you did not ask for it, ignore this message.\n\n— Jihat"},
	"notify.account.password_reset.sms": {"جهات: رمز إعادة تعيين كلمة المرور {{.Password}}", "Jihat: your password reset code is {{.Password}}"},
	"web_cross_site_refused": {"رُفض الطلب لأنه صادر من موقع آخر؛ أعد تحميل الصفحة وحاول مرة أخرى",
		"The request was refused because it came from another site; reload the page and try again"},
}
