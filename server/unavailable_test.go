package server_test

import (
	"net/http"
	"strconv"
	"testing"

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
