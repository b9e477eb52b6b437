package server_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestBadInput sends malformed, oversized and mistyped requests: each gets a
// coded 4xx in the error format of API.md, and none writes anything.
func TestBadInput(t *testing.T) {
	ts := testserver.Start(t)
	admin := ts.Admin()
	entity := ts.CreateEntity(admin)
	register := "/api/v1/auth/register"
	valid := `{"name":"سالم","email":"bad-input@example.com","password":"a-good-long-passphrase"}`
	huge := `{"name":"` + strings.Repeat("ا", 1<<20) + `","email":"huge@example.com","password":"a-good-long-passphrase"}`
	tests := []struct {
		name         string
		method, path string
		token        string
		body         string
		headers      []string
		status       int
		code, field  string
	}{
		{"malformed JSON", "POST", register, "", `{"name":`, nil, 400, "EINVALID", ""},
		{"not JSON", "POST", register, "", `name=x&password=y`, nil, 400, "EINVALID", ""},
		{"JSON array", "POST", register, "", `[` + valid + `]`, nil, 400, "EINVALID", ""},
		{"two objects", "POST", register, "", valid + valid, nil, 400, "EINVALID", ""},
		{"empty body", "POST", register, "", ``, nil, 400, "EINVALID", ""},
		{"null", "POST", register, "", `null`, nil, 400, "EINVALID", ""},
		{"unknown field", "POST", register, "", strings.Replace(valid, `{`, `{"nickname":"x",`, 1), nil, 400, "EINVALID", "nickname"},
		{"wrong type", "POST", register, "", strings.Replace(valid, `"name":"سالم"`, `"name":5`, 1), nil, 400, "EINVALID", "name"},
		{"wrong content type", "POST", register, "", valid, []string{"Content-Type", "text/plain"}, 400, "EINVALID", ""},
		{"over 1 MiB", "POST", register, "", huge, nil, 413, "ETOOLARGE", ""},
		{"over 1 MiB on a route that reads nothing", "GET", "/api/v1/entities", "", huge, nil, 413, "ETOOLARGE", ""},
		{"invalid entity ID", "GET", "/api/v1/entities/not-a-uuid", "", ``, nil, 400, "EINVALID", ""},
		{"SQL in an ID", "GET", "/api/v1/entities/1%27%20OR%20%271%27=%271", "", ``, nil, 400, "EINVALID", ""},
		{"invalid ID on a write", "POST", "/api/v1/entities/123/departments", admin, `{"name_ar":"ق","name_en":"d"}`, nil, 400, "EINVALID", ""},
		{"invalid department ID in the body", "POST", "/api/v1/entities/" + entity + "/case-types", admin,
			`{"name_ar":"ن","name_en":"t","department_id":"nope","sla_hours":{"normal":1,"important":1,"very_important":1}}`, nil, 400, "EINVALID", "department_id"},
		{"invalid user ID", "PUT", "/api/v1/entities/" + entity + "/employees/x/permissions", admin, `{"grant":[]}`, nil, 400, "EINVALID", ""},
		{"unknown entity", "POST", "/api/v1/entities/0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b/departments", admin, `{"name_ar":"ق","name_en":"d"}`, nil, 404, "ENOTFOUND", ""},
		{"unknown route", "GET", "/api/v1/nothing-here", "", ``, nil, 404, "ENOTFOUND", ""},
		{"bad entity fields", "POST", "/api/v1/entities", admin, `{"name_ar":"","name_en":"x","sector":"military"}`, nil, 400, "EINVALID", "sector"},
		{"SLA out of range", "POST", "/api/v1/entities/" + entity + "/case-types", admin,
			`{"name_ar":"ن","name_en":"t","department_id":"0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b","sla_hours":{"normal":0,"important":1,"very_important":99999}}`, nil, 400, "EINVALID", "sla_hours.normal"},
	}
	users, audits := ts.Count("users"), auditRows(t, ts)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			headers := tt.headers
			if headers == nil && tt.body != "" {
				headers = []string{"Content-Type", "application/json"}
			}
			for _, lang := range []string{"", "en"} {
				h := append([]string{"Accept-Language", lang}, headers...)
				res, err := ts.Raw(tt.method, tt.path, tt.token, tt.body, h...)
				if err != nil {
					t.Fatal(err)
				}
				body, err := res.JSON()
				if err != nil {
					t.Fatalf("body is not JSON: %v: %s", err, res.Body)
				}
				if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
					t.Errorf("Content-Type %q", ct)
				}
				e := wantError(t, res.Status, body, tt.status, tt.code, tt.field)
				msg := e["message"].(string)
				if arabic := hasArabic(msg); arabic != (lang == "") {
					t.Errorf("Accept-Language %q: message %q", lang, msg)
				}
			}
		})
	}
	// A body of unknown length (chunked) over the limit is refused too.
	t.Run("over 1 MiB chunked", func(t *testing.T) {
		req, _ := http.NewRequest("POST", ts.URL+register, io.MultiReader(strings.NewReader(huge), bytes.NewReader(nil)))
		req.Header.Set("Content-Type", "application/json")
		res, err := ts.Client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != 413 || req.ContentLength != 0 {
			t.Errorf("status %d (content length %d), want 413", res.StatusCode, req.ContentLength)
		}
	})
	if n := ts.Count("users"); n != users {
		t.Errorf("bad requests created %d users", n-users)
	}
	if n := auditRows(t, ts); n != audits {
		t.Errorf("bad requests wrote %d audit rows", n-audits)
	}
	if n := ts.Count("departments"); n != 0 {
		t.Errorf("bad requests created %d departments", n)
	}
}

// TestErrorLanguage: the message follows Accept-Language, Arabic by default;
// the code and fields do not change.
func TestErrorLanguage(t *testing.T) {
	ts := testserver.Start(t)
	body := map[string]any{"name": "س", "national_id": "1234567890", "password": "a-good-long-passphrase"}
	tests := []struct {
		header, want string // want: the field message
	}{
		{"", "رقم الهوية غير صحيح"},
		{"ar", "رقم الهوية غير صحيح"},
		{"ar-SA,en;q=0.5", "رقم الهوية غير صحيح"},
		{"en", "The national ID is not valid"},
		{"en-US,en;q=0.9,ar;q=0.8", "The national ID is not valid"},
		{"fr-FR,en;q=0.5", "The national ID is not valid"},
		{"fr, de", "رقم الهوية غير صحيح"},
	}
	for _, tt := range tests {
		t.Run(tt.header, func(t *testing.T) {
			status, m := ts.Do("POST", "/api/v1/auth/register", "", body, "Accept-Language", tt.header)
			e := wantError(t, status, m, 400, "EINVALID", "national_id")
			if got := e["fields"].(map[string]any)["national_id"]; got != tt.want {
				t.Errorf("field message %q, want %q", got, tt.want)
			}
		})
	}
}
