package rtc_test

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media/rtc"
)

// A publishes and B hears A's payloads, and the other way round; a third
// peer joins (the others renegotiate) and hears both, and they hear it; when
// it leaves, the others get an offer without it.
func TestForwardBothWaysAndThirdJoins(t *testing.T) {
	s, ev := newSFU(t, rtc.Config{})
	a := join(t, s, "m1", "a")
	b := join(t, s, "m1", "b")
	stopA, stopB := pump(a, "A", 30), pump(b, "B", 30)
	hears(t, b, "a", "A-")
	hears(t, a, "b", "B-")

	c := join(t, s, "m1", "c")
	stopC := pump(c, "C", 30)
	hears(t, c, "a", "A-")
	hears(t, c, "b", "B-")
	hears(t, a, "c", "C-")
	hears(t, b, "c", "C-")
	for _, p := range []*client{a, b, c} {
		if got := p.Received(p.id); len(got) != 0 {
			t.Errorf("%s heard itself: %d packets", p.id, len(got))
		}
	}
	ev.wait(t, 0, func(e rtc.Event) bool { return e.Type == rtc.EventJoined && e.Participant == "c" })

	offersA := a.Offers()
	stopC()
	c.part.Close()
	ev.wait(t, 0, func(e rtc.Event) bool { return e.Type == rtc.EventLeft && e.Participant == "c" })
	eventually(t, "a renegotiated without c", func() bool { return a.Offers() > offersA })
	if got := s.Participants("m1"); len(got) != 2 || got[0].ID != "a" || got[1].ID != "b" {
		t.Errorf("participants after c left = %+v", got)
	}
	stopA()
	stopB()
	st := s.Stats()
	if st.Received == 0 || st.Forwarded < st.Received {
		t.Errorf("stats %+v: every received packet goes to at least one subscriber", st)
	}
}

// A muted participant's packets stop reaching the others. The fence: wait
// until the SFU has dropped every packet sent while muted, unmute, and wait
// for a packet sent after; packets of one track arrive in order, so any
// muted packet that was forwarded would have arrived before it.
func TestMutedPacketsStop(t *testing.T) {
	s, ev := newSFU(t, rtc.Config{})
	a := join(t, s, "m1", "a")
	b := join(t, s, "m1", "b")
	stop := pump(a, "live", 30)
	hears(t, b, "a", "live-")
	stop()

	if err := s.SetMuted("m1", "a", true, "chair"); err != nil {
		t.Fatal(err)
	}
	ev.wait(t, 0, func(e rtc.Event) bool { return e.Type == rtc.EventMuted && e.Muted && e.By == "chair" })
	before := a.part.Stats().DroppedMuted
	const n = 30
	for i := range n {
		if err := a.Send(fmt.Appendf(nil, "muted-%d", i), 30); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "the SFU dropped the muted packets", func() bool { return a.part.Stats().DroppedMuted >= before+n })
	if err := s.SetMuted("m1", "a", false, "a"); err != nil {
		t.Fatal(err)
	}
	stop = pump(a, "after", 30)
	defer stop()
	hears(t, b, "a", "after-")
	if hasPrefix(b.Received("a"), "muted-") {
		t.Fatal("b received packets a sent while muted")
	}
	if err := s.SetMuted("m1", "nobody", true, "chair"); jihat.ErrorCode(err) != jihat.ENOTFOUND {
		t.Errorf("muting a stranger: %v, want ENOTFOUND", err)
	}
}

// The louder of two synthetic publishers is the active speaker; when they
// swap, the speaker changes.
func TestActiveSpeaker(t *testing.T) {
	s, ev := newSFU(t, rtc.Config{SpeakerInterval: 60 * time.Millisecond})
	a := join(t, s, "m1", "a")
	b := join(t, s, "m1", "b")
	var mu sync.Mutex
	levels := map[string]uint8{"a": 20, "b": 70}
	run := func(c *client) func() {
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for i := 0; ; i++ {
				mu.Lock()
				l := levels[c.id]
				mu.Unlock()
				c.Send(fmt.Appendf(nil, "%s-%d", c.id, i), l)
				select {
				case <-stop:
					return
				default:
				}
				time.Sleep(20 * time.Millisecond) // pacing: one packet per 20 ms
			}
		}()
		return func() { close(stop); <-done }
	}
	defer run(a)()
	defer run(b)()
	_, next := ev.wait(t, 0, func(e rtc.Event) bool { return e.Type == rtc.EventSpeaker && e.Participant != "" })
	got := ev.snapshot()[next-1]
	if got.Participant != "a" || got.Level != 127-20 {
		t.Fatalf("speaker %+v, want a at level %d", got, 127-20)
	}
	mu.Lock()
	levels["a"], levels["b"] = 100, 10
	mu.Unlock()
	e, _ := ev.wait(t, next, func(e rtc.Event) bool { return e.Type == rtc.EventSpeaker })
	if e.Participant != "b" {
		t.Fatalf("after the swap the speaker is %+v, want b", e)
	}
}

// A room is full at MaxParticipants: the next join fails with ECONFLICT in
// both languages; the same participant joining again replaces itself.
func TestRoomLimit(t *testing.T) {
	s, _ := newSFU(t, rtc.Config{MaxParticipants: 2})
	join(t, s, "m1", "a")
	join(t, s, "m1", "b")
	_, err := s.Join("m1", "c", func(rtc.Signal) {})
	if jihat.ErrorCode(err) != jihat.ECONFLICT {
		t.Fatalf("third join: %v, want ECONFLICT", err)
	}
	if msg := jihat.AsError(err).Message(jihat.LangAR); !strings.Contains(msg, "2") || msg == "rtc_room_full" {
		t.Errorf("Arabic message %q", msg)
	}
	join(t, s, "m1", "a") // a reconnects: replaces, does not count twice
	if got := len(s.Participants("m1")); got != 2 {
		t.Errorf("participants = %d, want 2", got)
	}
}

// A publisher over the bitrate has packets dropped and is told, once per
// window, with ETOOLARGE.
func TestBitrateLimit(t *testing.T) {
	s, _ := newSFU(t, rtc.Config{MaxBitrate: 16_000}) // 3000 bytes a second with the margin
	a := join(t, s, "m1", "a")
	b := join(t, s, "m1", "b")
	stop := pump(a, "ok", 30)
	hears(t, b, "a", "ok-")
	stop()
	big := bytes.Repeat([]byte("x"), 400)
	for range 40 {
		if err := a.Send(big, 30); err != nil {
			t.Fatal(err)
		}
	}
	eventually(t, "a bitrate error", func() bool { return len(a.Errors()) > 0 })
	if code := jihat.ErrorCode(a.Errors()[0]); code != jihat.ETOOLARGE {
		t.Errorf("error %v, want ETOOLARGE", a.Errors()[0])
	}
	if st := a.part.Stats(); st.DroppedRate == 0 {
		t.Errorf("stats %+v: nothing dropped", st)
	}
}

// Recording writes one Ogg/Opus file per speaker, closed when it stops.
func TestRecording(t *testing.T) {
	s, _ := newSFU(t, rtc.Config{})
	a := join(t, s, "m1", "a")
	b := join(t, s, "m1", "b")
	dir := t.TempDir()
	if err := s.StartRecording("m1", func(id string) (io.WriteCloser, error) {
		return os.Create(filepath.Join(dir, id+".ogg"))
	}); err != nil {
		t.Fatal(err)
	}
	stop := pump(a, "rec", 30)
	hears(t, b, "a", "rec-")
	eventually(t, "packets recorded", func() bool { return a.part.Stats().Forwarded >= 10 })
	stop()
	if err := s.StopRecording("m1"); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "a.ogg"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("OggS")) || !bytes.Contains(data, []byte("OpusHead")) || !bytes.Contains(data, []byte("rec-")) {
		t.Fatalf("a.ogg is not Ogg/Opus with a's audio (%d bytes)", len(data))
	}
}
