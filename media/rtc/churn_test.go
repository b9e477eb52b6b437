package rtc_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jihat/jihat/media/rtc"
	"github.com/jihat/jihat/media/rtc/rtctest"
)

// Transceivers are reused: ten participants join and leave one after the
// other while a and b stay; each newcomer is heard on a transceiver its
// predecessor left, and a's session description stays at three m-lines
// (its own, b's, and the one slot the newcomers share) instead of growing
// by one per newcomer.
func TestChurnReusesTransceivers(t *testing.T) {
	s, ev := newSFU(t, rtc.Config{})
	a := join(t, s, "m1", "a")
	b := join(t, s, "m1", "b")
	stopB := pump(b, "B", 30)
	defer stopB()
	hears(t, a, "b", "B-")
	for i := range 10 {
		id := fmt.Sprintf("c%d", i)
		c := join(t, s, "m1", id)
		stop := pump(c, id, 30)
		hears(t, a, id, id+"-")
		hears(t, c, "b", "B-")
		stop()
		offers := a.Offers()
		c.part.Close()
		ev.wait(t, 0, func(e rtc.Event) bool { return e.Type == rtc.EventLeft && e.Participant == id })
		eventually(t, "a renegotiated without "+id, func() bool { return a.Offers() > offers })
		if n := a.MediaSections(); n > 3 {
			t.Fatalf("after %d newcomers a's description has %d m-lines, want at most 3", i+1, n)
		}
	}
	if n := b.MediaSections(); n > 3 {
		t.Errorf("b's description has %d m-lines, want at most 3", n)
	}
}

// A subscriber that negotiated NACK and lost a packet gets it again: the SFU
// answers the NACK from its send buffer (Pion's responder interceptor).
func TestNackResent(t *testing.T) {
	s, _ := newSFU(t, rtc.Config{})
	a := join(t, s, "m1", "a")
	b := joinWith(t, s, "m1", "b", rtctest.Options{NACK: true})
	stop := pump(a, "A", 30)
	hears(t, b, "a", "A-3")
	stop()
	if err := b.Nack("a", "A-1"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := b.Wait(ctx, func(p *rtctest.Peer) bool {
		n := 0
		for _, x := range p.Received("a") {
			if string(x) == "A-1" {
				n++
			}
		}
		return n == 2
	}); err != nil {
		t.Fatalf("A-1 was not sent again after b's NACK: %v", err)
	}
}
