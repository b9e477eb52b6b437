package rtc_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat/media/rtc"
	"github.com/jihat/jihat/media/rtc/rtctest"
)

// events collects the SFU's room events for a test.
type events struct {
	mu      sync.Mutex
	list    []rtc.Event
	changed chan struct{}
}

func newEvents() *events { return &events{changed: make(chan struct{})} }

func (e *events) add(ev rtc.Event) {
	e.mu.Lock()
	e.list = append(e.list, ev)
	close(e.changed)
	e.changed = make(chan struct{})
	e.mu.Unlock()
}

// wait returns the first event after index from that satisfies ok.
func (e *events) wait(t *testing.T, from int, ok func(rtc.Event) bool) (rtc.Event, int) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		e.mu.Lock()
		ch := e.changed
		for i := from; i < len(e.list); i++ {
			if ok(e.list[i]) {
				ev := e.list[i]
				e.mu.Unlock()
				return ev, i + 1
			}
		}
		e.mu.Unlock()
		select {
		case <-ch:
		case <-deadline:
			t.Fatalf("no such event; got %+v", e.snapshot())
		}
	}
}

func (e *events) snapshot() []rtc.Event {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]rtc.Event(nil), e.list...)
}

// newSFU starts an SFU on loopback, on a free port.
func newSFU(t *testing.T, cfg rtc.Config) (*rtc.SFU, *events) {
	t.Helper()
	ev := newEvents()
	cfg.IPs = []string{"127.0.0.1"}
	cfg.OnEvent = ev.add
	s, err := rtc.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, ev
}

// client is a test peer joined to an SFU room in process: the peer's
// signals go straight to its Participant and back.
type client struct {
	*rtctest.Peer
	part *rtc.Participant
	id   string
}

func join(t *testing.T, s *rtc.SFU, room, id string) *client {
	t.Helper()
	return joinWith(t, s, room, id, rtctest.Options{})
}

// joinWith joins with a peer of options o (Send is set here).
func joinWith(t *testing.T, s *rtc.SFU, room, id string, o rtctest.Options) *client {
	t.Helper()
	c, err := tryJoinWith(t, s, room, id, o)
	if err != nil {
		t.Fatal(err)
	}
	select {
	case <-c.Connected():
	case <-time.After(20 * time.Second):
		t.Fatalf("%s: not connected", id)
	}
	return c
}

func tryJoin(t *testing.T, s *rtc.SFU, room, id string) (*client, error) {
	t.Helper()
	return tryJoinWith(t, s, room, id, rtctest.Options{})
}

func tryJoinWith(t *testing.T, s *rtc.SFU, room, id string, o rtctest.Options) (*client, error) {
	t.Helper()
	c := &client{id: id}
	ready := make(chan struct{})
	o.Send = func(sig rtc.Signal) {
		<-ready
		if testing.Verbose() {
			fmt.Printf("%s → SFU %s %s\n", id, sig.Type, sig.ID)
		}
		var err error
		switch sig.Type {
		case rtc.SignalOffer:
			err = c.part.Offer(sig.ID, sig.SDP)
		case rtc.SignalAnswer:
			err = c.part.Answer(sig.SDP)
		case rtc.SignalCandidate:
			err = c.part.Candidate(*sig.Candidate)
		}
		if err != nil {
			fmt.Printf("%s: %s to SFU: %v\n", id, sig.Type, err)
		}
	}
	peer, err := rtctest.NewPeer(o)
	if err != nil {
		return nil, err
	}
	t.Cleanup(func() { peer.Close() })
	c.Peer = peer
	c.part, err = s.Join(room, id, func(sig rtc.Signal) {
		if testing.Verbose() {
			fmt.Printf("SFU → %s %s %s\n", id, sig.Type, sig.ID)
		}
		if err := peer.Handle(sig); err != nil {
			fmt.Printf("%s: %s from SFU: %v\n", id, sig.Type, err)
		}
	})
	if err != nil {
		return nil, err
	}
	close(ready)
	return c, peer.Start("first-offer")
}

// pump sends packets "<prefix>-<n>" every 20 ms at level until stopped.
func pump(c *client, prefix string, level uint8) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for n := 0; ; n++ {
			c.Send([]byte(fmt.Sprintf("%s-%d", prefix, n)), level)
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(done); <-finished }
}

// hears waits until c received a packet from publisher whose payload starts
// with prefix.
func hears(t *testing.T, c *client, from, prefix string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Wait(ctx, func(p *rtctest.Peer) bool { return hasPrefix(p.Received(from), prefix) }); err != nil {
		t.Fatalf("%s did not hear %s (%q): %v", c.id, from, prefix, err)
	}
}

func hasPrefix(got [][]byte, prefix string) bool {
	for _, b := range got {
		if strings.HasPrefix(string(b), prefix) {
			return true
		}
	}
	return false
}

// eventually polls cond (a positive condition) until it holds.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
