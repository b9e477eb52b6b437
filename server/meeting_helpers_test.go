package server_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Helpers of the meeting tests: an HTTP client over any base URL (a test
// server or a node of a cluster) and a world of people with every meeting
// role. The WebSocket clients are in meeting_socket_test.go.

// mapi calls the JSON API at base and returns the status and the decoded
// body. Safe from any goroutine.
type mapi struct{ base string }

func (a mapi) do(method, path, token string, body any) (int, map[string]any, error) {
	var b []byte
	if body != nil {
		b, _ = json.Marshal(body)
	}
	req, _ := http.NewRequest(method, a.base+path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept-Language", "en")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	var m map[string]any
	json.NewDecoder(res.Body).Decode(&m)
	return res.StatusCode, m, nil
}

// must calls and fails the test unless the status is want.
func (a mapi) must(t testing.TB, want int, method, path, token string, body any) map[string]any {
	t.Helper()
	st, m, err := a.do(method, path, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	if st != want {
		t.Fatalf("%s %s: %d, want %d: %v", method, path, st, want, m)
	}
	return m
}

// code calls and returns the status and the error code ("" for none).
func (a mapi) code(t testing.TB, method, path, token string, body any) (int, string) {
	t.Helper()
	st, m, err := a.do(method, path, token, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	code := ""
	if e, ok := m["error"].(map[string]any); ok {
		code, _ = e["code"].(string)
	}
	return st, code
}

// seatPerson is an account of the meeting world.
type seatPerson struct {
	ID, Email, Token string
}

// meetingWorld is an entity with a board (chair, secretary, members, an
// observer) and the people around it who must be refused: an employee of
// the entity outside the board, a citizen, another entity's admin and an
// oversight officer (made by the platform admin).
type meetingWorld struct {
	api                               mapi
	admin                             string // platform admin token
	entity, otherEntity, department   string
	entityAdmin, otherAdmin           seatPerson
	chair, secretary, observer, staff seatPerson
	citizen                           seatPerson
	members                           []seatPerson // voting members beside the chair and secretary
	board                             string
}

const meetingPassword = "meeting test passphrase"

// newMeetingWorld builds the world with n plain members, as the platform
// admin whose token is admin.
func newMeetingWorld(t testing.TB, api mapi, admin string, n int) *meetingWorld {
	t.Helper()
	w := &meetingWorld{api: api, admin: admin}
	tag := time.Now().UnixNano()
	mkEntity := func() string {
		return api.must(t, 201, "POST", "/api/v1/entities", admin, map[string]any{"name_ar": fmt.Sprintf("مجلس %d", tag),
			"name_en": fmt.Sprintf("Board entity %d", tag), "sector": "government"})["id"].(string)
	}
	w.entity, w.otherEntity = mkEntity(), mkEntity()
	w.department = api.must(t, 201, "POST", "/api/v1/entities/"+w.entity+"/departments", admin,
		map[string]any{"name_ar": "الأمانة", "name_en": "Secretariat"})["id"].(string)
	seq := 0
	mk := func(entity, role string) seatPerson {
		seq++
		email := fmt.Sprintf("m%d-%d@meetings.test", tag, seq)
		body := map[string]any{"name": fmt.Sprintf("عضو %d", seq), "email": email, "role": role, "password": meetingPassword}
		if role != "entity_admin" {
			body["department_id"] = w.department
		}
		m := api.must(t, 201, "POST", "/api/v1/entities/"+entity+"/employees", admin, body)
		id := m["user"].(map[string]any)["id"].(string)
		return seatPerson{ID: id, Email: email}
	}
	w.entityAdmin = mk(w.entity, "entity_admin")
	w.otherAdmin = mk(w.otherEntity, "entity_admin")
	w.chair, w.secretary, w.observer, w.staff = mk(w.entity, "employee"), mk(w.entity, "employee"), mk(w.entity, "employee"), mk(w.entity, "employee")
	for i := 0; i < n; i++ {
		w.members = append(w.members, mk(w.entity, "employee"))
	}
	citizenEmail := fmt.Sprintf("c%d@meetings.test", tag)
	api.must(t, 201, "POST", "/api/v1/auth/register", "", map[string]any{"name": "مواطن", "email": citizenEmail, "password": meetingPassword})
	w.citizen = seatPerson{Email: citizenEmail}
	// Log everyone in, a few at a time.
	all := w.people()
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	errs := make(chan error, len(all))
	for _, p := range all {
		wg.Add(1)
		sem <- struct{}{}
		go func(p *seatPerson) {
			defer wg.Done()
			defer func() { <-sem }()
			st, m, err := api.do("POST", "/api/v1/auth/login", "", map[string]any{"login": p.Email, "password": meetingPassword})
			if err != nil || st != 200 {
				errs <- fmt.Errorf("login %s: %d %v %v", p.Email, st, m, err)
				return
			}
			p.Token = m["token"].(string)
			if u, ok := m["user"].(map[string]any); ok && p.ID == "" {
				p.ID = u["id"].(string)
			}
		}(p)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	seats := []map[string]any{{"user_id": w.chair.ID, "role": "chair"}, {"user_id": w.secretary.ID, "role": "secretary"},
		{"user_id": w.observer.ID, "role": "observer"}}
	for _, p := range w.members {
		seats = append(seats, map[string]any{"user_id": p.ID, "role": "member"})
	}
	w.board = api.must(t, 201, "POST", "/api/v1/entities/"+w.entity+"/boards", w.entityAdmin.Token, map[string]any{
		"name": "مجلس الإدارة", "members": seats})["board"].(map[string]any)["id"].(string)
	return w
}

// people returns pointers to every account of the world.
func (w *meetingWorld) people() []*seatPerson {
	out := []*seatPerson{&w.entityAdmin, &w.otherAdmin, &w.chair, &w.secretary, &w.observer, &w.staff, &w.citizen}
	for i := range w.members {
		out = append(out, &w.members[i])
	}
	return out
}

// voters are the chair, the secretary and the members.
func (w *meetingWorld) voters() []seatPerson {
	return append([]seatPerson{w.chair, w.secretary}, w.members...)
}

// schedule creates a meeting of the board as the secretary, with two
// agenda items, starting in a day.
func (w *meetingWorld) schedule(t testing.TB) map[string]any {
	t.Helper()
	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	return w.api.must(t, 201, "POST", "/api/v1/meetings", w.secretary.Token, map[string]any{
		"entity_id": w.entity, "board_id": w.board, "title": "الاجتماع الدوري", "starts_at": start, "ends_at": start.Add(2 * time.Hour),
		"agenda": []map[string]any{{"title": "الميزانية"}, {"title": "التعيينات"}}})["meeting"].(map[string]any)
}

// motion drafts and opens a motion in meeting id as the chair.
func (w *meetingWorld) motion(t testing.TB, id string, secret bool) string {
	t.Helper()
	mo := w.api.must(t, 201, "POST", "/api/v1/meetings/"+id+"/motions", w.chair.Token, map[string]any{"title": "اعتماد الميزانية", "secret": secret})
	mid := mo["motion"].(map[string]any)["id"].(string)
	w.api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/open", w.chair.Token, nil)
	return mid
}
