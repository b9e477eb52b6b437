package server_test

import (
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestBoardSeats changes a board's seats over PATCH /boards/{id}: the entity
// admin swaps two roles and adds a seat; a seat for someone who may not sit
// (a citizen) is refused with EINVALID and changes nothing; the chair, who
// is not an admin, is refused. GET /boards gives each person the boards
// they sit on with their role, and nothing to anyone else; with a second
// board (a committee), each board in a list keeps its own seats. On SQLite the members' check once ran inside
// the board's transaction and waited forever for a second connection.
func TestBoardSeats(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 1)
		path := "/api/v1/boards/" + w.board
		seats := []map[string]any{{"user_id": w.chair.ID, "role": "secretary"}, {"user_id": w.secretary.ID, "role": "chair"},
			{"user_id": w.members[0].ID, "role": "member"}, {"user_id": w.staff.ID, "role": "observer"}}
		b := api.must(t, 200, "PATCH", path, w.entityAdmin.Token, map[string]any{"members": seats, "result_rule": "two_thirds"})["board"].(map[string]any)
		want := map[string]string{w.chair.ID: "secretary", w.secretary.ID: "chair", w.members[0].ID: "member", w.staff.ID: "observer"}
		checkSeats := func(what string, b map[string]any) {
			t.Helper()
			got := map[string]string{}
			for _, m := range b["members"].([]any) {
				m := m.(map[string]any)
				got[m["user_id"].(string)] = m["role"].(string)
			}
			if len(got) != len(want) || b["result_rule"] != "two_thirds" {
				t.Fatalf("%s: %v", what, b)
			}
			for id, role := range want {
				if got[id] != role {
					t.Fatalf("%s: %s is %q, want %q (%v)", what, id, got[id], role, b)
				}
			}
		}
		checkSeats("after the change", b)

		citizen := api.must(t, 200, "POST", "/api/v1/auth/login", "", map[string]any{"login": w.citizen.Email, "password": meetingPassword})
		cid := citizen["user"].(map[string]any)["id"].(string)
		bad := append(seats[:1:1], map[string]any{"user_id": cid, "role": "member"})
		if st, code := api.code(t, "PATCH", path, w.entityAdmin.Token, map[string]any{"members": bad, "name": "اسم آخر"}); st != 400 || code != "EINVALID" {
			t.Fatalf("a citizen's seat: %d %s", st, code)
		}
		if st, code := api.code(t, "PATCH", path, w.secretary.Token, map[string]any{"members": seats[:1]}); st != 403 || code != "EFORBIDDEN" {
			t.Fatalf("the chair edits the board: %d %s", st, code)
		}
		got := api.must(t, 200, "GET", path, w.entityAdmin.Token, nil)["board"].(map[string]any)
		if got["name"] != "مجلس الإدارة" {
			t.Fatalf("a refused change was written: %v", got)
		}
		checkSeats("after the refusals", got)

		for _, who := range []struct {
			name, token, role string
		}{{"the old chair", w.chair.Token, "secretary"}, {"the staff member", w.staff.Token, "observer"},
			{"the member", w.members[0].Token, "member"}, {"a citizen", citizen["token"].(string), ""},
			{"the entity admin", w.entityAdmin.Token, ""}, {"another entity's admin", w.otherAdmin.Token, ""}} {
			mine := api.must(t, 200, "GET", "/api/v1/boards", who.token, nil)["boards"].([]any)
			switch {
			case who.role == "" && len(mine) != 0:
				t.Errorf("%s holds no seat but got %v", who.name, mine)
			case who.role != "" && (len(mine) != 1 || mine[0].(map[string]any)["id"] != w.board || mine[0].(map[string]any)["my_role"] != who.role):
				t.Errorf("%s's boards: %v, want the board as %s", who.name, mine, who.role)
			}
		}

		committee := api.must(t, 201, "POST", "/api/v1/entities/"+w.entity+"/boards", w.entityAdmin.Token, map[string]any{
			"name": "لجنة التدقيق", "kind": "committee", "members": []map[string]any{
				{"user_id": w.members[0].ID, "role": "chair"}, {"user_id": w.staff.ID, "role": "member"}}})["board"].(map[string]any)["id"].(string)
		all := api.must(t, 200, "GET", "/api/v1/entities/"+w.entity+"/boards", w.entityAdmin.Token, nil)["boards"].([]any)
		if len(all) != 2 || all[0].(map[string]any)["id"] != committee || all[1].(map[string]any)["id"] != w.board {
			t.Fatalf("the entity's boards by name: %v", all)
		}
		if n := len(all[0].(map[string]any)["members"].([]any)); n != 2 {
			t.Fatalf("the committee has %d seats, want 2: %v", n, all[0])
		}
		checkSeats("the board in the entity's list", all[1].(map[string]any))
		mine := api.must(t, 200, "GET", "/api/v1/boards", w.members[0].Token, nil)["boards"].([]any)
		if len(mine) != 2 || mine[0].(map[string]any)["my_role"] != "chair" || mine[1].(map[string]any)["my_role"] != "member" {
			t.Fatalf("the member's boards: %v, want the committee as chair and the board as member", mine)
		}
	})
}
