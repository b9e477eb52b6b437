package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// TestWriteBudgetSharedByRESTAndSocket: a burst of 300 comments from one
// citizen gets 30 through (the default budget, per 10 s by default) and 429 with
// Retry-After for the rest; the socket's comment command draws on the same
// budget, so switching paths gains nothing. Another user is not affected.
func TestWriteBudgetSharedByRESTAndSocket(t *testing.T) {
	// The default budget (30), over a window long enough that a slow
	// machine cannot see it roll over during the burst.
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) {
		c.Throttle.WritesPerUser, c.Throttle.WriteWindow = 0, time.Hour
	}))
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "رسائل كثيرة", "نص"), "id")
	ok := 0
	for i := range 300 {
		res, err := ts.Raw("POST", "/api/v1/cases/"+id+"/comments", k.citizen.Token, map[string]any{"body": "رسالة " + strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		switch res.Status {
		case http.StatusCreated:
			ok++
		case http.StatusTooManyRequests:
			m, _ := res.JSON()
			wantError(t, res.Status, m, 429, jihat.ERATELIMIT, "")
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
			}
		default:
			t.Fatalf("comment %d: %d %s", i, res.Status, res.Body)
		}
	}
	if ok != 30 {
		t.Errorf("%d of 300 comments accepted, want 30", ok)
	}
	ws := ts.DialLive(k.citizen.Token)
	if code := ws.Command("comment", jihat.CaseChannel(id), map[string]any{"body": "عبر المقبس"}); code != jihat.ERATELIMIT {
		t.Errorf("a socket comment after the REST budget is spent: %q, want %s", code, jihat.ERATELIMIT)
	}
	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token, map[string]any{"body": "رد", "visibility": "public"})
}
