package server_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

func TestHealth(t *testing.T) {
	ts := testserver.Start(t)
	if m := ts.Must(http.StatusOK, "GET", "/healthz", "", nil); m["status"] != "ok" {
		t.Errorf("healthz = %v", m)
	}
	m := ts.Must(http.StatusOK, "GET", "/readyz", "", nil)
	if m["ready"] != true || testserver.Str(m, "checks.database") != "ok" {
		t.Errorf("readyz = %v", m)
	}
}

func TestReadyzFailingCheck(t *testing.T) {
	down := errors.New("redis: connection refused")
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) {
		c.Ready = append(c.Ready, server.Check{Name: "redis", Fn: func(context.Context) error { return down }})
	}))
	m := ts.Must(http.StatusServiceUnavailable, "GET", "/readyz", "", nil)
	if m["ready"] != false || testserver.Str(m, "checks.redis") != "down" || testserver.Str(m, "checks.database") != "ok" {
		t.Errorf("readyz = %v", m)
	}
	if strings.Contains(string(mustRaw(t, ts, "/readyz").Body), "connection refused") {
		t.Error("readyz shows the error text")
	}
	// Liveness does not depend on the dependencies.
	ts.Must(http.StatusOK, "GET", "/healthz", "", nil)
	// Nor does the database being closed make healthz fail; readyz does.
	ts.Store.Close()
	ts.Must(http.StatusOK, "GET", "/healthz", "", nil)
	m = ts.Must(http.StatusServiceUnavailable, "GET", "/readyz", "", nil)
	if testserver.Str(m, "checks.database") != "down" {
		t.Errorf("readyz with the database closed = %v", m)
	}
}

func mustRaw(t *testing.T, ts *testserver.TestServer, path string) *testserver.Response {
	t.Helper()
	res, err := ts.Raw("GET", path, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestMetrics(t *testing.T) {
	ts := testserver.Start(t)
	ts.Admin() // a login, for jihat_logins_total
	ts.Must(http.StatusOK, "GET", "/api/v1/entities", "", nil)
	ts.Do("GET", "/api/v1/entities/nope", "", nil)
	res := mustRaw(t, ts, "/metrics")
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	for _, name := range []string{"jihat_http_requests_total", "jihat_http_request_duration_seconds", "jihat_logins_total", "go_goroutines"} {
		if !strings.Contains(string(res.Body), name) {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	if n := metric(t, ts, "jihat_http_requests_total", `method="GET"`, `code="200"`); n < 1 {
		t.Errorf("GET 200 requests counted %v", n)
	}
	if n := metric(t, ts, "jihat_http_requests_total", `method="GET"`, `code="400"`); n != 1 {
		t.Errorf("GET 400 requests counted %v, want 1", n)
	}
}
