package server_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testproc"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// The server process of TestNotifyKilledMidSend, run by the test binary
// itself (the helper-process pattern, as TestUploadKilledChild), and its
// worker's settings: a short lease so that the restarted process takes over
// the dead one's claim within the test, and a short poll so that it looks
// for it often.
const (
	notifyChildSMSEnv = "JIHAT_NOTIFY_CHILD_SMS"
	notifyChildLease  = 4 * time.Second // the send timeout is half of it
	notifyChildPoll   = 100 * time.Millisecond
)

// TestNotifyKilledChild is not a test on its own: it is the server process
// that TestNotifyKilledMidSend starts, with SMS through the parent's gateway
// and the notifications worker running, and kills with SIGKILL. It serves
// until it is killed.
func TestNotifyKilledChild(t *testing.T) {
	if os.Getenv(notifyChildSMSEnv) == "" {
		t.Skip("the server process of TestNotifyKilledMidSend")
	}
	d, err := notify.NewDelivery(notify.DeliveryConfig{SMS: notify.SMSConfig{URL: os.Getenv(notifyChildSMSEnv)}})
	if err != nil {
		t.Fatal(err)
	}
	serveChild(t, server.Config{Notifier: d, Notify: server.NotifyConfig{Lease: notifyChildLease, Poll: notifyChildPoll}},
		func(ctx context.Context, srv *server.Server) { go srv.RunNotifier(ctx) })
}

// startNotifyChild starts TestNotifyKilledChild on dir and returns the
// process and its base URL. The process is killed at the end of the test.
func startNotifyChild(t *testing.T, dir string, key []byte, smsURL string) (*testproc.Child, string) {
	t.Helper()
	return startChild(t, "TestNotifyKilledChild", dir, key, notifyChildSMSEnv+"="+smsURL)
}

// killGateway is an SMS gateway whose first request hangs until the
// client goes away; later ones are answered 200. It records the text of
// each request, and which were answered 200.
type killGateway struct {
	mu       sync.Mutex // guards texts and answered
	texts    []string   // the "text" of every request, in order of arrival
	answered []string   // the "text" of the requests answered 200
	inFlight chan struct{}
	srv      *httptest.Server
}

func startKillGateway(t *testing.T) *killGateway {
	t.Helper()
	g := &killGateway{inFlight: make(chan struct{})}
	done := make(chan struct{}) // the test is over: stop hanging
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Read the body first: only then does net/http watch the connection
		// and cancel r.Context() when the client hangs up.
		b, _ := io.ReadAll(r.Body)
		var body map[string]string
		json.Unmarshal(b, &body)
		g.mu.Lock()
		g.texts = append(g.texts, body["to"]+" "+body["text"])
		first := len(g.texts) == 1
		g.mu.Unlock()
		if first {
			close(g.inFlight)
			select {
			case <-r.Context().Done():
			case <-done:
			}
			return
		}
		g.mu.Lock()
		g.answered = append(g.answered, body["to"]+" "+body["text"])
		n := len(g.answered)
		g.mu.Unlock()
		w.WriteHeader(http.StatusOK)
		fmt.Fprintf(w, `{"id": "gw-%d"}`, n)
	}))
	t.Cleanup(g.srv.Close)
	t.Cleanup(func() { close(done) }) // runs before Close
	return g
}

func (g *killGateway) requests() (all, answered []string) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return slices.Clone(g.texts), slices.Clone(g.answered)
}

// eventually polls cond every 20 ms and fails the test when it is still
// false after d.
func eventually(tb testing.TB, what string, d time.Duration, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(d); !cond(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("still waiting for %s after %s", what, d)
		}
	}
}

// TestNotifyKilledMidSend: the server process is killed (SIGKILL) while its
// worker is sending an SMS, with another message queued behind it. After a
// restart (a second process on the same database) both are sent: the
// queued one at once, the interrupted one when the dead process's lease
// runs out; each exactly once, and nothing is sent again later.
func TestNotifyKilledMidSend(t *testing.T) {
	g := startKillGateway(t)
	dir := t.TempDir()
	key := make([]byte, store.KeySize)
	rand.Read(key)
	// A citizen whose e-mail and mobile were verified (an unverified one
	// would be sent only its codes: contacts_test.go), written before the
	// server starts.
	const email = "citizen@child.test"
	mobile := testserver.Mobile(12345678)
	pre, err := store.Open(context.Background(), store.Config{DataDir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pre.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	person := &jihat.User{Name: "مواطن الإشعارات", Email: email, Mobile: mobile, Role: jihat.RoleCitizen, Active: true,
		Lang: jihat.LangAR, EmailVerified: true, MobileVerified: true}
	if err := pre.CreateUser(context.Background(), person, testserver.HashPassword(testserver.Password),
		jihat.AuditEntry{Action: "auth.register"}); err != nil {
		t.Fatal(err)
	}
	pre.Close()
	citizenID := person.ID
	cmd, base := startNotifyChild(t, dir, key, g.srv.URL+"/send")

	api := childAPI(t, base)
	_, entity, typ := childCaseSetup(t, api)
	citizen := testserver.Str(api("POST", "/api/v1/auth/login", "", map[string]string{"login": email, "password": testserver.Password}, 200), "token")
	openCase := func(subject string) (id, number string) {
		t.Helper()
		m := api("POST", "/api/v1/cases", citizen, map[string]any{"entity_id": entity, "case_type_id": typ,
			"subject": subject, "body": "نص", "priority": "normal"}, 201)
		return testserver.Str(m, "case.id"), testserver.Str(m, "case.number")
	}

	// The worker sends the first case's SMS; the gateway holds it.
	first, firstNo := openCase("الأولى")
	select {
	case <-g.inFlight:
	case <-time.After(30 * time.Second):
		t.Fatal("the first SMS never reached the gateway")
	}
	// Queued while the worker is busy: never attempted before the kill.
	second, secondNo := openCase("الثانية")
	cmd.Kill()
	all, answered := g.requests()
	if len(all) != 1 || !strings.Contains(all[0], mobile) || !strings.Contains(all[0], firstNo) || len(answered) != 0 {
		t.Fatalf("gateway before the restart: %q, answered %q; want the first case's SMS, unanswered", all, answered)
	}

	// What the dead process left: the first message claimed mid-send, the
	// second pending and never tried.
	st, err := store.Open(context.Background(), store.Config{DataDir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	type row struct {
		caseID, status string
		attempts       int
	}
	rows := func() (out []row) {
		for _, m := range outboxOf(t, st, citizenID) {
			out = append(out, row{m.CaseID, m.Status, m.Attempts})
		}
		return out
	}
	if got, want := rows(), []row{{first, store.OutboxSending, 1}, {second, store.OutboxPending, 0}}; !slices.Equal(got, want) {
		t.Fatalf("outbox after the kill: %+v, want %+v", got, want)
	}

	// The restarted process sends both, each once.
	cmd, _ = startNotifyChild(t, dir, key, g.srv.URL+"/send")
	sent := []row{{first, store.OutboxSent, 2}, {second, store.OutboxSent, 1}}
	eventually(t, "both messages sent after the restart", 3*notifyChildLease+20*time.Second, func() bool { return slices.Equal(rows(), sent) })
	cmd.Kill()
	all, answered = g.requests()
	count := func(texts []string, number string) (n int) {
		for _, s := range texts {
			if strings.Contains(s, mobile) && strings.Contains(s, number) {
				n++
			}
		}
		return n
	}
	if len(all) != 3 || len(answered) != 2 || count(answered, firstNo) != 1 || count(answered, secondNo) != 1 {
		t.Fatalf("gateway after the restart: %q, answered %q; want each case's SMS answered once", all, answered)
	}

	// Nothing is due any more, even a day later.
	files, err := media.NewLocal(media.Config{Root: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	d, err := notify.NewDelivery(notify.DeliveryConfig{SMS: notify.SMSConfig{URL: g.srv.URL + "/send"}})
	if err != nil {
		t.Fatal(err)
	}
	later := func() time.Time { return time.Now().Add(24 * time.Hour) }
	srv, err := server.New(server.Config{Store: st, Media: files, Notifier: d, Now: later, Argon2: testserver.CheapArgon2})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	}()
	if n := flush(t, srv); n != 0 {
		t.Errorf("a day later: flush handled %d, want 0", n)
	}
	if again, _ := g.requests(); len(again) != 3 {
		t.Errorf("gateway a day later: %d requests, want 3", len(again))
	}
	if got := rows(); !slices.Equal(got, sent) {
		t.Errorf("outbox a day later: %+v, want %+v", got, sent)
	}
}
