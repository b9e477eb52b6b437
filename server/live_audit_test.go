package server_test

import (
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestCommentAuditSameOnBothPaths: a comment sent over /ws is audited with
// the client address and user agent of its socket, as one sent over REST is
// with those of its request.
func TestCommentAuditSameOnBothPaths(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")

	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
		map[string]any{"body": "عبر REST", "visibility": "public"}, "User-Agent", "audit-rest/1")
	ws := ts.DialLive(k.employee.Token, "User-Agent", "audit-ws/1")
	if code := ws.Command("comment", jihat.CaseChannel(id), map[string]any{"body": "عبر المقبس", "visibility": "public"}); code != "" {
		t.Fatalf("comment over /ws: %s", code)
	}

	m := ts.Must(http.StatusOK, "GET", "/api/v1/audit?limit=100", ts.Admin(), nil)
	agents := map[string]bool{}
	for _, e := range m["entries"].([]any) {
		e := e.(map[string]any)
		if e["action"] != "case.comment" || testserver.Str(e, "actor_id") != k.employee.ID {
			continue
		}
		if testserver.Str(e, "ip") == "" {
			t.Errorf("comment audited without the client address: %v", e)
		}
		agents[testserver.Str(e, "user_agent")] = true
	}
	if !agents["audit-rest/1"] || !agents["audit-ws/1"] || len(agents) != 2 {
		t.Errorf("user agents of the audited comments %v; want audit-rest/1 and audit-ws/1", agents)
	}
}
