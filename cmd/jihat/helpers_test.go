package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
)

// cleanEnv removes every variable the command reads, so the developer's
// environment does not leak into a test. Tests using it cannot be parallel.
func cleanEnv(t *testing.T) {
	t.Helper()
	for _, k := range []string{"JIHAT_ADDR", "JIHAT_DATA_DIR", "DATABASE_URL", "REDIS_URL", "JIHAT_NO_DEMO", "JIHAT_ORIGINS",
		"JIHAT_SECURE_COOKIES", "JIHAT_LOG_LEVEL", "JIHAT_ADMIN_LOGIN", "JIHAT_ADMIN_PASSWORD", "JIHAT_DATA_KEY",
		"JIHAT_MAX_UPLOAD_MB", "JIHAT_MAX_VOICE", "SMTP_URL", "SMS_URL"} {
		t.Setenv(k, "") // restores the old value when the test ends
		os.Unsetenv(k)
	}
}

// output is an io.Writer safe for concurrent use whose content a test can
// wait on.
type output struct {
	mu      sync.Mutex // guards buf and changed
	buf     bytes.Buffer
	changed chan struct{} // closed and replaced on every write
}

func newOutput() *output { return &output{changed: make(chan struct{})} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	n, err := o.buf.Write(p)
	close(o.changed)
	o.changed = make(chan struct{})
	return n, err
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// waitFor blocks until the output contains s, and returns the whole output.
// It fails the test when done closes first (the command ended) or the
// test's deadline passes.
func (o *output) waitFor(t *testing.T, s string, done <-chan struct{}) string {
	t.Helper()
	for {
		o.mu.Lock()
		text, changed := o.buf.String(), o.changed
		o.mu.Unlock()
		if strings.Contains(text, s) {
			return text
		}
		select {
		case <-changed:
		case <-done:
			if text := o.String(); strings.Contains(text, s) {
				return text
			}
			t.Fatalf("the command ended before printing %q; output:\n%s", s, o.String())
		case <-t.Context().Done():
			t.Fatalf("no %q in the output:\n%s", s, o.String())
		}
	}
}

// logLine returns the first JSON log line whose msg is msg.
func logLine(t *testing.T, out, msg string) map[string]any {
	t.Helper()
	for _, line := range strings.Split(out, "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) == nil && m["msg"] == msg {
			return m
		}
	}
	t.Fatalf("no log line %q in:\n%s", msg, out)
	return nil
}

// runCmd runs the command to completion and returns its outputs.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	var o, e bytes.Buffer
	err = run(context.Background(), args, &o, &e)
	return o.String(), e.String(), err
}

// api is a small JSON client for a running server.
type api struct {
	t    *testing.T
	base string
}

func (a api) do(method, path, token string, body any) (int, map[string]any) {
	a.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, a.base+path, rd)
	if err != nil {
		a.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		a.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	var m map[string]any
	data, _ := io.ReadAll(res.Body)
	if len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, &m); err != nil {
			a.t.Fatalf("%s %s: %d %s", method, path, res.StatusCode, data)
		}
	}
	return res.StatusCode, m
}

func (a api) must(want int, method, path, token string, body any) map[string]any {
	a.t.Helper()
	status, m := a.do(method, path, token, body)
	if status != want {
		a.t.Fatalf("%s %s: %d, want %d: %v", method, path, status, want, m)
	}
	return m
}

func str(m map[string]any, keys ...string) string {
	var v any = m
	for _, k := range keys {
		mm, _ := v.(map[string]any)
		v = mm[k]
	}
	s, _ := v.(string)
	return s
}
