package server_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/internal/testserver"
)

// TestDatabaseDownAnswers503: with PostgreSQL gone from under the server
// (every connection reset, new ones refused), reads and writes answer 503
// EUNAVAILABLE with Retry-After — never 500, never 401 or 404 — and nothing
// is half-written; once it is back, the same requests succeed.
func TestDatabaseDownAnswers503(t *testing.T) {
	var proxy *testenv.Proxy
	ts := testserver.Start(t, testserver.PostgresVia(func(dsn string) string {
		d, p := testenv.ViaProxy(t, dsn)
		proxy = p
		return d
	}))
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "انقطاع", "نص"), "id")
	png := testserver.ReadFile(t, "../media/testdata/image.png")
	comment := map[string]any{"body": "رد", "visibility": "public"}
	before := len(ts.CaseEvents(k.employee.Token, id, "since=0&staff_since=0"))

	proxy.Cut()
	calls := []struct{ method, path string }{
		{"POST", "/api/v1/cases/" + id + "/comments"},
		{"GET", "/api/v1/cases/" + id},
		{"GET", "/api/v1/cases"},
		{"GET", "/api/v1/me"},
		{"POST", "/api/v1/auth/login"},
	}
	for _, c := range calls {
		var body any
		switch c.path {
		case "/api/v1/auth/login":
			body = map[string]any{"login": k.citizen.Login, "password": k.citizen.Password}
		case "/api/v1/cases/" + id + "/comments":
			body = comment
		}
		res, err := ts.Raw(c.method, c.path, k.employee.Token, body, "Accept-Language", "en")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := res.JSON()
		wantError(t, res.Status, m, http.StatusServiceUnavailable, jihat.EUNAVAILABLE, "")
		if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
			t.Errorf("%s %s: Retry-After %q", c.method, c.path, res.Header.Get("Retry-After"))
		}
	}
	res, err := ts.Upload("/api/v1/cases/"+id+"/attachments", k.employee.Token,
		testserver.FieldPart("visibility", "public"), testserver.FilePart("file", "a.png", png))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := res.JSON()
	wantError(t, res.Status, m, http.StatusServiceUnavailable, jihat.EUNAVAILABLE, "")

	proxy.Restore()
	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token, comment)
	if n := len(ts.CaseEvents(k.employee.Token, id, "since=0&staff_since=0")); n != before+1 {
		t.Errorf("%d events after the outage and one comment, want %d", n, before+1)
	}
}

// TestLiveDatabaseDownAnswersUnavailable: the socket tells a database outage
// as REST does, EUNAVAILABLE — not EINTERNAL, and not a refusal (401, 404)
// that would make a client give up: a subscribe, a command and a first
// "auth" message on an open socket, and an upgrade with a token (503). Once
// the database is back, the same socket works.
func TestLiveDatabaseDownAnswersUnavailable(t *testing.T) {
	var proxy *testenv.Proxy
	ts := testserver.Start(t, testserver.PostgresVia(func(dsn string) string {
		d, p := testenv.ViaProxy(t, dsn)
		proxy = p
		return d
	}))
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "انقطاع حي", "نص"), "id")
	ws := ts.DialLive(k.employee.Token)
	anon := ts.DialLive("")
	comment := map[string]any{"body": "رد", "visibility": "public"}

	proxy.Cut()
	if code := ws.Subscribe(jihat.CaseChannel(id), 0); code != jihat.EUNAVAILABLE {
		t.Errorf("subscribe during the outage: %q, want EUNAVAILABLE", code)
	}
	if code := ws.Command("comment", jihat.CaseChannel(id), comment); code != jihat.EUNAVAILABLE {
		t.Errorf("comment during the outage: %q, want EUNAVAILABLE", code)
	}
	f := anon.Request(map[string]any{"type": "auth", "data": map[string]any{"token": k.citizen.Token}})
	var e struct{ Code string }
	json.Unmarshal(f.Data, &e)
	if f.Type != "error" || e.Code != jihat.EUNAVAILABLE {
		t.Errorf("auth during the outage: %s %s, want an EUNAVAILABLE error", f.Type, f.Data)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, res, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/ws", &websocket.DialOptions{
		HTTPClient: ts.Client, HTTPHeader: http.Header{"Authorization": {"Bearer " + k.citizen.Token}}})
	if err == nil || res == nil || res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("upgrade during the outage: %v %v, want 503", res, err)
	}
	var body struct{ Error struct{ Code string } }
	json.NewDecoder(res.Body).Decode(&body)
	if body.Error.Code != jihat.EUNAVAILABLE {
		t.Errorf("upgrade during the outage: code %q, want EUNAVAILABLE", body.Error.Code)
	}

	proxy.Restore()
	if code := ws.Subscribe(jihat.CaseChannel(id), 0); code != "" {
		t.Errorf("subscribe after the outage: %q", code)
	}
	if code := ws.Command("comment", jihat.CaseChannel(id), comment); code != "" {
		t.Errorf("comment after the outage: %q", code)
	}
}
