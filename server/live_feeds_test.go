package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// Tests of the ephemeral and audience channels of /ws through the real
// server: presence and typing on a case across two nodes, the activity
// feeds, and the personal user:<id> channel.

// liveWait bounds every wait for a frame: the machine may be busy with
// other tests; frames normally arrive within milliseconds.
const liveWait = 10 * time.Second

// presenceData is the data of a "presence" frame ({action, user_id}), of a
// "typing" frame ({user_id, state}) and of a "snapshot" ({presence: [ids]}).
type presenceData struct {
	Action   string   `json:"action"`
	UserID   string   `json:"user_id"`
	State    string   `json:"state"`
	Presence []string `json:"presence"`
}

func presenceOf(data json.RawMessage) presenceData {
	var d presenceData
	json.Unmarshal(data, &d)
	return d
}

// userID returns the ID of the account token logs in as.
func (n *node) userID(t *testing.T, token string) string {
	t.Helper()
	return n.api(t, "GET", "/api/v1/me", token, nil, http.StatusOK)["user"].(map[string]any)["id"].(string)
}

// TestLivePresenceAndTyping: a citizen on node A and the employee assigned
// to the case on node B see each other present on case:<id> (snapshot on
// subscribe, then join), the employee's typing reaches the citizen on the
// other node (and not the employee's own socket), and when the employee
// closes the socket the citizen is told at once that they left.
//
// A graceful close (or any socket end the node sees) leaves at once; only a
// node that dies without closing its sockets leaves its users present until
// the presence TTL (hub.DefaultPresenceTTL, 30 s) expires and a heartbeat
// sweeps them, which this test does not wait for.
func TestLivePresenceAndTyping(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	channel := jihat.CaseChannel(w.caseID)
	citID, empID := a.userID(t, w.citizen), a.userID(t, w.employee)
	c := a.api(t, "GET", "/api/v1/cases/"+w.caseID, w.citizen, nil, http.StatusOK)["case"].(map[string]any)
	if as, _ := c["assignee"].(map[string]any); as == nil || as["id"] != empID {
		t.Fatalf("case assignee %v, want the employee %s", c["assignee"], empID)
	}

	cit := dial(t, a, w.citizen)
	cit.subscribe(t, channel, 0)
	// The snapshot is sent once the membership is recorded in Redis.
	snap := cit.waitFor(t, liveWait, func(f frame) bool { return f.Type == "snapshot" && f.Channel == channel })
	if got := presenceOf(snap.Data).Presence; !slices.Contains(got, citID) || slices.Contains(got, empID) {
		t.Fatalf("citizen's snapshot %v: want the citizen %s and not yet the employee", got, citID)
	}

	emp := dial(t, b, w.employee)
	emp.subscribe(t, channel, 0)
	snap = emp.waitFor(t, liveWait, func(f frame) bool { return f.Type == "snapshot" && f.Channel == channel })
	if got := presenceOf(snap.Data).Presence; !slices.Contains(got, citID) || !slices.Contains(got, empID) {
		t.Fatalf("employee's snapshot on node B %v: want the citizen %s (node A) and the employee %s", got, citID, empID)
	}
	cit.waitFor(t, liveWait, func(f frame) bool {
		d := presenceOf(f.Data)
		return f.Type == "presence" && f.Channel == channel && d.Action == "join" && d.UserID == empID
	})

	// Typing, from B to A, then from A to B.
	emp.send(t, map[string]any{"type": "typing", "channel": channel})
	cit.waitFor(t, liveWait, func(f frame) bool {
		d := presenceOf(f.Data)
		return f.Type == "typing" && f.Channel == channel && d.UserID == empID && d.State == "start"
	})
	cit.send(t, map[string]any{"type": "typing", "channel": channel, "data": map[string]string{"state": "start"}})
	emp.waitFor(t, liveWait, func(f frame) bool {
		return f.Type == "typing" && f.Channel == channel && presenceOf(f.Data).UserID == citID
	})
	// The employee's own typing was published on the bus before the
	// citizen's, so an echo to its sender would have come first.
	for _, f := range emp.snapshot() {
		if f.Type == "typing" && presenceOf(f.Data).UserID == empID {
			t.Fatalf("the employee received their own typing: %+v", f)
		}
	}
	for _, f := range cit.snapshot() {
		if f.Type == "typing" && presenceOf(f.Data).UserID == citID {
			t.Fatalf("the citizen received their own typing: %+v", f)
		}
	}

	// The employee closes the socket on node B: the citizen on A is told.
	if err := emp.ws.Close(websocket.StatusNormalClosure, "bye"); err != nil {
		t.Logf("close: %v", err)
	}
	cit.waitFor(t, liveWait, func(f frame) bool {
		d := presenceOf(f.Data)
		return f.Type == "presence" && f.Channel == channel && d.Action == "leave" && d.UserID == empID
	})
	// A new subscriber's snapshot no longer lists the employee.
	again := dial(t, b, w.citizen)
	again.subscribe(t, channel, 0)
	snap = again.waitFor(t, liveWait, func(f frame) bool { return f.Type == "snapshot" && f.Channel == channel })
	if got := presenceOf(snap.Data).Presence; slices.Contains(got, empID) || !slices.Contains(got, citID) {
		t.Fatalf("snapshot after the employee left: %v", got)
	}
	for _, f := range cit.snapshot() {
		if f.Type == "presence" && presenceOf(f.Data).UserID == citID && presenceOf(f.Data).Action == "leave" {
			t.Fatalf("the citizen, still connected, was announced as leaving: %+v", f)
		}
	}
}

// feedEvent is the data of an event frame on a feed or case channel.
type feedEvent struct {
	CaseID     string `json:"case_id"`
	Type       string `json:"type"`
	Visibility string `json:"visibility"`
	Data       struct {
		Body string `json:"body"`
	} `json:"data"`
}

// hasEvent matches an event frame on channel whose comment body is body (or,
// with body "", whose type is typ) of case caseID.
func hasEvent(channel, caseID, typ, body string) func(testserver.LiveFrame) bool {
	return func(f testserver.LiveFrame) bool {
		if f.Type != "event" || f.Channel != channel {
			return false
		}
		var e feedEvent
		json.Unmarshal(f.Data, &e)
		return e.CaseID == caseID && e.Type == typ && (body == "" || e.Data.Body == body)
	}
}

// noFrameContains fails when a frame of c contains s.
func noFrameContains(t *testing.T, who string, c *testserver.LiveConn, s string) {
	t.Helper()
	for _, f := range c.Frames() {
		if strings.Contains(string(f.Data), s) {
			t.Fatalf("%s received %q: %+v", who, s, f)
		}
	}
}

// TestLiveFeeds: the entity's admin sees every event of the entity's
// cases live on entity:<id>:feed, internal notes included; oversight sees
// the public events of every entity on feed, never internal notes (as
// publish.go and Authorize document); a supervisor of another entity and a
// citizen are refused those channels; the citizen never sees the note.
func TestLiveFeeds(t *testing.T) {
	ts := testserver.Start(t)
	cs := ts.NewCaseSetup("")
	emp := ts.Staff(cs, jihat.RoleEmployee, 0)
	// The entity admin's scope is the whole entity (a supervisor of another
	// department sees nothing of this case: TestLiveAuthzMatrix), and they
	// sit in no department, so the case goes to the employee.
	supEmail := ts.Email("entity_admin")
	ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+cs.Entity+"/employees", ts.Admin(), map[string]any{
		"name": "مدير الجهة", "email": supEmail, "role": jihat.RoleEntityAdmin, "password": testserver.Password})
	sup := ts.Login(supEmail, testserver.Password)
	otherSup := ts.Staff(ts.NewCaseSetup(""), jihat.RoleSupervisor, 0)
	oversight := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
	citizen := ts.RegisterCitizen()
	entityFeed := jihat.EntityFeedChannel(cs.Entity)

	supWS := ts.DialLive(sup)
	if code := supWS.Subscribe(entityFeed, 0); code != "" {
		t.Fatalf("supervisor subscribing to %s: %s", entityFeed, code)
	}
	ovWS := ts.DialLive(oversight.Token)
	if code := ovWS.Subscribe(jihat.FeedChannel, 0); code != "" {
		t.Fatalf("oversight subscribing to feed: %s", code)
	}
	otherWS := ts.DialLive(otherSup.Token)
	if code := otherWS.Subscribe(entityFeed, 0); code != jihat.EFORBIDDEN {
		t.Errorf("supervisor of another entity subscribing to %s: %q, want %s", entityFeed, code, jihat.EFORBIDDEN)
	}
	if code := otherWS.Subscribe(jihat.FeedChannel, 0); code != jihat.EFORBIDDEN {
		t.Errorf("supervisor subscribing to feed: %q, want %s", code, jihat.EFORBIDDEN)
	}
	citWS := ts.DialLive(citizen.Token)
	for _, ch := range []string{jihat.FeedChannel, entityFeed} {
		if code := citWS.Subscribe(ch, 0); code != jihat.EFORBIDDEN {
			t.Errorf("citizen subscribing to %s: %q, want %s", ch, code, jihat.EFORBIDDEN)
		}
	}

	caseID := testserver.Str(ts.OpenCase(citizen.Token, cs, "حفرة في الشارع", "أمام المدرسة"), "id")
	c := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+caseID, citizen.Token, nil)
	if got := testserver.Str(c, "case.assignee.id"); got != emp.ID {
		t.Fatalf("case assigned to %q, want the employee %s", got, emp.ID)
	}
	if code := citWS.Subscribe(jihat.CaseChannel(caseID), 0); code != "" {
		t.Fatalf("citizen subscribing to the case: %s", code)
	}
	for ch, ws := range map[string]*testserver.LiveConn{entityFeed: supWS, jihat.FeedChannel: ovWS} {
		ws.WaitFrame(hasEvent(ch, caseID, string(jihat.CaseEventCreated), ""))
		ws.WaitFrame(hasEvent(ch, caseID, string(jihat.CaseEventAssigned), ""))
	}

	comment := func(body, vis string) {
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+caseID+"/comments", emp.Token, map[string]any{"body": body, "visibility": vis})
	}
	comment("PUBLIC-REPLY", "public")
	comment("INTERNAL-NOTE", "internal")
	comment("PUBLIC-AFTER", "public")
	kind := string(jihat.CaseEventComment)
	for _, body := range []string{"PUBLIC-REPLY", "INTERNAL-NOTE", "PUBLIC-AFTER"} {
		supWS.WaitFrame(hasEvent(entityFeed, caseID, kind, body))
	}
	ovWS.WaitFrame(hasEvent(jihat.FeedChannel, caseID, kind, "PUBLIC-REPLY"))
	ovWS.WaitFrame(hasEvent(jihat.FeedChannel, caseID, kind, "PUBLIC-AFTER"))
	citWS.WaitFrame(hasEvent(jihat.CaseChannel(caseID), caseID, kind, "PUBLIC-AFTER"))
	// One node, one in-memory bus: events arrive in the order they were
	// committed, so the note would have come before PUBLIC-AFTER.
	noFrameContains(t, "oversight's feed", ovWS, "INTERNAL-NOTE")
	noFrameContains(t, "the citizen", citWS, "INTERNAL-NOTE")
	for who, ws := range map[string]*testserver.LiveConn{"the other entity's supervisor": otherWS, "the citizen": citWS} {
		for _, f := range ws.Frames() {
			if f.Type == "event" && (f.Channel == entityFeed || f.Channel == jihat.FeedChannel) {
				t.Fatalf("%s received a feed event after being refused: %+v", who, f)
			}
		}
	}
}

// TestLiveUserChannel: an employee subscribed to user:<own id> receives the
// in-app notification of a new assignment live once the notifier delivers
// it; another user's personal channel is refused.
func TestLiveUserChannel(t *testing.T) {
	ts := testserver.Start(t)
	cs := ts.NewCaseSetup("")
	emp := ts.Staff(cs, jihat.RoleEmployee, 0)
	colleague := ts.Staff(ts.NewCaseSetup(""), jihat.RoleEmployee, 0)
	citizen := ts.RegisterCitizen()
	mine := jihat.UserChannel(emp.ID)

	ws := ts.DialLive(emp.Token)
	if code := ws.Subscribe(mine, 0); code != "" {
		t.Fatalf("employee subscribing to %s: %s", mine, code)
	}
	for _, other := range []string{colleague.ID, citizen.ID} {
		if code := ws.Subscribe(jihat.UserChannel(other), 0); code != jihat.EFORBIDDEN {
			t.Errorf("employee subscribing to user:%s: %q, want %s", other, code, jihat.EFORBIDDEN)
		}
	}
	citWS := ts.DialLive(citizen.Token)
	if code := citWS.Subscribe(mine, 0); code != jihat.EFORBIDDEN {
		t.Errorf("citizen subscribing to the employee's %s: %q, want %s", mine, code, jihat.EFORBIDDEN)
	}

	caseID := testserver.Str(ts.OpenCase(citizen.Token, cs, "انقطاع المياه", "منذ يومين"), "id")
	if got := testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+caseID, citizen.Token, nil), "case.assignee.id"); got != emp.ID {
		t.Fatalf("case assigned to %q, want %s", got, emp.ID)
	}
	flush(t, ts.Server) // the notifications worker is not running in tests
	f := ws.WaitFrame(func(f testserver.LiveFrame) bool { return f.Type == "event" && f.Channel == mine })
	var n struct {
		ID     string `json:"id"`
		Kind   string `json:"kind"`
		Title  string `json:"title"`
		CaseID string `json:"case_id"`
	}
	if err := json.Unmarshal(f.Data, &n); err != nil {
		t.Fatal(err)
	}
	if n.Kind != "case.assigned" || n.CaseID != caseID || n.ID == "" || n.Title == "" {
		t.Errorf("notification on %s: %s, want kind case.assigned for case %s", mine, f.Data, caseID)
	}
	// The same notification is in the employee's list.
	list := ts.Must(http.StatusOK, "GET", "/api/v1/notifications", emp.Token, nil)
	found := false
	for _, m := range testserver.Objects(list, "notifications") {
		found = found || m["id"] == n.ID
	}
	if !found {
		t.Errorf("notification %s not in GET /api/v1/notifications: %v", n.ID, list)
	}
	// The citizen's notifications (case.created, case.assigned_requester)
	// are on the citizen's channel, not the employee's.
	for _, f := range ws.Frames() {
		if f.Type == "event" && f.Channel == mine && !strings.Contains(string(f.Data), `"kind":"case.assigned"`) {
			t.Errorf("unexpected event on %s: %s", mine, f.Data)
		}
	}
	for _, f := range citWS.Frames() {
		if f.Type == "event" && f.Channel == mine {
			t.Fatalf("the citizen received an event of %s: %s", mine, f.Data)
		}
	}
}
