package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// The socket's authorisation matrix, the live twin of TestAuthzMatrix:
// every channel kind × every role × own case / another department's case /
// another entity's case / another citizen's case. For each cell it checks
// the subscribe answer, then that the events the subscription carries
// (replayed and live) are exactly those the same role may read over REST —
// a public reply and an internal note on each case — and nothing else,
// proven with an ordering fence (ping → pong after every event was queued),
// never a sleep.

// liveRole is a column of the socket matrix.
type liveRole string

const (
	lvCitizen       liveRole = "citizen"             // requester of case X (entity A, department D1)
	lvOtherCitizen  liveRole = "other_citizen"       // requester of Y (A, D2) and Z (entity B)
	lvEmployee      liveRole = "employee"            // A/D1, assignee of X
	lvOtherDeptEmp  liveRole = "employee_other_dept" // A/D2, assignee of Y
	lvSupervisor    liveRole = "supervisor"          // A/D1
	lvOtherDeptSup  liveRole = "supervisor_other_dept"
	lvEntityAdmin   liveRole = "entity_admin"       // A
	lvOtherEntAdmin liveRole = "entity_admin_other" // B
	lvOtherEntSup   liveRole = "supervisor_other_entity"
	lvOversight     liveRole = "oversight"
	lvBoardMember   liveRole = "board_member"
	lvPlatformAdmin liveRole = "platform_admin"
)

var liveRoles = []liveRole{lvCitizen, lvOtherCitizen, lvEmployee, lvOtherDeptEmp, lvSupervisor, lvOtherDeptSup,
	lvEntityAdmin, lvOtherEntAdmin, lvOtherEntSup, lvOversight, lvBoardMember, lvPlatformAdmin}

// reads is what a role may read of the three cases over REST: "X" the public
// side of X, "X!" its internal notes too.
var liveReads = map[liveRole][]string{
	lvCitizen:       {"X"},
	lvOtherCitizen:  {"Y", "Z"},
	lvEmployee:      {"X", "X!"},
	lvOtherDeptEmp:  {"Y", "Y!"},
	lvSupervisor:    {"X", "X!"},
	lvOtherDeptSup:  {"Y", "Y!"},
	lvEntityAdmin:   {"X", "X!", "Y", "Y!"},
	lvOtherEntAdmin: {"Z", "Z!"},
	lvOtherEntSup:   {"Z", "Z!"},
	lvOversight:     {"X", "Y", "Z"},
	lvBoardMember:   nil,
	lvPlatformAdmin: {"X", "X!", "Y", "Y!", "Z", "Z!"},
}

// liveFeeds says who may subscribe to the feeds: entity:A:feed, entity:B:feed, feed.
var liveFeeds = map[liveRole][]string{
	lvSupervisor: {"A"}, lvOtherDeptSup: {"A"}, lvEntityAdmin: {"A"},
	lvOtherEntAdmin: {"B"}, lvOtherEntSup: {"B"},
	lvOversight: {"feed"}, lvPlatformAdmin: {"A", "B", "feed"},
}

type liveMatrix struct {
	ts       *testserver.TestServer
	acc      map[liveRole]testserver.Account
	cases    map[string]string // X, Y, Z → case ID
	entities map[string]string // A, B → entity ID
}

func newLiveMatrix(t *testing.T) *liveMatrix {
	t.Helper()
	ts := testserver.Start(t)
	admin := ts.Admin()
	m := &liveMatrix{ts: ts, acc: map[liveRole]testserver.Account{}, cases: map[string]string{}, entities: map[string]string{}}
	a, b := ts.CreateEntity(admin), ts.CreateEntity(admin)
	m.entities["A"], m.entities["B"] = a, b
	d1, d2, db := ts.CreateDepartment(admin, a), ts.CreateDepartment(admin, a), ts.CreateDepartment(admin, b)
	t1, t2, tb := ts.CreateCaseType(admin, a, d1), ts.CreateCaseType(admin, a, d2), ts.CreateCaseType(admin, b, db)
	m.acc[lvCitizen] = ts.RegisterCitizen()
	m.acc[lvOtherCitizen] = ts.RegisterCitizen()
	m.acc[lvEmployee] = ts.CreateEmployee(admin, a, d1, jihat.RoleEmployee)
	m.acc[lvOtherDeptEmp] = ts.CreateEmployee(admin, a, d2, jihat.RoleEmployee)
	m.acc[lvSupervisor] = ts.CreateEmployee(admin, a, d1, jihat.RoleSupervisor)
	m.acc[lvOtherDeptSup] = ts.CreateEmployee(admin, a, d2, jihat.RoleSupervisor)
	m.acc[lvEntityAdmin] = ts.CreateEmployee(admin, a, "", jihat.RoleEntityAdmin)
	m.acc[lvOtherEntAdmin] = ts.CreateEmployee(admin, b, "", jihat.RoleEntityAdmin)
	m.acc[lvOtherEntSup] = ts.CreateEmployee(admin, b, db, jihat.RoleSupervisor)
	m.acc[lvOversight] = ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
	m.acc[lvBoardMember] = ts.CreateUser(&jihat.User{Role: jihat.RoleBoardMember})
	m.acc[lvPlatformAdmin] = testserver.Account{Login: testserver.AdminLogin, Password: testserver.AdminPassword, Token: admin,
		ID: testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/me", admin, nil), "user.id")}
	bEmp := ts.CreateEmployee(admin, b, db, jihat.RoleEmployee)

	open := func(name string, requester liveRole, entity, caseType, assignee string) {
		c := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", m.acc[requester].Token, map[string]any{
			"entity_id": entity, "case_type_id": caseType, "subject": "طلب " + name, "body": "نص الطلب", "priority": "normal"})
		id := testserver.Str(c, "case.id")
		if testserver.Str(c, "case.assignee.id") != assignee {
			ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", admin, map[string]any{"employee_id": assignee})
		}
		m.cases[name] = id
	}
	open("X", lvCitizen, a, t1, m.acc[lvEmployee].ID)
	open("Y", lvOtherCitizen, a, t2, m.acc[lvOtherDeptEmp].ID)
	open("Z", lvOtherCitizen, b, tb, bEmp.ID)
	m.acc["z_employee"] = bEmp
	return m
}

// comment posts a public reply and an internal note on case name as its
// assignee, with bodies PUB-<name> and INT-<name>.
func (m *liveMatrix) comment(t *testing.T, name string, assignee liveRole) {
	t.Helper()
	id := m.cases[name]
	for _, vis := range []string{"public", "internal"} {
		body := map[string]string{"public": "PUB-", "internal": "INT-"}[vis] + name
		m.ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", m.acc[assignee].Token,
			map[string]any{"body": body, "visibility": vis})
	}
}

// caseOf names the case an event frame belongs to ("" when none of X, Y, Z),
// with "!" for an internal event.
func (m *liveMatrix) caseOf(f testserver.LiveFrame) string {
	var e feedEvent
	if json.Unmarshal(f.Data, &e) != nil {
		return ""
	}
	for name, id := range m.cases {
		if e.CaseID == id {
			if e.Visibility == string(jihat.VisibilityInternal) {
				return name + "!"
			}
			return name
		}
	}
	return ""
}

func TestLiveAuthzMatrix(t *testing.T) {
	m := newLiveMatrix(t)
	type sub struct {
		role    liveRole
		channel string
		allowed []string // what the channel may carry for this role ("X", "X!")
		must    []string // bodies it must carry (the positive half)
	}
	conns := map[liveRole]*testserver.LiveConn{}
	var subs []sub
	otherUser := map[liveRole]liveRole{lvCitizen: lvOtherCitizen}
	for _, r := range liveRoles {
		conn := m.ts.DialLive(m.acc[r].Token)
		conns[r] = conn
		reads := liveReads[r]
		try := func(channel, want string, allowed, must []string) {
			t.Helper()
			since := int64(0)
			if !strings.HasPrefix(channel, "case:") {
				since = -1 // feeds: the latest events first, replayed from the database
			}
			if got := conn.Subscribe(channel, since); got != want {
				t.Errorf("%-24s subscribe %-52s: %q, want %q", r, channel, got, want)
				return
			}
			if want == "" {
				subs = append(subs, sub{r, channel, allowed, must})
			}
		}
		for _, name := range []string{"X", "Y", "Z"} {
			id := m.cases[name]
			// The REST read of the same thing must agree with the table.
			status, _ := m.ts.Do("GET", "/api/v1/cases/"+id, m.acc[r].Token, nil)
			if want := map[bool]int{true: 200, false: 404}[slices.Contains(reads, name)]; status != want {
				t.Errorf("%s GET case %s: %d, want %d", r, name, status, want)
			}
			switch {
			case slices.Contains(reads, name+"!"):
				try(jihat.CaseChannel(id), "", []string{name}, []string{"PUB-" + name})
				try(jihat.CaseStaffChannel(id), "", []string{name + "!"}, []string{"INT-" + name})
			case slices.Contains(reads, name):
				try(jihat.CaseChannel(id), "", []string{name}, []string{"PUB-" + name})
				try(jihat.CaseStaffChannel(id), jihat.EFORBIDDEN, nil, nil)
			default:
				try(jihat.CaseChannel(id), jihat.ENOTFOUND, nil, nil)
				try(jihat.CaseStaffChannel(id), jihat.ENOTFOUND, nil, nil)
			}
		}
		for _, e := range []string{"A", "B", "feed"} {
			channel := jihat.FeedChannel
			if e != "feed" {
				channel = jihat.EntityFeedChannel(m.entities[e])
			}
			if !slices.Contains(liveFeeds[r], e) {
				try(channel, jihat.EFORBIDDEN, nil, nil)
				continue
			}
			var allowed, must []string
			for _, x := range reads {
				in := map[string]string{"X": "A", "Y": "A", "Z": "B"}[x[:1]] == e
				if e == "feed" {
					in = len(x) == 1 // the oversight feed: public events of every entity
				}
				if in {
					allowed = append(allowed, x)
					must = append(must, map[bool]string{true: "INT-", false: "PUB-"}[len(x) == 2]+x[:1])
				}
			}
			try(channel, "", allowed, must)
		}
		try(jihat.UserChannel(m.acc[r].ID), "", nil, nil)
		other := otherUser[r]
		if other == "" {
			other = lvCitizen
		}
		try(jihat.UserChannel(m.acc[other].ID), jihat.EFORBIDDEN, nil, nil)
		if code := conn.Subscribe(jihat.MeetingChannel(uuid.NewString()), 0); code == "" {
			t.Errorf("%s subscribed to a meeting that does not exist", r)
		}
	}

	m.comment(t, "X", lvEmployee)
	m.comment(t, "Y", lvOtherDeptEmp)
	m.comment(t, "Z", "z_employee")

	for _, r := range liveRoles {
		conns[r].Fence()
	}
	for _, s := range subs {
		frames := conns[s.role].Frames()
		got := map[string]bool{}
		for _, f := range frames {
			if f.Channel != s.channel || f.Type != "event" {
				continue
			}
			if s.allowed == nil && (f.Channel == jihat.UserChannel(m.acc[s.role].ID)) {
				continue // personal notifications: their own
			}
			c := m.caseOf(f)
			if !slices.Contains(s.allowed, c) {
				t.Errorf("%-24s on %s received an event of %q, may read only %v: %s", s.role, s.channel, c, s.allowed, f.Data)
			}
			var e feedEvent
			json.Unmarshal(f.Data, &e)
			got[e.Data.Body] = true
		}
		for _, body := range s.must {
			if !got[body] {
				t.Errorf("%-24s on %s: missing %s", s.role, s.channel, body)
			}
		}
	}
	t.Logf("%d roles, %d subscriptions checked", len(liveRoles), len(subs))
}

// TestLiveEntityFeedDepartmentScope is the attacker's case: a supervisor of
// department B of an entity subscribed to the entity's feed does not receive
// an internal note (nor any event) of a department-A case, live or replayed,
// while REST answers 404 for that case.
func TestLiveEntityFeedDepartmentScope(t *testing.T) {
	m := newLiveMatrix(t)
	feed := jihat.EntityFeedChannel(m.entities["A"])
	sup := m.ts.DialLive(m.acc[lvOtherDeptSup].Token)
	if code := sup.Subscribe(feed, 0); code != "" {
		t.Fatalf("subscribe %s: %s", feed, code)
	}
	m.comment(t, "X", lvEmployee)
	m.comment(t, "Y", lvOtherDeptEmp)
	sup.WaitFrame(hasEvent(feed, m.cases["Y"], string(jihat.CaseEventComment), "INT-Y"))
	sup.Fence()
	noFrameContains(t, "the other department's supervisor", sup, m.cases["X"])
	// The socket's last answer was yes (Y's audience): X's events, which
	// come next, are judged on their own audience (liveBackend.CanRead).
	for _, c := range []struct{ name, body string }{{"X", "INT-X2"}, {"Y", "INT-Y2"}} {
		who := map[string]liveRole{"X": lvEmployee, "Y": lvOtherDeptEmp}[c.name]
		m.ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+m.cases[c.name]+"/comments", m.acc[who].Token,
			map[string]any{"body": c.body, "visibility": "internal"})
	}
	sup.WaitFrame(hasEvent(feed, m.cases["Y"], string(jihat.CaseEventComment), "INT-Y2"))
	sup.Fence()
	noFrameContains(t, "the other department's supervisor, after a yes", sup, m.cases["X"])
	m.ts.Must(http.StatusNotFound, "GET", "/api/v1/cases/"+m.cases["X"], m.acc[lvOtherDeptSup].Token, nil)
	// A new subscription's replayed tail is scoped the same way.
	again := m.ts.DialLive(m.acc[lvOtherDeptSup].Token)
	if code := again.Subscribe(feed, -1); code != "" { // no since: the feed's latest events first
		t.Fatalf("subscribe again: %s", code)
	}
	again.WaitFrame(hasEvent(feed, m.cases["Y"], string(jihat.CaseEventComment), "INT-Y"))
	again.Fence()
	noFrameContains(t, "the replayed feed", again, m.cases["X"])
}

// TestLiveFeedScopeAcrossNodes: the audience travels with the event over
// Redis. A supervisor of another department on node B, subscribed to the
// entity feed, does not get the internal note an employee writes on node A,
// while the case's own supervisor on node B does. The same bus message
// reaches both sockets of node B in one fan-out, so once the supervisor has
// it, a ping on the other socket fences its queue.
func TestLiveFeedScopeAcrossNodes(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	entity := a.api(t, "GET", "/api/v1/cases/"+w.caseID, w.citizen, nil, http.StatusOK)["case"].(map[string]any)["entity_id"].(string)
	dep2 := a.api(t, "POST", "/api/v1/entities/"+entity+"/departments", w.admin, map[string]any{"name_ar": "قسم آخر", "name_en": "Other"}, 201)["id"].(string)
	a.api(t, "POST", "/api/v1/entities/"+entity+"/employees", w.admin, map[string]any{"name": "Other supervisor", "email": "sup2@cluster.test",
		"department_id": dep2, "role": "supervisor", "password": "employee passphrase"}, 201)
	other := a.api(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": "sup2@cluster.test", "password": "employee passphrase"}, 200)["token"].(string)
	feed := jihat.EntityFeedChannel(entity)
	own, stranger := dial(t, b, w.supervisor), dial(t, b, other)
	own.subscribe(t, feed, 0)
	stranger.subscribe(t, feed, 0)
	a.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.supervisor, map[string]any{"body": "INT-NODE-A", "visibility": "internal"}, 201)
	own.waitFor(t, liveWait, func(f frame) bool { return f.Channel == feed && strings.Contains(string(f.Data), "INT-NODE-A") })
	stranger.send(t, map[string]any{"type": "ping", "id": "fence"})
	stranger.waitFor(t, liveWait, func(f frame) bool { return f.Type == "pong" && f.ID == "fence" })
	for _, f := range stranger.snapshot() {
		if f.Channel == feed && f.Type == "event" {
			t.Fatalf("the other department's supervisor on node B received %s", f.Data)
		}
	}
}
