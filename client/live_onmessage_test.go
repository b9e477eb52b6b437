package client_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat/client"
)

// TestScriptOnMessage: with LiveConfig.OnMessage the messages go to the
// handler, in order, gaps filled as through Events, each event's data its
// own (the socket's read buffer is reused from frame to frame); Events
// carries nothing and closes when the Live ends.
func TestScriptOnMessage(t *testing.T) {
	s, c := startScript(t)
	var mu sync.Mutex
	var got []client.Message
	cfg := scriptCfg
	cfg.OnMessage = func(m client.Message) {
		mu.Lock()
		got = append(got, m)
		mu.Unlock()
	}
	live := connect(t, c, cfg)
	sc := s.accept(t)
	errc := subscribeAsync(live, scriptCase, 0)
	sc.subscribed(t, scriptCase, 0)
	wait(t, errc)

	sc.events(scriptCase, 1, 2, 5) // 3 and 4 fetched, the resent 5 dropped
	sc.fetched(t, scriptCase, 2)
	sc.events(scriptCase, 3, 4, 5)
	deadline := time.Now().Add(30 * time.Second)
	for {
		mu.Lock()
		seen := seqs(got, scriptCase)
		mu.Unlock()
		if slices.Equal(seen, upTo(5)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("handler got seqs %v, want 1..5", seen)
		}
		time.Sleep(10 * time.Millisecond)
	}
	mu.Lock()
	for _, m := range got {
		if e, ok := m.(*client.Event); ok {
			want := fmt.Sprintf(`"body":"b%d"`, e.Seq)
			if !strings.Contains(string(e.Data), want) {
				t.Errorf("event %d data %s, want %s in it", e.Seq, e.Data, want)
			}
		}
	}
	mu.Unlock()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	live.Close(ctx)
	for m := range live.Events() {
		t.Errorf("Events carried %T with OnMessage set", m)
	}
}
