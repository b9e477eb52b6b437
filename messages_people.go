package jihat

// moreMessages holds texts sent to people (e-mail, SMS) and keys added after
// the first catalogue; Message looks here after catalogue.
var moreMessages = map[string]text{
	// cases (server)
	"case_type_not_in_entity": {"نوع المعاملة لا يتبع هذه الجهة", "The case type does not belong to this entity"},
	"invalid_assignee":        {"لا يمكن إسناد المعاملة لهذا الموظف", "The case cannot be assigned to this employee"},
	"already_assigned":        {"المعاملة مسندة لهذا الموظف بالفعل", "The case is already assigned to this employee"},
	"postponement_pending":    {"يوجد طلب تأجيل بانتظار القرار", "A postponement request is already waiting for a decision"},
	"case_closed":             {"المعاملة مغلقة", "The case is closed"},
	"multipart_required":      {"يجب إرسال الملف بصيغة multipart/form-data", "Send the file as multipart/form-data"},

	"mail_credentials_subject": {"بيانات الدخول إلى منصة جهات", "Your Jihat login"},
	"mail_credentials_body": {"مرحباً %s،\nأنشئ لك حساب موظف في منصة جهات.\nاسم الدخول: %s\nكلمة المرور المؤقتة: %s\nيجب تغيير كلمة المرور عند أول دخول.",
		"Hello %s,\nA staff account was created for you on Jihat.\nLogin: %s\nTemporary password: %s\nYou must change the password at first login."},
}
