package jihat

// moreMessages holds texts sent to people (e-mail, SMS) and keys added after
// the first catalogue; Message looks here after catalogue.
var moreMessages = map[string]text{
	"mail_credentials_subject": {"بيانات الدخول إلى منصة جهات", "Your Jihat login"},
	"mail_credentials_body": {"مرحباً %s،\nأنشئ لك حساب موظف في منصة جهات.\nاسم الدخول: %s\nكلمة المرور المؤقتة: %s\nيجب تغيير كلمة المرور عند أول دخول.",
		"Hello %s,\nA staff account was created for you on Jihat.\nLogin: %s\nTemporary password: %s\nYou must change the password at first login."},
}
