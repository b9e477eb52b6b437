package server_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// recorder is a Notifier that records what it sends, and can be told to
// fail. Safe for concurrent use.
type recorder struct {
	mu   sync.Mutex       // guards the following fields
	msgs []notify.Message // sent, oldest first
	fail func(notify.Message) error
}

// Send implements notify.Sender.
func (r *recorder) Send(_ context.Context, m notify.Message) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail != nil {
		if err := r.fail(m); err != nil {
			return "", err
		}
	}
	r.msgs = append(r.msgs, m)
	return fmt.Sprintf("rec-%d", len(r.msgs)), nil
}

// Notify implements notify.Notifier.
func (r *recorder) Notify(ctx context.Context, m notify.Message) error {
	_, err := r.Send(ctx, m)
	return err
}

// failWith makes Send fail as fn says (nil restores it).
func (r *recorder) failWith(fn func(notify.Message) error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.fail = fn
}

// sent returns the messages of one channel to one address.
func (r *recorder) sent(channel, address string) []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []notify.Message
	for _, m := range r.msgs {
		if m.Channel == channel && (m.Email == address || m.Mobile == address) {
			out = append(out, m)
		}
	}
	return out
}

func (r *recorder) all() []notify.Message {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.msgs)
}

// router sends e-mail and SMS to different notifiers.
type router struct{ email, sms notify.Notifier }

func (r router) Notify(ctx context.Context, m notify.Message) error {
	if m.Channel == notify.ChannelSMS {
		return r.sms.Notify(ctx, m)
	}
	return r.email.Notify(ctx, m)
}

// settableClock is the one clock of a test server (testserver.Clock), set
// and stepped by the test. Safe for concurrent use.
type settableClock struct {
	mu sync.Mutex // guards t
	t  time.Time
}

func newSettableClock() *settableClock { return &settableClock{t: time.Now().UTC()} }

func (c *settableClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *settableClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

func (c *settableClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// withNotifier starts the test server with n delivering e-mail and SMS.
func withNotifier(n notify.Notifier) testserver.Option {
	return testserver.Configure(func(c *server.Config) { c.Notifier = n })
}

// withClock starts the test server, its store and its media store with
// clock c.
func withClock(c *settableClock) testserver.Option { return testserver.Clock(c.Now) }

// flush delivers every notification due now and returns how many messages
// were handled.
func flush(tb testing.TB, srv *server.Server) int {
	tb.Helper()
	n, err := srv.FlushNotifications(context.Background())
	if err != nil {
		tb.Fatalf("FlushNotifications: %v", err)
	}
	return n
}

// person is an account with a mobile as well as an e-mail.
type person struct {
	testserver.Account
	Email, Mobile string
}

// registerPerson creates a citizen with an e-mail and a mobile, both
// verified (as after the codes of contacts_test.go: the tests here are about
// what reaches a verified address, with no code message in the outbox), and
// lang, and logs in.
func registerPerson(tb testing.TB, ts *testserver.TestServer, lang string) person {
	tb.Helper()
	email := ts.Email("notify")
	mobile := testserver.Mobile(time.Now().UnixNano() % 100_000_000)
	u := &jihat.User{Name: "مواطن الإشعارات", Email: email, Mobile: mobile, Role: jihat.RoleCitizen, Active: true,
		Lang: jihat.Lang(lang), EmailVerified: true, MobileVerified: true}
	if err := ts.Store.CreateUser(context.Background(), u, testserver.HashPassword(testserver.Password),
		jihat.AuditEntry{Action: "auth.register"}); err != nil {
		tb.Fatal(err)
	}
	return person{Account: testserver.Account{ID: u.ID, Login: email, Password: testserver.Password,
		Token: ts.Login(email, testserver.Password)}, Email: email, Mobile: mobile}
}

// outboxOf returns the outbox messages of user id, oldest first.
func outboxOf(tb testing.TB, st *store.Store, id string) []store.OutboxMessage {
	tb.Helper()
	msgs, err := st.OutboxFor(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	return msgs
}

// kindsOf lists the kinds of msgs.
func kindsOf(msgs []store.OutboxMessage) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Kind)
	}
	return out
}

// restart builds a second server on the store of ts, as a node started
// after the first one died, with its own notifier; its clock is the store's.
func restart(tb testing.TB, ts *testserver.TestServer, n notify.Notifier) *server.Server {
	tb.Helper()
	files, err := media.NewLocal(media.Config{Root: tb.TempDir()})
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := server.New(server.Config{Store: ts.Store, Media: files, Notifier: n, Argon2: testserver.CheapArgon2})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx)
	})
	return srv
}

var errGateway = errors.New("gateway: 503 Service Unavailable")
