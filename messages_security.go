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
}
