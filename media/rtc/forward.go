package rtc

import (
	"errors"
	"io"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/jihat/jihat"
)

// onTrack starts forwarding the participant's first Opus track. Any other
// track is read and dropped (one track per participant).
func (p *Participant) onTrack(remote *webrtc.TrackRemote, recv *webrtc.RTPReceiver) {
	if remote.Kind() != webrtc.RTPCodecTypeAudio || !strings.EqualFold(remote.Codec().MimeType, webrtc.MimeTypeOpus) {
		go discard(remote)
		return
	}
	local, err := webrtc.NewTrackLocalStaticRTP(opusCapability(p.room.sfu.cfg.MaxBitrate), "audio", p.id)
	if err != nil {
		go discard(remote)
		return
	}
	if !p.track.CompareAndSwap(nil, local) {
		go discard(remote)
		return
	}
	levelID := 0
	for _, ext := range recv.GetParameters().HeaderExtensions {
		if ext.URI == sdp.AudioLevelURI {
			levelID = ext.ID
		}
	}
	// The recorder opens before the first packet is read, so a recording
	// on when someone starts speaking has every packet.
	p.room.startRecorder(p)
	go p.forward(remote, local, uint8(levelID))
	p.room.published(p)
}

func discard(t *webrtc.TrackRemote) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := t.Read(buf); err != nil {
			return
		}
	}
}

// forward reads the publisher's packets and writes them to every
// subscriber's copy of the track, unless muted or over the bitrate.
func (p *Participant) forward(remote *webrtc.TrackRemote, local *webrtc.TrackLocalStaticRTP, levelID uint8) {
	s := p.room.sfu
	pol := policer{limit: s.cfg.MaxBitrate * 3 / 2 / 8, now: s.cfg.Now}
	buf := make([]byte, 1500)
	var pkt rtp.Packet
	for {
		n, _, err := remote.Read(buf)
		if err != nil {
			return
		}
		if pkt.Unmarshal(buf[:n]) != nil {
			continue
		}
		p.received.Add(1)
		s.received.Add(1)
		if levelID != 0 {
			if ext := pkt.GetExtension(levelID); len(ext) > 0 {
				p.meter.add(int(ext[0] & 0x7f))
			}
		}
		if p.muted.Load() {
			p.droppedMuted.Add(1)
			s.droppedMuted.Add(1)
			continue
		}
		allowed, first := pol.allow(n)
		if !allowed {
			p.droppedRate.Add(1)
			s.droppedRate.Add(1)
			if first {
				p.out.push(Signal{Type: SignalError, Err: jihat.Errorf(jihat.ETOOLARGE, "rtc_bitrate_exceeded", s.cfg.MaxBitrate/1000)})
			}
			continue
		}
		if rec := p.rec.Load(); rec != nil {
			rec.write(&pkt)
		}
		pkt.Header.Extension = false
		pkt.Header.Extensions = nil
		if err := local.WriteRTP(&pkt); err != nil && !errors.Is(err, io.ErrClosedPipe) {
			continue
		}
		subs := uint64(max(p.subCount.Load(), 0))
		p.forwarded.Add(subs)
		s.forwarded.Add(subs)
	}
}

// policer allows limit bytes per one-second window. It is used by one
// goroutine only.
type policer struct {
	limit   int
	now     func() time.Time
	start   time.Time
	used    int
	dropped bool // a packet of this window was dropped already
}

// allow reports whether a packet of n bytes fits, and whether it is the first
// drop of its window (the publisher is told once per window).
func (p *policer) allow(n int) (ok, firstDrop bool) {
	now := p.now()
	if p.start.IsZero() || now.Sub(p.start) >= time.Second {
		p.start, p.used, p.dropped = now, 0, false
	}
	if p.used+n > p.limit {
		first := !p.dropped
		p.dropped = true
		return false, first
	}
	p.used += n
	return true, false
}

// meter accumulates audio levels between two speaker evaluations: the count
// in the high 32 bits, the sum of levels in the low 32, in one atomic word.
type meter struct{ v atomic.Uint64 }

func (m *meter) add(level int) { m.v.Add(1<<32 | uint64(level)) }

// take returns the average level since the last take (127, silence, when no
// packet carried one) and starts again.
func (m *meter) take() int {
	v := m.v.Swap(0)
	count, sum := v>>32, v&0xffffffff
	if count == 0 {
		return 127
	}
	return int(sum / count)
}

// outbox delivers a participant's signals in order from one goroutine, so a
// slow consumer never blocks Pion's callbacks and an answer always goes out
// before the next offer.
type outbox struct {
	send func(Signal)

	mu     sync.Mutex // guards the following fields
	queue  []Signal
	closed bool
	wake   chan struct{}
}

func newOutbox(send func(Signal)) *outbox {
	o := &outbox{send: send, wake: make(chan struct{}, 1)}
	go o.run()
	return o
}

func (o *outbox) push(s Signal) {
	o.mu.Lock()
	if o.closed {
		o.mu.Unlock()
		return
	}
	o.queue = append(o.queue, s)
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) close() {
	o.mu.Lock()
	o.closed = true
	o.mu.Unlock()
	select {
	case o.wake <- struct{}{}:
	default:
	}
}

func (o *outbox) run() {
	for range o.wake {
		for {
			o.mu.Lock()
			if len(o.queue) == 0 {
				closed := o.closed
				o.mu.Unlock()
				if closed {
					return
				}
				break
			}
			s := o.queue[0]
			o.queue = o.queue[1:]
			o.mu.Unlock()
			o.send(s)
		}
	}
}
