package jihat

// caseMessages holds the texts of the case platform's later rules: the
// objection ladder and final decisions, reassignment requests, and their
// notifications (notify.<kind>.title, .body, .sms as in messages_notify.go).
var caseMessages = map[string]text{
	"objection_final": {"صدر في هذه المعاملة قرار نهائي من آخر مستوى، ولا يمكن الاعتراض عليه",
		"This case has a final decision from the last level; it cannot be objected to"},
	"objection_limit": {"بلغت الحد الأعلى لعدد الاعتراضات على هذه المعاملة", "You have reached the most objections allowed on this case"},

	"reassignment_pending": {"يوجد طلب إعادة إسناد معلق لهذه المعاملة", "A reassignment request is already pending on this case"},

	"notify.case.reassignment_requested.title": {"طلب إعادة إسناد للمعاملة {{.Number}}", "Reassignment request for case {{.Number}}"},
	"notify.case.reassignment_requested.body":  {"طلب موظف إسناد المعاملة {{.Number}} إلى زميل، والطلب بانتظار قرارك.", "An employee asked to hand case {{.Number}} to a colleague; the request waits for your decision."},
	"notify.case.reassignment_requested.sms":   {"جهات: طلب إعادة إسناد للمعاملة {{.Number}} بانتظار قرارك.", "Jihat: a reassignment of case {{.Number}} waits for your decision."},
	"notify.case.reassignment_approved.title":  {"قُبل طلب إعادة إسناد المعاملة {{.Number}}", "Your reassignment of case {{.Number}} was approved"},
	"notify.case.reassignment_approved.body":   {"قُبل طلبك إعادة إسناد المعاملة {{.Number}}.", "Your request to reassign case {{.Number}} was approved."},
	"notify.case.reassignment_approved.sms":    {"جهات: قُبل طلب إعادة إسناد المعاملة {{.Number}}.", "Jihat: the reassignment of case {{.Number}} was approved."},
	"notify.case.reassignment_refused.title":   {"رُفض طلب إعادة إسناد المعاملة {{.Number}}", "Your reassignment of case {{.Number}} was refused"},
	"notify.case.reassignment_refused.body":    {"رُفض طلبك إعادة إسناد المعاملة {{.Number}}.\nالملاحظة: {{.Note}}", "Your request to reassign case {{.Number}} was refused.\nNote: {{.Note}}"},
	"notify.case.reassignment_refused.sms":     {"جهات: رُفض طلب إعادة إسناد المعاملة {{.Number}}.", "Jihat: the reassignment of case {{.Number}} was refused."},

	"notify.case.final_decision.title": {"القرار النهائي في معاملتك {{.Number}}", "The final decision on your case {{.Number}}"},
	"notify.case.final_decision.body": {"صدر القرار النهائي في معاملتك رقم {{.Number}} من آخر مستوى للاعتراض، ولا يقبل اعتراضاً آخر:\n\n{{.Resolution}}",
		"The last level of objection has decided your case {{.Number}}; this decision is final and takes no further objection:\n\n{{.Resolution}}"},
	"notify.case.final_decision.sms": {"جهات: صدر القرار النهائي في معاملتك {{.Number}}.", "Jihat: the final decision on your case {{.Number}} was issued."},
}
