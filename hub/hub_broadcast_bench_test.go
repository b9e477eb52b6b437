package hub

import (
	"context"
	"encoding/json"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
)

// countingWriter is a frameWriter that counts frames and bytes instead of
// writing to a socket, so the benchmark measures the hub's own fan-out:
// encoding once, the shard lookup, per-subscriber queueing and the writer
// goroutines' batching.
type countingWriter struct {
	frames atomic.Int64
	bytes  atomic.Int64
}

func (w *countingWriter) writeFrames(frames [][]byte, stop func() bool) (int, error) {
	for _, f := range frames {
		w.bytes.Add(int64(len(f)))
	}
	w.frames.Add(int64(len(frames)))
	return len(frames), nil
}

func (w *countingWriter) close(websocket.StatusCode, string) {}

// userReader is the Reader of the benchmark: jihat.CanRead on a user
// carried by the Principal, as the server's is.
type userReader struct{}

func (userReader) CanRead(p Principal, a jihat.Audience) bool {
	return jihat.CanRead(p.Value.(*jihat.User), a)
}

// BenchmarkBroadcast1000 publishes one event to a channel with 1,000
// subscribers on this node (in-process bus). ns/op and allocs/op are per
// publish, i.e. per 1,000 deliveries. With audience=yes every event carries
// a case's Audience and every subscriber passes the Reader's check (the
// case's requester), as on the server.
func BenchmarkBroadcast1000(b *testing.B) {
	for _, audience := range []bool{false, true} {
		subs := 1000
		b.Run(fmt.Sprintf("subscribers=%d/audience=%v", subs, audience), func(b *testing.B) {
			h, err := New(Config{QueueSize: 1 << 16})
			if err != nil {
				b.Fatal(err)
			}
			defer h.Close(context.Background())
			const channel = "case:00000000-0000-4000-8000-000000000001"
			info, _ := jihat.ParseChannel(channel)
			var srv *Endpoint
			var aud *jihat.Audience
			if audience {
				srv = &Endpoint{h: h, reader: userReader{}}
				aud = &jihat.Audience{EntityID: "e1", DepartmentID: "d1", RequesterID: "requester"}
			}
			writers := make([]*countingWriter, subs)
			for i := range writers {
				writers[i] = &countingWriter{}
				u := &jihat.User{ID: "requester"}
				c := h.newConn(srv, Principal{UserID: u.ID, Value: u}, writers[i])
				sub := &subscription{c: c, name: channel, info: info}
				c.subs = append(c.subs, sub)
				h.attach(sub, info)
			}
			data := json.RawMessage(`{"type":"comment","data":{"body":"مرحبا، تم استلام طلبكم وسيتم الرد قريبا"}}`)
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := h.Publish(ctx, channel, Event{Seq: int64(i + 1), Data: data, Audience: aud}); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			// Every subscriber gets every frame (the writers may still be
			// draining; the queues are large enough that none is dropped).
			deadline := time.Now().Add(10 * time.Second)
			for _, w := range writers {
				for w.frames.Load() < int64(b.N) && time.Now().Before(deadline) {
					time.Sleep(time.Millisecond)
				}
				if got := w.frames.Load(); got != int64(b.N) {
					b.Fatalf("a subscriber got %d of %d frames", got, b.N)
				}
			}
		})
	}
}
