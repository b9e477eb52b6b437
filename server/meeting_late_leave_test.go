package server_test

import (
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
)

// TestMeetingLateDeparture: a departure that reaches the server after the
// member is back in the room on another socket (a dropped connection
// dialled again at once, on a starved machine) does not mark them absent:
// their stay stays open and their vote is taken. Once every socket of
// theirs is gone, the departure is recorded.
func TestMeetingLateDeparture(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 1)
		id := w.schedule(t)["id"].(string)
		ch := "meeting:" + id
		m := w.members[0]
		var socks []*msock
		for range 2 { // the old socket's successor, and one more
			s := dialMeeting(t, ts.URL, m.Token)
			if f := s.request(t, "subscribe", ch, nil); f.Type != "ack" {
				t.Fatalf("subscribe: %s", f.Data)
			}
			s.wait(t, func(f wsFrame) bool { return f.Type == "snapshot" })
			socks = append(socks, s)
		}
		stays := func() (open, closed int) {
			all, err := ts.Store.Attendance(t.Context(), id)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range all {
				if a.UserID == m.ID && a.LeftAt == nil {
					open++
				} else if a.UserID == m.ID {
					closed++
				}
			}
			return open, closed
		}
		if open, closed := stays(); open != 1 || closed != 0 {
			t.Fatalf("after joining: %d open and %d closed stays, want 1 and 0", open, closed)
		}

		ts.Server.PresenceEdge(t.Context(), ch, m.ID, false) // the late departure of a socket gone before
		if open, closed := stays(); open != 1 || closed != 0 {
			t.Errorf("after a late departure: %d open and %d closed stays, want 1 and 0", open, closed)
		}
		mid := w.motion(t, id, false)
		if f := socks[0].request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": "accept"}); f.Type != "ack" {
			t.Errorf("vote after a late departure: %s", f.Data)
		}

		for _, s := range socks {
			s.close()
		}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			if open, closed := stays(); open == 0 && closed == 1 {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("after leaving: %d open and %d closed stays, want 0 and 1", open, closed)
			}
		}
	})
}
