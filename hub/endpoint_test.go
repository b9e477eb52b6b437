package hub_test

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat/hub"
)

func TestOriginAllowList(t *testing.T) {
	n := startNode(t, nodeOpts{scfg: hub.EndpointConfig{
		AllowedOrigins: []string{"https://jihat.example", "http://localhost:8080"},
	}})
	hostile := []string{
		"https://jihat.example.evil.com",
		"https://evil-jihat.example",
		"https://evil.jihat.example",
		"https://jihat.example.",
		"null",
		"http://jihat.example",       // scheme
		"https://jihat.example:443",  // explicit port is another string
		"https://jihat.example:8443", // port
		"wss://jihat.example",        // not a web origin
		"https://jihat.example/",     // path
		"https://jihat.example/ws",   // path
		"https://user@jihat.example", // user info
		"https://jihat.example?x=1",  // query
		"https://jihat.example#",     // fragment
		"https://jihat.examplee",     // longer
		"https://xjihat.example",     // prefix
		"http://localhost:8081",      // port
		"http://localhost",           // no port
		"https://localhost:8080",     // scheme
		"https://jihat.example%2eevil.com",
		"file://",
		"",
	}
	if len(hostile) < 20 {
		t.Fatalf("only %d hostile origins", len(hostile))
	}
	for _, origin := range hostile {
		t.Run("refuses "+origin, func(t *testing.T) {
			h := http.Header{"Origin": {origin}}
			h.Set("Authorization", "Bearer token-u1")
			_, err := dialHeader(t, n.url, h)
			if err == nil || !strings.Contains(err.Error(), "403") {
				t.Fatalf("origin %q: err = %v, want 403", origin, err)
			}
		})
	}
	t.Run("allows the server's own origin", func(t *testing.T) {
		own := "http://" + strings.TrimPrefix(strings.TrimPrefix(n.url, "ws://"), "http://")
		own = strings.TrimSuffix(strings.TrimSuffix(own, "/ws"), "/")
		h := http.Header{"Origin": {own}, "Authorization": {"Bearer token-u1"}}
		c, err := dialHeader(t, n.url, h)
		if err != nil {
			t.Fatalf("own origin %q: %v", own, err)
		}
		c.send(map[string]any{"type": "ping", "id": "p"})
		if r := c.next(nil); r.Type != hub.TypePong {
			t.Fatalf("got %+v, want pong", r)
		}
	})
	t.Run("refuses two Origin headers", func(t *testing.T) {
		h := http.Header{"Origin": {"https://jihat.example", "https://evil.example"}}
		if _, err := dialHeader(t, n.url, h); err == nil || !strings.Contains(err.Error(), "403") {
			t.Fatalf("err = %v, want 403", err)
		}
	})
	for _, origin := range []string{"https://jihat.example", "http://localhost:8080", "HTTPS://JIHAT.EXAMPLE", ""} {
		t.Run("allows "+origin, func(t *testing.T) {
			h := http.Header{"Authorization": {"Bearer token-u1"}}
			if origin != "" {
				h.Set("Origin", origin)
			}
			c, err := dialHeader(t, n.url, h)
			if err != nil {
				t.Fatalf("origin %q: %v", origin, err)
			}
			c.send(map[string]any{"type": "ping", "id": "p"})
			if r := c.next(nil); r.Type != hub.TypePong || r.ID != "p" {
				t.Fatalf("got %+v, want pong", r)
			}
		})
	}
}

func TestBadAllowedOrigin(t *testing.T) {
	h, err := hub.New(hub.Config{})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	for _, o := range []string{"*", "https://*.jihat.example", "jihat.example", "https://jihat.example/", "https://jihat.example/app"} {
		if _, err := hub.NewEndpoint(h, newFakeBackend(newFakeDB()), hub.EndpointConfig{AllowedOrigins: []string{o}}); err == nil {
			t.Errorf("allowed origin %q accepted", o)
		}
	}
}

func TestTokenInURLRefused(t *testing.T) {
	n := startNode(t, nodeOpts{})
	for _, q := range []string{"?token=token-u1", "?access_token=token-u1", "?x=1&token=", "?auth=token-u1"} {
		_, err := dialHeader(t, n.url+q, nil)
		if err == nil || !strings.Contains(err.Error(), "400") {
			t.Errorf("%s: err = %v, want 400", q, err)
		}
	}
}

func TestAuthentication(t *testing.T) {
	n := startNode(t, nodeOpts{scfg: hub.EndpointConfig{AuthTimeout: 300 * time.Millisecond}})
	t.Run("bearer at upgrade", func(t *testing.T) {
		c := dial(t, n.url, "token-u1")
		c.send(map[string]any{"type": "ping", "id": "1"})
		if r := c.next(nil); r.Type != hub.TypePong || r.ID != "1" {
			t.Fatalf("got %+v, want pong 1", r)
		}
	})
	t.Run("auth message", func(t *testing.T) {
		c := dial(t, n.url, "")
		r := c.request(map[string]any{"type": "auth", "id": "a", "data": map[string]string{"token": "token-u2"}})
		if r.Type != hub.TypeAck || !bytes.Contains(r.Data, []byte(`"user_id":"u2"`)) {
			t.Fatalf("auth answer %s %s", r.Type, r.Data)
		}
		if r := c.request(map[string]any{"type": "auth", "id": "b", "data": map[string]string{"token": "token-u2"}}); r.Type != hub.TypeError {
			t.Fatalf("second auth: %s", r.Type)
		}
	})
	t.Run("silent socket closed with 1008", func(t *testing.T) {
		c := dial(t, n.url, "")
		if code := c.waitClosed(); code != websocket.StatusPolicyViolation {
			t.Fatalf("close code %v, want 1008", code)
		}
	})
	for name, msg := range map[string]string{
		"bad token":             `{"type":"auth","data":{"token":"nope"}}`,
		"empty token":           `{"type":"auth","data":{"token":""}}`,
		"subscribe before auth": `{"type":"subscribe","channel":"feed"}`,
		"garbage":               `not json`,
	} {
		t.Run(name+" closed with 1008", func(t *testing.T) {
			c := dial(t, n.url, "")
			c.sendRaw([]byte(msg))
			if r := c.next(nil); r.Type != hub.TypeError {
				t.Fatalf("got %s, want error", r.Type)
			}
			if code := c.waitClosed(); code != websocket.StatusPolicyViolation {
				t.Fatalf("close code %v, want 1008", code)
			}
		})
	}
}

func TestOversizeMessageCloses1009(t *testing.T) {
	n := startNode(t, nodeOpts{})
	c := dial(t, n.url, "token-u1")
	big := `{"type":"comment","channel":"` + caseChannel(1) + `","data":{"body":"` + strings.Repeat("x", hub.MaxEnvelopeSize) + `"}}`
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c.ws.Write(ctx, websocket.MessageText, []byte(big)) // may fail once the server closes
	if code := c.waitClosed(); code != websocket.StatusMessageTooBig {
		t.Fatalf("close code %v, want 1009", code)
	}
}

func TestErrorsInUserLanguage(t *testing.T) {
	n := startNode(t, nodeOpts{})
	c := dial(t, n.url, "token-c1") // a citizen, English
	r := c.request(map[string]any{"type": "subscribe", "id": "s", "channel": caseChannel(1) + ":staff"})
	if r.Type != hub.TypeError || !bytes.Contains(r.Data, []byte(`"code":"EFORBIDDEN"`)) ||
		!bytes.Contains(r.Data, []byte(`"message":"You do not have permission`)) {
		t.Fatalf("got %s %s", r.Type, r.Data)
	}
	for name, msg := range map[string]string{
		"unknown type":    `{"type":"shout","id":"x"}`,
		"bad channel":     `{"type":"subscribe","id":"x","channel":"case:1"}`,
		"unknown field":   `{"type":"ping","id":"x","extra":1}`,
		"upper-case key":  `{"TYPE":"ping","id":"x"}`,
		"seq from client": `{"type":"ping","id":"x","seq":3}`,
	} {
		c.sendRaw([]byte(msg))
		if r := c.next(nil); r.Type != hub.TypeError || !bytes.Contains(r.Data, []byte(`"code":"EINVALID"`)) {
			t.Errorf("%s: got %s %s", name, r.Type, r.Data)
		}
	}
}
