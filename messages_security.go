package jihat

// securityMessages holds the texts of the security rules: who must say a
// visibility, throttling, contact verification, password strength and
// unavailable dependencies. Message looks here too.
var securityMessages = map[string]text{
	"visibility_required": {"حدّد ظهور الرسالة: علنية (public) يراها المستفيد أو داخلية (internal) للموظفين فقط",
		"Say who sees it: public (the requester sees it) or internal (staff only)"},
	"request_cancelled": {"أُلغي الطلب قبل اكتماله", "The request was cancelled before it completed"},
}
