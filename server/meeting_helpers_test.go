package server_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// Helpers of the meeting tests: an HTTP client over any base URL (a test
// server or a node of a cluster), a world of people with every meeting
// role, and WebSocket clients.

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

// wsFrame is one server→client envelope.
type wsFrame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Channel string          `json:"channel"`
	Seq     int64           `json:"seq"`
	Data    json.RawMessage `json:"data"`
}

// msock is a WebSocket client of /ws that keeps every frame it reads.
type msock struct {
	ws     *websocket.Conn
	mu     sync.Mutex
	frames []wsFrame
	n      int
	// lite keeps only answers and snapshots, and of the live tallies
	// only the newest (for the storms: hundreds of sockets).
	lite    bool
	readErr error // why reading stopped (the server closed the socket...)
	// redial: a socket the server drops is dialled again and subscribed
	// again, and a request without an answer is sent again on the new
	// connection (meeting_resilient_test.go), as a real client does.
	redial      bool
	base, token string
	subs        []string    // channels to subscribe to again
	gen         int         // connections made after the first
	closed      bool        // closed by the test: no redial
	resync      bool        // connected again, its snapshot not read yet
	pending     []tallyData // live tallies read before that snapshot
	reconnects  int         // connections made again
	retries     int         // requests sent again after a retryable error
	live        liveMotion  // lite: the motion rebuilt from its live tallies
	marks       []tallyMark // lite: when each live tally arrived
}

// liveMotion is a motion as a client rebuilds it from live tally frames:
// the newest counts, and who voted what from each frame's changes.
type liveMotion struct {
	tallyData
	votes map[string]string
	gaps  int // frames whose changes started after the version held
}

// apply takes a tally frame the way a client should: a newer version's
// counts; its changes when they start at or below the version held (a
// frame that starts above it means one was missed).
func (m *liveMotion) apply(d tallyData) {
	v := d.Tally["version"]
	if v < m.Tally["version"] || v == m.Tally["version"] && m.Status == "closed" {
		return
	}
	if d.Since != nil {
		if *d.Since > m.Tally["version"] {
			m.gaps++
		}
		if m.votes == nil {
			m.votes = map[string]string{}
		}
		for u, c := range d.Changes {
			m.votes[u] = c
		}
	}
	votes := m.votes
	m.tallyData, m.votes = d, votes
}

// tallyMark is the arrival of one live tally.
type tallyMark struct {
	at      time.Time
	version int64
}

func dialMeeting(t testing.TB, base, token string) *msock {
	t.Helper()
	return dialMeetingMode(t, base, token, false)
}

func dialMeetingMode(t testing.TB, base, token string, lite bool) *msock {
	t.Helper()
	s, err := tryDialMeeting(t, base, token, lite)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func tryDialMeeting(t testing.TB, base, token string, lite bool) (*msock, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(base, "http")+"/ws",
		&websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer " + token}, "Accept-Language": {"en"}}})
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(4 << 20)
	s := &msock{ws: ws, lite: lite, base: base, token: token}
	go s.read(ws)
	t.Cleanup(s.close)
	return s, nil
}

// read keeps the frames of ws until it fails; a redialling socket then
// connects again (meeting_resilient_test.go).
func (s *msock) read(ws *websocket.Conn) {
	for {
		_, b, err := ws.Read(context.Background())
		if err != nil {
			s.mu.Lock()
			s.readErr = err
			again := s.redial && !s.closed
			s.mu.Unlock()
			if again {
				s.reconnect()
			}
			return
		}
		var f wsFrame
		if json.Unmarshal(b, &f) != nil {
			continue
		}
		s.mu.Lock()
		switch {
		case f.Type == "snapshot" && (s.lite || s.redial):
			s.frames = append(s.frames, f)
			s.takeSnapshot(f)
		case !s.lite || f.Type == "ack" || f.Type == "error" || f.Type == "pong":
			s.frames = append(s.frames, f)
		case f.Type == "event" && bytes.Contains(f.Data, []byte(`"type":"tally"`)):
			d := tallyOf(f)
			if s.resync { // a new connection: the snapshot comes first
				s.pending = append(s.pending, d)
				break
			}
			s.marks = append(s.marks, tallyMark{at: time.Now(), version: d.Tally["version"]})
			s.live.apply(d)
		}
		s.mu.Unlock()
	}
}

// close closes the socket for good (no redial).
func (s *msock) close() {
	s.mu.Lock()
	s.closed = true
	ws := s.ws
	s.mu.Unlock()
	ws.CloseNow()
}

// request sends a message with a fresh id and waits for its ack or error.
func (s *msock) request(t testing.TB, typ, channel string, data any) wsFrame {
	t.Helper()
	if s.redial {
		return s.requestAgain(t, typ, channel, data)
	}
	s.mu.Lock()
	s.n++
	id := fmt.Sprintf("r%d", s.n)
	s.mu.Unlock()
	msg := map[string]any{"type": typ, "id": id}
	if channel != "" {
		msg["channel"] = channel
	}
	if typ == "subscribe" {
		msg["since"] = 0
	}
	if data != nil {
		msg["data"] = data
	}
	b, _ := json.Marshal(msg)
	if err := s.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		t.Fatal(err)
	}
	return s.wait(t, func(f wsFrame) bool { return f.ID == id && answer(f) })
}

func (s *msock) all() []wsFrame {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]wsFrame(nil), s.frames...)
}

// wait returns the first frame that matches, within 60 s (a bound against
// hanging, not a measure: the machine the tests share may be loaded many
// times over).
func (s *msock) wait(t testing.TB, match func(wsFrame) bool) wsFrame {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		for _, f := range s.all() {
			if match(f) {
				return f
			}
		}
		if time.Now().After(deadline) {
			s.mu.Lock()
			why := s.readErr
			s.mu.Unlock()
			t.Fatalf("no matching frame; got %d frames; reading stopped: %v", len(s.all()), why)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// lastTally is the motion a lite socket rebuilt from its live tallies.
func (s *msock) lastTally() liveMotion {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.live
	m.votes = maps.Clone(m.votes)
	return m
}

// seen returns when the socket first got a tally of version v or newer.
func (s *msock) seen(v int64) (time.Time, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, m := range s.marks {
		if m.version >= v {
			return m.at, true
		}
	}
	return time.Time{}, false
}

// errCode is the code of an error frame.
func errCode(f wsFrame) string {
	var e struct {
		Code string `json:"code"`
	}
	json.Unmarshal(f.Data, &e)
	return e.Code
}

// tallyOf decodes a frame's data as a tally frame (or a snapshot motion).
type tallyData struct {
	Type   string            `json:"type"`
	ID     string            `json:"id"`
	Status string            `json:"status"`
	Tally  map[string]int64  `json:"tally"`
	Votes  map[string]string `json:"votes"`
	Result string            `json:"result"`
	// live frames of an open ballot: the votes changed after Since
	Since   *int64            `json:"since"`
	Changes map[string]string `json:"changes"`
}

func tallyOf(f wsFrame) tallyData {
	var d tallyData
	json.Unmarshal(f.Data, &d)
	return d
}
