package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestLiveFeedTail: a supervisor (and oversight) opening the dashboard on an
// entity with dozens of events gets the latest 50 of them, newest last, then
// the live tail, with no gap and no duplicate between the two.
func TestLiveFeedTail(t *testing.T) {
	ts := testserver.Start(t)
	cs := ts.NewCaseSetup("")
	emp := ts.Staff(cs, jihat.RoleEmployee, 0)
	sup := ts.Staff(cs, jihat.RoleSupervisor, 0)
	oversight := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
	citizen := ts.RegisterCitizen()
	caseID := testserver.Str(ts.OpenCase(citizen.Token, cs, "تسرب مياه", "في الشارع الرئيسي"), "id")
	if got := testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+caseID, citizen.Token, nil), "case.assignee.id"); got != emp.ID {
		// Either staff member may hold it; the other one comments then.
		emp = sup
	}
	comment := func(body string) {
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+caseID+"/comments", emp.Token, map[string]any{"body": body, "visibility": "public"})
	}
	// created, assigned, C-1 … C-60: the latest 50 are C-11 … C-60.
	for i := 1; i <= 60; i++ {
		comment(fmt.Sprintf("C-%d", i))
	}
	feeds := map[string]string{jihat.EntityFeedChannel(cs.Entity): sup.Token, jihat.FeedChannel: oversight.Token}
	conns := map[string]*testserver.LiveConn{}
	for ch, token := range feeds {
		conns[ch] = ts.DialLive(token)
		if code := conns[ch].Subscribe(ch, 0); code != "" {
			t.Fatalf("subscribing to %s: %s", ch, code)
		}
	}
	// The tail is read after the subscription starts taking live events, so
	// a comment made while it is read may arrive in the tail (and then not
	// again live). Waiting for the tail's newest comment fixes the order
	// this test checks: the tail C-11 … C-60, then C-61 live.
	for ch, ws := range conns {
		ws.WaitFrame(hasEvent(ch, caseID, string(jihat.CaseEventComment), "C-60"))
	}
	comment("C-61")
	comment("END") // the fence: anything delivered twice comes before it
	var want []string
	for i := 11; i <= 61; i++ {
		want = append(want, fmt.Sprintf("C-%d", i))
	}
	for ch, ws := range conns {
		ws.WaitFrame(hasEvent(ch, caseID, string(jihat.CaseEventComment), "END"))
		var got []string
		for _, f := range ws.Frames() {
			if f.Type != "event" || f.Channel != ch {
				continue
			}
			if f.Seq != 0 {
				t.Errorf("%s: feed frame with seq %d", ch, f.Seq)
			}
			var e feedEvent
			if err := json.Unmarshal(f.Data, &e); err != nil || e.CaseID != caseID {
				t.Fatalf("%s: frame %s", ch, f.Data)
			}
			if e.Data.Body != "END" {
				got = append(got, e.Data.Body)
			}
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s delivered %d events %v\nwant %d: %v", ch, len(got), got, len(want), want)
		}
	}
}
