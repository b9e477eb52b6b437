package server

// guideSchemas are the OpenAPI schemas of the service guide.
func guideSchemas() map[string]any {
	local := object(nil, map[string]any{"ar": str(), "en": str()})
	channels := arrayOf(map[string]any{"type": "string", "enum": []string{"online", "app", "office", "phone", "email"}})
	content := map[string]any{
		"name_ar": str(), "name_en": str(), "description_ar": str(), "description_en": str(),
		"eligibility": local, "documents": arrayOf(local), "fees": local, "steps": arrayOf(local),
		"duration": local, "office_hours": local, "channels": channels,
		"url": map[string]any{"type": "string", "format": "uri", "description": "https only"}, "case_type_id": strFmt("uuid")}
	service := map[string]any{"id": strFmt("uuid"), "entity_id": strFmt("uuid"),
		"entity":  object([]string{"id", "name_ar", "name_en", "sector"}, map[string]any{"id": strFmt("uuid"), "name_ar": str(), "name_en": str(), "sector": str()}),
		"status":  map[string]any{"type": "string", "enum": []string{"draft", "published", "changed"}, "description": "editors only"},
		"version": integer(), "published_at": strFmt("date-time"), "updated_at": strFmt("date-time"),
		"highlights": object(nil, map[string]any{"name_ar": arrayOf(ref("Span")), "name_en": arrayOf(ref("Span")), "description_ar": arrayOf(ref("Span")), "description_en": arrayOf(ref("Span"))}),
	}
	for k, v := range content {
		service[k] = v
	}
	open311 := map[string]any{"service_code": str(), "service_name": str(), "description": str(), "metadata": map[string]any{"type": "boolean"},
		"type": map[string]any{"type": "string", "enum": []string{"realtime"}}, "keywords": str(), "group": str(),
		"entity_id": strFmt("uuid"), "sector": str(), "url": str()}
	definition := map[string]any{"attributes": arrayOf(map[string]any{"type": "object"})}
	for k, v := range open311 {
		definition[k] = v
	}
	return map[string]any{
		"Open311ServiceList":       arrayOf(object([]string{"service_code", "service_name", "metadata", "type"}, open311)),
		"Open311ServiceDefinition": object([]string{"service_code", "attributes"}, definition),
		"ServiceRequest":           object(nil, content),
		"Service":                  object([]string{"id", "entity_id", "name_ar", "name_en", "version"}, service),
		"ServiceAnswer":            object([]string{"service"}, map[string]any{"service": ref("Service")}),
		"ServiceList": object([]string{"services", "next_cursor"}, map[string]any{"services": arrayOf(ref("Service")),
			"next_cursor": map[string]any{"type": "string", "nullable": true}}),
		"ServiceVersionList": object([]string{"versions"}, map[string]any{"versions": arrayOf(object(nil, map[string]any{
			"version": integer(), "published_at": strFmt("date-time"), "published_by": strFmt("uuid"), "content": object(nil, content)}))}),
		"ServiceStats": object([]string{"services"}, map[string]any{"services": arrayOf(object(nil, map[string]any{
			"service_id": strFmt("uuid"), "entity_id": strFmt("uuid"), "name_ar": str(), "name_en": str(), "cases": integer()}))}),
	}
}
