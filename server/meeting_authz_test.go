package server_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"

	"github.com/jihat/jihat/server"
)

// meetingAuthzCovered reports the meeting operations, whose who-may and
// who-may-not depend on meeting roles (chair, secretary, member, observer)
// that the general matrix does not have: TestMeetingAuthorization covers
// each of them for every role.
func meetingAuthzCovered(op server.Operation) bool {
	for _, p := range []string{"/api/v1/meetings", "/api/v1/motions/", "/api/v1/boards/", "/api/v1/notes/"} {
		if strings.HasPrefix(op.Path, p) {
			return true
		}
	}
	return strings.HasSuffix(op.Path, "/boards")
}

// anyParam is a path parameter.
var anyParam = regexp.MustCompile(`\{[a-z_]+\}`)

// meetingAuthzRow is one endpoint and what each role gets.
type meetingAuthzRow struct {
	method, path string
	body         any
	setup        func(t *testing.T, w *meetingWorld, ids map[string]string)
	want         map[string]int // role → status; roles absent are not tried
}

// TestMeetingAuthorization tries every meeting endpoint as each role of a
// meeting (chair, secretary, member, observer) and as those around it (the
// entity's admin, an employee outside the board, a citizen, another
// entity's admin): each gets exactly its status. Refusals are tried first,
// so the allowed call that follows finds the state untouched.
func TestMeetingAuthorization(t *testing.T) {
	ts := testserver.Start(t)
	api := mapi{ts.URL}
	w := newMeetingWorld(t, api, ts.Admin(), 1)
	runners := map[string]int{"chair": 200, "secretary": 200, "entity_admin": 200, "member": 403, "observer": 403,
		"staff": 404, "citizen": 404, "other_admin": 404}
	seers := map[string]int{"chair": 200, "secretary": 200, "entity_admin": 200, "member": 200, "observer": 200,
		"staff": 404, "citizen": 404, "other_admin": 404}
	with := func(base map[string]int, over map[string]int) map[string]int {
		out := map[string]int{}
		for k, v := range base {
			out[k] = v
		}
		for k, v := range over {
			out[k] = v
		}
		return out
	}
	draft := func(t *testing.T, w *meetingWorld, ids map[string]string) {
		api.must(t, 200, "PUT", "/api/v1/meetings/"+ids["{meeting}"]+"/minutes", w.secretary.Token, map[string]any{"body": "مسودة"})
	}
	note := func(t *testing.T, w *meetingWorld, ids map[string]string) {
		ids["{note}"] = api.must(t, 201, "POST", "/api/v1/meetings/"+ids["{meeting}"]+"/notes", w.members[0].Token,
			map[string]any{"body": "ملاحظة", "shared": true})["note"].(map[string]any)["id"].(string)
	}
	present := func(t *testing.T, w *meetingWorld, ids map[string]string) {
		api.must(t, 200, "POST", "/api/v1/meetings/"+ids["{meeting}"]+"/attendance", w.members[0].Token, nil)
		api.must(t, 200, "POST", "/api/v1/meetings/"+ids["{meeting}"]+"/attendance", w.observer.Token, nil)
	}
	rows := []meetingAuthzRow{
		{"POST", "/api/v1/entities/{entity}/boards", map[string]any{"name": "لجنة"}, nil,
			map[string]int{"entity_admin": 201, "chair": 403, "member": 403, "staff": 403, "citizen": 403, "other_admin": 403}},
		{"GET", "/api/v1/entities/{entity}/boards", nil, nil,
			map[string]int{"entity_admin": 200, "chair": 403, "member": 403, "citizen": 403, "other_admin": 403}},
		// Everyone gets their own seats (what each gets: TestBoardSeats).
		{"GET", "/api/v1/boards", nil, nil, map[string]int{"chair": 200, "member": 200, "staff": 200, "citizen": 200, "other_admin": 200}},
		{"GET", "/api/v1/boards/{board}", nil, nil, seers},
		{"PATCH", "/api/v1/boards/{board}", map[string]any{"quorum_rule": "two_thirds"}, nil,
			with(runners, map[string]int{"chair": 403, "secretary": 403})},
		{"POST", "/api/v1/meetings", "{meeting_body}", nil,
			map[string]int{"secretary": 201, "chair": 201, "entity_admin": 201, "member": 403, "observer": 403, "staff": 403, "citizen": 403, "other_admin": 403}},
		{"GET", "/api/v1/meetings", nil, nil, map[string]int{"chair": 200, "member": 200, "citizen": 200, "other_admin": 200}},
		// A search answers everyone 200; what each finds: TestMeetingSearch.
		{"GET", "/api/v1/meetings?q=الميزانية", nil, nil, map[string]int{"chair": 200, "member": 200, "citizen": 200, "other_admin": 200}},
		{"GET", "/api/v1/meetings/{meeting}", nil, nil, seers},
		{"PATCH", "/api/v1/meetings/{meeting}", map[string]any{"title": "عنوان جديد"}, nil, runners},
		{"POST", "/api/v1/meetings/{meeting}/start", nil, nil, runners},
		{"POST", "/api/v1/meetings/{meeting}/close", nil, nil, runners},
		{"POST", "/api/v1/meetings/{meeting}/cancel", nil, nil, runners},
		{"PUT", "/api/v1/meetings/{meeting}/agenda/current", "{item_body}", nil, runners},
		{"POST", "/api/v1/meetings/{meeting}/rsvp", map[string]any{"answer": "attend"}, nil, with(seers, map[string]int{"entity_admin": 403})},
		{"POST", "/api/v1/meetings/{meeting}/attendance", nil, nil, seers},
		{"DELETE", "/api/v1/meetings/{meeting}/attendance", nil, nil, seers},
		{"POST", "/api/v1/meetings/{meeting}/motions", map[string]any{"title": "قرار"}, nil,
			with(runners, map[string]int{"chair": 201, "secretary": 201, "entity_admin": 201})},
		{"GET", "/api/v1/motions/{motion}", nil, nil, seers},
		{"POST", "/api/v1/motions/{motion}/open", nil, nil, runners},
		{"POST", "/api/v1/motions/{open_motion}/close", nil, nil, runners},
		{"POST", "/api/v1/motions/{open_motion}/vote", map[string]any{"choice": "accept"}, present,
			map[string]int{"chair": 403, "observer": 403, "entity_admin": 403, "staff": 404, "citizen": 404, "other_admin": 404, "member": 200}},
		{"POST", "/api/v1/meetings/{meeting}/notes", map[string]any{"body": "ملاحظتي"}, nil, with(seers, map[string]int{
			"chair": 201, "secretary": 201, "entity_admin": 201, "member": 201, "observer": 201})},
		{"GET", "/api/v1/meetings/{meeting}/notes", nil, nil, seers},
		{"PATCH", "/api/v1/notes/{note}", map[string]any{"body": "تعديل"}, note,
			map[string]int{"chair": 404, "secretary": 404, "observer": 404, "entity_admin": 404, "staff": 404, "citizen": 404, "member": 200}},
		{"GET", "/api/v1/meetings/{meeting}/minutes", nil, nil, seers},
		{"GET", "/api/v1/meetings/{meeting}/minutes.html", nil, nil, seers},
		{"GET", "/api/v1/meetings/{meeting}/recordings", nil, nil, seers},
		{"PUT", "/api/v1/meetings/{meeting}/minutes", map[string]any{"body": "نص"}, nil, runners},
		{"POST", "/api/v1/meetings/{meeting}/minutes/approve", nil, draft, with(runners, map[string]int{"secretary": 403})},
		{"POST", "/api/v1/meetings/{meeting}/minutes/access", "{user_body}", nil,
			with(runners, map[string]int{"chair": 204, "secretary": 204, "entity_admin": 204})},
	}
	tokens := map[string]string{"chair": w.chair.Token, "secretary": w.secretary.Token, "member": w.members[0].Token,
		"observer": w.observer.Token, "entity_admin": w.entityAdmin.Token, "staff": w.staff.Token, "citizen": w.citizen.Token,
		"other_admin": w.otherAdmin.Token}
	covered := map[string]bool{}
	for _, row := range rows {
		covered[row.method+" "+anyParam.ReplaceAllString(row.path, "{id}")] = true
		t.Run(row.method+" "+row.path, func(t *testing.T) {
			m := w.schedule(t)
			ids := map[string]string{"{entity}": w.entity, "{board}": w.board, "{meeting}": m["id"].(string)}
			item := m["agenda"].([]any)[0].(map[string]any)["id"].(string)
			mo := api.must(t, 201, "POST", "/api/v1/meetings/"+ids["{meeting}"]+"/motions", w.chair.Token, map[string]any{"title": "قرار"})
			ids["{motion}"] = mo["motion"].(map[string]any)["id"].(string)
			if strings.Contains(row.path, "{open_motion}") {
				ids["{open_motion}"] = ids["{motion}"]
				api.must(t, 200, "POST", "/api/v1/motions/"+ids["{motion}"]+"/open", w.chair.Token, nil)
			}
			if row.setup != nil {
				row.setup(t, w, ids)
			}
			path := row.path
			for k, v := range ids {
				path = strings.ReplaceAll(path, k, v)
			}
			body := row.body
			switch body {
			case "{meeting_body}":
				start := time.Now().Add(48 * time.Hour).UTC()
				body = map[string]any{"entity_id": w.entity, "board_id": w.board, "title": "اجتماع", "starts_at": start, "ends_at": start.Add(time.Hour)}
			case "{item_body}":
				body = map[string]any{"agenda_item_id": item}
			case "{user_body}":
				body = map[string]any{"user_id": w.staff.ID}
			}
			roles := make([]string, 0, len(row.want))
			for r := range row.want {
				roles = append(roles, r)
			}
			slices.SortStableFunc(roles, func(a, b string) int { // refusals first
				ai, bi := row.want[a] < 300, row.want[b] < 300
				switch {
				case ai == bi:
					return strings.Compare(a, b)
				case !ai:
					return -1
				}
				return 1
			})
			for _, r := range roles {
				st, code := api.code(t, row.method, path, tokens[r], body)
				if st != row.want[r] {
					t.Errorf("%s: %d %s, want %d", r, st, code, row.want[r])
				}
			}
		})
	}
	for _, op := range server.Operations() {
		if meetingAuthzCovered(op) && !covered[op.Key()] {
			t.Errorf("%s has no row in TestMeetingAuthorization", op.Key())
		}
	}
}
