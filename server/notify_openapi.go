package server

import (
	"maps"

	"github.com/jihat/jihat/notify"
)

// notifySchemas are the OpenAPI schemas of the notification endpoints.
func notifySchemas() map[string]any {
	channels := map[string]any{"type": "string", "enum": notify.Channels}
	notification := object([]string{"id", "kind", "title", "body", "case_id", "read", "read_at", "created_at"}, map[string]any{
		"id": strFmt("uuid"), "kind": str(), "title": str(), "body": str(),
		"case_id": map[string]any{"type": "string", "format": "uuid", "nullable": true}, "read": boolean(),
		"read_at":    map[string]any{"type": "string", "format": "date-time", "nullable": true},
		"created_at": strFmt("date-time")})
	prefs := map[string]any{"type": "object", "description": "kind → channel (sms, email, in_app) → on",
		"additionalProperties": map[string]any{"type": "object", "additionalProperties": boolean()}}
	tmpl := object([]string{"lang", "channel", "body"}, map[string]any{
		"lang": map[string]any{"type": "string", "enum": []string{"ar", "en"}}, "channel": channels,
		"subject": str(), "body": map[string]any{"type": "string", "description": "a Go text/template using the listed fields, e.g. {{.Number}}"}})
	return map[string]any{
		"Notification":       notification,
		"NotificationAnswer": object([]string{"notification"}, map[string]any{"notification": ref("Notification")}),
		"NotificationList": object([]string{"notifications", "next_cursor", "unread_count"}, map[string]any{
			"notifications": arrayOf(ref("Notification")), "next_cursor": map[string]any{"type": "string", "nullable": true},
			"unread_count": integer()}),
		"ReadAllAnswer":      object([]string{"updated"}, map[string]any{"updated": integer()}),
		"Preferences":        object([]string{"preferences"}, map[string]any{"preferences": prefs}),
		"PreferencesRequest": object([]string{"preferences"}, map[string]any{"preferences": prefs}),
		"TemplatesRequest":   object([]string{"templates"}, map[string]any{"templates": arrayOf(tmpl)}),
		"Templates": object([]string{"kind", "fields", "templates"}, map[string]any{"kind": str(), "fields": arrayOf(str()),
			"templates": arrayOf(object(nil, map[string]any{"lang": str(), "channel": str(), "subject": str(), "body": str(),
				"custom": boolean()}))}),
	}
}

// withSchemas adds more schemas to base.
func withSchemas(base map[string]any, more ...map[string]any) map[string]any {
	for _, m := range more {
		maps.Copy(base, m)
	}
	return base
}
