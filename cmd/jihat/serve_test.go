package main

import (
	"context"
	"encoding/hex"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/jihat/jihat/internal/testenv"
)

// serveProc is a `jihat serve` running in the test.
type serveProc struct {
	api
	stdout, stderr *output
	done           chan struct{}
	err            error // run's result, once done is closed
	cancel         context.CancelFunc
}

// startServe runs the real serve command on a free loopback port and waits
// until it listens and has printed its banner.
func startServe(t *testing.T, args ...string) *serveProc {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &serveProc{stdout: newOutput(), stderr: newOutput(), done: make(chan struct{}), cancel: cancel}
	go func() {
		defer close(s.done)
		s.err = run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), s.stdout, s.stderr)
	}()
	t.Cleanup(func() { cancel(); <-s.done })
	out := s.stdout.waitFor(t, `"msg":"jihat listening"`, s.done)
	s.base = str(logLine(t, out, "jihat listening"), "url")
	if u, err := url.Parse(s.base); err != nil || u.Scheme != "http" || u.Port() == "" || u.Port() == "0" {
		t.Fatalf("listening URL %q", s.base)
	}
	s.stderr.waitFor(t, "started ", s.done)
	s.t = t
	return s
}

// stop cancels the context (as SIGTERM does) and waits for serve to return.
func (s *serveProc) stop(t *testing.T) {
	t.Helper()
	s.cancel()
	<-s.done
	if s.err != nil {
		t.Fatalf("serve returned %v", s.err)
	}
	logLine(t, s.stdout.String(), "jihat stopped")
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(s.base, "http://"), time.Second); err == nil {
		c.Close()
		t.Fatal("the port still accepts connections after serve returned")
	}
}

var bannerAdmin = regexp.MustCompile(`platform admin: (\S+)\s+password: (\S+)`)

// TestServe starts the real server on its embedded default and uses it as a
// new user would: the generated admin, an entity, a department, a case type,
// an employee (whose generated password arrives in the log), a citizen.
func TestServe(t *testing.T) {
	cleanEnv(t)
	leaks := goleak.IgnoreCurrent()
	dir := t.TempDir()
	s := startServe(t, "--data-dir", dir)

	m := bannerAdmin.FindStringSubmatch(s.stderr.String())
	if m == nil {
		t.Fatalf("no admin login in the banner:\n%s", s.stderr.String())
	}
	adminLogin, adminPassword := m[1], m[2]
	if adminLogin != "admin@jihat.local" || len(adminPassword) < 16 {
		t.Fatalf("admin %q with password %q", adminLogin, adminPassword)
	}
	if strings.Contains(s.stdout.String(), adminPassword) {
		t.Error("the generated admin password is in the JSON log too")
	}
	if !strings.Contains(s.stderr.String(), s.base) {
		t.Error("the banner does not show the URL")
	}

	ready := s.must(http.StatusOK, "GET", "/readyz", "", nil)
	if ready["ready"] != true {
		t.Fatalf("readyz = %v", ready)
	}
	s.must(http.StatusOK, "GET", "/healthz", "", nil)
	demo := s.must(http.StatusOK, "GET", "/api/v1/entities", "", nil)
	if n := len(demo["entities"].([]any)); n != 3 {
		t.Errorf("the demo seeded %d entities, want 3", n)
	}

	// The web app is at "/", and the demo citizen has cases in several states.
	page, err := http.Get(s.base + "/")
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(page.Body)
	page.Body.Close()
	if page.StatusCode != http.StatusOK || !strings.Contains(string(html), `<html lang="ar" dir="rtl">`) {
		t.Errorf("GET / = %d %.80s", page.StatusCode, html)
	}
	demoCitizen := str(s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "citizen@jihat.demo", "password": "Jihat-demo-2026!"}), "token")
	states := map[any]bool{}
	for _, c := range s.must(http.StatusOK, "GET", "/api/v1/cases", demoCitizen, nil)["cases"].([]any) {
		states[c.(map[string]any)["status"]] = true
	}
	if len(states) < 4 {
		t.Errorf("the demo citizen's cases are in %d states (%v), want at least 4", len(states), states)
	}
	// The service guide is alive: a misspelled Arabic word finds a demo service.
	guide := s.must(http.StatusOK, "GET", "/api/v1/services?q="+url.QueryEscape("المدرسيه"), "", nil)
	if found, _ := guide["services"].([]any); len(found) != 1 {
		t.Errorf("the demo guide's search for المدرسيه found %d services, want 1", len(found))
	}

	admin := str(s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": adminLogin, "password": adminPassword}), "token")
	entity := str(s.must(http.StatusCreated, "POST", "/api/v1/entities", admin, map[string]any{
		"name_ar": "وزارة الاختبار", "name_en": "Ministry of Tests", "sector": "government"}), "id")
	dept := str(s.must(http.StatusCreated, "POST", "/api/v1/entities/"+entity+"/departments", admin, map[string]any{
		"name_ar": "خدمة العملاء", "name_en": "Customer care"}), "id")
	s.must(http.StatusCreated, "POST", "/api/v1/entities/"+entity+"/case-types", admin, map[string]any{
		"name_ar": "شكوى", "name_en": "Complaint", "department_id": dept,
		"sla_hours": map[string]int{"normal": 40, "important": 16, "very_important": 8}})
	emp := s.must(http.StatusCreated, "POST", "/api/v1/entities/"+entity+"/employees", admin, map[string]any{
		"name": "سارة", "email": "sara@tests.example", "department_id": dept, "role": "employee"})
	if emp["user"].(map[string]any)["must_change_password"] != true {
		t.Fatalf("employee = %v", emp)
	}
	// Without SMTP the credentials are printed to the log.
	note := s.stdout.waitFor(t, "sara@tests.example", s.done)
	var mine []string // the demo's own notifications are in the log too
	for _, line := range strings.Split(note, "\n") {
		if strings.Contains(line, "sara@tests.example") {
			mine = append(mine, line)
		}
	}
	note = strings.Join(mine, "\n")
	pw := regexp.MustCompile(`[a-km-zA-HJ-NP-Z2-9]{20}`).FindString(str(logLine(t, note, "notification (printed: no SMTP/SMS configured)"), "text"))
	if pw == "" {
		t.Fatalf("no generated password in the log:\n%s", note)
	}
	empToken := str(s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "sara@tests.example", "password": pw}), "token")
	s.must(http.StatusForbidden, "GET", "/api/v1/entities/"+entity+"/employees", empToken, nil)
	s.must(http.StatusNoContent, "POST", "/api/v1/me/password", empToken, map[string]string{"current_password": pw, "new_password": "sara-new-passphrase"})

	s.must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
		"name": "مواطن", "national_id": "1234567897", "password": "citizen-passphrase"})
	citizen := str(s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "١٢٣٤٥٦٧٨٩٧", "password": "citizen-passphrase"}), "token")
	me := s.must(http.StatusOK, "GET", "/api/v1/me", citizen, nil)
	if str(me, "user", "role") != "citizen" {
		t.Errorf("GET /me = %v", me)
	}
	s.stop(t)

	// The chain the session wrote verifies, and a restart reuses the data.
	out, _, err := runCmd(t, "audit", "verify", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	s = startServe(t, "--data-dir", dir)
	if strings.Contains(s.stderr.String(), "platform admin:") {
		t.Error("a restart created the admin again")
	}
	s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "1234567897", "password": "citizen-passphrase"})
	s.stop(t)
	// Nothing of the server keeps running once serve has returned.
	http.DefaultClient.CloseIdleConnections()
	goleak.VerifyNone(t, leaks)
}

// TestServeNoDemo: --no-demo seeds nothing but the admin; the admin comes
// from JIHAT_ADMIN_LOGIN and JIHAT_ADMIN_PASSWORD when they are set.
func TestServeNoDemo(t *testing.T) {
	cleanEnv(t)
	t.Setenv("JIHAT_ADMIN_LOGIN", "Owner@Example.com")
	t.Setenv("JIHAT_ADMIN_PASSWORD", "owner-chosen-passphrase")
	s := startServe(t, "--data-dir", t.TempDir(), "--no-demo")
	if strings.Contains(s.stderr.String(), "owner-chosen-passphrase") || strings.Contains(s.stderr.String(), "demo") {
		t.Errorf("banner:\n%s", s.stderr.String())
	}
	list := s.must(http.StatusOK, "GET", "/api/v1/entities", "", nil)
	if n := len(list["entities"].([]any)); n != 0 {
		t.Errorf("--no-demo seeded %d entities", n)
	}
	s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "owner@example.com", "password": "owner-chosen-passphrase"})
	if status, _ := s.do("POST", "/api/v1/auth/login", "", map[string]string{"login": "citizen@jihat.demo", "password": "Jihat-demo-2026!"}); status != 401 {
		t.Errorf("a demo account exists with --no-demo (%d)", status)
	}
	s.stop(t)
}

// TestServePostgres runs the same binary on PostgreSQL and Redis.
func TestServePostgres(t *testing.T) {
	cleanEnv(t)
	dsn := testenv.Postgres(t)
	redisURL, _ := testenv.Redis(t)
	t.Setenv("DATABASE_URL", dsn)
	t.Setenv("REDIS_URL", redisURL)
	t.Setenv("JIHAT_DATA_KEY", hex.EncodeToString([]byte("0123456789abcdef0123456789abcdef")))
	t.Setenv("JIHAT_ADMIN_PASSWORD", "postgres-admin-passphrase")
	dir := t.TempDir()
	s := startServe(t, "--data-dir", dir)
	if l := logLine(t, s.stdout.String(), "jihat listening"); l["database"] != "postgresql" || l["redis"] != true {
		t.Errorf("listening line = %v", l)
	}
	ready := s.must(http.StatusOK, "GET", "/readyz", "", nil)
	checks, _ := ready["checks"].(map[string]any)
	if checks["database"] != "ok" || checks["redis"] != "ok" {
		t.Errorf("readyz = %v", ready)
	}
	if list := s.must(http.StatusOK, "GET", "/api/v1/entities", "", nil); len(list["entities"].([]any)) != 0 {
		t.Error("the demo was seeded on PostgreSQL")
	}
	admin := str(s.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"login": "admin@jihat.local", "password": "postgres-admin-passphrase"}), "token")
	s.must(http.StatusCreated, "POST", "/api/v1/entities", admin, map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "nonprofit"})
	s.stop(t)
	out, _, err := runCmd(t, "audit", "verify")
	if err != nil || !strings.Contains(out, "audit chain intact") {
		t.Fatalf("audit verify on PostgreSQL: %v\n%s", err, out)
	}
}
