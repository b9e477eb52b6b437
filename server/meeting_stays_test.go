package server_test

import (
	"fmt"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/store"
)

// TestMeetingStaysBatch: the room's arrivals and departures recorded as one
// batch keep their order: a second arrival by the same way changes
// nothing, a departure closes the stay, a user who leaves and comes back
// within the batch has a closed stay and an open one, one who arrives and
// leaves within it a closed one; each change is audited once; a meeting
// that ended takes no arrival.
func TestMeetingStaysBatch(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 2)
		id := w.schedule(t)["id"].(string)
		a, b, c := w.chair.ID, w.secretary.ID, w.members[0].ID
		edge := func(u, via string, join bool) store.StayEdge {
			return store.StayEdge{UserID: u, Via: via, Join: join, Audit: jihat.AuditEntry{Details: `{"via":"` + via + `"}`}}
		}
		audits := func() int64 {
			ts.Store.ChainAudit(t.Context())
			var n int64
			ts.DB.QueryRow("SELECT COUNT(*) FROM audit_log WHERE target = 'meeting:" + id + "' AND action IN ('meeting.join', 'meeting.leave')").Scan(&n)
			return n
		}
		before := audits()
		changed, err := ts.Store.RecordStays(t.Context(), id, []store.StayEdge{
			edge(a, "ws", true), edge(a, "ws", true), edge(b, "ws", true), edge(b, "ws", false),
			edge(c, "checkin", true), edge(a, "ws", false), edge(a, "ws", true), edge(c, "ws", false),
		})
		if err != nil {
			t.Fatal(err)
		}
		if want := "[true false true true true true true false]"; fmt.Sprint(changed) != want {
			t.Errorf("changed %v, want %s", changed, want)
		}
		stays, err := ts.Store.Attendance(t.Context(), id)
		if err != nil {
			t.Fatal(err)
		}
		open, closed := map[string]int{}, map[string]int{}
		for _, s := range stays {
			if s.LeftAt == nil {
				open[s.UserID+" "+s.Via]++
			} else {
				closed[s.UserID+" "+s.Via]++
			}
		}
		if open[a+" ws"] != 1 || closed[a+" ws"] != 1 || open[b+" ws"] != 0 || closed[b+" ws"] != 1 || open[c+" checkin"] != 1 || len(stays) != 4 {
			t.Errorf("stays: open %v closed %v (%d rows)", open, closed, len(stays))
		}
		if n := audits() - before; n != 6 {
			t.Errorf("%d join and leave audit entries, want 6", n)
		}
		api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/close", w.chair.Token, nil)
		if changed, err := ts.Store.RecordStays(t.Context(), id, []store.StayEdge{edge(b, "ws", true)}); err != nil || changed[0] {
			t.Errorf("an arrival after the close: %v %v", changed, err)
		}
	})
}
