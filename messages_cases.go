package jihat

// caseMessages holds the texts of the case platform's later rules: the
// objection ladder and final decisions, reassignment requests, and their
// notifications (notify.<kind>.title, .body, .sms as in messages_notify.go).
var caseMessages = map[string]text{
	"objection_final": {"صدر في هذه المعاملة قرار نهائي من آخر مستوى، ولا يمكن الاعتراض عليه",
		"This case has a final decision from the last level; it cannot be objected to"},
	"objection_limit": {"بلغت الحد الأعلى لعدد الاعتراضات على هذه المعاملة", "You have reached the most objections allowed on this case"},

	"notify.case.final_decision.title": {"القرار النهائي في معاملتك {{.Number}}", "The final decision on your case {{.Number}}"},
	"notify.case.final_decision.body": {"صدر القرار النهائي في معاملتك رقم {{.Number}} من آخر مستوى للاعتراض، ولا يقبل اعتراضاً آخر:\n\n{{.Resolution}}",
		"The last level of objection has decided your case {{.Number}}; this decision is final and takes no further objection:\n\n{{.Resolution}}"},
	"notify.case.final_decision.sms": {"جهات: صدر القرار النهائي في معاملتك {{.Number}}.", "Jihat: the final decision on your case {{.Number}} was issued."},
}
