package server_test

import (
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// countKey matches a tally's counts ("accept":3), the only place a choice
// word may appear anywhere around a secret ballot.
var countKey = regexp.MustCompile(`"(accept|reject|abstain)":\d+`)

// noChoice fails when text shows a choice beyond the counts of a tally.
func noChoice(t *testing.T, where, text string) {
	t.Helper()
	rest := countKey.ReplaceAllString(text, "")
	for _, w := range []string{"accept", "reject", "abstain"} {
		if strings.Contains(rest, w) {
			i := strings.Index(rest, w)
			t.Errorf("%s shows %q: …%s…", where, w, rest[max(0, i-120):min(len(rest), i+60)])
		}
	}
}

// TestSecretBallotLeaks: in a secret ballot each voter's choice is unique
// (one accepts, one rejects, one abstains, one changes their vote with
// their receipt). No API answer, no event on any channel, no audit entry,
// no stored row outside the ballot box shows any voter's choice; the
// counts are right.
func TestSecretBallotLeaks(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 2)
		id := w.schedule(t)["id"].(string)
		ch := "meeting:" + id
		var texts []string // every answer and frame seen
		keep := func(where string, v any) {
			b, _ := json.Marshal(v)
			texts = append(texts, where+": "+string(b))
		}
		sec := dialMeeting(t, ts.URL, w.secretary.Token)
		sec.request(t, "subscribe", ch, nil)
		feed := dialMeeting(t, ts.URL, w.entityAdmin.Token)
		feed.request(t, "subscribe", "entity:"+w.entity+":feed", nil)
		feed.request(t, "subscribe", ch, nil)
		socks := map[string]*msock{}
		for _, p := range w.voters() {
			s := dialMeeting(t, ts.URL, p.Token)
			s.request(t, "subscribe", ch, nil)
			socks[p.ID] = s
		}
		mid := w.motion(t, id, true)
		choose := map[string]string{w.chair.ID: "accept", w.secretary.ID: "reject", w.members[0].ID: "abstain", w.members[1].ID: "reject"}
		receipts := map[string]string{}
		for _, p := range w.voters() {
			f := socks[p.ID].request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": choose[p.ID]})
			if f.Type != "ack" {
				t.Fatalf("vote: %s", f.Data)
			}
			var ack struct {
				Receipt string `json:"receipt"`
			}
			json.Unmarshal(f.Data, &ack)
			if ack.Receipt == "" {
				t.Fatalf("no receipt in %s", f.Data)
			}
			receipts[p.ID] = ack.Receipt
			keep("vote ack", f)
		}
		// A change without the receipt is refused; with someone else's too.
		m1 := w.members[1]
		if st, code := api.code(t, "POST", "/api/v1/motions/"+mid+"/vote", m1.Token, map[string]any{"choice": "accept"}); st != 409 || code != "ECONFLICT" {
			t.Errorf("change without a receipt: %d %s", st, code)
		}
		if st, _ := api.code(t, "POST", "/api/v1/motions/"+mid+"/vote", m1.Token, map[string]any{"choice": "accept", "receipt": receipts[w.chair.ID]}); st != 400 {
			t.Errorf("change with another's receipt: %d", st)
		}
		ans := api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/vote", m1.Token, map[string]any{"choice": "accept", "receipt": receipts[m1.ID]})
		keep("vote answer", ans)
		if ans["choice"] != nil || ans["receipt"] == "" || ans["receipt"] == receipts[m1.ID] {
			t.Errorf("secret vote answer %v", ans)
		}
		if st, _ := api.code(t, "POST", "/api/v1/motions/"+mid+"/vote", m1.Token, map[string]any{"choice": "abstain", "receipt": receipts[m1.ID]}); st != 400 {
			t.Errorf("an old receipt replayed: %d", st)
		}
		keep("GET motion", api.must(t, 200, "GET", "/api/v1/motions/"+mid, w.chair.Token, nil))
		keep("GET meeting", api.must(t, 200, "GET", "/api/v1/meetings/"+id, w.chair.Token, nil))
		closed := api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/close", w.chair.Token, nil)
		keep("close", closed)
		tl := closed["motion"].(map[string]any)["tally"].(map[string]any)
		if tl["accept"] != 2.0 || tl["reject"] != 1.0 || tl["abstain"] != 1.0 || tl["voted"] != 4.0 {
			t.Errorf("secret tally %v", tl)
		}
		keep("GET meeting after", api.must(t, 200, "GET", "/api/v1/meetings/"+id, w.observer.Token, nil))
		keep("minutes", api.must(t, 200, "GET", "/api/v1/meetings/"+id+"/minutes", w.secretary.Token, nil))
		// Fence: a marker event after everything, then read what arrived.
		api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/close", w.chair.Token, nil)
		for _, s := range append([]*msock{sec, feed}, socks[w.members[0].ID]) {
			s.wait(t, func(f wsFrame) bool { return strings.Contains(string(f.Data), `"meeting.closed"`) })
			for _, f := range s.all() {
				keep("frame", f)
			}
		}
		// A reconnecting member's replay and snapshot.
		late := dialMeeting(t, ts.URL, w.members[0].Token)
		late.request(t, "subscribe", ch, nil)
		late.wait(t, func(f wsFrame) bool { return f.Type == "snapshot" })
		for _, f := range late.all() {
			keep("late frame", f)
		}
		audit := api.must(t, 200, "GET", "/api/v1/audit?limit=500", ts.Admin(), nil)
		keep("audit", audit)
		votes := 0
		for _, e := range audit["entries"].([]any) {
			if e.(map[string]any)["action"] == "motion.vote" {
				votes++
			}
		}
		if votes != 5 {
			t.Errorf("%d motion.vote audit entries, want 5 (four votes and a change)", votes)
		}
		for _, text := range texts {
			noChoice(t, text[:strings.Index(text, ":")], text)
			for who, r := range receipts {
				// Only the voter's own answer (an ack goes to the asking socket alone) holds it.
				if strings.Contains(text, r) && !strings.HasPrefix(text, "vote ack") && !strings.Contains(text, `{"type":"ack"`) {
					t.Errorf("the receipt of %s appears in %.80s", who, text)
				}
			}
		}
		// Stored: the voters' table has no choice, the box no voter.
		rows, err := ts.DB.Query("SELECT * FROM ballot_voters WHERE motion_id = $1", mid)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ := rows.Columns()
		rows.Close()
		if strings.Join(cols, ",") != "motion_id,user_id,generation" {
			t.Errorf("ballot_voters columns %v", cols)
		}
		rows, err = ts.DB.Query("SELECT * FROM ballot_boxes WHERE motion_id = $1", mid)
		if err != nil {
			t.Fatal(err)
		}
		cols, _ = rows.Columns()
		rows.Close()
		if strings.Join(cols, ",") != "motion_id,accept,reject,abstain" {
			t.Errorf("ballot_boxes columns %v", cols)
		}
		var n int
		ts.DB.QueryRow("SELECT COUNT(*) FROM votes WHERE motion_id = $1", mid).Scan(&n)
		if n != 0 {
			t.Errorf("%d open-ballot rows for a secret ballot", n)
		}
		if _, err := ts.Store.ChainAudit(t.Context()); err != nil { // link what is pending
			t.Fatal(err)
		}
		ts.DB.QueryRow("SELECT COUNT(*) FROM audit_log WHERE details LIKE '%accept%' OR details LIKE '%reject%' OR details LIKE '%abstain%'").Scan(&n)
		if n != 0 {
			t.Errorf("%d audit rows mention a choice", n)
		}
	})
}
