package client_test

import (
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat/client"
	"github.com/jihat/jihat/internal/testserver"
)

func isEvent(m client.Message) bool { _, ok := m.(*client.Event); return ok }

// TestLiveReceive: a citizen and an employee on one case see each other's
// replies, presence and typing live; the employee alone sees internal notes.
func TestLiveReceive(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	pub, staff := "case:"+w.caseID, "case:"+w.caseID+":staff"

	cit := connect(t, w.citizen, client.LiveConfig{})
	citMsgs := collect(cit)
	if err := cit.Subscribe(ctx, pub, 0); err != nil {
		t.Fatalf("citizen subscribe: %v", err)
	}
	// since 0 replays the case's history (created, assigned, ...).
	history := citMsgs.waitFor(t, "the history", func(m []client.Message) bool { return count(m, isEvent) >= 2 })
	first := history[slices.IndexFunc(history, isEvent)].(*client.Event)
	if first.Seq != 1 {
		t.Fatalf("history starts at seq %d", first.Seq)
	}
	citMsgs.waitFor(t, "the citizen's own presence", func(m []client.Message) bool {
		return slices.ContainsFunc(m, func(m client.Message) bool {
			s, ok := m.(*client.Snapshot)
			return ok && s.Channel == pub && slices.Contains(s.Presence, w.citizenID)
		})
	})

	emp := connect(t, w.employee, client.LiveConfig{})
	empMsgs := collect(emp)
	for _, ch := range []string{pub, staff} {
		if err := emp.Subscribe(ctx, ch, client.Latest); err != nil {
			t.Fatalf("employee subscribe %s: %v", ch, err)
		}
	}
	citMsgs.waitFor(t, "the employee's arrival", func(m []client.Message) bool {
		return slices.ContainsFunc(m, func(m client.Message) bool {
			p, ok := m.(*client.Presence)
			return ok && p.Channel == pub && p.Action == "join" && p.UserID == w.employeeID
		})
	})
	if err := emp.Typing(ctx, pub, true); err != nil {
		t.Fatalf("typing: %v", err)
	}
	citMsgs.waitFor(t, "the employee typing", func(m []client.Message) bool {
		return slices.ContainsFunc(m, func(m client.Message) bool {
			ty, ok := m.(*client.Typing)
			return ok && ty.Channel == pub && ty.UserID == w.employeeID && ty.State == "start"
		})
	})

	if _, err := w.employee.Comment(ctx, w.caseID, "رد عام عبر REST", "public"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.employee.Comment(ctx, w.caseID, "ملاحظة داخلية", "internal"); err != nil {
		t.Fatal(err)
	}
	ev, err := cit.Comment(ctx, w.caseID, "رد المواطن عبر المقبس", "public")
	if err != nil {
		t.Fatalf("comment over the socket: %v", err)
	}
	if ev.Seq == 0 || ev.Body() != "رد المواطن عبر المقبس" || ev.Actor == nil || ev.Actor.ID != w.citizenID {
		t.Fatalf("comment ack: %+v", ev)
	}
	want := []string{"رد عام عبر REST", "رد المواطن عبر المقبس"}
	citMsgs.waitFor(t, "both replies at the citizen", func(m []client.Message) bool { return len(comments(t, m, pub)) == 2 })
	empMsgs.waitFor(t, "both replies at the employee", func(m []client.Message) bool { return len(comments(t, m, pub)) == 2 })
	empMsgs.waitFor(t, "the note at the employee", func(m []client.Message) bool {
		return slices.Equal(comments(t, m, staff), []string{"ملاحظة داخلية"})
	})
	if got := comments(t, citMsgs.all(), pub); !slices.Equal(got, want) {
		t.Fatalf("citizen got %q, want %q", got, want)
	}
	for _, m := range citMsgs.all() {
		if e, ok := m.(*client.Event); ok {
			ce, _ := e.CaseEvent()
			if e.Channel != pub || ce.Visibility != "public" {
				t.Fatalf("the citizen received %s %+v", e.Channel, ce)
			}
		}
	}
	if last, ok := cit.Last(pub); !ok || last != ev.Seq {
		t.Fatalf("Last = %d, %v; want %d", last, ok, ev.Seq)
	}
}

// TestLiveLatest: a subscription from Latest gets only what comes after it.
func TestLiveLatest(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	pub := "case:" + w.caseID
	live := connect(t, w.citizen, client.LiveConfig{})
	msgs := collect(live)
	if err := live.Subscribe(ctx, pub, client.Latest); err != nil {
		t.Fatal(err)
	}
	ev, err := w.employee.Comment(ctx, w.caseID, "جديد", "public")
	if err != nil {
		t.Fatal(err)
	}
	got := msgs.waitFor(t, "the new reply", func(m []client.Message) bool { return count(m, isEvent) >= 1 })
	e := got[slices.IndexFunc(got, isEvent)].(*client.Event)
	if e.Seq != ev.Seq {
		t.Fatalf("first event seq %d, want the new reply's %d (no history)", e.Seq, ev.Seq)
	}
}

// TestLiveResume: the socket is cut twice while replies flow (once a plain
// network drop, once the server unreachable for a while, as in a restart);
// the Live reconnects and the subscriber ends with every reply exactly once
// and in order.
func TestLiveResume(t *testing.T) {
	w := startWorld(t, testserver.Configure(fastPositions))
	ctx := ctxT(t)
	p, proxyURL := startProxy(t, w.ts.URL)
	pub := "case:" + w.caseID
	cit := newClientAt(w.ts, proxyURL, client.WithToken(w.citizen.Token()))
	live := connect(t, cit, client.LiveConfig{MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
	msgs := collect(live)
	if err := live.Subscribe(ctx, pub, 0); err != nil {
		t.Fatal(err)
	}
	const n = 120
	var want []string
	for i := range n {
		want = append(want, fmt.Sprintf("رد %d", i))
	}
	var wg sync.WaitGroup
	wg.Add(1)
	errc := make(chan error, 1)
	var posted atomic.Int64
	go func() {
		defer wg.Done()
		for _, body := range want {
			if _, err := w.employee.Comment(ctx, w.caseID, body, "public"); err != nil {
				errc <- err
				return
			}
			posted.Add(1)
			time.Sleep(2 * time.Millisecond)
		}
	}()
	msgs.waitFor(t, "some replies", func(m []client.Message) bool { return len(comments(t, m, pub)) >= 20 })
	p.drop()
	msgs.waitFor(t, "replies after the drop", func(m []client.Message) bool {
		return count(m, func(m client.Message) bool { _, ok := m.(*client.Reconnected); return ok }) >= 1 &&
			len(comments(t, m, pub)) >= 60
	})
	p.setDown(true)
	// Down until replies have been missed: a few more posted meanwhile (or
	// all of them, when the publisher is already done).
	downAt := posted.Load()
	for posted.Load() < min(downAt+10, n) {
		select {
		case err := <-errc:
			t.Fatalf("publish: %v", err)
		case <-time.After(5 * time.Millisecond):
		}
	}
	p.setDown(false)
	wg.Wait()
	select {
	case err := <-errc:
		t.Fatalf("publish: %v", err)
	default:
	}
	got := msgs.waitFor(t, "every reply", func(m []client.Message) bool { return len(comments(t, m, pub)) >= n })
	if c := comments(t, got, pub); !slices.Equal(c, want) {
		t.Fatalf("got %d replies, want %d in order:\n got %q", len(c), n, c)
	}
	st := live.Stats()
	if st.Reconnects < 2 {
		t.Fatalf("stats %+v: want at least 2 reconnects", st)
	}
	// Resuming with since replays what was missed: nothing is left for the
	// gap detection (positions) to find. (A position is never ahead of what
	// the hub has fanned out, nor sent during a replay.)
	if st.Fetches != 0 || st.GapsSkipped != 0 {
		t.Fatalf("stats %+v: the resubscriptions left gaps", st)
	}
	if d := count(got, func(m client.Message) bool { _, ok := m.(*client.Disconnected); return ok }); d < 2 {
		t.Fatalf("%d Disconnected messages, want ≥ 2", d)
	}
	t.Logf("stats %+v", st)
}

// TestLiveRevoked: logging out closes the session's sockets; the Live ends
// with ErrRevoked instead of reconnecting.
func TestLiveRevoked(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	c := newClient(w.ts)
	if _, err := c.Login(ctx, w.citizenEmail, password); err != nil {
		t.Fatal(err)
	}
	live := connect(t, c, client.LiveConfig{MinBackoff: 10 * time.Millisecond})
	msgs := collect(live)
	if err := live.Subscribe(ctx, "case:"+w.caseID, client.Latest); err != nil {
		t.Fatal(err)
	}
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case <-msgs.done:
	case <-time.After(30 * time.Second):
		t.Fatal("Events not closed after logout")
	}
	if err := live.Err(); !errors.Is(err, client.ErrRevoked) {
		t.Fatalf("Err = %v, want ErrRevoked", err)
	}
	if st := live.Stats(); st.Reconnects != 0 {
		t.Fatalf("reconnected after a revocation: %+v", st)
	}
	if err := live.Subscribe(ctx, "case:"+w.caseID, 0); !errors.Is(err, client.ErrClosed) {
		t.Fatalf("Subscribe after the end: %v, want ErrClosed", err)
	}
}

// TestLiveUnsubscribe: after Unsubscribe nothing more comes from the channel,
// including after a reconnect.
func TestLiveUnsubscribe(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	p, proxyURL := startProxy(t, w.ts.URL)
	pub := "case:" + w.caseID
	second := w.openCase(t)
	live := connect(t, newClientAt(w.ts, proxyURL, client.WithToken(w.citizen.Token())), client.LiveConfig{MinBackoff: 10 * time.Millisecond})
	msgs := collect(live)
	for _, ch := range []string{pub, "case:" + second.ID} {
		if err := live.Subscribe(ctx, ch, client.Latest); err != nil {
			t.Fatal(err)
		}
	}
	if err := live.Unsubscribe(ctx, pub); err != nil {
		t.Fatal(err)
	}
	p.drop()
	msgs.waitFor(t, "a reconnect", func(m []client.Message) bool {
		return count(m, func(m client.Message) bool { _, ok := m.(*client.Reconnected); return ok }) == 1
	})
	if _, err := w.employee.Comment(ctx, w.caseID, "لا يصل", "public"); err != nil {
		t.Fatal(err)
	}
	if _, err := w.employee.Comment(ctx, second.ID, "يصل", "public"); err != nil {
		t.Fatal(err)
	}
	got := msgs.waitFor(t, "the reply on the second case", func(m []client.Message) bool {
		return len(comments(t, m, "case:"+second.ID)) == 1
	})
	for _, m := range got {
		if e, ok := m.(*client.Event); ok && e.Channel == pub {
			t.Fatalf("an event of the unsubscribed channel: %+v", e)
		}
	}
}
