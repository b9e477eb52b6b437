package server_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestCaseLeak: whatever a citizen asks about their case — the list, the
// case, its events from any position, a search by words that are only in
// staff notes or by the case number — no internal note and no event of the
// staff channel comes back. A citizen of another case gets 404 for all of
// it. The same reads by staff do return the internal notes, so the test
// would notice if they were missing for everyone.
func TestCaseLeak(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		c := k.open(t, "طلب رخصة بناء", "أرجو إصدار رخصة البناء")
		id, number := testserver.Str(c, "id"), testserver.Str(c, "number")

		// Secrets: words that appear only on the staff channel.
		const note, reason = "زبرجد ملاحظة داخلية سرية", "ياقوت سبب تأجيل داخلي"
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
			map[string]any{"body": note, "visibility": "internal"})
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
			map[string]any{"body": "رد علني للمستفيد", "visibility": "public"})
		up := multipartBody(t, "file", "zabarjad-internal.png", "../media/testdata/image.png", "visibility", "internal")
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/attachments", k.employee.Token, up.data, "Content-Type", up.contentType)
		ts.Must(http.StatusAccepted, "POST", "/api/v1/cases/"+id+"/postpone", k.employee.Token,
			map[string]any{"until": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339), "reason": reason})
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.citizen.Token,
			map[string]any{"body": "شكراً", "visibility": "public"})
		secrets := []string{"زبرجد", "ياقوت", "zabarjad", ":staff", `"internal"`, "postponement_requested"}

		leaks := func(t *testing.T, what string, body []byte) {
			t.Helper()
			for _, s := range secrets {
				if strings.Contains(string(body), s) {
					t.Errorf("%s: the answer contains %q:\n%s", what, s, body)
				}
			}
		}
		get := func(t *testing.T, token, path string, want int) []byte {
			t.Helper()
			res, err := ts.Raw("GET", path, token, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != want {
				t.Fatalf("GET %s: %d; want %d: %s", path, res.Status, want, res.Body)
			}
			return res.Body
		}
		search := func(q string) string { return "/api/v1/cases?q=" + url.QueryEscape(q) }
		reads := []string{
			"/api/v1/cases",
			"/api/v1/cases/" + id,
			"/api/v1/cases/" + id + "/events",
			"/api/v1/cases/" + id + "/events?since=0&staff_since=0",
			"/api/v1/cases/" + id + "/events?since=1",
			"/api/v1/cases/" + id + "/events?staff_since=1",
			"/api/v1/cases/" + id + "/events?since=2&staff_since=0",
		}

		t.Run("requester", func(t *testing.T) {
			for _, path := range reads {
				body := get(t, k.citizen.Token, path, http.StatusOK)
				leaks(t, path, body)
			}
			evs := ts.CaseEvents(k.citizen.Token, id, "since=0&staff_since=0")
			var public int
			for _, e := range evs {
				if e["visibility"] != "public" || strings.HasSuffix(testserver.Str(e, "channel"), ":staff") {
					t.Errorf("the requester got %v", e)
				}
				public++
			}
			if public < 4 { // created, assigned, the public reply, their own reply
				t.Errorf("the requester sees %d events; want the public timeline", public)
			}
			for _, q := range []string{"زبرجد", "ياقوت", "ملاحظة داخلية سرية"} {
				body := get(t, k.citizen.Token, search(q), http.StatusOK)
				if cases, _ := ts.ListCases(k.citizen.Token, "q", q); len(cases) != 0 {
					t.Errorf("search %q (only in staff notes) found %d cases", q, len(cases))
				}
				leaks(t, "search "+q, body)
			}
			body := get(t, k.citizen.Token, search(number), http.StatusOK)
			leaks(t, "search by number", body)
			if cases, _ := ts.ListCases(k.citizen.Token, "q", number); len(cases) != 1 || cases[0]["id"] != id {
				t.Errorf("search by number %s: %v", number, cases)
			}
			res, _ := ts.Raw("GET", "/api/v1/cases/"+id+"/postponements", k.citizen.Token, nil)
			if res.Status != http.StatusForbidden {
				t.Errorf("postponement requests to the requester: %d", res.Status)
			}
			leaks(t, "postponements", res.Body)
		})

		t.Run("another citizen", func(t *testing.T) {
			for _, path := range reads[1:] {
				leaks(t, path, get(t, k.other.Token, path, http.StatusNotFound))
			}
			get(t, k.other.Token, "/api/v1/cases/"+id+"/postponements", http.StatusNotFound)
			for _, q := range []string{number, "رخصة"} {
				if cases, _ := ts.ListCases(k.other.Token, "q", q); len(cases) != 0 {
					t.Errorf("another citizen's search %q found %v", q, cases)
				}
			}
			if cases, _ := ts.ListCases(k.other.Token); len(cases) != 0 {
				t.Errorf("another citizen's list has %d cases", len(cases))
			}
			for action, body := range map[string]any{
				"comments": map[string]any{"body": "مرحبا"}, "object": map[string]any{"reason": "اعتراض"},
				"rating": map[string]any{"score": 1}, "resolve": map[string]any{"resolution": "تم"},
				"assign":   map[string]any{"employee_id": k.employee.ID},
				"postpone": map[string]any{"until": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339), "reason": "سبب"},
			} {
				st, b := k.act(k.other.Token, id, action, body)
				wantError(t, st, b, http.StatusNotFound, "ENOTFOUND", "")
			}
		})

		// Comments are searched: the public reply's words by everyone who
		// sees the case, the note's only by staff who may read notes; the
		// highlights cover the subject and body only, so they show no
		// comment's text to anyone.
		t.Run("search by comments", func(t *testing.T) {
			oversight := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight}).Token
			found := func(token, q string) []string {
				t.Helper()
				body := get(t, token, search(q), http.StatusOK)
				if token == k.citizen.Token {
					leaks(t, "search "+q, body)
				}
				cases, _ := ts.ListCases(token, "q", q)
				for _, c := range cases {
					if h, ok := c["highlights"].(map[string]any); ok {
						for key := range h {
							if key != "subject" && key != "body" {
								t.Errorf("search %q: highlights of %q", q, key)
							}
						}
					}
				}
				return ids(cases)
			}
			for _, tc := range []struct {
				who   string
				token string
				q     string
				want  int
			}{
				{"requester, the public reply", k.citizen.Token, "رد علني", 1},
				{"requester, the reply's stem", k.citizen.Token, "للمستفيد", 1},
				{"requester, the note", k.citizen.Token, "زبرجد", 0},
				{"requester, the note's phrase", k.citizen.Token, "ملاحظة داخلية", 0},
				{"employee, the note", k.employee.Token, "زبرجد", 1},
				{"employee, the note's stem", k.employee.Token, "الملاحظة الداخلية", 1},
				{"entity admin, the note", k.admin.Token, "زبرجد", 1},
				{"employee, the reply", k.employee.Token, "رد علني", 1},
				{"another citizen, the reply", k.other.Token, "رد علني", 0},
				{"oversight, the reply", oversight, "رد علني", 1},
				{"oversight, the note", oversight, "زبرجد", 0},
			} {
				got := found(tc.token, tc.q)
				if len(got) != tc.want || tc.want == 1 && got[0] != id {
					t.Errorf("%s (%q): %v; want %d case(s)", tc.who, tc.q, got, tc.want)
				}
			}
			// Without case.view_internal, the note's words find nothing.
			k.setPerms(k.employee, nil, []string{"case.view_internal"})
			if got := found(k.employee.Token, "زبرجد"); len(got) != 0 {
				t.Errorf("an employee without case.view_internal found %v by a note's word", got)
			}
			if got := found(k.employee.Token, "رد علني"); len(got) != 1 {
				t.Errorf("an employee without case.view_internal: the reply found %v", got)
			}
			k.setPerms(k.employee, []string{"case.view_internal"}, nil)
		})

		t.Run("staff see the notes", func(t *testing.T) {
			body := get(t, k.employee.Token, "/api/v1/cases/"+id+"/events", http.StatusOK)
			for _, s := range []string{"زبرجد", "ياقوت", "zabarjad", ":staff"} {
				if !strings.Contains(string(body), s) {
					t.Errorf("the employee's events lack %q", s)
				}
			}
			staff := ts.CaseEvents(k.employee.Token, id, "since=1000&staff_since=1")
			for _, e := range staff {
				if !strings.HasSuffix(testserver.Str(e, "channel"), ":staff") || testserver.Str(e, "seq") == "1" {
					t.Errorf("staff_since=1 since=1000 returned %v", e)
				}
			}
			if len(staff) == 0 {
				t.Error("staff_since=1: no staff events")
			}
		})
	})
}
