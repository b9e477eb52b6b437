package jihat

// statsMessages holds the texts of statistics, hours worked and the period
// reports (errors, report headings, the weekly e-mail); Message looks here
// after notifyMessages.
var statsMessages = map[string]text{
	"period_order":           {"يجب أن تكون بداية الفترة قبل نهايتها", "The period must start before it ends"},
	"period_too_long":        {"الفترة أطول من خمس سنوات", "The period is longer than five years"},
	"stats_invalid_group":    {"التجميع يجب أن يكون entity أو department أو case_type أو employee أو priority", "Group by must be entity, department, case_type, employee or priority"},
	"stats_invalid_schedule": {"موعد التقرير الأسبوعي غير صحيح", "Invalid weekly report schedule"},

	"stats_report_title":        {"تقرير المعاملات", "Cases report"},
	"stats_report_period":       {"الفترة", "Period"},
	"stats_report_generated":    {"أُعدّ في", "Generated at"},
	"stats_report_all_entities": {"جميع الجهات", "All entities"},
	"stats_total":               {"الإجمالي", "Total"},
	"stats_completed":           {"المنجزة", "Completed"},
	"stats_open":                {"المفتوحة", "Open"},
	"stats_late":                {"المتأخرة", "Late"},
	"stats_resolved_in_period":  {"أُنجزت خلال الفترة", "Resolved in the period"},
	"stats_sla_met":             {"نسبة الإنجاز ضمن المدة", "Resolved within SLA"},
	"stats_objection_rate":      {"نسبة الاعتراض", "Objection rate"},
	"stats_escalations":         {"التصعيدات", "Escalations"},
	"stats_avg_rating":          {"متوسط التقييم", "Average rating"},
	"stats_avg_first_response":  {"متوسط زمن أول رد (ساعات عمل)", "Average first response (working hours)"},
	"stats_avg_resolution":      {"متوسط زمن الإنجاز (ساعات عمل)", "Average resolution (working hours)"},
	"stats_by_status":           {"حسب الحالة", "By status"},
	"stats_by_department":       {"حسب الإدارة", "By department"},
	"stats_by_case_type":        {"حسب نوع المعاملة", "By case type"},
	"stats_by_employee":         {"حسب الموظف", "By employee"},
	"stats_by_priority":         {"حسب الأولوية", "By priority"},
	"stats_by_entity":           {"حسب الجهة", "By entity"},
	"stats_name":                {"الاسم", "Name"},
	"stats_count":               {"العدد", "Count"},
	"stats_status":              {"الحالة", "Status"},
	"stats_hijri":               {"هجري (أم القرى)", "Hijri (Umm al-Qura)"},
	"stats_gregorian":           {"ميلادي", "Gregorian"},
	"stats_print":               {"طباعة", "Print"},
	"stats_unassigned":          {"غير مسندة", "Unassigned"},

	"notify.stats.weekly.title": {"التقرير الأسبوعي: {{.Title}}", "Weekly report: {{.Title}}"},
	"notify.stats.weekly.body":  {"السلام عليكم {{.Name}}،\n{{.Body}}", "Hello {{.Name}},\n{{.Body}}"},
	"notify.stats.weekly.sms":   {"التقرير الأسبوعي: {{.Title}}", "Weekly report: {{.Title}}"},
	"stats_weekly_title":        {"%s، الأسبوع %s", "%s, week %s"},
	"stats_weekly_body": {"المعاملات الواردة: %d\nالمنجزة خلال الأسبوع: %d\nالمفتوحة: %d (المتأخرة منها: %d)\nنسبة الإنجاز ضمن المدة: %s\nالتقرير الكامل: %s",
		"Cases received: %d\nResolved during the week: %d\nOpen: %d (late: %d)\nResolved within SLA: %s\nFull report: %s"},
}
