package server_test

import (
	"bufio"
	"bytes"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"github.com/jihat/jihat/internal/testserver"
)

// onBothDatabases runs fn on a server over SQLite and on one over PostgreSQL
// (skipped when PostgreSQL is not configured, unless it is required).
func onBothDatabases(t *testing.T, fn func(t *testing.T, ts *testserver.TestServer), opts ...testserver.Option) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, testserver.Start(t, opts...)) })
	t.Run("postgres", func(t *testing.T) {
		fn(t, testserver.Start(t, append([]testserver.Option{testserver.Postgres()}, opts...)...))
	})
}

// wantError checks that an answer is exactly the error body of API.md,
// {"error": {"code", "message", "fields"?}}, with the wanted status and
// code, and, when field is not "", a message for that field. It returns the
// error object.
func wantError(tb testing.TB, status int, body map[string]any, wantStatus int, code, field string) map[string]any {
	tb.Helper()
	if status != wantStatus {
		tb.Fatalf("status %d, want %d; body %v", status, wantStatus, body)
	}
	if len(body) != 1 || body["error"] == nil {
		tb.Fatalf("error body %v: want exactly one key, \"error\"", body)
	}
	e, ok := body["error"].(map[string]any)
	if !ok {
		tb.Fatalf("error is %T, want an object", body["error"])
	}
	for k := range e {
		if k != "code" && k != "message" && k != "fields" {
			tb.Errorf("unexpected key %q in the error object %v", k, e)
		}
	}
	if e["code"] != code {
		tb.Fatalf("code %v, want %s; body %v", e["code"], code, e)
	}
	if msg, _ := e["message"].(string); strings.TrimSpace(msg) == "" || fmtVerb.MatchString(msg) {
		tb.Errorf("message %q is empty or badly formatted", e["message"])
	}
	if field != "" {
		fields, _ := e["fields"].(map[string]any)
		msg, _ := fields[field].(string)
		if msg == "" {
			tb.Fatalf("no message for field %q in %v", field, e)
		}
		if fmtVerb.MatchString(msg) {
			tb.Errorf("field %s: badly formatted message %q", field, msg)
		}
	}
	if fields, ok := e["fields"]; ok {
		if m, ok := fields.(map[string]any); !ok || len(m) == 0 {
			tb.Errorf("fields = %v: present means a non-empty object", fields)
		}
	}
	return e
}

// fmtVerb finds formatting left in a message: an argument that was not
// given (%d, %!d(MISSING)).
var fmtVerb = regexp.MustCompile(`%[!a-zA-Z]`)

func hasArabic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Arabic, r) })
}

// metric reads one unlabelled sample (or the sum of a labelled family's
// samples matching labels, e.g. `code="200"`) from /metrics.
func metric(tb testing.TB, ts *testserver.TestServer, name string, labels ...string) float64 {
	tb.Helper()
	res, err := ts.Raw("GET", "/metrics", "", nil)
	if err != nil || res.Status != http.StatusOK {
		tb.Fatalf("GET /metrics: %v %v", res, err)
	}
	sum, found := 0.0, false
	sc := bufio.NewScanner(bytes.NewReader(res.Body))
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, name+" ") && !strings.HasPrefix(line, name+"{") {
			continue
		}
		match := true
		for _, l := range labels {
			if !strings.Contains(line, l) {
				match = false
			}
		}
		if !match {
			continue
		}
		v, err := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		if err != nil {
			tb.Fatalf("metric line %q: %v", line, err)
		}
		sum, found = sum+v, true
	}
	if !found {
		return 0
	}
	return sum
}

// auditRows is the length of the audit chain (which must be intact).
func auditRows(tb testing.TB, ts *testserver.TestServer) int64 {
	tb.Helper()
	bad, n, err := ts.Store.VerifyAudit(tb.Context())
	if err != nil || bad != 0 {
		tb.Fatalf("VerifyAudit = %d, %d, %v", bad, n, err)
	}
	return n
}

// withFields is body m with the pairs of kv (name, value) set, or removed
// where the value is nil: a request body with one field changed.
func withFields(m map[string]any, kv ...any) map[string]any {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(m, kv[i].(string))
		} else {
			m[kv[i].(string)] = kv[i+1]
		}
	}
	return m
}
