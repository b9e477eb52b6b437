package server

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// op describes one operation of the API for the OpenAPI document.
type op struct {
	method, path, summary, tag string
	auth                       bool   // needs a session
	body                       string // request schema name, "" for none
	status                     string // success status
	answer                     string // response schema name, "" for no body
}

// operations lists every operation of the JSON API and the routes served by
// the net/http front. routes.go and this list must agree (openapi_test.go).
var operations = append([]op{
	{"get", "/healthz", "Process is up", "ops", false, "", "200", ""},
	{"get", "/readyz", "Database and Redis reachable", "ops", false, "", "200", ""},
	{"get", "/metrics", "Prometheus metrics", "ops", false, "", "200", ""},
	{"get", "/api/v1/openapi.json", "This document", "ops", false, "", "200", ""},
	{"get", "/ws", "The live WebSocket: JSON text frames, each a LiveEnvelope (components/schemas: LiveEnvelope, LivePresence, LiveSnapshot, LiveTyping). Authenticate with the cookie, a Bearer header or a first auth message", "live", false, "", "101", ""},

	{"post", "/api/v1/auth/register", "Register as a citizen or resident", "accounts", false, "RegisterRequest", "201", "UserAnswer"},
	{"post", "/api/v1/auth/login", "Log in with a national ID, e-mail or mobile", "accounts", false, "LoginRequest", "200", "LoginAnswer"},
	{"post", "/api/v1/auth/logout", "End the session", "accounts", true, "", "204", ""},
	{"get", "/api/v1/me", "The caller", "accounts", true, "", "200", "UserAnswer"},
	{"patch", "/api/v1/me", "Change one's name, language, e-mail or mobile (a new address needs current_password, is not verified and is sent a code)", "accounts", true, "ProfileRequest", "200", "UserAnswer"},
	{"post", "/api/v1/me/contacts/verify", "Verify one's e-mail or mobile with the six-digit code sent to it (10 minutes, 5 tries); until then it receives nothing else", "accounts", true, "VerifyContactRequest", "200", "UserAnswer"},
	{"post", "/api/v1/me/contacts/resend", "Send a new code to one's unverified e-mail or mobile (once a minute, five times an hour)", "accounts", true, "ResendContactRequest", "202", ""},
	{"post", "/api/v1/me/password", "Change one's password", "accounts", true, "PasswordRequest", "204", ""},
	{"post", "/api/v1/auth/password-reset", "Send a reset code to the account's e-mail and mobile (202 whether or not it exists)", "accounts", false, "ResetRequest", "202", ""},
	{"post", "/api/v1/auth/password-reset/confirm", "Set a new password with the code; every session ends", "accounts", false, "ResetConfirmRequest", "204", ""},

	{"post", "/api/v1/entities", "Create an entity (platform admin)", "entities", true, "EntityRequest", "201", "Entity"},
	{"get", "/api/v1/entities", "List entities", "entities", false, "", "200", "EntityList"},
	{"get", "/api/v1/entities/{id}", "One entity", "entities", false, "", "200", "Entity"},
	{"patch", "/api/v1/entities/{id}", "Change names, the distribution rule, the working calendar and the objection ladder", "entities", true, "EntityPatch", "200", "Entity"},
	{"post", "/api/v1/entities/{id}/departments", "Create a department", "entities", true, "NamesRequest", "201", "Department"},
	{"get", "/api/v1/entities/{id}/departments", "List departments", "entities", false, "", "200", "DepartmentList"},
	{"post", "/api/v1/entities/{id}/case-types", "Create a case type with SLA hours", "entities", true, "CaseTypeRequest", "201", "CaseType"},
	{"get", "/api/v1/entities/{id}/case-types", "List case types", "entities", false, "", "200", "CaseTypeList"},
	{"post", "/api/v1/entities/{id}/employees", "Create an employee", "entities", true, "EmployeeRequest", "201", "UserAnswer"},
	{"get", "/api/v1/entities/{id}/employees", "List employees", "entities", true, "", "200", "EmployeeList"},
	{"put", "/api/v1/entities/{id}/employees/{user_id}/permissions", "Grant or revoke permissions", "entities", true, "PermissionsRequest", "200", "UserAnswer"},
	{"post", "/api/v1/entities/{id}/employees/{user_id}/disable", "Disable an employee: sessions end, sockets close, login refused; their open cases go to colleagues (cases_moved, cases_left)", "entities", true, "", "200", "UserAnswer"},
	{"post", "/api/v1/entities/{id}/employees/{user_id}/enable", "Enable a disabled employee again", "entities", true, "", "200", "UserAnswer"},

	{"post", "/api/v1/cases", "Open a case (assigned automatically)", "cases", true, "CaseRequest", "201", "CaseAnswer"},
	{"get", "/api/v1/cases", "List or search the caller's cases (status, priority, late, assignee, q, cursor, limit); a search (q) is ranked: exact phrase, all words, some words, then newest, with highlights", "cases", true, "", "200", "CaseList"},
	{"get", "/api/v1/cases/{id}", "One case", "cases", true, "", "200", "CaseAnswer"},
	{"get", "/api/v1/cases/{id}/events", "The case's timeline the caller may see (since, staff_since)", "cases", true, "", "200", "EventList"},
	{"post", "/api/v1/cases/{id}/comments", "Reply publicly or add an internal note", "cases", true, "CommentRequest", "201", "EventAnswer"},
	{"post", "/api/v1/cases/{id}/assign", "Reassign to another employee (case.reassign; without it, 202 and a request for a supervisor). A case given to an employee of another department moves to it", "cases", true, "AssignRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/postpone", "Postpone (case.postpone), or ask a supervisor (202)", "cases", true, "PostponeRequest", "200", "CaseAnswer"},
	{"get", "/api/v1/cases/{id}/postponements", "Pending postponement requests (staff)", "cases", true, "", "200", "PostponementList"},
	{"post", "/api/v1/cases/{id}/postponements/{request_id}/approve", "Approve a postponement request (case.approve)", "cases", true, "DecisionRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/postponements/{request_id}/refuse", "Refuse a postponement request (case.approve)", "cases", true, "DecisionRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/resolve", "Resolve with a resolution text", "cases", true, "ResolveRequest", "200", "CaseAnswer"},
	{"get", "/api/v1/cases/{id}/reassignments", "Pending reassignment requests (staff)", "cases", true, "", "200", "ReassignmentList"},
	{"post", "/api/v1/cases/{id}/reassignments/{request_id}/approve", "Approve a reassignment request (case.reassign): the case goes to the employee asked for, and to their department", "cases", true, "DecisionRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/reassignments/{request_id}/refuse", "Refuse a reassignment request (case.reassign; a note is required)", "cases", true, "DecisionRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/object", "Object to the resolution (requester, within the window)", "cases", true, "ReasonRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/rating", "Rate a resolved case once (requester)", "cases", true, "RatingRequest", "200", "CaseAnswer"},
	{"post", "/api/v1/cases/{id}/transition", "Start, await the citizen, resume or close", "cases", true, "TransitionRequest", "200", "CaseAnswer"},

	{"post", "/api/v1/cases/{id}/attachments", "Attach a document or image (multipart: file, visibility); streamed, type sniffed from the bytes", "files", true, "", "201", "AttachmentAnswer"},
	{"post", "/api/v1/cases/{id}/voice", "Attach a voice note (multipart: audio, visibility, duration_ms? — a hint only: the server measures the recording and stores its own duration)", "files", true, "", "201", "AttachmentAnswer"},
	{"get", "/api/v1/attachments/{id}", "Download (Range supported)", "files", true, "", "200", ""},
	{"get", "/api/v1/attachments", "The document archive (case_id, number, requester_id, entity_id, kind, q, from, to, cursor, limit)", "files", true, "", "200", "AttachmentList"},

	{"get", "/api/v1/audit", "The audit log (platform admin)", "audit", true, "", "200", "AuditList"},

	{"post", "/api/v1/entities/{id}/services", "Add a draft service to the guide (entity admin)", "guide", true, "ServiceRequest", "201", "ServiceAnswer"},
	{"get", "/api/v1/entities/{id}/services", "The entity's services: published ones, and drafts for its admins (limit)", "guide", false, "", "200", "ServiceList"},
	{"get", "/api/v1/services", "The guide: published services, searched (q, ranked: names before the other texts) or newest first (entity_id, sector: government|private|nonprofit, cursor, limit)", "guide", false, "", "200", "ServiceList"},
	{"get", "/api/v1/services/{id}", "One published service, with ETag (If-None-Match → 304) and Cache-Control", "guide", false, "", "200", "ServiceAnswer"},
	{"patch", "/api/v1/services/{id}", "Change the draft of a service (its entity's admins); the published version stays until publish", "guide", true, "ServiceRequest", "200", "ServiceAnswer"},
	{"post", "/api/v1/services/{id}/publish", "Publish the draft as the next version (ECONFLICT when unchanged)", "guide", true, "", "200", "ServiceAnswer"},
	{"get", "/api/v1/services/{id}/versions", "The published versions of a service, newest first (its entity's admins)", "guide", true, "", "200", "ServiceVersionList"},
	{"get", "/open311/v2/services.json", "Open311 GeoReport v2 service list of the published services (lang: ar|en, else Accept-Language; entity_id, sector), with ETag", "guide", false, "", "200", "Open311ServiceList"},
	{"get", "/open311/v2/services/{code}", "Open311 GeoReport v2 service definition: {code} is the service_code followed by .json (404 unless published)", "guide", false, "", "200", "Open311ServiceDefinition"},
	{"get", "/api/v1/stats/services", "The services that generate the most cases (entity_id, from, to): oversight and platform admins, or an entity admin for their entity", "guide", true, "", "200", "ServiceStats"},

	{"get", "/api/v1/notifications", "The caller's in-app notifications, newest first (unread, cursor, limit)", "notifications", true, "", "200", "NotificationList"},
	{"post", "/api/v1/notifications/{id}/read", "Mark one of one's notifications read", "notifications", true, "", "200", "NotificationAnswer"},
	{"post", "/api/v1/notifications/read-all", "Mark all of one's notifications read", "notifications", true, "", "200", "ReadAllAnswer"},
	{"get", "/api/v1/me/notification-preferences", "The channels of each kind of notification", "notifications", true, "", "200", "Preferences"},
	{"put", "/api/v1/me/notification-preferences", "Turn channels of kinds of notification on or off", "notifications", true, "PreferencesRequest", "200", "Preferences"},
	{"get", "/api/v1/entities/{id}/templates/{kind}", "The entity's notification texts of one kind (entity.manage)", "notifications", true, "", "200", "Templates"},
	{"put", "/api/v1/entities/{id}/templates/{kind}", "Replace the entity's notification texts of one kind (entity.manage)", "notifications", true, "TemplatesRequest", "200", "Templates"},
}, slices.Concat(meetingOperations, statsOperations)...)

func str() map[string]any            { return map[string]any{"type": "string"} }
func strFmt(f string) map[string]any { return map[string]any{"type": "string", "format": f} }
func integer() map[string]any        { return map[string]any{"type": "integer"} }
func boolean() map[string]any        { return map[string]any{"type": "boolean"} }
func ref(name string) map[string]any { return map[string]any{"$ref": "#/components/schemas/" + name} }
func arrayOf(item map[string]any) map[string]any {
	return map[string]any{"type": "array", "items": item}
}
func object(required []string, props map[string]any) map[string]any {
	o := map[string]any{"type": "object", "properties": props, "additionalProperties": false}
	if len(required) > 0 {
		o["required"] = required
	}
	return o
}

// schemas are the request and answer shapes named by operations.
func schemas() map[string]any {
	sla := object([]string{"normal", "important", "very_important"},
		map[string]any{"normal": integer(), "important": integer(), "very_important": integer()})
	user := object([]string{"id", "name", "role", "roles", "permissions", "entity_id"}, map[string]any{
		"id": strFmt("uuid"), "name": str(), "email": str(), "national_id": str(), "mobile": str(), "role": str(),
		"roles": arrayOf(str()), "permissions": arrayOf(str()), "entity_id": strFmt("uuid"), "department_id": strFmt("uuid"),
		"lang": str(), "active": boolean(), "must_change_password": boolean(), "created_at": strFmt("date-time"),
		"email_verified": boolean(), "mobile_verified": boolean()})
	return map[string]any{
		"Error": object([]string{"error"}, map[string]any{"error": object([]string{"code", "message"}, map[string]any{
			"code":    map[string]any{"type": "string", "enum": []string{"EINVALID", "EUNAUTHORIZED", "EFORBIDDEN", "ENOTFOUND", "ECONFLICT", "ETOOLARGE", "ERATELIMIT", "EUNAVAILABLE", "EINTERNAL"}},
			"message": str(), "fields": map[string]any{"type": "object", "additionalProperties": str()}})}),
		"User":       user,
		"UserAnswer": object([]string{"user"}, map[string]any{"user": ref("User")}),
		"RegisterRequest": object([]string{"name", "password"}, map[string]any{"name": str(), "national_id": str(),
			"email": strFmt("email"), "mobile": str(), "password": strFmt("password"), "lang": str()}),
		"LoginRequest": object([]string{"login", "password"}, map[string]any{"login": str(), "password": strFmt("password")}),
		"LoginAnswer":  object([]string{"token", "user"}, map[string]any{"token": str(), "user": ref("User")}),
		"ProfileRequest": object(nil, map[string]any{"name": str(), "lang": str(), "email": strFmt("email"), "mobile": str(),
			"current_password": strFmt("password")}),
		"PasswordRequest": object([]string{"current_password", "new_password"}, map[string]any{"current_password": str(), "new_password": str()}),
		"EntityRequest": object([]string{"name_ar", "name_en", "sector"}, map[string]any{"name_ar": str(), "name_en": str(),
			"sector":      map[string]any{"type": "string", "enum": []string{"government", "private", "nonprofit"}},
			"assign_rule": map[string]any{"type": "string", "enum": []string{"round_robin", "least_load"}}}),
		"Entity": object([]string{"id", "name_ar", "name_en", "sector"}, map[string]any{"id": strFmt("uuid"), "name_ar": str(),
			"name_en": str(), "sector": str(), "assign_rule": str(), "calendar": ref("Calendar"), "escalation": ref("Escalation"),
			"created_at": strFmt("date-time")}),
		"Escalation": object(nil, map[string]any{
			"head_user_id":   map[string]any{"type": "string", "format": "uuid", "description": "the entity's head: active staff of the entity with case.handle; takes objections after the entity admin"},
			"oversight":      map[string]any{"type": "boolean", "description": "the oversight body is the last level (default true)"},
			"max_objections": map[string]any{"type": "integer", "minimum": 0, "maximum": 10, "description": "objections per case; 0 (default) = one per level above the employee"},
			"levels":         map[string]any{"type": "array", "items": str(), "readOnly": true, "description": "the ladder: employee, supervisor, entity_admin, head?, oversight?"}}),
		"Calendar": object(nil, map[string]any{"time_zone": str(), "workdays": arrayOf(str()), "start": str(), "end": str(),
			"holidays": arrayOf(str())}),
		"EntityPatch": object(nil, map[string]any{"name_ar": str(), "name_en": str(),
			"assign_rule": map[string]any{"type": "string", "enum": []string{"round_robin", "least_load"}}, "calendar": ref("Calendar"),
			"escalation": ref("Escalation")}),
		"EntityList":   object([]string{"entities"}, map[string]any{"entities": arrayOf(ref("Entity"))}),
		"NamesRequest": object([]string{"name_ar", "name_en"}, map[string]any{"name_ar": str(), "name_en": str()}),
		"Department": object([]string{"id", "entity_id", "name_ar", "name_en"}, map[string]any{"id": strFmt("uuid"),
			"entity_id": strFmt("uuid"), "name_ar": str(), "name_en": str()}),
		"DepartmentList": object([]string{"departments"}, map[string]any{"departments": arrayOf(ref("Department"))}),
		"CaseTypeRequest": object([]string{"name_ar", "name_en", "department_id", "sla_hours"}, map[string]any{"name_ar": str(),
			"name_en": str(), "department_id": strFmt("uuid"), "sla_hours": sla}),
		"CaseType": object([]string{"id", "entity_id", "department_id", "name_ar", "name_en", "sla_hours"}, map[string]any{
			"id": strFmt("uuid"), "entity_id": strFmt("uuid"), "department_id": strFmt("uuid"), "name_ar": str(), "name_en": str(), "sla_hours": sla}),
		"CaseTypeList": object([]string{"case_types"}, map[string]any{"case_types": arrayOf(ref("CaseType"))}),
		"EmployeeRequest": object([]string{"name", "email", "role"}, map[string]any{"name": str(), "email": strFmt("email"),
			"mobile": str(), "national_id": str(), "department_id": strFmt("uuid"),
			"role":        map[string]any{"type": "string", "enum": []string{"employee", "supervisor", "entity_admin"}},
			"permissions": arrayOf(str()), "password": strFmt("password"), "capacity": integer(), "lang": str()}),
		"EmployeeList":       object([]string{"employees"}, map[string]any{"employees": arrayOf(ref("User"))}),
		"PermissionsRequest": object(nil, map[string]any{"grant": arrayOf(str()), "revoke": arrayOf(str())}),
		"CaseRequest": object([]string{"entity_id", "case_type_id", "subject", "body", "priority"}, map[string]any{
			"entity_id": strFmt("uuid"), "case_type_id": strFmt("uuid"), "subject": str(), "body": str(),
			"priority": map[string]any{"type": "string", "enum": []string{"normal", "important", "very_important"}},
			"kind":     map[string]any{"type": "string", "enum": []string{"inquiry", "complaint", "suggestion", "report"}},
			"category": map[string]any{"type": "string", "enum": reportCategories(),
				"description": "required when kind is report (EINVALID, field category: required), refused for other kinds"},
			"service_id": map[string]any{"type": "string", "format": "uuid", "description": "the guide's published service the case is about (same entity); fills case_type_id when absent"},
			"location":   object([]string{"lat", "lng"}, map[string]any{"lat": map[string]any{"type": "number"}, "lng": map[string]any{"type": "number"}})}),
		"Case": object([]string{"id", "number", "entity_id", "case_type_id", "subject", "body", "priority", "status", "requester", "assignee", "due_at", "late", "created_at", "updated_at"}, map[string]any{
			"id": strFmt("uuid"), "number": str(), "entity_id": strFmt("uuid"), "case_type_id": strFmt("uuid"), "department_id": strFmt("uuid"),
			"subject": str(), "body": str(), "priority": str(), "priority_label": str(), "kind": str(), "category": str(),
			"location": map[string]any{"type": "object"}, "status": str(), "status_label": str(), "requester": ref("Person"),
			"assignee":         map[string]any{"nullable": true, "allOf": []any{ref("Person")}},
			"escalation_level": map[string]any{"type": "string", "enum": []string{"employee", "supervisor", "entity_admin", "head", "oversight"}},
			"objections":       integer(), "final_decision": boolean(),
			"due_at": strFmt("date-time"), "late": boolean(), "postponed_until": strFmt("date-time"), "resolution": str(),
			"resolved_at": strFmt("date-time"), "rating": integer(), "rating_comment": str(), "actions": arrayOf(str()),
			"created_at": strFmt("date-time"), "updated_at": strFmt("date-time"), "highlights": ref("Highlights")}),
		"Highlights": object([]string{"subject", "body"}, map[string]any{"subject": arrayOf(ref("Span")), "body": arrayOf(ref("Span"))}),
		"Span":       object([]string{"start", "end"}, map[string]any{"start": integer(), "end": integer()}),
		"Person":     object([]string{"id", "name"}, map[string]any{"id": strFmt("uuid"), "name": str()}),
		"CaseAnswer": object([]string{"case"}, map[string]any{"case": ref("Case"), "request": map[string]any{"type": "object"}}),
		"CaseList":   object([]string{"cases", "next_cursor"}, map[string]any{"cases": arrayOf(ref("Case")), "next_cursor": map[string]any{"type": "string", "nullable": true}}),
		"Event": object([]string{"id", "seq", "channel", "type", "actor", "visibility", "data", "created_at"}, map[string]any{
			"id": strFmt("uuid"), "case_id": strFmt("uuid"), "seq": integer(), "channel": str(), "type": str(),
			"actor": map[string]any{"nullable": true, "allOf": []any{ref("Person")}}, "visibility": str(),
			"data": map[string]any{"type": "object"}, "created_at": strFmt("date-time")}),
		"EventList":      object([]string{"events"}, map[string]any{"events": arrayOf(ref("Event"))}),
		"EventAnswer":    object([]string{"event"}, map[string]any{"event": ref("Event")}),
		"CommentRequest": object([]string{"body"}, map[string]any{"body": str(), "visibility": map[string]any{"type": "string", "enum": []string{"public", "internal"}}}),
		"AssignRequest": object([]string{"employee_id"}, map[string]any{"employee_id": strFmt("uuid"),
			"reason": map[string]any{"type": "string", "description": "why, when the request needs a supervisor's approval (202)"}}),
		"ReassignmentList": object([]string{"reassignments"}, map[string]any{"reassignments": arrayOf(object(nil, map[string]any{
			"id": strFmt("uuid"), "requested_by": strFmt("uuid"), "employee_id": strFmt("uuid"), "reason": str(), "status": str(),
			"created_at": strFmt("date-time")}))}),
		"PostponeRequest":   object([]string{"until", "reason"}, map[string]any{"until": strFmt("date-time"), "reason": str(), "public_reason": str()}),
		"DecisionRequest":   object(nil, map[string]any{"note": str()}),
		"ResolveRequest":    object([]string{"resolution"}, map[string]any{"resolution": str()}),
		"ReasonRequest":     object([]string{"reason"}, map[string]any{"reason": str()}),
		"RatingRequest":     object([]string{"score"}, map[string]any{"score": integer(), "comment": str()}),
		"TransitionRequest": object([]string{"action"}, map[string]any{"action": map[string]any{"type": "string", "enum": []string{"start", "await_citizen", "resume", "close"}}}),
		"PostponementList":  object([]string{"postponements"}, map[string]any{"postponements": arrayOf(map[string]any{"type": "object"})}),
		"Attachment": object([]string{"id", "case_id", "name", "kind", "content_type", "size", "visibility", "url", "created_at"}, map[string]any{
			"id": strFmt("uuid"), "case_id": strFmt("uuid"), "case_number": str(), "name": str(), "kind": str(), "content_type": str(),
			"size": integer(), "duration_ms": integer(), "visibility": str(), "uploader_id": strFmt("uuid"), "url": str(), "created_at": strFmt("date-time")}),
		"AttachmentAnswer": object([]string{"attachment"}, map[string]any{"attachment": ref("Attachment")}),
		"AttachmentList":   object([]string{"attachments", "next_cursor"}, map[string]any{"attachments": arrayOf(ref("Attachment")), "next_cursor": map[string]any{"type": "string", "nullable": true}}),
		"AuditList": object([]string{"entries"}, map[string]any{"entries": arrayOf(object(nil, map[string]any{
			"seq": integer(), "actor_id": str(), "action": str(), "target": str(), "ip": str(), "user_agent": str(),
			"details": map[string]any{"type": "object"}, "at": strFmt("date-time"), "hash": str()}))}),
	}
}

// openAPIDocument builds the OpenAPI 3 document from operations.
func openAPIDocument(version string) map[string]any {
	paths := map[string]any{}
	errResp := map[string]any{"description": "Error (message in the Accept-Language language)",
		"content": map[string]any{"application/json": map[string]any{"schema": ref("Error")}}}
	for _, o := range operations {
		item, _ := paths[o.path].(map[string]any)
		if item == nil {
			item = map[string]any{}
			paths[o.path] = item
		}
		success := map[string]any{"description": "OK"}
		if o.answer != "" {
			success["content"] = map[string]any{"application/json": map[string]any{"schema": ref(o.answer)}}
		}
		operation := map[string]any{"summary": o.summary, "tags": []string{o.tag},
			"responses": map[string]any{o.status: success, "4XX": errResp, "5XX": errResp}}
		if o.body != "" {
			operation["requestBody"] = map[string]any{"required": true,
				"content": map[string]any{"application/json": map[string]any{"schema": ref(o.body)}}}
		}
		var params []any
		for _, seg := range strings.Split(o.path, "/") {
			if strings.HasPrefix(seg, "{") {
				schema := strFmt("uuid")
				switch seg {
				case "{kind}": // a notification kind, e.g. case.created
					schema = str()
				case "{code}": // an Open311 service_code with .json
					schema = map[string]any{"type": "string", "pattern": "^[0-9a-fA-F-]{36}\\.json$"}
				}
				params = append(params, map[string]any{"name": strings.Trim(seg, "{}"), "in": "path", "required": true, "schema": schema})
			}
		}
		if params != nil {
			operation["parameters"] = params
		}
		if o.auth {
			operation["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"cookie": []string{}}}
		}
		item[o.method] = operation
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "Jihat API", "version": version,
			"description": "One channel between people and the entities that serve them. Errors: {error: {code, message, fields}}; messages follow Accept-Language (ar, en), else the signed-in user's saved language (PATCH /api/v1/me), else ar."},
		"paths": paths,
		"components": map[string]any{
			"schemas": withSchemas(schemas(), notifySchemas(), guideSchemas(), meetingSchemas(), statsSchemas(), resetSchemas(), contactSchemas(), liveSchemas()),
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer"},
				"cookie": map[string]any{"type": "apiKey", "in": "cookie", "name": SessionCookie},
			},
		},
	}
}

// openAPI: GET /api/v1/openapi.json (encoded once, in New).
func (s *Server) openAPI(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	return c.Send(s.openapi)
}
