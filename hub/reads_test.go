package hub_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat/hub"
)

// TestConnectReadsBounded: with Config.ConnectReads 1, a second socket's
// subscribe waits for the first one's Authorize to end before its own
// starts (the reads of a reconnect storm leave the database to commits),
// and both are served once the first ends.
func TestConnectReadsBounded(t *testing.T) {
	reg := prometheus.NewRegistry()
	n := startNode(t, nodeOpts{cfg: hub.Config{ConnectReads: 1, Metrics: reg}})
	entered := make(chan string, 4)
	release := make(chan struct{})
	var inflight, most atomic.Int32
	n.be.mu.Lock()
	n.be.authorizing = func(channel string) {
		k := inflight.Add(1)
		for m := most.Load(); k > m && !most.CompareAndSwap(m, k); m = most.Load() {
		}
		entered <- channel
		<-release
		inflight.Add(-1)
	}
	n.be.mu.Unlock()

	a, b := dial(t, n.url, "token-u1"), dial(t, n.url, "token-u2")
	a.send(map[string]any{"type": "subscribe", "id": "a", "channel": caseChannel(1)})
	if got := <-entered; got != caseChannel(1) {
		t.Fatalf("first Authorize of %s", got)
	}
	b.send(map[string]any{"type": "subscribe", "id": "b", "channel": caseChannel(2)})
	// The marker: b's subscribe is waiting for the slot.
	deadline := time.Now().Add(10 * time.Second)
	for readWaits(t, reg) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the second subscribe never waited for a read slot")
		}
		time.Sleep(5 * time.Millisecond)
	}
	select {
	case ch := <-entered:
		t.Fatalf("Authorize of %s started while the only slot was held", ch)
	default:
	}
	close(release)
	if r := a.next(withID("a")); r.Type != hub.TypeAck {
		t.Fatalf("a: %s %s", r.Type, r.Data)
	}
	if r := b.next(withID("b")); r.Type != hub.TypeAck {
		t.Fatalf("b: %s %s", r.Type, r.Data)
	}
	if m := most.Load(); m != 1 {
		t.Errorf("%d Authorize calls ran at once; the bound is 1", m)
	}
}

func readWaits(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == "jihat_hub_connect_read_waits_total" {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatal("no jihat_hub_connect_read_waits_total")
	return 0
}
