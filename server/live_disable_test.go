package server_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/internal/testserver"
)

// me returns the caller's user object as seen by node n.
func (n *node) me(t *testing.T, token string) map[string]any {
	t.Helper()
	return n.api(t, "GET", "/api/v1/me", token, nil, 200)["user"].(map[string]any)
}

// loginStatus tries a login on n in English and returns the status and the
// error message, if any.
func (n *node) loginStatus(t *testing.T, login, password string) (int, string) {
	t.Helper()
	b, _ := json.Marshal(map[string]string{"login": login, "password": password})
	req, _ := http.NewRequest("POST", n.http.URL+"/api/v1/auth/login", strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct {
		Error struct {
			Message string `json:"message"`
		} `json:"error"`
	}
	json.NewDecoder(res.Body).Decode(&out)
	return res.StatusCode, out.Error.Message
}

// waitRevoked waits up to 5 s for s to be closed with the revoked code.
func (s *sock) waitRevoked(t *testing.T, what string) {
	t.Helper()
	select {
	case err := <-s.closed:
		if code := websocket.CloseStatus(err); code != hub.CloseRevoked {
			t.Errorf("%s: close code %d, want %d (%v)", what, code, hub.CloseRevoked, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("%s: socket still open 5 s later", what)
	}
}

// noFrameWith fails when s received a frame whose data contains marker.
func (s *sock) noFrameWith(t *testing.T, marker string) {
	t.Helper()
	for _, f := range s.snapshot() {
		if strings.Contains(string(f.Data), marker) {
			t.Fatalf("frame delivered after the socket was revoked: %+v", f)
		}
	}
}

// TestLiveDisableClosesSockets: disabling an employee on node B closes their
// sockets on node A within 5 s; nothing reaches them after; their token and
// their login are refused; automatic assignment passes them over; enabling
// lets them log in again.
func TestLiveDisableClosesSockets(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	channel := jihat.CaseChannel(w.caseID)
	emp := b.me(t, w.employee)
	empID, ent := emp["id"].(string), emp["entity_id"].(string)

	onA, second := dial(t, a, w.employee), dial(t, b, w.employee)
	onA.subscribe(t, channel, 0)
	second.subscribe(t, channel, 0)
	cit := dial(t, a, w.citizen)
	cit.subscribe(t, channel, 0)

	out := b.api(t, "POST", "/api/v1/entities/"+ent+"/employees/"+empID+"/disable", w.admin, nil, 200)
	if u := out["user"].(map[string]any); u["id"] != empID || u["active"] != false {
		t.Fatalf("disable answered %v", u)
	}
	onA.waitRevoked(t, "socket on the other node")
	second.waitRevoked(t, "socket on the same node")

	b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.supervisor, map[string]any{"body": "AFTER-DISABLE", "visibility": "public"}, 201)
	cit.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "AFTER-DISABLE") })
	onA.noFrameWith(t, "AFTER-DISABLE")
	second.noFrameWith(t, "AFTER-DISABLE")

	// The old session is over, and a new login is refused.
	a.api(t, "GET", "/api/v1/me", w.employee, nil, 401)
	if st, msg := a.loginStatus(t, "emp@cluster.test", "employee passphrase"); st != 401 || msg != "The account is disabled" {
		t.Fatalf("login of a disabled employee: %d %q", st, msg)
	}
	// A socket with the old token gets nothing and is closed.
	again := dial(t, a, w.employee)
	again.send(t, map[string]any{"type": "subscribe", "id": "x", "channel": channel, "since": 0})
	select {
	case <-again.closed:
	case <-time.After(7 * time.Second):
		t.Fatal("a socket with a disabled employee's token was not closed")
	}
	for _, f := range again.snapshot() {
		if f.Type == "event" || f.Type == "ack" {
			t.Fatalf("a disabled employee's token received %+v", f)
		}
	}

	// Automatic assignment passes the disabled employee over.
	types := a.api(t, "GET", "/api/v1/entities/"+ent+"/case-types", "", nil, 200)
	typ := testserver.Str(types, "case_types.0.id")
	for i := 0; i < 3; i++ {
		c := a.api(t, "POST", "/api/v1/cases", w.citizen, map[string]any{"entity_id": ent, "case_type_id": typ,
			"subject": "طلب بعد التعطيل", "body": "نص الطلب", "priority": "normal"}, 201)["case"].(map[string]any)
		if as, _ := c["assignee"].(map[string]any); as != nil && as["id"] == empID {
			t.Fatalf("a new case was assigned to a disabled employee: %v", c)
		}
	}

	// Enabled again, they may log in.
	out = a.api(t, "POST", "/api/v1/entities/"+ent+"/employees/"+empID+"/enable", w.admin, nil, 200)
	if u := out["user"].(map[string]any); u["active"] != true {
		t.Fatalf("enable answered %v", u)
	}
	if st, msg := b.loginStatus(t, "emp@cluster.test", "employee passphrase"); st != 200 {
		t.Fatalf("login after enable: %d %q", st, msg)
	}
}

// TestLivePasswordChangeClosesOtherSockets: changing one's password closes
// the sockets of one's other sessions on every node, and keeps those of the
// session that changed it.
func TestLivePasswordChangeClosesOtherSockets(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	channel := jihat.CaseChannel(w.caseID)
	const pw = "employee passphrase"
	kept := b.api(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": "emp@cluster.test", "password": pw}, 200)["token"].(string)

	other, mine := dial(t, a, w.employee), dial(t, a, kept)
	other.subscribe(t, channel, 0)
	mine.subscribe(t, channel, 0)
	b.api(t, "POST", "/api/v1/me/password", kept, map[string]any{"current_password": pw, "new_password": "a brand new passphrase"}, 204)
	other.waitRevoked(t, "socket of the other session")

	b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.supervisor, map[string]any{"body": "AFTER-PASSWORD", "visibility": "public"}, 201)
	mine.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "AFTER-PASSWORD") })
	other.noFrameWith(t, "AFTER-PASSWORD")
	select {
	case err := <-mine.closed:
		t.Fatalf("the session that changed the password lost its socket: %v", err)
	default:
	}
	a.api(t, "GET", "/api/v1/me", w.employee, nil, 401)
	a.api(t, "GET", "/api/v1/me", kept, nil, 200)
}

// TestEmployeeDisableRules: nobody disables themself; an employee of
// another entity does not exist here; an administrator may not disable
// someone holding a permission they lack; each change is audited.
func TestEmployeeDisableRules(t *testing.T) {
	ts := testserver.Start(t)
	admin := ts.Admin()
	ent, other := ts.CreateEntity(admin), ts.CreateEntity(admin)
	dep, otherDep := ts.CreateDepartment(admin, ent), ts.CreateDepartment(admin, other)
	entAdmin := ts.CreateEmployee(admin, ent, "", jihat.RoleEntityAdmin)
	manager := ts.CreateEmployee(admin, ent, dep, jihat.RoleSupervisor, string(jihat.PermEmployeesManage))
	emp := ts.CreateEmployee(admin, ent, dep, jihat.RoleEmployee)
	stranger := ts.CreateEmployee(admin, other, otherDep, jihat.RoleEmployee)
	path := func(entity, user, op string) string {
		return "/api/v1/entities/" + entity + "/employees/" + user + "/" + op
	}

	ts.Must(http.StatusForbidden, "POST", path(ent, entAdmin.ID, "disable"), entAdmin.Token, nil)
	ts.Must(http.StatusNotFound, "POST", path(ent, stranger.ID, "disable"), entAdmin.Token, nil)
	ts.Must(http.StatusForbidden, "POST", path(ent, entAdmin.ID, "disable"), manager.Token, nil) // holds entity.manage
	ts.Must(http.StatusForbidden, "POST", path(other, stranger.ID, "disable"), entAdmin.Token, nil)
	ts.Must(http.StatusOK, "POST", path(ent, emp.ID, "disable"), manager.Token, nil)
	ts.Must(http.StatusOK, "POST", path(ent, emp.ID, "enable"), entAdmin.Token, nil)

	m := ts.Must(http.StatusOK, "GET", "/api/v1/audit?limit=20", admin, nil)
	var got []string
	for _, e := range testserver.Objects(m, "entries") {
		if act, _ := e["action"].(string); e["target"] == "user:"+emp.ID && strings.HasPrefix(act, "employee.") && act != "employee.create" {
			got = append(got, act)
		}
	}
	if strings.Join(got, ",") != "employee.enable,employee.disable" {
		t.Errorf("audit of the target: %v, want enable then disable (newest first)", got)
	}
}
