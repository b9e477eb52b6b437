package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// node is one server of a cluster that shares a PostgreSQL schema and Redis.
type node struct {
	srv  *server.Server
	http *httptest.Server
}

// startCluster starts n servers on one PostgreSQL schema and one Redis, as
// several nodes behind a load balancer would run.
func startCluster(t *testing.T, n int, redisURL string, configure ...func(i int, c *server.Config)) []*node {
	t.Helper()
	dsn := testenv.Postgres(t)
	key := make([]byte, store.KeySize)
	rand.Read(key)
	prefix := fmt.Sprintf("jt%d:", time.Now().UnixNano())
	files, err := media.NewLocal(media.Config{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	var nodes []*node
	for i := 0; i < n; i++ {
		st, err := store.Open(context.Background(), store.Config{DatabaseURL: dsn, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		if _, err := st.Migrate(context.Background()); err != nil {
			t.Fatal(err)
		}
		rdb := testenv.NewRedisClient(t, redisURL)
		presence, err := hub.NewRedisPresence(hub.RedisPresenceConfig{Client: rdb, Prefix: prefix})
		if err != nil {
			t.Fatal(err)
		}
		cfg := server.Config{
			Store: st, Media: files, Argon2: testserver.CheapArgon2, Presence: presence,
			LoginPerIP: 1 << 20, LoginPerAccount: 1 << 20, PositionInterval: 300 * time.Millisecond,
			Throttle: server.ThrottleConfig{WritesPerUser: 1 << 20},
			NewBus: func(h hub.BusHandler) (hub.Bus, error) {
				return hub.NewRedisBus(hub.RedisBusConfig{Client: rdb, Prefix: prefix, Handler: h})
			},
			Ready: []server.Check{{Name: "redis", Fn: func(ctx context.Context) error { return rdb.Ping(ctx).Err() }}},
		}
		for _, fn := range configure {
			fn(i, &cfg)
		}
		srv, err := server.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			if _, err := srv.Bootstrap(context.Background(), server.BootstrapConfig{AdminLogin: "admin@cluster.test", AdminPassword: clusterAdminPassword}); err != nil {
				t.Fatal(err)
			}
		}
		hs := httptest.NewServer(srv.Handler())
		t.Cleanup(func() {
			hs.CloseClientConnections()
			hs.Close()
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			srv.Close(ctx)
		})
		nodes = append(nodes, &node{srv: srv, http: hs})
	}
	return nodes
}

const clusterAdminPassword = "cluster admin passphrase"

// api calls the JSON API of a node and decodes the answer.
func (n *node) api(t *testing.T, method, path, token string, body any, want int) map[string]any {
	t.Helper()
	return childAPI(t, n.http.URL)(method, path, token, body, want)
}

// world is an entity with one employee and one citizen who opened a case.
type world struct {
	admin, employee, supervisor, citizen string // tokens
	caseID                               string
}

func newWorld(t *testing.T, n *node) world {
	t.Helper()
	login := func(l, pw string) string {
		return n.api(t, "POST", "/api/v1/auth/login", "", map[string]any{"login": l, "password": pw}, 200)["token"].(string)
	}
	var w world
	w.admin = login("admin@cluster.test", clusterAdminPassword)
	ent := n.api(t, "POST", "/api/v1/entities", w.admin, map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "government"}, 201)["id"].(string)
	dep := n.api(t, "POST", "/api/v1/entities/"+ent+"/departments", w.admin, map[string]any{"name_ar": "قسم", "name_en": "Dept"}, 201)["id"].(string)
	typ := n.api(t, "POST", "/api/v1/entities/"+ent+"/case-types", w.admin, map[string]any{"name_ar": "نوع", "name_en": "Type",
		"department_id": dep, "sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}}, 201)["id"].(string)
	const pw = "employee passphrase"
	n.api(t, "POST", "/api/v1/entities/"+ent+"/employees", w.admin, map[string]any{"name": "Employee", "email": "emp@cluster.test",
		"department_id": dep, "role": "employee", "password": pw}, 201)
	n.api(t, "POST", "/api/v1/entities/"+ent+"/employees", w.admin, map[string]any{"name": "Supervisor", "email": "sup@cluster.test",
		"department_id": dep, "role": "supervisor", "password": pw}, 201)
	n.api(t, "POST", "/api/v1/auth/register", "", map[string]any{"name": "Citizen", "email": "cit@cluster.test", "password": pw}, 201)
	w.employee, w.supervisor, w.citizen = login("emp@cluster.test", pw), login("sup@cluster.test", pw), login("cit@cluster.test", pw)
	c := n.api(t, "POST", "/api/v1/cases", w.citizen, map[string]any{"entity_id": ent, "case_type_id": typ,
		"subject": "الإنارة معطلة", "body": "منذ أسبوع", "priority": "normal"}, 201)
	w.caseID = c["case"].(map[string]any)["id"].(string)
	return w
}

// frame is one server→client envelope.
type frame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Channel string          `json:"channel"`
	Seq     int64           `json:"seq"`
	Data    json.RawMessage `json:"data"`
}

// sock is a raw WebSocket client that records every frame it reads.
type sock struct {
	ws     *websocket.Conn
	mu     sync.Mutex
	frames []frame
	closed chan error
}

func dial(t *testing.T, n *node, token string) *sock {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(n.http.URL, "http")+"/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	s := &sock{ws: ws, closed: make(chan error, 1)}
	go func() {
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				s.closed <- err
				return
			}
			var f frame
			if json.Unmarshal(b, &f) == nil {
				s.mu.Lock()
				s.frames = append(s.frames, f)
				s.mu.Unlock()
			}
		}
	}()
	t.Cleanup(func() { ws.CloseNow() })
	return s
}

func (s *sock) send(t *testing.T, v any) {
	t.Helper()
	b, _ := json.Marshal(v)
	if err := s.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
}

// subscribe subscribes and waits for the ack (or fails on an error frame).
func (s *sock) subscribe(t *testing.T, channel string, since int64) {
	t.Helper()
	id := fmt.Sprintf("sub-%d", time.Now().UnixNano())
	s.send(t, map[string]any{"type": "subscribe", "id": id, "channel": channel, "since": since})
	f := s.waitFor(t, 5*time.Second, func(f frame) bool { return f.ID == id })
	if f.Type != "ack" {
		t.Fatalf("subscribe %s: %s %s", channel, f.Type, f.Data)
	}
}

func (s *sock) snapshot() []frame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]frame(nil), s.frames...)
}

func (s *sock) waitFor(t *testing.T, d time.Duration, match func(frame) bool) frame {
	t.Helper()
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		for _, f := range s.snapshot() {
			if match(f) {
				return f
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no matching frame within %v; got %d frames", d, len(s.snapshot()))
	return frame{}
}

// commentBody is the body of a case event, when it is a comment.
func commentBody(data json.RawMessage) (string, bool) {
	var ev struct {
		Type string `json:"type"`
		Data struct {
			Body string `json:"body"`
		} `json:"data"`
	}
	if json.Unmarshal(data, &ev) != nil || ev.Type != string(jihat.CaseEventComment) {
		return "", false
	}
	return ev.Data.Body, true
}

// comments returns the bodies of the comment events of channel, in order,
// and fails on a duplicate or out-of-order sequence number.
func (s *sock) comments(t *testing.T, channel string) []string {
	t.Helper()
	var out []string
	last := int64(0)
	for _, f := range s.snapshot() {
		if f.Type != "event" || f.Channel != channel {
			continue
		}
		if f.Seq <= last {
			t.Fatalf("%s: seq %d after %d (duplicate or out of order)", channel, f.Seq, last)
		}
		last = f.Seq
		if body, ok := commentBody(f.Data); ok {
			out = append(out, body)
		}
	}
	return out
}

func clusterRedis(t *testing.T) string {
	url, _ := testenv.Redis(t)
	return url
}

func TestLiveTwoNodes(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	channel := jihat.CaseChannel(w.caseID)

	onA := dial(t, a, w.citizen)
	onA.subscribe(t, channel, 0)
	b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "from node B", "visibility": "public"}, 201)
	onA.waitFor(t, 5*time.Second, func(f frame) bool { return f.Type == "event" && strings.Contains(string(f.Data), "from node B") })
}

// TestLiveRedisKilled kills Redis while comments flow between two nodes,
// then restarts it: every subscriber ends with every comment exactly once,
// in order; while Redis is down /readyz says so and local delivery goes on.
func TestLiveRedisKilled(t *testing.T) {
	url := testenv.PrivateRedis(t)
	nodes := startCluster(t, 2, url)
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	channel := jihat.CaseChannel(w.caseID)
	subs := []*sock{dial(t, a, w.citizen), dial(t, b, w.citizen), dial(t, b, w.employee)}
	for _, s := range subs {
		s.subscribe(t, channel, 0)
	}
	var want []string
	post := func(i int) {
		body := fmt.Sprintf("comment %03d", i)
		b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": body, "visibility": "public"}, 201)
		want = append(want, body)
	}
	for i := 0; i < 20; i++ {
		post(i)
	}
	testenv.KillRedis(t)
	res, err := http.Get(a.http.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("readyz with Redis down: %d, want 503", res.StatusCode)
	}
	for i := 20; i < 40; i++ {
		post(i)
	}
	// Local delivery continues on node B while Redis is down.
	subs[1].waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "comment 039") })
	testenv.StartRedis(t)
	for i := 40; i < 60; i++ {
		post(i)
	}
	for i, s := range subs {
		s.waitFor(t, 20*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "comment 059") })
		got := s.comments(t, channel)
		if strings.Join(got, ",") != strings.Join(want, ",") {
			t.Errorf("subscriber %d: %d comments, want %d exactly once in order:\n%v", i, len(got), len(want), got)
		}
	}
}

// TestLiveCitizenNeverGetsStaffEvents: internal notes never reach a
// citizen's socket — live, after a reconnect with since, or by asking for
// the staff channel.
func TestLiveCitizenNeverGetsStaffEvents(t *testing.T) {
	nodes := startCluster(t, 1, clusterRedis(t))
	n := nodes[0]
	w := newWorld(t, n)
	public, staff := jihat.CaseChannel(w.caseID), jihat.CaseStaffChannel(w.caseID)

	cit := dial(t, n, w.citizen)
	cit.subscribe(t, public, 0)
	cit.send(t, map[string]any{"type": "subscribe", "id": "staff", "channel": staff, "since": 0})
	if f := cit.waitFor(t, 5*time.Second, func(f frame) bool { return f.ID == "staff" }); f.Type != "error" {
		t.Fatalf("citizen subscribed to the staff channel: %+v", f)
	}
	emp := dial(t, n, w.employee)
	emp.subscribe(t, staff, 0)
	n.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "SECRET-1", "visibility": "internal"}, 201)
	n.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "public one", "visibility": "public"}, 201)
	cit.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "public one") })
	emp.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "SECRET-1") })

	// Reconnect and replay from the start, with more internal notes meanwhile.
	cit.ws.CloseNow()
	n.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "SECRET-2", "visibility": "internal"}, 201)
	n.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "public two", "visibility": "public"}, 201)
	again := dial(t, n, w.citizen)
	again.subscribe(t, public, 0)
	again.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "public two") })
	// An ordering fence: one more internal note, then a public comment after
	// it. Once the public one has arrived, a leaked note would have too.
	n.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "SECRET-3", "visibility": "internal"}, 201)
	n.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "FENCE", "visibility": "public"}, 201)
	again.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "FENCE") })
	for _, s := range []*sock{cit, again} {
		for _, f := range s.snapshot() {
			if strings.Contains(string(f.Data), "SECRET") || f.Channel == staff && f.Type == "event" {
				t.Fatalf("citizen received a staff event: %+v", f)
			}
		}
	}
}

// TestLiveLogoutClosesSockets: logging out closes the session's sockets
// with the revoked code within 5 s, and the token no longer opens one.
func TestLiveLogoutClosesSockets(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	s := dial(t, a, w.citizen)
	s.subscribe(t, jihat.CaseChannel(w.caseID), 0)
	b.api(t, "POST", "/api/v1/auth/logout", w.citizen, nil, 204) // on the other node
	select {
	case err := <-s.closed:
		if code := websocket.CloseStatus(err); code != hub.CloseRevoked {
			t.Errorf("close code %d, want %d (%v)", code, hub.CloseRevoked, err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("socket still open 5 s after logout")
	}
	// The old token no longer authenticates: the upgrade is accepted only so
	// that the client may still send an auth message; nothing is delivered
	// and the socket is closed when the auth timeout passes.
	again := dial(t, a, w.citizen)
	again.send(t, map[string]any{"type": "subscribe", "id": "x", "channel": jihat.CaseChannel(w.caseID), "since": 0})
	select {
	case <-again.closed:
	case <-time.After(7 * time.Second):
		t.Fatal("a socket with a logged-out token was not closed")
	}
	for _, f := range again.snapshot() {
		if f.Type == "event" || f.Type == "ack" {
			t.Fatalf("a logged-out token received %+v", f)
		}
	}
}

// TestLivePermissionRevoked: revoking case.view_internal from a supervisor
// drops their staff-channel subscription.
func TestLivePermissionRevoked(t *testing.T) {
	nodes := startCluster(t, 2, clusterRedis(t))
	a, b := nodes[0], nodes[1]
	w := newWorld(t, a)
	staff := jihat.CaseStaffChannel(w.caseID)
	s := dial(t, a, w.supervisor)
	s.subscribe(t, staff, 0)
	s.subscribe(t, jihat.CaseChannel(w.caseID), 0) // for the fence below
	me := b.api(t, "GET", "/api/v1/me", w.supervisor, nil, 200)
	supID := me["user"].(map[string]any)["id"].(string)
	ent := me["user"].(map[string]any)["entity_id"].(string)
	b.api(t, "PUT", "/api/v1/entities/"+ent+"/employees/"+supID+"/permissions", w.admin,
		map[string]any{"revoke": []string{"case.view_internal"}}, 200)
	s.waitFor(t, 5*time.Second, func(f frame) bool { return f.Type == "unsubscribed" && f.Channel == staff })
	b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "AFTER-REVOKE", "visibility": "internal"}, 201)
	// An ordering fence: a public comment published after the note. Once it
	// has arrived, the note would have too had it leaked.
	b.api(t, "POST", "/api/v1/cases/"+w.caseID+"/comments", w.employee, map[string]any{"body": "FENCE", "visibility": "public"}, 201)
	s.waitFor(t, 5*time.Second, func(f frame) bool { return strings.Contains(string(f.Data), "FENCE") })
	for _, f := range s.snapshot() {
		if strings.Contains(string(f.Data), "AFTER-REVOKE") {
			t.Fatal("an internal note reached a supervisor after case.view_internal was revoked")
		}
	}
}
