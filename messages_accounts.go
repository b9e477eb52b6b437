package jihat

// accountMessages are the texts of accounts, identifiers, passwords, roles,
// permissions, entities and their departments.
var accountMessages = map[string]text{
	"invalid_national_id":      {"رقم الهوية غير صحيح", "The national ID is not valid"},
	"invalid_mobile":           {"رقم الجوال غير صحيح", "The mobile number is not valid"},
	"invalid_email":            {"البريد الإلكتروني غير صحيح", "The e-mail address is not valid"},
	"identifier_required":      {"أدخل رقم الهوية أو البريد الإلكتروني أو رقم الجوال", "Enter a national ID, an e-mail or a mobile number"},
	"identifier_taken":         {"هذا المعرّف مسجل مسبقاً", "This identifier is already registered"},
	"password_too_short":       {"كلمة المرور يجب ألا تقل عن %d حرفاً", "The password must be at least %d characters"},
	"password_too_long":        {"كلمة المرور يجب ألا تزيد عن %d حرفاً", "The password must be at most %d characters"},
	"password_common":          {"كلمة المرور شائعة جداً، اختر غيرها", "This password is too common; choose another"},
	"bad_credentials":          {"بيانات الدخول غير صحيحة", "The login or password is incorrect"},
	"account_disabled":         {"الحساب معطل", "The account is disabled"},
	"password_change_required": {"يجب تغيير كلمة المرور قبل المتابعة", "You must change your password before continuing"},
	"invalid_role":             {"الدور غير مقبول", "The role is not accepted"},
	"invalid_permission":       {"الصلاحية غير معروفة: %s", "Unknown permission: %s"},
	"invalid_sector":           {"القطاع يجب أن يكون حكومي أو خاص أو غير ربحي", "The sector must be government, private or nonprofit"},
	"department_not_in_entity": {"القسم لا يتبع هذه الجهة", "The department does not belong to this entity"},
	"invalid_sla":              {"ساعات SLA يجب أن تكون بين 1 و 8760", "SLA hours must be between 1 and 8760"},
	"wrong_password":           {"كلمة المرور الحالية غير صحيحة", "The current password is incorrect"},
}
