package server_test

import (
	"net/http"
	"time"

	"github.com/jihat/jihat/internal/testserver"
)

// The rows of the authorisation matrix (see authz_test.go for how a row
// is read and run).

// authzRows is the matrix.
var authzRows = []authzRow{
	{method: "GET", path: "/healthz", want: everyone(200)},
	{method: "GET", path: "/readyz", want: everyone(200)},
	{method: "GET", path: "/metrics", want: everyone(200)},
	{method: "GET", path: "/api/v1/openapi.json", want: everyone(200)},

	// Accounts.
	{method: "POST", path: "/api/v1/auth/register", want: everyone(201), body: func(w *authzWorld, _ cell) any {
		return map[string]any{"name": "مسجل جديد", "email": w.ts.Email("matrix"), "password": testserver.Password}
	}},
	{method: "POST", path: "/api/v1/auth/login", want: everyone(200), body: func(w *authzWorld, _ cell) any {
		return map[string]any{"login": w.loginTarget.Login, "password": w.loginTarget.Password}
	}},
	{method: "POST", path: "/api/v1/auth/logout", want: signedIn(204), endsSession: true},
	// Password reset: anyone may ask (202 whether or not the account
	// exists); a wrong code is refused for everyone. Each caller asks for a
	// login of its own, so the per-account throttle is not what answers.
	{method: "POST", path: "/api/v1/auth/password-reset", want: everyone(202), body: func(_ *authzWorld, c cell) any {
		return map[string]any{"login": "nobody-" + c.as.Login + "@jihat.test"}
	}},
	{method: "POST", path: "/api/v1/auth/password-reset/confirm", note: "wrong code", want: everyone(400),
		body: func(_ *authzWorld, c cell) any {
			return map[string]any{"login": "nobody-" + c.as.Login + "@jihat.test", "code": "000000", "password": testserver.Password}
		}},

	{method: "GET", path: "/api/v1/me", want: signedIn(200)},
	{method: "PATCH", path: "/api/v1/me", want: signedIn(200), body: func(*authzWorld, cell) any {
		return map[string]any{"lang": "ar"}
	}},
	{method: "POST", path: "/api/v1/me/password", want: signedIn(204), endsSession: true, body: func(_ *authzWorld, c cell) any {
		return map[string]any{"current_password": c.as.Password, "new_password": c.as.Password}
	}},
	{method: "POST", path: "/api/v1/me/password", note: "wrong current password", want: signedIn(400),
		body: func(*authzWorld, cell) any {
			return map[string]any{"current_password": "not-my-password-at-all", "new_password": testserver.Password}
		}},

	// Contact verification: one's own addresses only (there is no user in
	// the path). Citizens registered themselves: their e-mail waits for its
	// code (a wrong one is 400, a new one 202); staff, oversight, board
	// members and the platform admin were created by an admin who vouched
	// for their e-mail: 409, already verified.
	{method: "POST", path: "/api/v1/me/contacts/verify", note: "wrong code", want: signedIn(409).with(400, citizen, otherCitizen),
		body: func(*authzWorld, cell) any { return map[string]any{"channel": "email", "code": "000000"} }},
	{method: "POST", path: "/api/v1/me/contacts/resend", want: signedIn(409).with(202, citizen, otherCitizen),
		body: func(*authzWorld, cell) any { return map[string]any{"channel": "email"} }},

	// Entities.
	{method: "POST", path: "/api/v1/entities", want: only(201, platformAdmin), body: func(*authzWorld, cell) any {
		return map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "private"}
	}},
	{method: "GET", path: "/api/v1/entities", want: everyone(200)},
	{method: "GET", path: "/api/v1/entities/{entity}", want: everyone(200)},
	{method: "PATCH", path: "/api/v1/entities/{entity}", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"assign_rule": "least_load"} }},
	{method: "POST", path: "/api/v1/entities/{entity}/departments", want: only(201, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"name_ar": "قسم", "name_en": "Dept"} }},
	{method: "GET", path: "/api/v1/entities/{entity}/departments", want: everyone(200)},
	{method: "POST", path: "/api/v1/entities/{entity}/case-types", want: only(201, entityAdmin, platformAdmin),
		body: func(_ *authzWorld, c cell) any {
			return map[string]any{"name_ar": "نوع", "name_en": "Type", "department_id": c.ids["{department}"],
				"sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}}
		}},
	{method: "GET", path: "/api/v1/entities/{entity}/case-types", want: everyone(200)},
	{method: "POST", path: "/api/v1/entities/{entity}/employees", want: only(201, entityAdmin, platformAdmin),
		body: func(w *authzWorld, c cell) any {
			return map[string]any{"name": "موظف", "email": w.ts.Email("matrix-emp"), "department_id": c.ids["{department}"], "role": "employee"}
		}},
	{method: "GET", path: "/api/v1/entities/{entity}/employees", want: only(200, supervisor, entityAdmin, platformAdmin)},
	{method: "PUT", path: "/api/v1/entities/{entity}/employees/{target}/permissions", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"grant": []string{"case.reassign"}} }},
	{method: "PUT", path: "/api/v1/entities/{other_entity}/employees/{other_target}/permissions", note: "another entity",
		want: only(200, otherEntityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"revoke": []string{"case.reassign"}} }},
	{method: "POST", path: "/api/v1/entities/{entity}/employees/{target}/disable", setup: setupEmployeeTarget,
		want: only(200, entityAdmin, platformAdmin)},
	{method: "POST", path: "/api/v1/entities/{entity}/employees/{target}/enable", setup: setupEmployeeTarget,
		want: only(200, entityAdmin, platformAdmin)},

	{method: "GET", path: "/api/v1/audit", want: only(200, platformAdmin)},

	// Cases. The authzWorld's case {case} (requester: citizen, assignee:
	// employee) is shared by read-only rows; rows that change a case get a
	// fresh one per cell.
	{method: "POST", path: "/api/v1/cases", want: only(201, citizen, otherCitizen, platformAdmin),
		body: func(_ *authzWorld, c cell) any {
			return map[string]any{"entity_id": c.ids["{entity}"], "case_type_id": c.ids["{case_type}"], "subject": "طلب",
				"body": "نص الطلب للاختبار", "priority": "normal"}
		}},
	{method: "GET", path: "/api/v1/cases", want: signedIn(200)},
	{method: "GET", path: "/api/v1/cases/{case}", want: onCase(200, caseViewers...)},
	{method: "GET", path: "/api/v1/cases/{case}/events", want: onCase(200, caseViewers...)},
	{method: "POST", path: "/api/v1/cases/{case}/comments", note: "public", setup: setupCase,
		want: onCase(201, citizen, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"body": "رد", "visibility": "public"} }},
	{method: "POST", path: "/api/v1/cases/{case}/comments", note: "internal", setup: setupCase,
		want: onCase(201, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any {
			return map[string]any{"body": "ملاحظة داخلية", "visibility": "internal"}
		}},
	{method: "POST", path: "/api/v1/cases/{case}/assign", setup: setupCase,
		want: onCase(200, supervisor, entityAdmin, platformAdmin).with(202, employee), // without case.reassign: a request
		body: func(_ *authzWorld, c cell) any { return map[string]any{"employee_id": c.ids["{target}"]} }},
	{method: "GET", path: "/api/v1/cases/{case}/reassignments", want: onCase(200, staffRoles...).with(200, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/reassignments/{request}/approve", setup: setupReassignmentRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/reassignments/{request}/refuse", setup: setupReassignmentRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"note": "أكمل المعاملة"} }},
	{method: "POST", path: "/api/v1/cases/{case}/postpone", setup: setupCase,
		want: onCase(200, supervisor, entityAdmin, platformAdmin).with(202, employee), // without case.postpone: a request
		body: func(*authzWorld, cell) any {
			return map[string]any{"until": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "reason": "بانتظار جهة أخرى"}
		}},
	{method: "GET", path: "/api/v1/cases/{case}/postponements", want: onCase(200, staffRoles...).with(200, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/postponements/{request}/approve", setup: setupPostponementRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin)},
	{method: "POST", path: "/api/v1/cases/{case}/postponements/{request}/refuse", setup: setupPostponementRequest,
		want: onCase(200, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"note": "لا يوجد مبرر كاف"} }},
	{method: "POST", path: "/api/v1/cases/{case}/resolve", setup: setupCase,
		want: onCase(200, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"resolution": "تم حل الطلب"} }},
	{method: "POST", path: "/api/v1/cases/{case}/object", setup: setupResolvedCase, want: onCase(200, citizen),
		body: func(*authzWorld, cell) any { return map[string]any{"reason": "الحل غير كاف"} }},
	{method: "POST", path: "/api/v1/cases/{case}/rating", setup: setupResolvedCase, want: onCase(200, citizen),
		body: func(*authzWorld, cell) any { return map[string]any{"score": 4} }},
	{method: "POST", path: "/api/v1/cases/{case}/transition", setup: setupCase,
		want: onCase(200, employee, supervisor, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"action": "start"} }},

	// Files.
	{method: "POST", path: "/api/v1/cases/{case}/attachments", setup: setupCase,
		want: onCase(201, citizen, employee, supervisor, entityAdmin, platformAdmin),
		body: func(w *authzWorld, _ cell) any {
			return multipartBody(w.t, "file", "image.png", "../media/testdata/image.png", "visibility", "public")
		}},
	{method: "POST", path: "/api/v1/cases/{case}/voice", setup: setupCase,
		want: onCase(201, citizen, employee, supervisor, entityAdmin, platformAdmin),
		body: func(w *authzWorld, _ cell) any {
			return multipartBody(w.t, "audio", "voice.ogg", "../media/testdata/voice.ogg", "visibility", "public", "duration_ms", "3000")
		}},
	{method: "GET", path: "/api/v1/attachments/{attachment}", want: onCase(200, caseViewers...)},
	{method: "GET", path: "/api/v1/attachments", want: signedIn(200)},

	// Notifications: everyone reads and marks only their own; someone
	// else's notification does not exist for them.
	{method: "GET", path: "/api/v1/notifications", want: signedIn(200)},
	{method: "POST", path: "/api/v1/notifications/read-all", want: signedIn(200)},
	{method: "POST", path: "/api/v1/notifications/{notification}/read", setup: setupNotification,
		want: signedIn(http.StatusNotFound).with(200, citizen)},
	{method: "GET", path: "/api/v1/me/notification-preferences", want: signedIn(200)},
	{method: "PUT", path: "/api/v1/me/notification-preferences", want: signedIn(200),
		body: func(*authzWorld, cell) any {
			return map[string]any{"preferences": map[string]map[string]bool{"case.reply": {"sms": false}}}
		}},
	{method: "GET", path: "/api/v1/entities/{entity}/templates/{kind}", want: only(200, entityAdmin, platformAdmin)},
	{method: "PUT", path: "/api/v1/entities/{entity}/templates/{kind}", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any {
			return map[string]any{"templates": []map[string]string{{"lang": "ar", "channel": "sms", "body": "فتحت معاملتك {{.Number}}"}}}
		}},

	// Statistics (stats_authz_test.go has the department and self cases):
	// supervisors, entity admins, oversight and platform admins read; only
	// entity.manage writes the schedule.
	{method: "GET", path: "/api/v1/stats/entities", want: only(200, entityAdmin, otherEntityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/breakdown", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/indicators", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/counters", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/dashboard", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/entities/{entity}/report", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/employees/{target}", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/employees/{target}/hours", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/departments/{department}/performance", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/stats/cases", want: only(200, employee, supervisor, entityAdmin, otherEntityAdmin, oversight, platformAdmin)},
	{method: "GET", path: "/api/v1/entities/{entity}/report-schedule", want: only(200, supervisor, entityAdmin, oversight, platformAdmin)},
	{method: "PUT", path: "/api/v1/entities/{entity}/report-schedule", want: only(200, entityAdmin, platformAdmin),
		body: func(*authzWorld, cell) any { return map[string]any{"enabled": true, "weekday": "thursday", "hour": 14} }},
}
