package server_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/jihat/jihat"
)

// TestLiveFeedsTwoNodes: comments posted on node B reach, through Redis,
// the case channel and the entity feed on node A, and the feed on node B
// itself: each subscriber gets every event it may read exactly once, in
// the order they were committed (a case's events are published one after
// another on the committer's hook, publish.go), internal notes only on the
// feed of the department's supervisor, never on the citizen's case channel.
func TestLiveFeedsTwoNodes(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	ent := a.api(t, "GET", "/api/v1/me", w.supervisor, nil, http.StatusOK)["user"].(map[string]any)["entity_id"].(string)
	feed := jihat.EntityFeedChannel(ent)
	channel := jihat.CaseChannel(w.caseID)

	supA, supB, citA := dial(t, a, w.supervisor), dial(t, b, w.supervisor), dial(t, a, w.citizen)
	supA.subscribe(t, feed, 0)
	supB.subscribe(t, feed, 0)
	citA.subscribe(t, channel, 0)

	var all, public []string
	for i := range 30 {
		body, vis := fmt.Sprintf("comment %02d", i), "public"
		if i%3 == 1 {
			body, vis = fmt.Sprintf("note %02d", i), "internal"
		} else {
			public = append(public, body)
		}
		all = append(all, body)
		b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": body, "visibility": vis}, http.StatusCreated)
	}
	last := func(f frame) bool { return strings.Contains(string(f.Data), all[len(all)-1]) }
	for who, s := range map[string]*sock{"supervisor on A": supA, "supervisor on B": supB} {
		s.waitFor(t, liveWait, last)
		if got := feedComments(s, feed); strings.Join(got, ",") != strings.Join(all, ",") {
			t.Errorf("%s, %s: %d comments, want %d exactly once in order:\n%v", who, feed, len(got), len(all), got)
		}
	}
	citA.waitFor(t, liveWait, func(f frame) bool { return strings.Contains(string(f.Data), public[len(public)-1]) })
	if got := citA.comments(t, channel); strings.Join(got, ",") != strings.Join(public, ",") {
		t.Errorf("citizen on A, %s: %d comments, want the %d public ones exactly once in order:\n%v", channel, len(got), len(public), got)
	}
}

// feedComments returns the bodies of the comment events on feed, in the
// order they arrived (feed events carry no sequence number).
func feedComments(s *sock, feed string) []string {
	var out []string
	for _, f := range s.snapshot() {
		if f.Type != "event" || f.Channel != feed {
			continue
		}
		if body, ok := commentBody(f.Data); ok {
			out = append(out, body)
		}
	}
	return out
}
