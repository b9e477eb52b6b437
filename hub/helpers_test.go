package hub_test

import (
	"context"
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
)

// fakeDB is the database of the tests: durable events per channel with
// dense sequence numbers. It implements hub.EventSource.
type fakeDB struct {
	mu     sync.Mutex
	events map[string][]hub.Event
}

func newFakeDB() *fakeDB { return &fakeDB{events: map[string][]hub.Event{}} }

// commit stores an event with the channel's next Seq, as the store does in
// the transaction, and returns it.
func (db *fakeDB) commit(channel string, data string) hub.Event {
	db.mu.Lock()
	defer db.mu.Unlock()
	ev := hub.Event{Seq: int64(len(db.events[channel]) + 1), Data: json.RawMessage(data)}
	db.events[channel] = append(db.events[channel], ev)
	return ev
}

func (db *fakeDB) Replay(ctx context.Context, channel string, since int64, limit int) ([]hub.Event, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	if since < 0 {
		return nil, nil
	}
	var out []hub.Event
	for _, ev := range db.events[channel] {
		if ev.Seq > since && len(out) < limit {
			out = append(out, ev)
		}
	}
	return out, nil
}

func (db *fakeDB) Positions(ctx context.Context, channels []string) (map[string]int64, error) {
	db.mu.Lock()
	defer db.mu.Unlock()
	out := map[string]int64{}
	for _, ch := range channels {
		if n := len(db.events[ch]); n > 0 {
			out[ch] = int64(n)
		}
	}
	return out, nil
}

// fakeBackend authenticates "token-<user>" tokens; users whose ID starts
// with "c" are citizens, who may not subscribe to staff channels; denied
// lists other refusals.
type fakeBackend struct {
	db  *fakeDB
	hub func() *hub.Hub

	mu     sync.Mutex
	denied map[string]bool // user + " " + channel
	// authorizing, when set, runs at the start of every Authorize, outside mu.
	authorizing func(channel string)
}

func newFakeBackend(db *fakeDB) *fakeBackend {
	return &fakeBackend{db: db, denied: map[string]bool{}}
}

func (b *fakeBackend) principal(token string) (hub.Principal, error) {
	user, ok := strings.CutPrefix(token, "token-")
	if !ok || user == "" {
		return hub.Principal{}, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	return hub.Principal{UserID: user, SessionID: "s-" + user, Lang: jihat.LangEN}, nil
}

func (b *fakeBackend) AuthenticateRequest(r *http.Request) (hub.Principal, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return hub.Principal{}, hub.ErrNoCredentials
	}
	return b.principal(token)
}

func (b *fakeBackend) AuthenticateToken(ctx context.Context, token string) (hub.Principal, error) {
	return b.principal(token)
}

func (b *fakeBackend) deny(user, channel string, denied bool) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.denied[user+" "+channel] = denied
}

func (b *fakeBackend) Authorize(ctx context.Context, p hub.Principal, channel string) error {
	b.mu.Lock()
	hook := b.authorizing
	b.mu.Unlock()
	if hook != nil {
		hook(channel)
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	info, _ := jihat.ParseChannel(channel)
	if b.denied[p.UserID+" "+channel] || strings.HasPrefix(p.UserID, "c") && info.Kind == jihat.ChannelCaseStaff {
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return nil
}

// Command handles "comment" as the server does: commit, then publish.
func (b *fakeBackend) Command(ctx context.Context, cc hub.CommandContext, env hub.Envelope) (any, error) {
	if env.Type != hub.TypeComment {
		return nil, jihat.Errorf(jihat.EINVALID, "invalid_input")
	}
	ev := b.db.commit(env.Channel, string(env.Data))
	if err := b.hub().Publish(ctx, env.Channel, ev); err != nil {
		return nil, err
	}
	return map[string]int64{"seq": ev.Seq}, nil
}

// node is one hub with its WebSocket endpoint on an httptest server.
type node struct {
	hub *hub.Hub
	url string // ws://.../ws
	db  *fakeDB
	be  *fakeBackend
}

type nodeOpts struct {
	cfg  hub.Config
	scfg hub.EndpointConfig
	db   *fakeDB
}

func startNode(t *testing.T, o nodeOpts) *node {
	t.Helper()
	if o.db == nil {
		o.db = newFakeDB()
	}
	if o.cfg.Events == nil {
		o.cfg.Events = o.db
	}
	h, err := hub.New(o.cfg)
	if err != nil {
		t.Fatal(err)
	}
	be := newFakeBackend(o.db)
	be.hub = func() *hub.Hub { return h }
	if o.scfg.AllowedOrigins == nil {
		o.scfg.AllowedOrigins = []string{"https://jihat.example"}
	}
	srv, err := hub.NewEndpoint(h, be, o.scfg)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/ws", srv)
	ts := httptest.NewServer(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := h.Close(ctx); err != nil {
			t.Errorf("hub close: %v", err)
		}
		ts.Close()
	})
	return &node{hub: h, url: "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws", db: o.db, be: be}
}

// client is a test WebSocket client that reads in the background.
type client struct {
	t      *testing.T
	ws     *websocket.Conn
	frames chan hub.Envelope
	closed chan struct{}
	mu     sync.Mutex
	err    error // the read error, once closed
}

// dial connects with a bearer token (none when empty).
func dial(t *testing.T, url, token string) *client {
	t.Helper()
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	c, err := dialHeader(t, url, h)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	return c
}

func dialHeader(t *testing.T, url string, h http.Header) (*client, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: h})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	c := &client{t: t, ws: ws, frames: make(chan hub.Envelope, 4096), closed: make(chan struct{})}
	go c.read()
	t.Cleanup(func() {
		c.ws.CloseNow()
		<-c.closed
	})
	return c, nil
}

func (c *client) read() {
	defer close(c.closed)
	for {
		_, data, err := c.ws.Read(context.Background())
		if err != nil {
			c.mu.Lock()
			c.err = err
			c.mu.Unlock()
			return
		}
		var env hub.Envelope
		if err := json.Unmarshal(data, &env); err != nil {
			c.t.Errorf("server sent invalid JSON %q: %v", data, err)
			continue
		}
		c.frames <- env
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		c.t.Fatal(err)
	}
	c.sendRaw(b)
}

func (c *client) sendRaw(b []byte) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, b); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

// next returns the next frame that matches (all frames when match is nil),
// skipping the others; it fails after a generous timeout.
func (c *client) next(match func(hub.Envelope) bool) hub.Envelope {
	c.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case env := <-c.frames:
			if match == nil || match(env) {
				return env
			}
		case <-c.closed:
			select {
			case env := <-c.frames:
				if match == nil || match(env) {
					return env
				}
				continue
			default:
			}
			c.t.Fatalf("connection closed (%v) while waiting for a frame", c.closeErr())
		case <-timeout:
			c.t.Fatal("no frame within 10 s")
		}
	}
}

func ofType(typ string) func(hub.Envelope) bool {
	return func(e hub.Envelope) bool { return e.Type == typ }
}

func withID(id string) func(hub.Envelope) bool {
	return func(e hub.Envelope) bool { return e.ID == id && (e.Type == hub.TypeAck || e.Type == hub.TypeError) }
}

// request sends env and returns its ack or error.
func (c *client) request(env map[string]any) hub.Envelope {
	c.t.Helper()
	c.send(env)
	return c.next(withID(env["id"].(string)))
}

// subscribe subscribes and fails unless acked.
func (c *client) subscribe(channel string, since *int64) {
	c.t.Helper()
	env := map[string]any{"type": "subscribe", "id": "sub-" + channel, "channel": channel}
	if since != nil {
		env["since"] = *since
	}
	if r := c.request(env); r.Type != hub.TypeAck {
		c.t.Fatalf("subscribe %s: %s %s", channel, r.Type, r.Data)
	}
}

// waitClosed waits until the server closes the socket and returns the code.
func (c *client) waitClosed() websocket.StatusCode {
	c.t.Helper()
	select {
	case <-c.closed:
		return websocket.CloseStatus(c.closeErr())
	case <-time.After(15 * time.Second):
		c.t.Fatal("the server did not close the socket")
		return 0
	}
}

func (c *client) closeErr() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

func caseChannel(i int) string { return fmt.Sprintf("case:00000000-0000-4000-8000-%012d", i) }
