package server_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

const citizenPassword = "a-good-long-passphrase"

func TestRegisterAndLoginWithEachIdentifier(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		// One person with all three identifiers, typed the way people type them.
		m := ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
			"name": "فاطمة الزهراني", "national_id": "١٢٣٤٥٦٧٨٩٧", "email": "Fatima@Example.COM", "mobile": "050 123 4567",
			"password": citizenPassword})
		id := testserver.Str(m, "user.id")
		if id == "" || testserver.Str(m, "user.role") != "citizen" || testserver.Get(m, "user.entity_id") != nil {
			t.Fatalf("registered user = %v", m)
		}
		for k, want := range map[string]string{"national_id": "1234567897", "email": "fatima@example.com", "mobile": "+966501234567"} {
			if got := testserver.Str(m, "user."+k); got != want {
				t.Errorf("user.%s = %q, want %q (normalised)", k, got, want)
			}
		}
		for _, login := range []string{"1234567897", "١٢٣٤٥٦٧٨٩٧", "fatima@example.com", "FATIMA@example.com",
			"+966501234567", "0501234567", "00966501234567", "٠٥٠١٢٣٤٥٦٧"} {
			t.Run(login, func(t *testing.T) {
				m := ts.Must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": login, "password": citizenPassword})
				token := testserver.Str(m, "token")
				if len(token) < 40 || testserver.Str(m, "user.id") != id {
					t.Fatalf("login answer = %v", m)
				}
				me := ts.Must(http.StatusOK, "GET", "/api/v1/me", token, nil)
				if testserver.Str(me, "user.id") != id || testserver.Str(me, "user.role") != "citizen" ||
					!slices.Equal(testserver.Strings(me, "user.roles"), []string{"citizen"}) ||
					!slices.Equal(testserver.Strings(me, "user.permissions"), []string{"case.create"}) {
					t.Fatalf("GET /me = %v", me)
				}
				if v, ok := me["user"].(map[string]any)["entity_id"]; !ok || v != nil {
					t.Errorf("entity_id = %v (present %v); want null", v, ok)
				}
			})
		}
		// People with one identifier each.
		for _, tt := range []struct{ field, value, login string }{
			{"national_id", "2000000006", "2000000006"},
			{"email", "only.email@example.com", "only.email@example.com"},
			{"mobile", "+201012345678", "01012345678"},
		} {
			ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
				"name": "شخص واحد", tt.field: tt.value, "password": citizenPassword})
			ts.Login(tt.login, citizenPassword)
		}
	})
}

func TestLoginRefused(t *testing.T) {
	ts := testserver.Start(t)
	c := ts.RegisterCitizen()
	tests := []struct {
		name, login, password string
		status                int
		code                  string
	}{
		{"wrong password", c.Login, "not-the-password-at-all", 401, "EUNAUTHORIZED"},
		{"password in other case", c.Login, strings.ToUpper(c.Password), 401, "EUNAUTHORIZED"},
		{"unknown e-mail", "nobody@example.com", c.Password, 401, "EUNAUTHORIZED"},
		{"unknown national ID", "1000000008", c.Password, 401, "EUNAUTHORIZED"},
		{"invalid national ID", "1000000001", c.Password, 401, "EUNAUTHORIZED"},
		{"garbage login", "hello there", c.Password, 401, "EUNAUTHORIZED"},
		{"empty login", "", c.Password, 400, "EINVALID"},
		{"empty password", c.Login, "", 400, "EINVALID"},
	}
	var messages []string
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.Do("POST", "/api/v1/auth/login", "", map[string]string{"login": tt.login, "password": tt.password})
			e := wantError(t, status, body, tt.status, tt.code, "")
			if tt.status == 401 {
				messages = append(messages, e["message"].(string))
			}
		})
	}
	// A wrong password and an unknown login look the same (no enumeration).
	for _, m := range messages {
		if m != messages[0] {
			t.Errorf("refusals differ: %q vs %q", m, messages[0])
		}
	}
}

func TestRegisterValidation(t *testing.T) {
	ts := testserver.Start(t)
	ok := func(kv ...any) map[string]any {
		return withFields(map[string]any{"name": "سالم", "email": ts.Email("v"), "password": citizenPassword}, kv...)
	}
	tests := []struct {
		name   string
		body   map[string]any
		fields []string
	}{
		{"national ID with a bad check digit", ok("national_id", "1234567890"), []string{"national_id"}},
		{"national ID starting with 3", ok("national_id", "3234567897"), []string{"national_id"}},
		{"national ID of 9 digits", ok("national_id", "123456789"), []string{"national_id"}},
		{"bad e-mail", ok("email", "not-an-email"), []string{"email"}},
		{"bad mobile", ok("mobile", "12"), []string{"mobile"}},
		{"no identifier", ok("email", nil), []string{"national_id", "email", "mobile"}},
		{"blank identifiers", ok("email", " ", "mobile", ""), []string{"national_id", "email", "mobile"}},
		{"no name", ok("name", nil), []string{"name"}},
		{"11-character password", ok("password", "kq7Zp2mWx9L"), []string{"password"}},
		{"common password", ok("password", "Password1234"), []string{"password"}},
		{"129-character password", ok("password", strings.Repeat("ب", 129)), []string{"password"}},
		{"bad language", ok("lang", "fr"), []string{"lang"}},
		{"bad e-mail and short password", ok("email", "x@", "password", "short"), []string{"email", "password"}},
		{"bad national ID and common password", ok("national_id", "1234567890", "password", "password1234"), []string{"national_id", "password"}},
	}
	users := ts.Count("users")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := ts.Do("POST", "/api/v1/auth/register", "", tt.body, "Accept-Language", "en")
			e := wantError(t, status, body, 400, "EINVALID", tt.fields[0])
			fields := e["fields"].(map[string]any)
			for _, f := range tt.fields {
				if fields[f] == nil {
					t.Errorf("no message for %s in %v", f, fields)
				}
			}
			if msg, _ := fields["password"].(string); strings.Contains(tt.name, "short") || strings.Contains(tt.name, "11-char") {
				if !strings.Contains(msg, "12") {
					t.Errorf("password message %q does not say the minimum", msg)
				}
			}
		})
	}
	if n := ts.Count("users"); n != users {
		t.Errorf("refused registrations created %d users", n-users)
	}
}

// longVaried is 128 different emoji: the longest password accepted.
var longVaried = func() string {
	var b strings.Builder
	for i := range 128 {
		b.WriteRune(rune(0x1F300 + (i*37)%128)) // no sequence either
	}
	return b.String()
}()

func TestPasswordPolicyOverHTTP(t *testing.T) {
	ts := testserver.Start(t)
	for _, pw := range []string{
		"كلمة مرور عربية طويلة جدا تحتوي على مسافات وحروف كثيرة جداً!!!!!", // 64 characters, 115 bytes
		"日本語のパスワード-😀-Ünïcödé-كلمة-סיסמה-пароль-密码-पासवर्ड-12345",
		"otter quilt 7", // 13 characters, and not a pattern (the strength check refuses "twelve chars")
		longVaried,      // 128 characters, none repeated (128 × "🔑" is refused as repetitive)
	} {
		email := ts.Email("unicode")
		ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{"name": "يونيكود", "email": email, "password": pw})
		ts.Login(email, pw)
		wrong := string([]rune(pw)[:len([]rune(pw))-1]) + "x"
		status, body := ts.Do("POST", "/api/v1/auth/login", "", map[string]string{"login": email, "password": wrong})
		wantError(t, status, body, 401, "EUNAUTHORIZED", "")
	}
	if n := len([]rune("كلمة مرور عربية طويلة جدا تحتوي على مسافات وحروف كثيرة جداً!!!!!")); n != 64 {
		t.Fatalf("the Arabic test password has %d characters, want 64", n)
	}
}

func TestDuplicateIdentifierConflict(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
			"name": "الأول", "national_id": "1234567897", "email": "first@example.com", "mobile": "+966501234567", "password": citizenPassword})
		users, audits := ts.Count("users"), auditRows(t, ts)
		for _, tt := range []struct {
			name string
			body map[string]any
		}{
			{"same national ID in Arabic digits", map[string]any{"national_id": "١٢٣٤٥٦٧٨٩٧"}},
			{"same e-mail in upper case", map[string]any{"email": "FIRST@example.com"}},
			{"same mobile in local form", map[string]any{"mobile": "0501234567"}},
			{"new e-mail, taken mobile", map[string]any{"email": "second@example.com", "mobile": "00966501234567"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				tt.body["name"], tt.body["password"] = "الثاني", citizenPassword
				status, body := ts.Do("POST", "/api/v1/auth/register", "", tt.body)
				wantError(t, status, body, 409, "ECONFLICT", "")
			})
		}
		if n := ts.Count("users"); n != users {
			t.Errorf("conflicts created %d users", n-users)
		}
		if n := auditRows(t, ts); n != audits {
			t.Errorf("conflicts wrote %d audit rows", n-audits)
		}
		// The second e-mail was not taken by the refused registration.
		ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
			"name": "الثاني", "email": "second@example.com", "password": citizenPassword})
	})
}

func TestProfileUpdate(t *testing.T) {
	ts := testserver.Start(t)
	c := ts.RegisterCitizen()
	m := ts.Must(http.StatusOK, "PATCH", "/api/v1/me", c.Token, map[string]any{"name": "اسم جديد", "lang": "en"})
	if testserver.Str(m, "user.name") != "اسم جديد" || testserver.Str(m, "user.lang") != "en" {
		t.Fatalf("PATCH /me = %v", m)
	}
	status, body := ts.Do("PATCH", "/api/v1/me", c.Token, map[string]any{"name": " "})
	wantError(t, status, body, 400, "EINVALID", "name")
	status, body = ts.Do("PATCH", "/api/v1/me", "", map[string]any{"name": "x"})
	wantError(t, status, body, 401, "EUNAUTHORIZED", "")
	me := ts.Must(http.StatusOK, "GET", "/api/v1/me", c.Token, nil)
	if testserver.Str(me, "user.name") != "اسم جديد" {
		t.Errorf("name after a refused change = %q", testserver.Str(me, "user.name"))
	}
}
