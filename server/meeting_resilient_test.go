package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/jihat/jihat/internal/testserver"
)

// A storm's sockets behave like real clients (msock.redial): a socket the
// server drops (its write timeout on a starved machine) is dialled again,
// subscribed again, and rebuilds its motion from the new snapshot; a
// request that got no answer on the lost connection is sent again on the
// new one, and one refused for a passing reason (EUNAVAILABLE, EINTERNAL)
// is sent again after a pause. A vote is an upsert, so sending it again is
// harmless: the storm still proves that every member is stored once, with
// their last choice.

// maxReconnects bounds the connections one socket makes again.
const maxReconnects = 20

// reconnect dials again after the connection was lost, subscribes to the
// socket's channels again and then moves s to the next generation (which
// tells waiting requests to send again).
func (s *msock) reconnect() {
	for try := 0; ; try++ {
		s.mu.Lock()
		if s.closed || s.reconnects >= maxReconnects {
			s.mu.Unlock()
			return
		}
		s.mu.Unlock()
		time.Sleep(time.Duration(min(try+1, 10)) * 200 * time.Millisecond)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(s.base, "http")+"/ws",
			&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + s.token}, "Accept-Language": {"en"}}})
		cancel()
		if err != nil {
			continue
		}
		ws.SetReadLimit(4 << 20)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			ws.CloseNow()
			return
		}
		s.ws, s.resync, s.pending = ws, true, nil
		s.reconnects++
		gen, subs := s.gen, slices.Clone(s.subs)
		s.mu.Unlock()
		go s.read(ws)
		ok := true
		for k, ch := range subs {
			id := fmt.Sprintf("re%d-%d", gen, k)
			b, _ := json.Marshal(map[string]any{"type": "subscribe", "id": id, "channel": ch, "since": 0})
			if err := writeFrame(ws, b); err != nil {
				ok = false
				break
			}
			f, got := s.await(func(f wsFrame) bool { return f.ID == id && answer(f) }, gen, time.Now().Add(60*time.Second))
			if !got || f.Type != "ack" {
				ok = false
				break
			}
		}
		// The snapshot follows the ack once the arrival is recorded (a vote
		// sent before it could be refused as absent).
		for deadline := time.Now().Add(60 * time.Second); ok; {
			s.mu.Lock()
			waiting := s.resync && len(subs) > 0
			s.mu.Unlock()
			if !waiting {
				break
			}
			if time.Now().After(deadline) {
				ok = false
			}
			time.Sleep(10 * time.Millisecond)
		}
		if ok {
			s.mu.Lock()
			s.gen++
			s.mu.Unlock()
			return
		}
		ws.CloseNow() // its reader dials again
		return
	}
}

// takeSnapshot (s.mu held) takes the storm's motion from a snapshot of the
// room: the whole tally and who voted what, then the live tallies read
// before it.
func (s *msock) takeSnapshot(f wsFrame) {
	var snap struct {
		Motions []tallyData `json:"motions"`
	}
	json.Unmarshal(f.Data, &snap)
	for _, d := range snap.Motions {
		if s.live.ID != "" && d.ID != s.live.ID || d.Tally["version"] < s.live.Tally["version"] {
			continue
		}
		votes := maps.Clone(d.Votes)
		if votes == nil {
			votes = map[string]string{}
		}
		s.live = liveMotion{tallyData: d, votes: votes, gaps: s.live.gaps}
		s.marks = append(s.marks, tallyMark{at: time.Now(), version: d.Tally["version"]})
	}
	if s.resync {
		for _, d := range s.pending {
			s.marks = append(s.marks, tallyMark{at: time.Now(), version: d.Tally["version"]})
			s.live.apply(d)
		}
		s.resync, s.pending = false, nil
	}
}

// await returns the first frame that matches, or false when the socket
// moved to another connection than gen or the deadline passed.
func (s *msock) await(match func(wsFrame) bool, gen int, deadline time.Time) (wsFrame, bool) {
	for {
		s.mu.Lock()
		for _, f := range s.frames {
			if match(f) {
				s.mu.Unlock()
				return f, true
			}
		}
		moved := s.gen != gen
		s.mu.Unlock()
		if moved || time.Now().After(deadline) {
			return wsFrame{}, false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// requestAgain is request for a redialling socket: sent again on a new
// connection when the answer was lost with the old one, and after a pause
// when refused for a passing reason.
func (s *msock) requestAgain(t testing.TB, typ, channel string, data any) wsFrame {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for try := 0; ; try++ {
		s.mu.Lock()
		s.n++
		id := fmt.Sprintf("r%d", s.n)
		ws, gen := s.ws, s.gen
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
		if writeFrame(ws, b) == nil {
			f, ok := s.await(func(f wsFrame) bool { return f.ID == id && answer(f) }, gen, deadline)
			if ok {
				if f.Type == "error" && passing(typ, errCode(f)) && try < 10 {
					s.mu.Lock()
					s.retries++
					s.mu.Unlock()
					time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
					continue
				}
				if typ == "subscribe" && f.Type == "ack" {
					s.mu.Lock()
					if !slices.Contains(s.subs, channel) {
						s.subs = append(s.subs, channel)
					}
					s.mu.Unlock()
				}
				return f
			}
		}
		// Lost with its connection: wait for the next one and send again.
		for {
			s.mu.Lock()
			moved, why := s.gen != gen, s.readErr
			s.mu.Unlock()
			if moved {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s %s: no answer within 90 s (%d connections made again; reading: %v)", typ, id, s.reconnects, why)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

// passing: an error a client sends the same request again after. A
// subscription may also be refused EUNAUTHORIZED when the server could not
// read the session in time.
func passing(typ, code string) bool {
	return code == "EUNAVAILABLE" || code == "EINTERNAL" || typ == "subscribe" && code == "EUNAUTHORIZED"
}

func writeFrame(ws *websocket.Conn, b []byte) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return ws.Write(ctx, websocket.MessageText, b)
}

// drop closes the socket's connection under it, as the server does to a
// client that has not read for its write timeout.
func (s *msock) drop() {
	s.mu.Lock()
	ws := s.ws
	s.mu.Unlock()
	ws.CloseNow()
}

// TestMeetingStormReconnect checks the storm's client side: sockets dropped
// under their clients before each round (some of them with a vote about to
// be sent on the dead connection) connect again, get the room's snapshot,
// vote again, and the storm's checks still hold: every member stored once
// with their last choice, the closed tally exact, every socket's rebuilt
// motion whole. The same checks fail a storm whose votes are lost.
func TestMeetingStormReconnect(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		dropped := map[int]bool{}
		socks := stormWith(t, []string{ts.URL}, ts.Admin(), 10, nil, 2, func(round int, socks []*msock) {
			for i := range socks {
				if i%4 == round { // round 0: 0, 4, 8; round 1: 1, 5, 9
					socks[i].drop()
					dropped[i] = true
				}
			}
		})
		for i, s := range socks {
			s.mu.Lock()
			n := s.reconnects
			s.mu.Unlock()
			if dropped[i] != (n > 0) {
				t.Errorf("socket %d: dropped %v, connected again %d times", i, dropped[i], n)
			}
		}
	})
}

// answer: the frame answers a request (a ping's is its pong).
func answer(f wsFrame) bool { return f.Type == "ack" || f.Type == "error" || f.Type == "pong" }
