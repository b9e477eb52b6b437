package server_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestMeetingFeeds: a meeting's milestones and decisions reach the
// entity's activity feed and the oversight feed, live and in the tail a
// new subscriber starts with, for whom jihat.CanRead allows: the entity's
// admin, a supervisor of one of its departments, oversight; not an
// employee who may open the feed (reports.view) without case.view_all.
func TestMeetingFeeds(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 1)
		staff := func(role string, perms ...string) string {
			email := fmt.Sprintf("feed-%s-%d@meetings.test", role, time.Now().UnixNano())
			body := map[string]any{"name": "موظف", "email": email, "role": role, "password": meetingPassword,
				"department_id": w.department, "permissions": perms}
			api.must(t, 201, "POST", "/api/v1/entities/"+w.entity+"/employees", w.entityAdmin.Token, body)
			return api.must(t, 200, "POST", "/api/v1/auth/login", "", map[string]any{"login": email, "password": meetingPassword})["token"].(string)
		}
		supervisor := staff("supervisor")
		reporter := staff("employee", "reports.view")
		oversight := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight}).Token
		entityFeed := jihat.EntityFeedChannel(w.entity)
		type watcher struct {
			who, token, channel string
			sees                bool
		}
		watchers := []watcher{
			{"entity admin", w.entityAdmin.Token, entityFeed, true},
			{"department supervisor", supervisor, entityFeed, true},
			{"oversight", oversight, jihat.FeedChannel, true},
			{"employee with reports.view", reporter, entityFeed, false},
		}
		live := make([]*testserver.LiveConn, len(watchers))
		for i, x := range watchers {
			live[i] = ts.DialLive(x.token)
			if code := live[i].Subscribe(x.channel, -1); code != "" {
				t.Fatalf("%s subscribing to %s: %s", x.who, x.channel, code)
			}
		}

		// Schedule, open a motion (which starts the meeting, without an
		// event of its own), vote, close it, close the meeting.
		id := w.schedule(t)["id"].(string)
		api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/attendance", w.chair.Token, nil)
		mid := w.motion(t, id, false)
		api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/vote", w.chair.Token, map[string]any{"choice": "accept"})
		api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/close", w.chair.Token, nil)
		api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/close", w.chair.Token, nil)
		want := []string{"meeting.scheduled", "motion.opened", "motion.closed", "meeting.closed"}

		types := func(frames []testserver.LiveFrame, channel string) []string {
			var got []string
			for _, f := range frames {
				var e struct {
					Type      string `json:"type"`
					MeetingID string `json:"meeting_id"`
				}
				if f.Type == "event" && f.Channel == channel && json.Unmarshal(f.Data, &e) == nil && e.MeetingID == id {
					got = append(got, e.Type)
				}
			}
			return got
		}
		for i, x := range watchers {
			if x.sees {
				live[i].WaitFrame(func(f testserver.LiveFrame) bool {
					return slices.Contains(types([]testserver.LiveFrame{f}, x.channel), "meeting.closed")
				})
			} else {
				live[i].Fence() // everything published before is queued before the pong
			}
			if got := types(live[i].Frames(), x.channel); x.sees && fmt.Sprint(got) != fmt.Sprint(want) || !x.sees && len(got) > 0 {
				t.Errorf("%s live on %s: %v", x.who, x.channel, got)
			}
		}

		// A new subscriber starts with the tail: the same events, in order.
		for _, x := range watchers {
			c := ts.DialLive(x.token)
			if code := c.Subscribe(x.channel, -1); code != "" {
				t.Fatalf("%s subscribing again: %s", x.who, code)
			}
			c.Fence()
			got := types(c.Frames(), x.channel)
			if x.sees && fmt.Sprint(got) != fmt.Sprint(want) || !x.sees && len(got) > 0 {
				t.Errorf("%s tail of %s: %v, want %v", x.who, x.channel, got, x.sees)
			}
		}
	})
}
