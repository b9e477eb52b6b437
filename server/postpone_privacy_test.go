package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestPostponementReasonStaysInternal: an employee's postponement request
// carries an internal reason; once a supervisor approves it, the requester
// sees the new date — on the timeline, on the case channel and in the
// notice — and the public wording only when one was written for them, never
// the internal reason. Staff still see the internal reason. A supervisor's
// direct postponement follows the same rule.
func TestPostponementReasonStaysInternal(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		ts.VerifyEmail(k.citizen) // so the e-mails are sent, and read here
		until := time.Now().Add(72 * time.Hour).UTC().Truncate(time.Second).Format(time.RFC3339)
		const internal, public = "INTERNAL-REASON سبب داخلي", "PUBLIC-WORDING بانتظار وثيقة"

		check := func(t *testing.T, id string, withPublic bool) {
			t.Helper()
			ws := ts.DialLive(k.citizen.Token)
			if code := ws.Subscribe(jihat.CaseChannel(id), 0); code != "" {
				t.Fatalf("subscribe: %s", code)
			}
			flush(t, ts.Server)
			// The requester's reads: the timeline, the case channel, the notices.
			evs := ts.CaseEvents(k.citizen.Token, id, "since=0")
			var postponed map[string]any
			for _, e := range evs {
				if e["type"] == string(jihat.CaseEventPostponed) {
					postponed = e
				}
			}
			if postponed == nil {
				t.Fatalf("no postponed event on the requester's timeline: %v", evs)
			}
			if got := testserver.Str(postponed, "data.until"); got != until {
				t.Errorf("postponed until %q, want %q", got, until)
			}
			wantReason := ""
			if withPublic {
				wantReason = public
			}
			if got := testserver.Str(postponed, "data.reason"); got != wantReason {
				t.Errorf("the requester's postponed event says reason %q, want %q", got, wantReason)
			}
			ws.WaitFrame(hasEvent(jihat.CaseChannel(id), id, string(jihat.CaseEventPostponed), ""))
			ws.Fence()
			bodies := map[string]string{"timeline": string(okBody(t, ts, "GET", "/api/v1/cases/"+id+"/events?since=0&staff_since=0", k.citizen.Token))}
			bodies["in-app notices"] = string(okBody(t, ts, "GET", "/api/v1/notifications", k.citizen.Token))
			for _, f := range ws.Frames() {
				bodies["socket"] += string(f.Data)
			}
			for _, m := range ts.Notifier.To(k.citizen.Login) {
				bodies["e-mail"] += m.Subject + m.Text
			}
			for what, b := range bodies {
				if strings.Contains(b, "INTERNAL-REASON") {
					t.Errorf("the requester's %s contains the internal reason: %s", what, b)
				}
				if withPublic && what != "socket" && what != "timeline" && !strings.Contains(b, "PUBLIC-WORDING") {
					t.Errorf("the requester's %s lacks the public wording: %s", what, b)
				}
			}
			staff := string(okBody(t, ts, "GET", "/api/v1/cases/"+id+"/events", k.supervisor.Token))
			if !strings.Contains(staff, "INTERNAL-REASON") {
				t.Errorf("staff do not see the internal reason: %s", staff)
			}
		}

		for _, withPublic := range []bool{false, true} {
			body := map[string]any{"until": until, "reason": internal}
			if withPublic {
				body["public_reason"] = public
			}
			id := testserver.Str(k.open(t, "طلب تأجيل", "نص"), "id")
			req := ts.Must(http.StatusAccepted, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token, body)
			ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postponements/"+testserver.Str(req, "request.id")+"/approve",
				k.supervisor.Token, map[string]any{})
			check(t, id, withPublic)
		}
		// An entity admin, who may postpone, does it at once: the same rule.
		id := testserver.Str(k.open(t, "تأجيل مباشر", "نص"), "id")
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/postpone", k.admin.Token, map[string]any{"until": until, "reason": internal})
		check(t, id, false)
	})
}

// okBody runs a request that must answer 200 and returns its body.
func okBody(t *testing.T, ts *testserver.TestServer, method, path, token string) []byte {
	t.Helper()
	res, err := ts.Raw(method, path, token, nil)
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("%s %s: %v %v", method, path, err, res)
	}
	return res.Body
}
