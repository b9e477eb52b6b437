package jihat

// notifyMessages holds the default texts of notifications (e-mail, SMS and
// in-app) and the errors of their settings; Message looks here after
// catalogue and moreMessages.
//
// The notify.<kind>.<part> entries are Go text/template sources, rendered by
// the notifications worker with the recipient's name and the message's data
// (.Name, .Entity, .Number, .Subject, .Body, .Assignee, .Resolution, .Reason,
// .Note, .Until, .DueAt, .Login, .Password, .Title, .Meeting, .StartsAt,
// .EndsAt). Parts: title (e-mail subject and in-app title), body (e-mail and
// in-app text) and sms (short). An entity admin may override each of them.
var notifyMessages = map[string]text{
	// settings errors (server/notify_handlers.go)
	"unknown_notification_kind":     {"نوع الإشعار غير معروف", "Unknown notification kind"},
	"unknown_notification_channel":  {"قناة الإشعار يجب أن تكون sms أو email أو in_app", "The channel must be sms, email or in_app"},
	"notification_not_configurable": {"لا يمكن تعطيل هذا الإشعار", "This notification cannot be turned off"},
	"template_invalid":              {"صيغة القالب غير صحيحة", "The template does not parse"},
	"template_unknown_field":        {"القالب يستخدم حقلاً غير معروف", "The template uses an unknown field"},
	"template_missing_field":        {"القالب يجب أن يتضمن اسم الدخول وكلمة المرور", "The template must include the login and the password"},
	"template_duplicate":            {"القالب مكرر لنفس اللغة والقناة", "The template repeats a language and channel"},
	"invalid_lang":                  {"اللغة يجب أن تكون ar أو en", "The language must be ar or en"},

	// the frame of every e-mail
	"notify.greeting": {"مرحباً {{.Name}}،", "Hello {{.Name}},"},
	"notify.footer":   {"منصة جهات", "Jihat"},

	"notify.case.created.title": {"تم استلام معاملتك رقم {{.Number}}", "Your case {{.Number}} was received"},
	"notify.case.created.body": {"استلمت {{.Entity}} معاملتك «{{.Subject}}» برقم {{.Number}}، وسنبلغك بكل جديد عليها.",
		"{{.Entity}} received your case “{{.Subject}}” with number {{.Number}}. We will tell you of every step."},
	"notify.case.created.sms": {"جهات: استُلمت معاملتك رقم {{.Number}} لدى {{.Entity}}.", "Jihat: your case {{.Number}} was received by {{.Entity}}."},

	"notify.case.assigned.title": {"أُسندت إليك المعاملة {{.Number}}", "Case {{.Number}} is assigned to you"},
	"notify.case.assigned.body":  {"أُسندت إليك المعاملة {{.Number}}: «{{.Subject}}».", "Case {{.Number}} is assigned to you: “{{.Subject}}”."},
	"notify.case.assigned.sms":   {"جهات: أُسندت إليك المعاملة {{.Number}}.", "Jihat: case {{.Number}} is assigned to you."},

	"notify.case.assigned_requester.title": {"معاملتك {{.Number}} لدى موظف مختص", "An employee is handling your case {{.Number}}"},
	"notify.case.assigned_requester.body":  {"يتولى {{.Assignee}} معالجة معاملتك رقم {{.Number}}.", "{{.Assignee}} is handling your case {{.Number}}."},
	"notify.case.assigned_requester.sms":   {"جهات: يتولى {{.Assignee}} معالجة معاملتك {{.Number}}.", "Jihat: {{.Assignee}} is handling your case {{.Number}}."},

	"notify.case.reply.title": {"رد جديد على معاملتك {{.Number}}", "New reply on your case {{.Number}}"},
	"notify.case.reply.body":  {"ردت {{.Entity}} على معاملتك رقم {{.Number}}:\n\n{{.Body}}", "{{.Entity}} replied on your case {{.Number}}:\n\n{{.Body}}"},
	"notify.case.reply.sms":   {"جهات: رد جديد على معاملتك {{.Number}} من {{.Entity}}.", "Jihat: new reply on your case {{.Number}} from {{.Entity}}."},

	"notify.case.citizen_reply.title": {"رد المستفيد على المعاملة {{.Number}}", "The requester replied on case {{.Number}}"},
	"notify.case.citizen_reply.body":  {"أضاف المستفيد رداً على المعاملة {{.Number}}: «{{.Subject}}».", "The requester replied on case {{.Number}}: “{{.Subject}}”."},
	"notify.case.citizen_reply.sms":   {"جهات: رد المستفيد على المعاملة {{.Number}}.", "Jihat: the requester replied on case {{.Number}}."},

	"notify.case.awaiting_citizen.title": {"معاملتك {{.Number}} بانتظار ردك", "Your case {{.Number}} is waiting for you"},
	"notify.case.awaiting_citizen.body":  {"تحتاج {{.Entity}} إلى معلومات منك لإكمال معاملتك رقم {{.Number}}.", "{{.Entity}} needs information from you to complete your case {{.Number}}."},
	"notify.case.awaiting_citizen.sms":   {"جهات: معاملتك {{.Number}} بانتظار ردك.", "Jihat: your case {{.Number}} is waiting for your reply."},

	"notify.case.postponed.title": {"تأجيل معاملتك {{.Number}}", "Your case {{.Number}} was postponed"},
	"notify.case.postponed.body":  {"أُجلت معاملتك رقم {{.Number}} إلى {{.Until}}.{{if .Reason}}\nالسبب: {{.Reason}}{{end}}", "Your case {{.Number}} was postponed to {{.Until}}.{{if .Reason}}\nReason: {{.Reason}}{{end}}"},
	"notify.case.postponed.sms":   {"جهات: أُجلت معاملتك {{.Number}} إلى {{.Until}}.", "Jihat: your case {{.Number}} was postponed to {{.Until}}."},

	"notify.case.postponement_requested.title": {"طلب تأجيل للمعاملة {{.Number}}", "Postponement request for case {{.Number}}"},
	"notify.case.postponement_requested.body":  {"طُلب تأجيل المعاملة {{.Number}} وينتظر قرارك.", "A postponement of case {{.Number}} waits for your decision."},
	"notify.case.postponement_requested.sms":   {"جهات: طلب تأجيل للمعاملة {{.Number}} بانتظار قرارك.", "Jihat: a postponement of case {{.Number}} waits for your decision."},

	"notify.case.postponement_approved.title": {"اعتُمد تأجيل المعاملة {{.Number}}", "Postponement of case {{.Number}} approved"},
	"notify.case.postponement_approved.body":  {"اعتُمد طلبك تأجيل المعاملة {{.Number}}.", "Your request to postpone case {{.Number}} was approved."},
	"notify.case.postponement_approved.sms":   {"جهات: اعتُمد تأجيل المعاملة {{.Number}}.", "Jihat: postponement of case {{.Number}} approved."},

	"notify.case.postponement_refused.title": {"رُفض تأجيل المعاملة {{.Number}}", "Postponement of case {{.Number}} refused"},
	"notify.case.postponement_refused.body":  {"رُفض طلبك تأجيل المعاملة {{.Number}}.", "Your request to postpone case {{.Number}} was refused."},
	"notify.case.postponement_refused.sms":   {"جهات: رُفض تأجيل المعاملة {{.Number}}.", "Jihat: postponement of case {{.Number}} refused."},

	"notify.case.resolved.title": {"أُنجزت معاملتك {{.Number}}", "Your case {{.Number}} is resolved"},
	"notify.case.resolved.body": {"أُنجزت معاملتك رقم {{.Number}}.\nالإفادة: {{.Resolution}}\n\nإن لم تكن راضياً يمكنك الاعتراض خلال المهلة، ويسعدنا تقييمك للخدمة.",
		"Your case {{.Number}} is resolved.\nResolution: {{.Resolution}}\n\nIf you are not satisfied you may object within the allowed time; please rate the service."},
	"notify.case.resolved.sms": {"جهات: أُنجزت معاملتك {{.Number}}.", "Jihat: your case {{.Number}} is resolved."},

	"notify.case.objection_received.title": {"استُلم اعتراضك على المعاملة {{.Number}}", "Your objection on case {{.Number}} was received"},
	"notify.case.objection_received.body": {"استلمنا اعتراضك على إنجاز معاملتك رقم {{.Number}}، وأُعيد فتحها وأُحيلت إلى مستوى أعلى لمعالجتها قبل {{.DueAt}}.\nسبب الاعتراض: {{.Reason}}",
		"We received your objection to the resolution of your case {{.Number}}. It was re-opened and escalated, to be handled by {{.DueAt}}.\nYour reason: {{.Reason}}"},
	"notify.case.objection_received.sms": {"جهات: استُلم اعتراضك على المعاملة {{.Number}} وأُحيلت إلى مستوى أعلى.", "Jihat: your objection on case {{.Number}} was received and escalated."},

	"notify.case.objection.title": {"اعتراض على المعاملة {{.Number}}", "Objection on case {{.Number}}"},
	"notify.case.objection.body":  {"اعترض المستفيد على إنجاز المعاملة {{.Number}} وأُحيلت إليك.\nالسبب: {{.Reason}}", "The requester objected to the resolution of case {{.Number}}; it is now yours.\nReason: {{.Reason}}"},
	"notify.case.objection.sms":   {"جهات: اعتراض على المعاملة {{.Number}} أُحيل إليك.", "Jihat: an objection on case {{.Number}} is now yours."},

	"notify.case.deadline_approaching.title": {"اقترب موعد إنجاز المعاملة {{.Number}}", "Case {{.Number}} is due soon"},
	"notify.case.deadline_approaching.body":  {"يجب إنجاز المعاملة {{.Number}} «{{.Subject}}» قبل {{.DueAt}}.", "Case {{.Number}} “{{.Subject}}” is due by {{.DueAt}}."},
	"notify.case.deadline_approaching.sms":   {"جهات: المعاملة {{.Number}} مستحقة قبل {{.DueAt}}.", "Jihat: case {{.Number}} is due by {{.DueAt}}."},

	"notify.case.late.title": {"المعاملة {{.Number}} متأخرة", "Case {{.Number}} is late"},
	"notify.case.late.body":  {"تجاوزت المعاملة {{.Number}} «{{.Subject}}» موعد إنجازها ({{.DueAt}}).", "Case {{.Number}} “{{.Subject}}” passed its deadline ({{.DueAt}})."},
	"notify.case.late.sms":   {"جهات: المعاملة {{.Number}} متأخرة عن موعدها.", "Jihat: case {{.Number}} is late."},

	"notify.employee.credentials.title": {"بيانات الدخول إلى منصة جهات", "Your Jihat login"},
	"notify.employee.credentials.body": {"أُنشئ لك حساب موظف في {{.Entity}} على منصة جهات.\nاسم الدخول: {{.Login}}\nكلمة المرور المؤقتة: {{.Password}}\nيجب تغيير كلمة المرور عند أول دخول.",
		"A staff account was created for you at {{.Entity}} on Jihat.\nLogin: {{.Login}}\nTemporary password: {{.Password}}\nYou must change the password at first login."},
	"notify.employee.credentials.sms": {"جهات: أُرسلت بيانات الدخول إلى بريدك الإلكتروني.", "Jihat: your login was sent to your e-mail."},

	"notify.meeting.invitation.title": {"دعوة إلى اجتماع: {{.Title}}", "Meeting invitation: {{.Title}}"},
	"notify.meeting.invitation.body":  {"دُعيت إلى اجتماع «{{.Title}}» من {{.StartsAt}} إلى {{.EndsAt}}.", "You are invited to the meeting “{{.Title}}” from {{.StartsAt}} to {{.EndsAt}}."},
	"notify.meeting.invitation.sms":   {"جهات: دعوة إلى اجتماع «{{.Title}}» في {{.StartsAt}}.", "Jihat: meeting “{{.Title}}” on {{.StartsAt}}."},

	"notify.meeting.vote_opened.title": {"بدأ التصويت: {{.Title}}", "Voting is open: {{.Title}}"},
	"notify.meeting.vote_opened.body":  {"فُتح التصويت على «{{.Title}}» في اجتماع «{{.Meeting}}».", "Voting on “{{.Title}}” is open in the meeting “{{.Meeting}}”."},
	"notify.meeting.vote_opened.sms":   {"جهات: بدأ التصويت على «{{.Title}}».", "Jihat: voting on “{{.Title}}” is open."},

	// A kind without texts of its own (a newer kind on an older node).
	"notify.generic.title": {"إشعار من منصة جهات", "A notification from Jihat"},
	"notify.generic.body":  {"لديك تحديث جديد{{if .Number}} على المعاملة {{.Number}}{{end}}.", "You have an update{{if .Number}} on case {{.Number}}{{end}}."},
	"notify.generic.sms":   {"جهات: لديك تحديث جديد{{if .Number}} على المعاملة {{.Number}}{{end}}.", "Jihat: you have an update{{if .Number}} on case {{.Number}}{{end}}."},
}
