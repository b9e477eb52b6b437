package client_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/coder/websocket"
	"go.uber.org/goleak"

	"github.com/jihat/jihat/client"
)

// These tests drive a Live against a scripted server that speaks the live
// protocol (hub/envelope.go) and misbehaves on purpose: gaps in seq, a
// position ahead, duplicates, resync and revocation closes, a rate-limited
// subscribe. The real hub rarely produces these, so they are played here.

const scriptCase = "case:00000000-0000-4000-8000-000000000001"

// wire is a frame of the protocol as the script reads and writes it.
type wire struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Channel string          `json:"channel,omitempty"`
	Seq     int64           `json:"seq,omitempty"`
	Since   *int64          `json:"since,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

type script struct {
	conns chan *scriptConn
	token chan string // the Authorization header of each upgrade
}

type scriptConn struct {
	ws *websocket.Conn
	in chan wire
}

// startScript starts the scripted server and returns a client of it.
func startScript(t *testing.T) (*script, *client.Client) {
	t.Helper()
	s := &script{conns: make(chan *scriptConn, 4), token: make(chan string, 16)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/ws" || r.URL.RawQuery != "" {
			http.Error(w, "bad path", http.StatusNotFound)
			return
		}
		s.token <- r.Header.Get("Authorization")
		ws, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		sc := &scriptConn{ws: ws, in: make(chan wire, 64)}
		go func() {
			defer close(sc.in)
			for {
				_, b, err := ws.Read(context.Background())
				if err != nil {
					return
				}
				var f wire
				if json.Unmarshal(b, &f) == nil {
					sc.in <- f
				}
			}
		}()
		hello, ok := <-sc.in
		if !ok || hello.Type != "ping" {
			ws.Close(websocket.StatusPolicyViolation, "expected a ping first")
			return
		}
		sc.send(wire{Type: "pong", ID: hello.ID})
		s.conns <- sc
	}))
	t.Cleanup(srv.Close)
	return s, client.New(srv.URL, client.WithToken("script-token"))
}

// accept returns the next socket after its handshake.
func (s *script) accept(t *testing.T) *scriptConn {
	t.Helper()
	select {
	case sc := <-s.conns:
		t.Cleanup(func() { sc.ws.CloseNow() })
		return sc
	case <-time.After(30 * time.Second):
		t.Fatal("the client did not (re)connect")
		return nil
	}
}

func (sc *scriptConn) send(f wire) {
	b, _ := json.Marshal(f)
	sc.ws.Write(context.Background(), websocket.MessageText, b)
}

// expect returns the client's next frame, which must be of type typ.
func (sc *scriptConn) expect(t *testing.T, typ string) wire {
	t.Helper()
	select {
	case f, ok := <-sc.in:
		if !ok {
			t.Fatalf("socket closed while expecting %s", typ)
		}
		if f.Type != typ {
			t.Fatalf("got %+v, want a %s", f, typ)
		}
		return f
	case <-time.After(30 * time.Second):
		t.Fatalf("no %s from the client", typ)
		return wire{}
	}
}

// quiet fails if the client sends anything within d.
func (sc *scriptConn) quiet(t *testing.T, d time.Duration) {
	t.Helper()
	select {
	case f := <-sc.in:
		t.Fatalf("unexpected %+v", f)
	case <-time.After(d):
	}
}

// events sends durable events with these seqs on channel.
func (sc *scriptConn) events(channel string, seqs ...int64) {
	for _, s := range seqs {
		data := fmt.Sprintf(`{"id":"ev-%d","seq":%d,"channel":%q,"type":"comment","data":{"body":"b%d"}}`, s, s, channel, s)
		sc.send(wire{Type: "event", Channel: channel, Seq: s, Data: json.RawMessage(data)})
	}
}

// subscribed answers the subscribe the client must send now, checking its since.
func (sc *scriptConn) subscribed(t *testing.T, channel string, since int64) {
	t.Helper()
	f := sc.expect(t, "subscribe")
	if f.Channel != channel || since < 0 && f.Since != nil || since >= 0 && (f.Since == nil || *f.Since != since) {
		t.Fatalf("subscribe %+v (since %v), want channel %s since %d", f, sinceOf(f), channel, since)
	}
	sc.send(wire{Type: "ack", ID: f.ID, Channel: channel})
}

func sinceOf(f wire) any {
	if f.Since == nil {
		return nil
	}
	return *f.Since
}

// fetched answers the fetch the client must send now, checking its since.
func (sc *scriptConn) fetched(t *testing.T, channel string, since int64) {
	t.Helper()
	f := sc.expect(t, "fetch")
	if f.Channel != channel || f.Since == nil || *f.Since != since {
		t.Fatalf("fetch %+v (since %v), want %s since %d", f, sinceOf(f), channel, since)
	}
	sc.send(wire{Type: "ack", ID: f.ID, Channel: channel})
}

// seqs returns the Seq of the events of channel delivered so far.
func seqs(msgs []client.Message, channel string) []int64 {
	var out []int64
	for _, m := range msgs {
		if e, ok := m.(*client.Event); ok && e.Channel == channel {
			out = append(out, e.Seq)
		}
	}
	return out
}

func upTo(n int64) []int64 {
	var out []int64
	for i := int64(1); i <= n; i++ {
		out = append(out, i)
	}
	return out
}

// subscribeAsync runs Subscribe in the background (it returns on the ack).
func subscribeAsync(live *client.Live, channel string, since int64) chan error {
	errc := make(chan error, 1)
	go func() { errc <- live.Subscribe(context.Background(), channel, since) }()
	return errc
}

func wait(t *testing.T, errc chan error) {
	t.Helper()
	select {
	case err := <-errc:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("Subscribe did not return")
	}
}

var scriptCfg = client.LiveConfig{MinBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond,
	FetchTimeout: time.Second, MaxFetchAttempts: 2, SendRate: -1}

func TestScriptGaps(t *testing.T) {
	s, c := startScript(t)
	live := connect(t, c, scriptCfg)
	if tok := <-s.token; tok != "Bearer script-token" {
		t.Fatalf("upgrade Authorization %q", tok)
	}
	msgs := collect(live)
	sc := s.accept(t)
	errc := subscribeAsync(live, scriptCase, 0)
	sc.subscribed(t, scriptCase, 0)
	wait(t, errc)

	// A gap: 3 and 4 missing. The client fetches from 2, holds 5 meanwhile,
	// and drops the resent 5.
	sc.events(scriptCase, 1, 2, 5)
	sc.fetched(t, scriptCase, 2)
	sc.events(scriptCase, 3, 4, 5)
	msgs.waitFor(t, "1..5", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), upTo(5)) })

	// A position ahead: 6 and 7 were missed.
	sc.send(wire{Type: "position", Channel: scriptCase, Seq: 7})
	sc.fetched(t, scriptCase, 5)
	sc.events(scriptCase, 6, 7)
	msgs.waitFor(t, "1..7", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), upTo(7)) })

	// A position that is not ahead asks for nothing; duplicates are dropped.
	sc.send(wire{Type: "position", Channel: scriptCase, Seq: 7})
	sc.events(scriptCase, 6, 7)
	sc.quiet(t, 300*time.Millisecond)

	// A gap that cannot be filled is skipped after MaxFetchAttempts.
	sc.events(scriptCase, 9)
	sc.fetched(t, scriptCase, 7)
	sc.fetched(t, scriptCase, 7)
	want := append(upTo(7), 9)
	msgs.waitFor(t, "9 after the skipped gap", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), want) })

	st := live.Stats()
	if st.Fetches != 4 || st.GapsFilled != 2 || st.GapsSkipped != 1 || st.Duplicates != 3 || st.Delivered != 8 {
		t.Fatalf("stats %+v", st)
	}
	if n := count(msgs.all(), func(m client.Message) bool { _, ok := m.(*client.Position); return ok }); n != 2 {
		t.Fatalf("%d positions delivered, want 2", n)
	}
}

func TestScriptResync(t *testing.T) {
	s, c := startScript(t)
	live := connect(t, c, scriptCfg)
	msgs := collect(live)
	sc := s.accept(t)
	errc := subscribeAsync(live, scriptCase, 0)
	sc.subscribed(t, scriptCase, 0)
	wait(t, errc)
	sc.events(scriptCase, 1, 2, 3)
	msgs.waitFor(t, "1..3", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), upTo(3)) })

	// Dropped as a slow consumer: the client resubscribes from 3.
	sc.ws.Close(4008, "resync")
	sc = s.accept(t)
	sc.subscribed(t, scriptCase, 3)
	sc.events(scriptCase, 2, 3, 4)
	msgs.waitFor(t, "1..4", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), upTo(4)) })

	// The server goes away without a close frame: same.
	sc.ws.CloseNow()
	sc = s.accept(t)
	sc.subscribed(t, scriptCase, 4)
	sc.events(scriptCase, 5)
	got := msgs.waitFor(t, "1..5", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), upTo(5)) })
	var codes []int
	for _, m := range got {
		if d, ok := m.(*client.Disconnected); ok {
			codes = append(codes, d.Code)
		}
	}
	if !slices.Equal(codes, []int{4008, -1}) {
		t.Fatalf("Disconnected codes %v, want [4008 -1]", codes)
	}
	if st := live.Stats(); st.Reconnects != 2 || st.Duplicates != 2 {
		t.Fatalf("stats %+v", st)
	}

	// Revoked: no reconnect, Events closed, Err says why.
	sc.ws.Close(4001, "revoked")
	select {
	case <-msgs.done:
	case <-time.After(30 * time.Second):
		t.Fatal("Events not closed after a revocation")
	}
	if !errors.Is(live.Err(), client.ErrRevoked) {
		t.Fatalf("Err = %v", live.Err())
	}
}

func TestScriptLatestBaseline(t *testing.T) {
	s, c := startScript(t)
	live := connect(t, c, scriptCfg)
	msgs := collect(live)
	sc := s.accept(t)
	errc := subscribeAsync(live, scriptCase, client.Latest)
	sc.subscribed(t, scriptCase, -1)
	wait(t, errc)
	if _, ok := live.Last(scriptCase); ok {
		t.Fatal("a Latest subscription knows its position before any event")
	}
	// The first position fixes the baseline; an event after a gap is fetched.
	sc.send(wire{Type: "position", Channel: scriptCase, Seq: 42})
	sc.events(scriptCase, 44)
	sc.fetched(t, scriptCase, 42)
	sc.events(scriptCase, 43, 44)
	msgs.waitFor(t, "43, 44", func(m []client.Message) bool { return slices.Equal(seqs(m, scriptCase), []int64{43, 44}) })
	// A reconnect resumes from the baseline learned.
	sc.ws.CloseNow()
	sc = s.accept(t)
	sc.subscribed(t, scriptCase, 44)
}

func TestScriptSubscribeRetries(t *testing.T) {
	s, c := startScript(t)
	live := connect(t, c, scriptCfg)
	msgs := collect(live)
	sc := s.accept(t)
	errc := subscribeAsync(live, scriptCase, 0)
	f := sc.expect(t, "subscribe")
	sc.send(wire{Type: "error", ID: f.ID, Channel: scriptCase, Data: json.RawMessage(`{"code":"ERATELIMIT","message":"slow down"}`)})
	sc.subscribed(t, scriptCase, 0) // asked again after a pause
	wait(t, errc)

	// A feed has no seq: events are told apart by their id.
	const feed = "feed"
	errc = subscribeAsync(live, feed, 0)
	sc.subscribed(t, feed, -1) // no since on a feed
	wait(t, errc)
	ev := wire{Type: "event", Channel: feed, Data: json.RawMessage(`{"id":"x1","seq":3}`)}
	sc.send(ev)
	sc.send(ev)
	sc.send(wire{Type: "event", Channel: feed, Data: json.RawMessage(`{"id":"x2","seq":4}`)})
	msgs.waitFor(t, "two feed events", func(m []client.Message) bool { return len(seqs(m, feed)) == 2 })

	// The server ends a subscription: it is not resumed after a reconnect.
	sc.send(wire{Type: "unsubscribed", Channel: feed, Data: json.RawMessage(`{"code":"EFORBIDDEN","message":"no"}`)})
	msgs.waitFor(t, "unsubscribed", func(m []client.Message) bool {
		return slices.ContainsFunc(m, func(m client.Message) bool {
			u, ok := m.(*client.Unsubscribed)
			return ok && u.Channel == feed && u.Err.Code == client.CodeForbidden
		})
	})
	sc.ws.CloseNow()
	sc = s.accept(t)
	sc.subscribed(t, scriptCase, 0)
	sc.quiet(t, 300*time.Millisecond)
	if len(seqs(msgs.all(), feed)) != 2 {
		t.Fatalf("feed events %v", seqs(msgs.all(), feed))
	}
}

// TestScriptNoLeak: after Close, no goroutine of the Live is left, whether
// it was connected, reconnecting, or waiting for a slow consumer.
func TestScriptNoLeak(t *testing.T) {
	before := goleak.IgnoreCurrent()
	t.Cleanup(func() { goleak.VerifyNone(t, before) }) // runs last
	s, c := startScript(t)
	live, err := c.ConnectConfig(context.Background(), client.LiveConfig{EventBuffer: 1, MinBackoff: time.Hour, SendRate: -1})
	if err != nil {
		t.Fatal(err)
	}
	sc := s.accept(t)
	errc := subscribeAsync(live, scriptCase, 0)
	sc.subscribed(t, scriptCase, 0)
	wait(t, errc)
	sc.events(scriptCase, 1, 2, 3, 4) // nobody reads: the Live blocks on Events
	sc.ws.CloseNow()                  // and then must wait an hour to redial
	time.Sleep(100 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := live.Close(ctx); err != nil {
		t.Fatalf("close: %v", err)
	}
	n := 0
	for range live.Events() {
		n++
	}
	if n < 1 {
		t.Fatal("the buffered event was not kept")
	}
}
