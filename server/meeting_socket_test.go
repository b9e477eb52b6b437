package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// The meeting tests' WebSocket client (msock) and the motion a client
// rebuilds from live tally frames (liveMotion).

// wsFrame is one server→client envelope.
type wsFrame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Channel string          `json:"channel"`
	Seq     int64           `json:"seq"`
	Data    json.RawMessage `json:"data"`
}

// msock is a WebSocket client of /ws that keeps every frame it reads.
type msock struct {
	ws     *websocket.Conn
	mu     sync.Mutex
	frames []wsFrame
	n      int
	// lite keeps only answers and snapshots, and of the live tallies
	// only the newest (for the storms: hundreds of sockets).
	lite    bool
	readErr error // why reading stopped (the server closed the socket...)
	// redial: a socket the server drops is dialled again and subscribed
	// again, and a request without an answer is sent again on the new
	// connection (meeting_resilient_test.go), as a real client does.
	redial      bool
	base, token string
	subs        []string    // channels to subscribe to again
	gen         int         // connections made after the first
	closed      bool        // closed by the test: no redial
	resync      bool        // connected again, its snapshot not read yet
	pending     []tallyData // live tallies read before that snapshot
	reconnects  int         // connections made again
	retries     int         // requests sent again after a retryable error
	live        liveMotion  // lite: the motion rebuilt from its live tallies
	marks       []tallyMark // lite: when each live tally arrived
}

// liveMotion is a motion as a client rebuilds it from live tally frames:
// the newest counts, and who voted what from each frame's changes.
type liveMotion struct {
	tallyData
	votes map[string]string
	gaps  int // frames whose changes started after the version held
}

// apply takes a tally frame the way a client should: a newer version's
// counts; its changes when they start at or below the version held (a
// frame that starts above it means one was missed).
func (m *liveMotion) apply(d tallyData) {
	v := d.Tally["version"]
	if v < m.Tally["version"] || v == m.Tally["version"] && m.Status == "closed" {
		return
	}
	if d.Since != nil {
		if *d.Since > m.Tally["version"] {
			m.gaps++
		}
		if m.votes == nil {
			m.votes = map[string]string{}
		}
		for u, c := range d.Changes {
			m.votes[u] = c
		}
	}
	votes := m.votes
	m.tallyData, m.votes = d, votes
}

// tallyMark is the arrival of one live tally.
type tallyMark struct {
	at      time.Time
	version int64
}

func dialMeeting(t testing.TB, base, token string) *msock {
	t.Helper()
	return dialMeetingMode(t, base, token, false)
}

func dialMeetingMode(t testing.TB, base, token string, lite bool) *msock {
	t.Helper()
	s, err := tryDialMeeting(t, base, token, lite)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tryDialMeeting(t testing.TB, base, token string, lite bool) (*msock, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}, "Accept-Language": {"en"}}})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(4 << 20)
	s := &msock{ws: ws, lite: lite, base: base, token: token}
	go s.read(ws)
	t.Cleanup(s.close)
	return s, nil
}

// read keeps the frames of ws until it fails; a redialling socket then
// connects again (meeting_resilient_test.go).
func (s *msock) read(ws *websocket.Conn) {
	for {
		_, b, err := ws.Read(context.Background())
		if err != nil {
			s.mu.Lock()
			s.readErr = err
			again := s.redial && !s.closed
			s.mu.Unlock()
			if again {
				s.reconnect()
			}
			return
		}
		var f wsFrame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		s.mu.Lock()
		switch {
		case f.Type == "snapshot" && (s.lite || s.redial):
			s.frames = append(s.frames, f)
			s.takeSnapshot(f)
		case !s.lite || f.Type == "ack" || f.Type == "error" || f.Type == "pong":
			s.frames = append(s.frames, f)
		case f.Type == "event" && bytes.Contains(f.Data, []byte(`"type":"tally"`)):
			d := tallyOf(f)
			if s.resync { // a new connection: the snapshot comes first
				s.pending = append(s.pending, d)
				break
			}
			s.marks = append(s.marks, tallyMark{at: time.Now(), version: d.Tally["version"]})
			s.live.apply(d)
		}
		s.mu.Unlock()
	}
}

// close closes the socket for good (no redial).
func (s *msock) close() {
	s.mu.Lock()
	s.closed = true
	ws := s.ws
	s.mu.Unlock()
	ws.CloseNow()
}

// request sends a message with a fresh id and waits for its ack or error.
func (s *msock) request(t testing.TB, typ, channel string, data any) wsFrame {
	t.Helper()
	if s.redial {
		return s.requestAgain(t, typ, channel, data)
	}
	s.mu.Lock()
	s.n++
	id := fmt.Sprintf("r%d", s.n)
	s.mu.Unlock()
	msg := map[string]any{"type": typ, "id": id}
	if channel != "" {
		msg["channel"] = channel
	}
	if typ == "subscribe" {
		msg["since"] = 0
	}
	if data != nil {
		msg["data"] = data
	}
	b, _ := json.Marshal(msg)
	if err := s.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	return s.wait(t, func(f wsFrame) bool { return f.ID == id && answer(f) })
}

func (s *msock) all() []wsFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]wsFrame(nil), s.frames...)
}

// wait returns the first frame that matches, within 60 s (a bound against
// hanging, not a measure: the machine the tests share may be loaded many
// times over).
func (s *msock) wait(t testing.TB, match func(wsFrame) bool) wsFrame {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, f := range s.all() {
			if match(f) {
				return f
			}
		}
		if time.Now().After(deadline) {
			s.mu.Lock()
			why := s.readErr
			s.mu.Unlock()
			t.Fatalf("no matching frame; got %d frames; reading stopped: %v", len(s.all()), why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lastTally is the motion a lite socket rebuilt from its live tallies.
func (s *msock) lastTally() liveMotion {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.live
	m.votes = maps.Clone(m.votes)
	return m
}

// seen returns when the socket first got a tally of version v or newer.
func (s *msock) seen(v int64) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.marks {
		if m.version >= v {
			return m.at, true
		}
	}
	return time.Time{}, false
}

// errCode is the code of an error frame.
func errCode(f wsFrame) string {
	var e struct {
		Code string `json:"code"`
	}
	json.Unmarshal(f.Data, &e)
	return e.Code
}

// tallyOf decodes a frame's data as a tally frame (or a snapshot motion).
type tallyData struct {
	Type   string            `json:"type"`
	ID     string            `json:"id"`
	Status string            `json:"status"`
	Tally  map[string]int64  `json:"tally"`
	Votes  map[string]string `json:"votes"`
	Result string            `json:"result"`
	// live frames of an open ballot: the votes changed after Since
	Since   *int64            `json:"since"`
	Changes map[string]string `json:"changes"`
}

func tallyOf(f wsFrame) tallyData {
	var d tallyData
	json.Unmarshal(f.Data, &d)
	return d
}
