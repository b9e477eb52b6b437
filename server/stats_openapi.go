package server

// statsOperations are the statistics routes (stats_handlers.go) in the
// OpenAPI document.
//
// Times: figures named *_s (avg_first_response_s, avg_resolution_s and the
// medians) are WORKING time on the entity's calendar, the time the SLA
// counts; *_wall_s figures are wall-clock time. Hours worked
// (logged_in_seconds, online_seconds, active_seconds) are wall-clock time.
// Periods (from, to) are civil dates in the entity's time zone (to
// inclusive) or RFC 3339 instants; the default is the current month.
var statsOperations = []op{
	{"get", "/api/v1/stats/entities", "Every entity's figures side by side (oversight, platform admin; an entity admin gets their own). Query: from, to, case_type_id, priority", "stats", true, "", "200", "StatsBreakdown"},
	{"get", "/api/v1/stats/entities/{id}", "An entity's figures for a period (a supervisor's: their department). Query: from, to, department_id, case_type_id, priority. *_s = working time (SLA calendar), *_wall_s = wall time", "stats", true, "", "200", "EntityStats"},
	{"get", "/api/v1/stats/entities/{id}/breakdown", "Figures per department (the default), case_type, employee or priority (by=), each with drill-down links", "stats", true, "", "200", "StatsBreakdown"},
	{"get", "/api/v1/stats/entities/{id}/indicators", "Cases per day, week (Sunday to Saturday) or month (by=) of the period, by status, case type and priority, and the late trend (cases whose deadline fell in the bucket and was missed); buckets in the entity's zone", "stats", true, "", "200", "Indicators"},
	{"get", "/api/v1/stats/entities/{id}/counters", "The dashboard's counters now: open, late, opened and resolved today (also pushed on entity:<id>:feed and feed as events of data.type counters)", "stats", true, "", "200", "Counters"},
	{"get", "/api/v1/stats/entities/{id}/dashboard", "The dashboard's first paint in one call: figures (as /stats/entities/{id}), by_department (as /breakdown), indicators (as /indicators; by= day, week or month) and counters, for the caller's scope. Query: from, to, department_id, case_type_id, priority, by", "stats", true, "", "200", "Dashboard"},
	{"get", "/api/v1/stats/entities/{id}/report", "The period report: format=html (printable; right to left in Arabic; Hijri Umm al-Qura and Gregorian period) or format=csv (UTF-8 with BOM). Query: from, to, lang", "stats", true, "", "200", ""},
	{"get", "/api/v1/stats/employees/{id}", "An employee's figures (cases assigned to them), medians in working time, and hours worked (wall time: logged_in_seconds, online_seconds, active_seconds)", "stats", true, "", "200", "EmployeeStats"},
	{"get", "/api/v1/stats/employees/{id}/hours", "Hours worked per local day (wall time: logged in, online, active) and the login / logout log", "stats", true, "", "200", "Hours"},
	{"get", "/api/v1/stats/departments/{id}/performance", "The department's employees ranked by median working time to resolution, then completed, then SLA met; beside the department's medians", "stats", true, "", "200", "Performance"},
	{"get", "/api/v1/stats/cases", "The cases behind a figure (drill-down); without entity_id or employee_id, the caller's reach (their entity, department or own cases). Query: entity_id, department_id, case_type_id, priority, employee_id, status, state (open, late, completed, resolved), from, to, cursor, limit", "stats", true, "", "200", "CaseList"},
	{"get", "/api/v1/entities/{id}/report-schedule", "When the weekly report is e-mailed to the entity's supervisors", "stats", true, "", "200", "ReportScheduleAnswer"},
	{"put", "/api/v1/entities/{id}/report-schedule", "Set the weekly report schedule (entity.manage): enabled, weekday, hour on the entity's wall clock", "stats", true, "ReportScheduleRequest", "200", "ReportScheduleAnswer"},
}

// statsSchemas are the answer shapes of the statistics routes.
func statsSchemas() map[string]any {
	num := func(desc string) map[string]any {
		return map[string]any{"type": "number", "nullable": true, "description": desc}
	}
	counts := map[string]any{"type": "object", "additionalProperties": integer()}
	figureProps := func() map[string]any {
		return map[string]any{
			"key": str(), "name": str(), "total": integer(), "by_status": counts, "completed": integer(), "open": integer(),
			"late":                      map[string]any{"type": "integer", "description": "open and past the deadline now"},
			"resolved_in_period":        map[string]any{"type": "integer", "description": "resolved in the period, whenever created"},
			"avg_first_response_s":      num("working time (entity calendar), created → first public staff reply"),
			"avg_resolution_s":          num("working time (entity calendar), created → last resolution"),
			"avg_first_response_wall_s": num("wall-clock time"),
			"avg_resolution_wall_s":     num("wall-clock time"),
			"sla_met_pct":               num("resolved cases resolved by their deadline, %"),
			"objection_rate_pct":        num("cases ever resolved that were objected to, %"),
			"escalations":               integer(), "avg_rating": num("1..5"), "ratings": integer(),
			"links": map[string]any{"type": "object", "additionalProperties": str(), "description": "drill-down URLs (GET /api/v1/stats/cases) of total, open, late, completed, resolved"},
		}
	}
	period := object([]string{"from", "to", "time_zone"}, map[string]any{"from": strFmt("date-time"), "to": strFmt("date-time"),
		"time_zone": str(), "from_date": strFmt("date"), "to_date": strFmt("date"), "from_hijri": str(), "to_hijri": str()})
	withProps := func(base map[string]any, more map[string]any) map[string]any {
		for k, v := range more {
			base[k] = v
		}
		return base
	}
	figures := object([]string{"total", "by_status", "completed", "open", "late"}, figureProps())
	hoursDay := object(nil, map[string]any{"date": strFmt("date"), "hijri": str(), "logged_in_seconds": integer(),
		"online_seconds": integer(), "active_seconds": integer()})
	session := object(nil, map[string]any{"login_at": strFmt("date-time"), "logout_at": strFmt("date-time"),
		"ended_by": str(), "end_at": strFmt("date-time"), "ip": str(), "user_agent": str()})
	perf := object(nil, map[string]any{"rank": integer(), "employee_id": strFmt("uuid"), "name": str(), "total": integer(),
		"completed": integer(), "open": integer(), "late": integer(), "median_first_response_s": num("working time"),
		"median_resolution_s": num("working time"), "sla_met_pct": num(""), "avg_rating": num(""), "active_seconds": integer()})
	bucket := object(nil, map[string]any{"start": strFmt("date-time"), "date": strFmt("date"), "hijri": str(), "total": integer(),
		"by_status": counts, "by_case_type": counts, "by_priority": counts, "late": integer()})
	schedule := object([]string{"enabled", "weekday", "hour"}, map[string]any{"enabled": boolean(),
		"weekday": map[string]any{"type": "string", "enum": []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}},
		"hour":    integer()})
	return map[string]any{
		"StatsFigures":   figures,
		"EntityStats":    object([]string{"entity_id", "period", "total"}, withProps(figureProps(), map[string]any{"entity_id": strFmt("uuid"), "period": period})),
		"StatsBreakdown": object([]string{"by", "period", "groups"}, map[string]any{"entity_id": strFmt("uuid"), "by": str(), "period": period, "groups": arrayOf(ref("StatsFigures"))}),
		"EmployeeStats": object([]string{"employee_id", "period", "total", "active_seconds"}, withProps(figureProps(), map[string]any{
			"employee_id": strFmt("uuid"), "name": str(), "entity_id": strFmt("uuid"), "department_id": strFmt("uuid"), "period": period,
			"median_first_response_s": num("working time"), "median_resolution_s": num("working time"),
			"logged_in_seconds": integer(), "online_seconds": integer(), "active_seconds": integer()})),
		"Hours": object([]string{"employee_id", "days", "sessions"}, map[string]any{"employee_id": strFmt("uuid"), "name": str(), "period": period,
			"days": arrayOf(hoursDay), "sessions": arrayOf(session), "logged_in_seconds": integer(), "online_seconds": integer(), "active_seconds": integer()}),
		"Performance": object([]string{"department_id", "department", "employees"}, map[string]any{"department_id": strFmt("uuid"),
			"entity_id": strFmt("uuid"), "period": period, "employees": arrayOf(perf),
			"department": object(nil, map[string]any{"median_first_response_s": num("working time"), "median_resolution_s": num("working time"),
				"median_completed": num("of the employees' completed counts"), "sla_met_pct": num(""), "avg_rating": num(""), "completed": integer()})}),
		"Indicators": object([]string{"by", "buckets"}, map[string]any{"entity_id": strFmt("uuid"), "by": str(), "period": period,
			"buckets": arrayOf(bucket), "case_types": map[string]any{"type": "object", "additionalProperties": str()}}),
		"Counters": object([]string{"open", "late"}, map[string]any{"type": str(), "entity_id": strFmt("uuid"), "open": integer(),
			"late": integer(), "opened_today": integer(), "resolved_today": integer(), "at": strFmt("date-time")}),
		"Dashboard": object([]string{"figures", "by_department", "indicators", "counters"}, map[string]any{"figures": ref("EntityStats"),
			"by_department": ref("StatsBreakdown"), "indicators": ref("Indicators"), "counters": ref("Counters")}),
		"ReportScheduleAnswer":  object([]string{"schedule"}, map[string]any{"schedule": schedule}),
		"ReportScheduleRequest": object(nil, map[string]any{"enabled": boolean(), "weekday": str(), "hour": integer()}),
	}
}
