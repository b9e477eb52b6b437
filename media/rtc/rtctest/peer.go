// Package rtctest is a Pion client peer for tests and the load generator:
// it publishes synthetic Opus packets (with the RFC 6464 audio level) and
// keeps what it receives from each publisher. It uses loopback candidates
// only.
package rtctest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/pion/ice/v4"
	"github.com/pion/rtcp"
	"github.com/pion/rtp"
	"github.com/pion/sdp/v3"
	"github.com/pion/webrtc/v4"

	"github.com/jihat/jihat/media/rtc"
)

// Peer is one client: a peer connection with one Opus track to publish.
// It is safe for concurrent use.
type Peer struct {
	pc    *webrtc.PeerConnection
	track *webrtc.TrackLocalStaticRTP
	send  func(rtc.Signal)
	keep  bool // keep payloads (tests); false counts only (load)

	mu      sync.Mutex // guards the following fields
	pending []webrtc.ICECandidateInit
	got     map[string][][]byte // publisher (stream id) → payloads received
	seqs    map[string][]uint16 // publisher → their sequence numbers, beside got
	ssrcs   map[string]uint32   // publisher → the SSRC we receive them on
	count   map[string]int
	errs    []error
	changed chan struct{} // closed and replaced on every change

	seq       uint16
	ts        uint32
	levelID   atomic.Uint32
	received  atomic.Uint64
	offers    atomic.Int64
	connected chan struct{}
	once      sync.Once
}

// Options configures a Peer.
type Options struct {
	// Send carries the peer's signals (offer, answer, candidate) to the SFU.
	Send func(rtc.Signal)
	// CountOnly keeps counts instead of payloads (load generation).
	CountOnly bool
	// NACK negotiates NACK feedback for Opus and accepts packets sent
	// again (see Nack).
	NACK bool
}

// NewPeer returns a peer with a sendrecv Opus transceiver. Start sends its
// first offer.
func NewPeer(o Options) (*Peer, error) {
	m := &webrtc.MediaEngine{}
	if err := m.RegisterCodec(webrtc.RTPCodecParameters{RTPCodecCapability: opus(), PayloadType: 111},
		webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if err := m.RegisterHeaderExtension(webrtc.RTPHeaderExtensionCapability{URI: sdp.AudioLevelURI},
		webrtc.RTPCodecTypeAudio); err != nil {
		return nil, err
	}
	if o.NACK {
		m.RegisterFeedback(webrtc.RTCPFeedback{Type: webrtc.TypeRTCPFBNACK}, webrtc.RTPCodecTypeAudio)
	}
	se := webrtc.SettingEngine{}
	se.SetICEMulticastDNSMode(ice.MulticastDNSModeDisabled)
	se.SetIncludeLoopbackCandidate(true)
	se.SetIPFilter(func(ip net.IP) bool { return ip.IsLoopback() && ip.To4() != nil })
	se.SetNetworkTypes([]webrtc.NetworkType{webrtc.NetworkTypeUDP4})
	if o.NACK {
		// Nack asks again for packets that did arrive (a test cannot lose
		// one on purpose): SRTP's replay protection would drop the copy.
		se.DisableSRTPReplayProtection(true)
	}
	api := webrtc.NewAPI(webrtc.WithMediaEngine(m), webrtc.WithSettingEngine(se))
	pc, err := api.NewPeerConnection(webrtc.Configuration{})
	if err != nil {
		return nil, err
	}
	track, err := webrtc.NewTrackLocalStaticRTP(opus(), "audio", "me")
	if err != nil {
		pc.Close()
		return nil, err
	}
	tr, err := pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendrecv})
	if err != nil {
		pc.Close()
		return nil, err
	}
	p := &Peer{pc: pc, track: track, send: o.Send, keep: !o.CountOnly, got: map[string][][]byte{},
		seqs: map[string][]uint16{}, ssrcs: map[string]uint32{},
		count: map[string]int{}, changed: make(chan struct{}), connected: make(chan struct{}), seq: 1}
	go func() {
		buf := make([]byte, 1500)
		for {
			if _, _, err := tr.Sender().Read(buf); err != nil {
				return
			}
		}
	}()
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		j := c.ToJSON()
		p.send(rtc.Signal{Type: rtc.SignalCandidate, Candidate: &rtc.Candidate{Candidate: j.Candidate,
			SDPMid: j.SDPMid, SDPMLineIndex: j.SDPMLineIndex, UsernameFragment: j.UsernameFragment}})
	})
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		if s == webrtc.PeerConnectionStateConnected {
			p.once.Do(func() { close(p.connected) })
		}
	})
	pc.OnTrack(p.onTrack)
	return p, nil
}

func opus() webrtc.RTPCodecCapability {
	return webrtc.RTPCodecCapability{MimeType: webrtc.MimeTypeOpus, ClockRate: 48000, Channels: 2,
		SDPFmtpLine: "minptime=10;useinbandfec=1"}
}

// Start sends the peer's first offer, with correlation id.
func (p *Peer) Start(id string) error {
	sdp, err := p.Offer()
	if err != nil {
		return err
	}
	p.send(rtc.Signal{Type: rtc.SignalOffer, ID: id, SDP: sdp})
	return nil
}

// Offer creates and sets the peer's offer and returns its SDP, for a caller
// that sends it itself.
func (p *Peer) Offer() (string, error) {
	offer, err := p.pc.CreateOffer(nil)
	if err != nil {
		return "", err
	}
	if err := p.pc.SetLocalDescription(offer); err != nil {
		return "", err
	}
	return offer.SDP, nil
}

// Handle applies a signal from the SFU: an answer, the SFU's own offer
// (answered at once), a candidate, or an error (kept, see Errors).
func (p *Peer) Handle(s rtc.Signal) error {
	switch s.Type {
	case rtc.SignalAnswer:
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: s.SDP}); err != nil {
			return err
		}
		p.flush()
	case rtc.SignalOffer:
		p.offers.Add(1)
		if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: s.SDP}); err != nil {
			return err
		}
		p.flush()
		answer, err := p.pc.CreateAnswer(nil)
		if err != nil {
			return err
		}
		if err := p.pc.SetLocalDescription(answer); err != nil {
			return err
		}
		p.send(rtc.Signal{Type: rtc.SignalAnswer, SDP: answer.SDP})
	case rtc.SignalCandidate:
		if s.Candidate == nil {
			return nil
		}
		c := webrtc.ICECandidateInit{Candidate: s.Candidate.Candidate, SDPMid: s.Candidate.SDPMid,
			SDPMLineIndex: s.Candidate.SDPMLineIndex, UsernameFragment: s.Candidate.UsernameFragment}
		p.mu.Lock()
		if p.pc.RemoteDescription() == nil {
			p.pending = append(p.pending, c)
			p.mu.Unlock()
			return nil
		}
		p.mu.Unlock()
		return p.pc.AddICECandidate(c)
	case rtc.SignalError:
		p.mu.Lock()
		p.errs = append(p.errs, s.Err)
		p.notifyLocked()
		p.mu.Unlock()
	default:
		return fmt.Errorf("rtctest: unknown signal %q", s.Type)
	}
	return nil
}

func (p *Peer) flush() {
	p.mu.Lock()
	pending := p.pending
	p.pending = nil
	p.mu.Unlock()
	for _, c := range pending {
		p.pc.AddICECandidate(c)
	}
}

// Connected is closed once the peer connection is up.
func (p *Peer) Connected() <-chan struct{} { return p.connected }

// Send publishes one 20 ms packet: payload after an Opus TOC byte, with
// audio level (0 loudest … 127 silence).
func (p *Peer) Send(payload []byte, level uint8) error {
	p.mu.Lock()
	seq, ts := p.seq, p.ts
	p.seq++
	p.ts += 960
	p.mu.Unlock()
	pkt := &rtp.Packet{Header: rtp.Header{Version: 2, PayloadType: 111, SequenceNumber: seq, Timestamp: ts},
		Payload: append([]byte{0xf8}, payload...)}
	id := p.levelID.Load()
	if id == 0 {
		for _, e := range p.pc.GetTransceivers()[0].Sender().GetParameters().HeaderExtensions {
			if e.URI == sdp.AudioLevelURI {
				id = uint32(e.ID)
				p.levelID.Store(id)
			}
		}
	}
	if id != 0 {
		ext, err := (&rtp.AudioLevelExtension{Level: level & 0x7f, Voice: true}).Marshal()
		if err != nil {
			return err
		}
		if err := pkt.SetExtension(uint8(id), ext); err != nil {
			return err
		}
	}
	return p.track.WriteRTP(pkt)
}

func (p *Peer) onTrack(t *webrtc.TrackRemote, _ *webrtc.RTPReceiver) {
	from := t.StreamID()
	go func() {
		buf := make([]byte, 1500)
		var pkt rtp.Packet
		for {
			n, _, err := t.Read(buf)
			if err != nil {
				return
			}
			if pkt.Unmarshal(buf[:n]) != nil || len(pkt.Payload) == 0 {
				continue
			}
			p.received.Add(1)
			p.mu.Lock()
			p.count[from]++
			if p.keep {
				p.got[from] = append(p.got[from], append([]byte(nil), pkt.Payload[1:]...))
				p.seqs[from] = append(p.seqs[from], pkt.SequenceNumber)
				p.ssrcs[from] = uint32(t.SSRC())
			}
			p.notifyLocked()
			p.mu.Unlock()
		}
	}()
}

func (p *Peer) notifyLocked() {
	close(p.changed)
	p.changed = make(chan struct{})
}

// Received returns the payloads received from publisher from (without the
// TOC byte), in order.
func (p *Peer) Received(from string) [][]byte {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([][]byte(nil), p.got[from]...)
}

// Nack asks the SFU to send again the packet of publisher from that carried
// payload, as a receiver that lost it would (RTCP generic NACK).
func (p *Peer) Nack(from, payload string) error {
	p.mu.Lock()
	seq, ssrc, found := uint16(0), p.ssrcs[from], false
	for i, b := range p.got[from] {
		if string(b) == payload {
			seq, found = p.seqs[from][i], true
			break
		}
	}
	p.mu.Unlock()
	if !found {
		return fmt.Errorf("rtctest: no packet %q from %s", payload, from)
	}
	return p.pc.WriteRTCP([]rtcp.Packet{&rtcp.TransportLayerNack{SenderSSRC: 1, MediaSSRC: ssrc,
		Nacks: rtcp.NackPairsFromSequenceNumbers([]uint16{seq})}})
}

// Count is the number of packets received from every publisher.
func (p *Peer) Count() uint64 { return p.received.Load() }

// Errors returns the error signals received.
func (p *Peer) Errors() []error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]error(nil), p.errs...)
}

// Wait blocks until cond holds (checked now and after every packet or
// error received) or ctx ends.
func (p *Peer) Wait(ctx context.Context, cond func(p *Peer) bool) error {
	for {
		p.mu.Lock()
		ch := p.changed
		p.mu.Unlock()
		if cond(p) {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return errors.New("rtctest: condition not met: " + ctx.Err().Error())
		}
	}
}

// WaitPayload waits for a packet from publisher from carrying payload.
func (p *Peer) WaitPayload(ctx context.Context, from string, payload string) error {
	return p.Wait(ctx, func(p *Peer) bool {
		for _, b := range p.Received(from) {
			if string(b) == payload {
				return true
			}
		}
		return false
	})
}

// MediaSections counts the m-lines of the SFU's latest description (the
// session's size: it must not grow with every join and leave).
func (p *Peer) MediaSections() int {
	d := p.pc.RemoteDescription()
	if d == nil {
		return 0
	}
	return strings.Count(d.SDP, "\nm=")
}

// Offers counts the offers received from the SFU (renegotiations).
func (p *Peer) Offers() int64 { return p.offers.Load() }

// Close closes the peer connection.
func (p *Peer) Close() error { return p.pc.Close() }
