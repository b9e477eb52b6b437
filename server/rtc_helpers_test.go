package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media/rtc"
	"github.com/jihat/jihat/media/rtc/rtctest"
)

// rtcClient is a browser stand-in: a /ws connection and a Pion peer whose
// signalling travels over it with the live protocol's rtc.* messages.
type rtcClient struct {
	t       *testing.T
	name    string
	ws      *websocket.Conn
	channel string

	mu      sync.Mutex // guards the following fields
	peer    *rtctest.Peer
	frames  []frame
	changed chan struct{}
	n       int
}

// dialRTC connects token's socket to baseURL for meeting's audio (no offer
// yet: see start).
func dialRTC(t *testing.T, baseURL, token, name, meeting string) *rtcClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(baseURL, "http")+"/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}}})
	if err != nil {
		t.Fatal(err)
	}
	ws.SetReadLimit(1 << 20)
	c := &rtcClient{t: t, name: name, ws: ws, channel: jihat.MeetingChannel(meeting), changed: make(chan struct{})}
	go c.read()
	t.Cleanup(func() {
		ws.CloseNow()
		c.mu.Lock()
		p := c.peer
		c.mu.Unlock()
		if p != nil {
			p.Close()
		}
	})
	return c
}

func (c *rtcClient) read() {
	for {
		_, b, err := c.ws.Read(context.Background())
		if err != nil {
			return
		}
		var f frame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		c.mu.Lock()
		c.frames = append(c.frames, f)
		close(c.changed)
		c.changed = make(chan struct{})
		peer := c.peer
		c.mu.Unlock()
		if peer == nil {
			continue
		}
		var sig rtc.Signal
		switch f.Type {
		case "rtc.offer", "rtc.answer":
			var d struct {
				SDP string `json:"sdp"`
			}
			json.Unmarshal(f.Data, &d)
			sig = rtc.Signal{Type: strings.TrimPrefix(f.Type, "rtc."), SDP: d.SDP}
		case "rtc.candidate":
			var cand rtc.Candidate
			json.Unmarshal(f.Data, &cand)
			sig = rtc.Signal{Type: rtc.SignalCandidate, Candidate: &cand}
		default:
			continue
		}
		if err := peer.Handle(sig); err != nil {
			fmt.Printf("%s: %s: %v\n", c.name, f.Type, err)
		}
	}
}

// send writes one envelope on the meeting's channel and returns its id.
func (c *rtcClient) send(typ string, data any) string {
	c.mu.Lock()
	c.n++
	id := fmt.Sprintf("%s-%d", c.name, c.n)
	c.mu.Unlock()
	env := map[string]any{"type": typ, "id": id, "channel": c.channel}
	if data != nil {
		env["data"] = data
	}
	b, _ := json.Marshal(env)
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		fmt.Printf("%s: write %s: %v\n", c.name, typ, err)
	}
	return id
}

// start makes a new peer and sends its offer; it returns the offer's id.
func (c *rtcClient) start() string {
	c.t.Helper()
	var peer *rtctest.Peer
	peer, err := rtctest.NewPeer(rtctest.Options{Send: func(s rtc.Signal) {
		switch s.Type {
		case rtc.SignalAnswer:
			c.send("rtc.answer", map[string]string{"sdp": s.SDP})
		case rtc.SignalCandidate:
			c.send("rtc.candidate", s.Candidate)
		}
	}})
	if err != nil {
		c.t.Fatal(err)
	}
	c.mu.Lock()
	old := c.peer
	c.peer = peer
	c.mu.Unlock()
	if old != nil {
		old.Close()
	}
	offer, err := peer.Offer()
	if err != nil {
		c.t.Fatal(err)
	}
	return c.send("rtc.offer", map[string]string{"sdp": offer})
}

// connect starts and waits for the answer and the connection.
func (c *rtcClient) connect() {
	c.t.Helper()
	id := c.start()
	f := c.wait(func(f frame) bool { return f.ID == id })
	if f.Type != "rtc.answer" {
		c.t.Fatalf("%s: offer answered with %s %s", c.name, f.Type, f.Data)
	}
	select {
	case <-c.Peer().Connected():
	case <-time.After(20 * time.Second):
		c.t.Fatalf("%s: not connected", c.name)
	}
}

// Peer is the current peer.
func (c *rtcClient) Peer() *rtctest.Peer {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.peer
}

// wait returns the first frame that matches, waiting up to 20 s.
func (c *rtcClient) wait(match func(frame) bool) frame {
	c.t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		c.mu.Lock()
		ch := c.changed
		for _, f := range c.frames {
			if match(f) {
				c.mu.Unlock()
				return f
			}
		}
		c.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			c.t.Fatalf("%s: no matching frame", c.name)
		}
	}
}

// request sends a command and returns its answer: "" for an ack, the error
// code otherwise.
func (c *rtcClient) request(typ string, data any) string {
	c.t.Helper()
	id := c.send(typ, data)
	f := c.wait(func(f frame) bool { return f.ID == id })
	switch f.Type {
	case "ack", "rtc.answer":
		return ""
	case "error":
		var e struct {
			Code string `json:"code"`
		}
		json.Unmarshal(f.Data, &e)
		return e.Code
	}
	c.t.Fatalf("%s: %s answered with %s", c.name, typ, f.Type)
	return ""
}

// offerError sends an offer of a fresh peer and returns the error code of
// the answer ("" when answered).
func (c *rtcClient) offerError() string {
	c.t.Helper()
	id := c.start()
	f := c.wait(func(f frame) bool { return f.ID == id })
	if f.Type != "error" {
		return ""
	}
	var e struct {
		Code string `json:"code"`
	}
	json.Unmarshal(f.Data, &e)
	return e.Code
}

// pump publishes "<prefix>-<n>" every 20 ms until stopped.
func (c *rtcClient) pump(prefix string) (stop func()) {
	done, finished := make(chan struct{}), make(chan struct{})
	peer := c.Peer()
	go func() {
		defer close(finished)
		tk := time.NewTicker(20 * time.Millisecond)
		defer tk.Stop()
		for n := 0; ; n++ {
			peer.Send(fmt.Appendf(nil, "%s-%d", prefix, n), 30)
			select {
			case <-done:
				return
			case <-tk.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// hears waits until c received from user a payload starting with prefix.
func (c *rtcClient) hears(from, prefix string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Peer().Wait(ctx, func(p *rtctest.Peer) bool {
		for _, b := range p.Received(from) {
			if strings.HasPrefix(string(b), prefix) {
				return true
			}
		}
		return false
	}); err != nil {
		c.t.Fatalf("%s did not hear %s (%q): %v", c.name, from, prefix, err)
	}
}

// fakeAudioAccess is an AudioAccess over fixed sets, for tests that run
// before meetings exist: members, those present, chairs.
type fakeAudioAccess struct {
	mu                       sync.Mutex
	members, present, chairs map[string]bool
}

func newFakeAccess() *fakeAudioAccess {
	return &fakeAudioAccess{members: map[string]bool{}, present: map[string]bool{}, chairs: map[string]bool{}}
}

// set records userID as a member, present or not, chair or not.
func (f *fakeAudioAccess) set(userID string, present, chair bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.members[userID], f.present[userID], f.chairs[userID] = true, present, chair
}

func (f *fakeAudioAccess) access(_ context.Context, _, userID string) (bool, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if !f.members[userID] {
		return false, false, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return f.present[userID], f.chairs[userID], nil
}
