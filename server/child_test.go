package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// Helpers for the tests that run the server in a child process and kill it
// (TestUploadKilledMidway, TestNotifyKilledMidSend).

// childCall calls the child server: method path as token (none when
// empty) with body as JSON; it fails the test unless the answer is want.
type childCall func(method, path, token string, body any, want int) map[string]any

// childAPI returns a childCall for the server at base.
func childAPI(t *testing.T, base string) childCall {
	return func(method, path, token string, body any, want int) map[string]any {
		t.Helper()
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %v", method, path, res.StatusCode, want, m)
		}
		return m
	}
}

// childCaseSetup logs in as the child's admin and creates an entity with a
// department and a case type: the admin's token, the entity, the type.
func childCaseSetup(t *testing.T, api childCall) (admin, entity, caseType string) {
	t.Helper()
	admin = testserver.Str(api("POST", "/api/v1/auth/login", "", map[string]string{"login": childAdminLogin, "password": childAdminPasswd}, 200), "token")
	entity = testserver.Str(api("POST", "/api/v1/entities", admin, map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "government"}, 201), "id")
	dept := testserver.Str(api("POST", "/api/v1/entities/"+entity+"/departments", admin, map[string]any{"name_ar": "قسم", "name_en": "Dept"}, 201), "id")
	caseType = testserver.Str(api("POST", "/api/v1/entities/"+entity+"/case-types", admin, map[string]any{"name_ar": "نوع", "name_en": "Type",
		"department_id": dept, "sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}}, 201), "id")
	return admin, entity, caseType
}
