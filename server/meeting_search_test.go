package server_test

import (
	"net/url"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestMeetingSearch: GET /api/v1/meetings?q= finds a meeting by the words
// of its title and agenda items' titles (stems, ranked, highlighted) for
// those who may read it — its members and the entity's meeting admins —
// and for no one else; edits are searched at once; on both databases.
func TestMeetingSearch(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 1)
		m := w.schedule(t) // «الاجتماع الدوري»: «الميزانية», «التعيينات»
		id := m["id"].(string)
		search := func(t *testing.T, token, q string) []map[string]any {
			t.Helper()
			out := api.must(t, 200, "GET", "/api/v1/meetings?q="+url.QueryEscape(q), token, nil)
			return testserver.Objects(out, "meetings")
		}
		readers := map[string]string{"chair": w.chair.Token, "secretary": w.secretary.Token, "member": w.members[0].Token,
			"observer": w.observer.Token, "entity_admin": w.entityAdmin.Token}
		others := map[string]string{"staff outside the board": w.staff.Token, "citizen": w.citizen.Token, "another entity's admin": w.otherAdmin.Token}
		for _, q := range []string{"الميزانية", "ميزانية", "والتعيينات", "الاجتماع الدوري", "اجتماع"} {
			for who, token := range readers {
				if got := search(t, token, q); len(got) != 1 || got[0]["id"] != id {
					t.Errorf("%s searching %q: %v", who, q, got)
				}
			}
			for who, token := range others {
				if got := search(t, token, q); len(got) != 0 {
					t.Errorf("%s searching %q found %v", who, q, got)
				}
			}
		}
		// Highlights: the agenda item that matched, and the title.
		got := search(t, w.chair.Token, "الميزانية الدوري")
		if len(got) != 1 {
			t.Fatalf("two words: %v", got)
		}
		h, _ := got[0]["highlights"].(map[string]any)
		agenda, _ := h["agenda"].([]any)
		title, _ := h["title"].([]any)
		if len(agenda) != 1 || len(title) != 1 {
			t.Errorf("highlights = %v; want the title's «الدوري» and the item «الميزانية»", h)
		} else if item := agenda[0].(map[string]any); item["id"] != m["agenda"].([]any)[0].(map[string]any)["id"] {
			t.Errorf("highlighted item %v; want the first", item)
		}
		if got := search(t, w.chair.Token, "زبرجد"); len(got) != 0 {
			t.Errorf("an absent word found %v", got)
		}
		// An edit is searched at once: the new title's words, not the old.
		api.must(t, 200, "PATCH", "/api/v1/meetings/"+id, w.secretary.Token, map[string]any{"title": "اجتماع الطوارئ",
			"agenda": []map[string]any{{"title": "خطة الإخلاء"}}})
		if got := search(t, w.members[0].Token, "الطوارئ"); len(got) != 1 {
			t.Errorf("the new title: %v", got)
		}
		if got := search(t, w.members[0].Token, "إخلاء"); len(got) != 1 {
			t.Errorf("the new agenda: %v", got)
		}
		for _, q := range []string{"الدوري", "الميزانية"} {
			if got := search(t, w.members[0].Token, q); len(got) != 0 {
				t.Errorf("the old words %q still find %v", q, got)
			}
		}
		for _, bad := range []string{"?q=" + url.QueryEscape("!!!"), "?q=x&cursor=zz", "?q=x&limit=0"} {
			if st, code := api.code(t, "GET", "/api/v1/meetings"+bad, w.chair.Token, nil); st != 400 || code != "EINVALID" {
				t.Errorf("GET /api/v1/meetings%s: %d %s; want 400 EINVALID", bad, st, code)
			}
		}
		if st, _ := api.code(t, "GET", "/api/v1/meetings?q=x", "", nil); st != 401 {
			t.Errorf("anonymous search: %d; want 401", st)
		}
	})
}
