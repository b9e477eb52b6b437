package server_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/server"
)

// TestLiveUserReadOnConnect: a socket's subscriptions take the user as read
// at authentication (Config.LiveUserFresh, here an hour so that every
// decision below would come from it), yet a permission revoked on another
// node is enforced at once: the re-check reads the user afresh and drops
// the staff channel, and subscribing to it again is refused.
func TestLiveUserReadOnConnect(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t), func(_ int, c *server.Config) { c.LiveUserFresh = time.Hour })
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	staff := jihat.CaseStaffChannel(w.caseID)
	s := dial(t, a, w.supervisor)
	s.subscribe(t, staff, 0) // decided on the user read at authentication
	me := b.api(t, "GET", "/api/v1/me", w.supervisor, nil, 200)
	supID := me["user"].(map[string]any)["id"].(string)
	ent := me["user"].(map[string]any)["entity_id"].(string)
	b.api(t, "PUT", "/api/v1/entities/"+ent+"/employees/"+supID+"/permissions", w.admin,
		map[string]any{"revoke": []string{"case.view_internal"}}, 200)
	s.waitFor(t, 5*time.Second, func(f frame) bool { return f.Type == "unsubscribed" && f.Channel == staff })
	id := fmt.Sprintf("again-%d", time.Now().UnixNano())
	s.send(t, map[string]any{"type": "subscribe", "id": id, "channel": staff, "since": 0})
	f := s.waitFor(t, 5*time.Second, func(f frame) bool { return f.ID == id })
	if f.Type != "error" || !strings.Contains(string(f.Data), string(jihat.EFORBIDDEN)) {
		t.Fatalf("subscribing again after the revocation: %s %s, want a %s error", f.Type, f.Data, jihat.EFORBIDDEN)
	}
	// The public channel is still allowed, from the fresh read.
	s.subscribe(t, jihat.CaseChannel(w.caseID), 0)
}
