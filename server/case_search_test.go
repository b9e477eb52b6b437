package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// Lists and search over HTTP: what each role sees, search by words (Arabic
// normalised on both sides), case number, national ID and mobile, keyset
// pages and filters.

// ids returns the "id" of each object.
func ids(objs []map[string]any) []string {
	out := make([]string, len(objs))
	for i, o := range objs {
		out[i] = testserver.Str(o, "id")
	}
	return out
}

// sameSet reports whether a and b hold the same strings.
func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func TestSearchCases(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		// A citizen registered with a national ID and a mobile.
		nid, mobile := testserver.NationalID(4242), testserver.Mobile(4242)
		ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
			"name": "صاحب هوية", "national_id": nid, "mobile": mobile, "password": testserver.Password})
		holder := testserver.Account{Token: ts.Login(nid, testserver.Password)}

		school := testserver.Str(k.open(t, "صيانة المدرسة", "السقف يحتاج إلى إصلاح"), "id")
		school2 := testserver.Str(ts.OpenCase(holder.Token, k.cs, "مدرسه الحي", "طلب نقل طالب"), "id")
		hospital := testserver.Str(ts.OpenCase(holder.Token, k.cs, "مُسْتَشْفَى الملك", "موعد في المستشفى"), "id")
		number := testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+school, k.citizen.Token, nil), "case.number")
		// Another entity, the same words and the same requester.
		other := ts.NewCaseSetup("")
		ts.Staff(other, jihat.RoleEmployee, 100)
		otherAdmin := ts.Staff(other, jihat.RoleEntityAdmin, 0)
		elsewhere := testserver.Str(ts.OpenCase(holder.Token, other, "مدرسة بعيدة", "نص"), "id")
		oversight := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})

		search := func(token, q string) []string {
			t.Helper()
			cases, _ := ts.ListCases(token, "q", q)
			return ids(cases)
		}
		for _, tc := range []struct {
			name, token, q string
			want           []string
		}{
			{"words: ة finds ه", k.supervisor.Token, "مدرسة", []string{school, school2}},
			{"words: ه finds ة", k.supervisor.Token, "مدرسه", []string{school, school2}},
			{"words: diacritics", k.supervisor.Token, "مَدْرَسَة", []string{school, school2}},
			{"words: ى and ي", k.supervisor.Token, "مستشفي", []string{hospital}},
			{"words: أ إ ا", k.supervisor.Token, "اصلاح", []string{school}},
			{"words: some words match too", k.supervisor.Token, "مدرسة نقل", []string{school2, school}},
			{"words: the article and a particle", k.supervisor.Token, "للمدرسة", []string{school, school2}},
			{"words: oversight sees every entity", oversight.Token, "مدرسة", []string{school, school2, elsewhere}},
			{"words: the other entity's admin", otherAdmin.Token, "مدرسة", []string{elsewhere}},
			{"words: a citizen sees their own", k.citizen.Token, "مدرسة", []string{school}},
			{"number", k.supervisor.Token, number, []string{school}},
			{"number in Arabic-Indic digits", k.citizen.Token, toArabicDigits(number), []string{school}},
			{"number of another requester", holder.Token, number, nil},
			{"number of another entity", otherAdmin.Token, number, nil},
			{"national ID, staff", k.supervisor.Token, nid, []string{school2, hospital}},
			{"mobile, staff", k.admin.Token, mobile, []string{school2, hospital}},
			{"mobile, local form", k.admin.Token, "0" + strings.TrimPrefix(mobile, "+966"), []string{school2, hospital}},
			{"national ID, oversight", oversight.Token, nid, []string{school2, hospital, elsewhere}},
			{"national ID, another entity", otherAdmin.Token, nid, []string{elsewhere}},
			{"national ID, a citizen", k.citizen.Token, nid, nil},
			{"national ID, the holder", holder.Token, nid, nil}, // a citizen's search is words only
			{"unknown national ID", k.supervisor.Token, testserver.NationalID(9999), nil},
		} {
			if got := search(tc.token, tc.q); !sameSet(got, tc.want) {
				t.Errorf("%s: q=%q found %v; want %v", tc.name, tc.q, got, tc.want)
			}
		}

		// Ranked: the exact spelling, then every word, then some words; with
		// the matching words highlighted in what the searcher sees.
		res, _ := ts.ListCases(k.supervisor.Token, "q", "المدرسة نقل")
		if got := ids(res); fmt.Sprint(got) != fmt.Sprint([]string{school2, school}) {
			t.Errorf("ranked search found %v; want %v (both words, then one)", got, []string{school2, school})
		}
		if len(res) == 2 {
			hl := fmt.Sprint(res[0]["highlights"], " ", res[1]["highlights"])
			// صيانة المدرسة → المدرسة at 6..13; مدرسه الحي / طلب نقل طالب → 0..5, 4..7.
			want := "map[body:[map[end:7 start:4]] subject:[map[end:5 start:0]]] map[body:[] subject:[map[end:13 start:6]]]"
			if hl != want {
				t.Errorf("highlights %s; want %s", hl, want)
			}
		}
		plain, _ := ts.ListCases(k.supervisor.Token)
		if len(plain) > 0 && plain[0]["highlights"] != nil {
			t.Errorf("a list without q has highlights: %v", plain[0]["highlights"])
		}

		// An employee without case.view_all searches only their own queue.
		mine := testserver.Str(ts.OpenCase(holder.Token, k.cs, "مدرسة ثالثة", "نص"), "id")
		colleague := ts.Staff(k.cs, jihat.RoleEmployee, 100)
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+mine+"/assign", k.admin.Token, map[string]any{"employee_id": colleague.ID})
		if got := search(colleague.Token, nid); !sameSet(got, []string{mine}) {
			t.Errorf("the colleague's national-ID search found %v; want only their case", got)
		}
		if got := search(colleague.Token, "مدرسة"); !sameSet(got, []string{mine}) {
			t.Errorf("the colleague's word search found %v; want only their case", got)
		}

		for _, q := range []string{"و", "!!", strings.Repeat("م", 201)} {
			st, body := ts.Do("GET", "/api/v1/cases?q="+url.QueryEscape(q), k.supervisor.Token, nil)
			wantError(t, st, body, http.StatusBadRequest, "EINVALID", "q")
		}
	})
}

func toArabicDigits(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return '٠' + (r - '0')
		}
		return r
	}, s)
}

// TestListCases: pages of two over five cases are disjoint and complete,
// with each filter; late follows the server's clock.
func TestListCases(t *testing.T) {
	t0 := time.Date(2026, 1, 4, 6, 0, 0, 0, time.UTC) // Sunday 09:00 in Riyadh
	clk := &settableClock{t: t0}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		clk.Set(t0)
		k := newCaseCast(t, ts)
		colleague := ts.Staff(k.cs, jihat.RoleEmployee, 100)
		var all []string // newest first
		priorities := []string{"very_important", "normal", "very_important", "important", "normal"}
		for i, p := range priorities {
			all = append([]string{testserver.Str(ts.OpenCase(k.citizen.Token, k.cs, fmt.Sprintf("طلب %d", i), "نص", "priority", p), "id")}, all...)
		}
		// The employee and the colleague share the cases (round-robin).
		byAssignee := map[string][]string{} // newest first
		token := map[string]string{k.employee.ID: k.employee.Token, colleague.ID: colleague.Token}
		for _, id := range all {
			a := testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, k.citizen.Token, nil), "case.assignee.id")
			byAssignee[a] = append(byAssignee[a], id)
		}
		if len(byAssignee[k.employee.ID]) == 0 || len(byAssignee[colleague.ID]) == 0 {
			t.Fatalf("assignees %v; want both employees", byAssignee)
		}
		// The oldest (very important) case is resolved; the other very
		// important one becomes late when the clock passes 13:00.
		oldest := all[4]
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+oldest+"/resolve", token[assigneeOf(ts, k, oldest)], map[string]any{"resolution": "تم"})
		clk.Set(t0.Add(4*time.Hour + 30*time.Minute))

		pages := func(token string, params ...string) []string {
			t.Helper()
			var got []string
			cursor := ""
			for page := 0; page < 10; page++ {
				p := append([]string{"limit", "2"}, params...)
				if cursor != "" {
					p = append(p, "cursor", cursor)
				}
				cases, next := ts.ListCases(token, p...)
				if len(cases) > 2 {
					t.Fatalf("%v: page of %d", params, len(cases))
				}
				got = append(got, ids(cases)...)
				if next == "" {
					return got
				}
				cursor = next
			}
			t.Fatalf("%v: more than 10 pages", params)
			return nil
		}
		without := func(list []string, drop ...string) []string {
			return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return slices.Contains(drop, s) })
		}
		for _, tc := range []struct {
			name   string
			token  string
			params []string
			want   []string
		}{
			{"requester", k.citizen.Token, nil, all},
			{"supervisor", k.supervisor.Token, nil, all},
			{"entity admin", k.admin.Token, nil, all},
			{"assignee=me", k.employee.Token, []string{"assignee", "me"}, byAssignee[k.employee.ID]},
			{"employee's queue", colleague.Token, nil, byAssignee[colleague.ID]},
			{"assignee=id never widens an own-cases scope", colleague.Token, []string{"assignee", k.employee.ID}, nil},
			{"assignee=id", k.supervisor.Token, []string{"assignee", colleague.ID}, byAssignee[colleague.ID]},
			{"status", k.supervisor.Token, []string{"status", "assigned"}, without(all, all[4])},
			{"status list", k.supervisor.Token, []string{"status", "resolved,closed"}, []string{all[4]}},
			{"priority", k.supervisor.Token, []string{"priority", "very_important"}, []string{all[2], all[4]}},
			{"late", k.supervisor.Token, []string{"late", "true"}, []string{all[2]}},
			{"not late", k.supervisor.Token, []string{"late", "false"}, without(all, all[2])},
			{"late and mine", k.employee.Token, []string{"late", "true", "assignee", "me"}, intersect(byAssignee[k.employee.ID], []string{all[2]})},
			{"another citizen", k.other.Token, nil, nil},
		} {
			if got := pages(tc.token, tc.params...); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: pages hold %v;\nwant %v", tc.name, got, tc.want)
			}
		}
		for _, bad := range []string{"status=bogus", "priority=urgent", "late=maybe", "assignee=someone", "cursor=abc", "limit=0", "limit=101"} {
			st, body := ts.Do("GET", "/api/v1/cases?"+bad, k.supervisor.Token, nil)
			wantError(t, st, body, http.StatusBadRequest, "EINVALID", strings.SplitN(bad, "=", 2)[0])
		}
	}, withClock(clk))
}

// assigneeOf returns the ID of the assignee of case id.
func assigneeOf(ts *testserver.TestServer, k *caseCast, id string) string {
	return testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, k.citizen.Token, nil), "case.assignee.id")
}

func intersect(a, b []string) []string {
	var out []string
	for _, x := range a {
		if slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	return out
}
