package client_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat/client"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// ctxT returns a context for one test step, cancelled at cleanup.
func ctxT(tb testing.TB) context.Context {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// newClient returns an SDK client of ts (through ts's HTTP client, which
// trusts its certificate), in English unless opts say otherwise.
func newClient(ts *testserver.TestServer, opts ...client.Option) *client.Client {
	return newClientAt(ts, ts.URL, opts...)
}

// newClientAt is newClient for another base URL (a proxy in front of ts).
func newClientAt(ts *testserver.TestServer, url string, opts ...client.Option) *client.Client {
	all := append([]client.Option{client.WithHTTPClient(ts.Client), client.WithLanguage("en")}, opts...)
	return client.New(url, all...)
}

// world is an entity with a department, a case type, an employee and a
// supervisor, and a citizen with one open case, all made through the SDK.
type world struct {
	ts                             *testserver.TestServer
	admin, employee, supervisor    *client.Client
	citizen                        *client.Client
	employeeID, supervisorID       string
	citizenID, citizenEmail        string
	entityID, departmentID, typeID string
	caseID                         string
}

const password = "sdk-test-password-2026"

var worldN atomic.Int64

// startWorld starts a server (options as testserver.Start) and builds a world.
func startWorld(t *testing.T, opts ...testserver.Option) *world {
	t.Helper()
	ts := testserver.Start(t, opts...)
	return buildWorld(t, ts)
}

func buildWorld(t *testing.T, ts *testserver.TestServer) *world {
	t.Helper()
	ctx := ctxT(t)
	w := &world{ts: ts, admin: newClient(ts)}
	if _, err := w.admin.Login(ctx, testserver.AdminLogin, testserver.AdminPassword); err != nil {
		t.Fatalf("admin login: %v", err)
	}
	n := worldN.Add(1)
	ent, err := w.admin.CreateEntity(ctx, client.EntityRequest{NameAR: fmt.Sprintf("جهة %d", n), NameEN: fmt.Sprintf("Entity %d", n), Sector: "government"})
	if err != nil {
		t.Fatalf("create entity: %v", err)
	}
	dep, err := w.admin.CreateDepartment(ctx, ent.ID, client.DepartmentRequest{NameAR: "قسم", NameEN: "Department"})
	if err != nil {
		t.Fatalf("create department: %v", err)
	}
	typ, err := w.admin.CreateCaseType(ctx, ent.ID, client.CaseTypeRequest{NameAR: "نوع", NameEN: "Type", DepartmentID: dep.ID,
		SLAHours: client.SLAHours{Normal: 24, Important: 8, VeryImportant: 4}})
	if err != nil {
		t.Fatalf("create case type: %v", err)
	}
	w.entityID, w.departmentID, w.typeID = ent.ID, dep.ID, typ.ID
	w.employee, w.employeeID = w.staff(t, "employee")
	w.supervisor, w.supervisorID = w.staff(t, "supervisor")
	w.citizenEmail = ts.Email("citizen")
	u, err := newClient(ts).Register(ctx, client.RegisterRequest{Name: "مواطن", Email: w.citizenEmail, Password: password})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	w.citizenID = u.ID
	w.citizen = newClient(ts)
	if _, err := w.citizen.Login(ctx, w.citizenEmail, password); err != nil {
		t.Fatalf("citizen login: %v", err)
	}
	w.caseID = w.openCase(t).ID
	return w
}

// staff creates and logs in a staff account of the world's department.
func (w *world) staff(t *testing.T, role string) (*client.Client, string) {
	t.Helper()
	ctx := ctxT(t)
	email := w.ts.Email(role)
	u, err := w.admin.CreateEmployee(ctx, w.entityID, client.EmployeeRequest{Name: "موظف " + role, Email: email,
		DepartmentID: w.departmentID, Role: role, Password: password})
	if err != nil {
		t.Fatalf("create %s: %v", role, err)
	}
	c := newClient(w.ts)
	if _, err := c.Login(ctx, email, password); err != nil {
		t.Fatalf("%s login: %v", role, err)
	}
	return c, u.ID
}

// openCase opens a case as the citizen and makes sure the employee has it.
func (w *world) openCase(t *testing.T) *client.Case {
	t.Helper()
	ctx := ctxT(t)
	cs, err := w.citizen.CreateCase(ctx, client.CaseRequest{EntityID: w.entityID, CaseTypeID: w.typeID,
		Subject: "الإنارة معطلة", Body: "منذ أسبوع", Priority: "normal"})
	if err != nil {
		t.Fatalf("create case: %v", err)
	}
	if cs.Assignee == nil || cs.Assignee.ID != w.employeeID {
		if cs, err = w.admin.Assign(ctx, cs.ID, w.employeeID); err != nil {
			t.Fatalf("assign: %v", err)
		}
	}
	return cs
}

// connect opens a Live for c, closed at cleanup.
func connect(t *testing.T, c *client.Client, cfg client.LiveConfig) *client.Live {
	t.Helper()
	live, err := c.ConnectConfig(ctxT(t), cfg)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		live.Close(ctx)
	})
	return live
}

// collector reads a Live's Events in the background and keeps them.
type collector struct {
	mu   sync.Mutex
	msgs []client.Message
	done chan struct{} // closed when Events is closed
}

func collect(live *client.Live) *collector {
	c := &collector{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		for m := range live.Events() {
			c.mu.Lock()
			c.msgs = append(c.msgs, m)
			c.mu.Unlock()
		}
	}()
	return c
}

func (c *collector) all() []client.Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]client.Message(nil), c.msgs...)
}

// waitFor waits (up to 30 s, generous: this is not a timing assertion) until
// cond holds on what was collected.
func (c *collector) waitFor(t *testing.T, what string, cond func([]client.Message) bool) []client.Message {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		msgs := c.all()
		if cond(msgs) {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: not within 30 s; got %d messages: %s", what, len(msgs), describe(msgs))
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// comments returns the comment bodies of the events of channel in delivery
// order, failing unless their Seq run 1, 2, 3, ... after the first one
// (each durable event exactly once, in order).
func comments(t *testing.T, msgs []client.Message, channel string) []string {
	t.Helper()
	var out []string
	var last int64
	for _, m := range msgs {
		ev, ok := m.(*client.Event)
		if !ok || ev.Channel != channel {
			continue
		}
		if last != 0 && ev.Seq != last+1 {
			t.Fatalf("%s: seq %d after %d", channel, ev.Seq, last)
		}
		last = ev.Seq
		ce, err := ev.CaseEvent()
		if err != nil {
			t.Fatalf("decode event: %v", err)
		}
		if ce.Seq != ev.Seq || ce.Channel != channel {
			t.Fatalf("event data says seq %d channel %s, envelope %d %s", ce.Seq, ce.Channel, ev.Seq, channel)
		}
		if ce.Type == "comment" {
			out = append(out, ce.Body())
		}
	}
	return out
}

func count(msgs []client.Message, match func(client.Message) bool) int {
	n := 0
	for _, m := range msgs {
		if match(m) {
			n++
		}
	}
	return n
}

func describe(msgs []client.Message) string {
	var b strings.Builder
	for i, m := range msgs {
		if i == 20 {
			fmt.Fprintf(&b, " ... (%d more)", len(msgs)-i)
			break
		}
		fmt.Fprintf(&b, " %T%+v", m, m)
	}
	return b.String()
}

// fastPositions makes the server tell positions often, so tests that rely
// on them do not wait 5 s.
func fastPositions(cfg *server.Config) { cfg.PositionInterval = 200 * time.Millisecond }
