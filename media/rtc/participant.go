package rtc

import (
	"sync"
	"sync/atomic"

	"github.com/pion/webrtc/v4"

	"github.com/jihat/jihat"
)

// Participant is one peer connection in a room: it publishes one Opus track
// and receives the others'.
type Participant struct {
	id   string
	room *Room
	pc   *webrtc.PeerConnection
	out  *outbox

	neg       sync.Mutex // serialises negotiation; guards the following fields
	ready     bool       // the first offer/answer is done: the SFU may offer
	needOffer bool       // renegotiate when the current exchange ends
	pending   []webrtc.ICECandidateInit
	subs      map[string]*webrtc.RTPSender // publisher id → our sender of their track
	free      []*webrtc.RTPTransceiver     // sendonly transceivers whose publisher left, to reuse

	early     sync.Mutex // guards described and held
	described bool       // the first answer went out: candidates may follow
	held      []Signal   // candidates gathered before it

	readyFlag atomic.Bool                                // connected: receives the others' tracks
	track     atomic.Pointer[webrtc.TrackLocalStaticRTP] // what we publish, once it arrives
	muted     atomic.Bool
	closed    atomic.Bool
	meter     meter
	subCount  atomic.Int64 // how many participants receive our track

	received, forwarded, droppedMuted, droppedRate atomic.Uint64
	rec                                            atomic.Pointer[recorder]
}

func newParticipant(r *Room, id string, pc *webrtc.PeerConnection, send func(Signal)) *Participant {
	p := &Participant{id: id, room: r, pc: pc, out: newOutbox(send), subs: map[string]*webrtc.RTPSender{}}
	pc.OnICECandidate(func(c *webrtc.ICECandidate) {
		if c == nil {
			return
		}
		init := c.ToJSON()
		sig := Signal{Type: SignalCandidate, Candidate: &Candidate{Candidate: init.Candidate,
			SDPMid: init.SDPMid, SDPMLineIndex: init.SDPMLineIndex, UsernameFragment: init.UsernameFragment}}
		p.early.Lock()
		if !p.described {
			// Not before the first answer: a browser refuses candidates
			// that come before the description.
			p.held = append(p.held, sig)
			p.early.Unlock()
			return
		}
		p.early.Unlock()
		p.out.push(sig)
	})
	pc.OnTrack(p.onTrack)
	pc.OnConnectionStateChange(func(s webrtc.PeerConnectionState) {
		switch s {
		case webrtc.PeerConnectionStateConnected:
			if !p.readyFlag.Load() {
				// Subscribe to the others only once connected: offering
				// while the first exchange's ICE is still starting loses
				// candidates.
				if r.ready(p) {
					p.renegotiate()
				}
				r.sfu.cfg.OnEvent(Event{Type: EventJoined, Room: r.id, Participant: id})
			}
		case webrtc.PeerConnectionStateFailed, webrtc.PeerConnectionStateClosed:
			go p.Close()
		}
	})
	return p
}

// ID is the participant's id in its room.
func (p *Participant) ID() string { return p.id }

// Muted reports whether the participant is muted server-side.
func (p *Participant) Muted() bool { return p.muted.Load() }

// Stats counts this participant's packets: received from it, forwarded to
// the others, dropped.
func (p *Participant) Stats() Stats {
	return Stats{Received: p.received.Load(), Forwarded: p.forwarded.Load(),
		DroppedMuted: p.droppedMuted.Load(), DroppedRate: p.droppedRate.Load()}
}

func (p *Participant) isReady() bool    { return p.readyFlag.Load() }
func (p *Participant) markReady()       { p.readyFlag.Store(true) }
func (p *Participant) publishing() bool { return p.track.Load() != nil }

// Offer applies the participant's offer and sends the answer (with the
// request's id). If the SFU had an offer of its own outstanding, it gives
// way (rollback) and offers again after.
func (p *Participant) Offer(id, sdp string) error {
	if p.closed.Load() {
		return jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	p.neg.Lock()
	if p.pc.SignalingState() == webrtc.SignalingStateHaveLocalOffer {
		if err := p.pc.SetLocalDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeRollback}); err != nil {
			p.neg.Unlock()
			return err
		}
		p.needOffer = true
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeOffer, SDP: sdp}); err != nil {
		p.neg.Unlock()
		return jihat.Errorf(jihat.EINVALID, "rtc_bad_sdp")
	}
	p.flushCandidates()
	answer, err := p.pc.CreateAnswer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(answer)
	}
	if err != nil {
		p.neg.Unlock()
		return jihat.Errorf(jihat.EINVALID, "rtc_bad_sdp")
	}
	p.out.push(Signal{Type: SignalAnswer, ID: id, SDP: p.pc.LocalDescription().SDP})
	p.early.Lock()
	p.described = true
	for _, c := range p.held {
		p.out.push(c)
	}
	p.held = nil
	p.early.Unlock()
	p.ready = true
	again := p.needOffer
	p.needOffer = false
	p.neg.Unlock()
	if again {
		p.renegotiate()
	}
	return nil
}

// Answer applies the participant's answer to the SFU's offer.
func (p *Participant) Answer(sdp string) error {
	p.neg.Lock()
	defer p.neg.Unlock()
	if p.pc.SignalingState() != webrtc.SignalingStateHaveLocalOffer {
		return jihat.Errorf(jihat.ECONFLICT, "rtc_no_offer")
	}
	if err := p.pc.SetRemoteDescription(webrtc.SessionDescription{Type: webrtc.SDPTypeAnswer, SDP: sdp}); err != nil {
		return jihat.Errorf(jihat.EINVALID, "rtc_bad_sdp")
	}
	p.flushCandidates()
	if p.needOffer {
		p.needOffer = false
		p.offerLocked()
	}
	return nil
}

// Candidate adds a remote ICE candidate; candidates that come before the
// remote description wait for it.
func (p *Participant) Candidate(c Candidate) error {
	if c.Candidate == "" {
		return nil // end of candidates
	}
	init := webrtc.ICECandidateInit{Candidate: c.Candidate, SDPMid: c.SDPMid, SDPMLineIndex: c.SDPMLineIndex,
		UsernameFragment: c.UsernameFragment}
	p.neg.Lock()
	defer p.neg.Unlock()
	if p.pc.RemoteDescription() == nil {
		if len(p.pending) >= 64 {
			return jihat.Errorf(jihat.ETOOLARGE, "rtc_too_many_candidates")
		}
		p.pending = append(p.pending, init)
		return nil
	}
	if err := p.pc.AddICECandidate(init); err != nil {
		return jihat.Errorf(jihat.EINVALID, "rtc_bad_candidate")
	}
	return nil
}

// flushCandidates adds the candidates that waited for the remote
// description. Called with neg held.
func (p *Participant) flushCandidates() {
	for _, c := range p.pending {
		if err := p.pc.AddICECandidate(c); err != nil {
			p.room.sfu.log.Debug("rtc: early candidate", "participant", p.id, "err", err)
		}
	}
	p.pending = nil
}

// renegotiate sends an offer from the SFU now, or after the exchange in
// progress.
func (p *Participant) renegotiate() {
	p.neg.Lock()
	defer p.neg.Unlock()
	if p.closed.Load() || !p.ready {
		return
	}
	if p.pc.SignalingState() != webrtc.SignalingStateStable {
		p.needOffer = true
		return
	}
	p.offerLocked()
}

// offerLocked creates, sets and sends an offer. Called with neg held.
func (p *Participant) offerLocked() {
	offer, err := p.pc.CreateOffer(nil)
	if err == nil {
		err = p.pc.SetLocalDescription(offer)
	}
	if err != nil {
		if !p.closed.Load() {
			p.room.sfu.log.Warn("rtc: offer", "participant", p.id, "err", err)
		}
		return
	}
	p.out.push(Signal{Type: SignalOffer, SDP: p.pc.LocalDescription().SDP})
}

// subscribe adds pub's track to p's connection; false when there is nothing
// to add. The caller renegotiates.
func (p *Participant) subscribe(pub *Participant) bool {
	track := pub.track.Load()
	if track == nil || p.closed.Load() {
		return false
	}
	p.neg.Lock()
	defer p.neg.Unlock()
	if _, ok := p.subs[pub.id]; ok {
		return false
	}
	sender, err := p.reuse(track)
	if err != nil {
		return false
	}
	if sender == nil {
		tr, err := p.pc.AddTransceiverFromTrack(track, webrtc.RTPTransceiverInit{Direction: webrtc.RTPTransceiverDirectionSendonly})
		if err != nil {
			return false
		}
		sender = tr.Sender()
	}
	p.subs[pub.id] = sender
	pub.subCount.Add(1)
	go drainRTCP(sender)
	return true
}

// reuse puts track on a transceiver freed by a publisher who left, so the
// session description does not grow with every join and leave: a new
// sender (a new SSRC, so the browser and Pion see a new track) on the old
// m-line, which turns from inactive back to sendonly at the next offer. It
// returns nil when there is no free transceiver. Called with neg held.
func (p *Participant) reuse(track webrtc.TrackLocal) (*webrtc.RTPSender, error) {
	for len(p.free) > 0 {
		tr := p.free[len(p.free)-1]
		p.free = p.free[:len(p.free)-1]
		if tr.Sender() != nil || tr.Mid() == "" {
			continue // not negotiated yet, or taken: leave it
		}
		sender, err := p.room.sfu.t.api.NewRTPSender(track, p.pc.SCTP().Transport())
		if err != nil {
			return nil, err
		}
		if err := tr.SetSender(sender, track); err != nil {
			sender.Stop()
			continue
		}
		return sender, nil
	}
	return nil, nil
}

// unsubscribe removes pub's track from p's connection; false when it had
// none. The caller renegotiates.
func (p *Participant) unsubscribe(pubID string) bool {
	p.neg.Lock()
	defer p.neg.Unlock()
	s, ok := p.subs[pubID]
	if !ok {
		return false
	}
	delete(p.subs, pubID)
	var tr *webrtc.RTPTransceiver
	for _, t := range p.pc.GetTransceivers() {
		if t.Sender() == s {
			tr = t
		}
	}
	if err := p.pc.RemoveTrack(s); err != nil {
		return false
	}
	if tr != nil {
		p.free = append(p.free, tr)
	}
	return !p.closed.Load()
}

// drainRTCP reads a sender's RTCP until it closes, as Pion requires for
// its interceptors to run.
func drainRTCP(s *webrtc.RTPSender) {
	buf := make([]byte, 1500)
	for {
		if _, _, err := s.Read(buf); err != nil {
			return
		}
	}
}

// Close leaves the room: the connection closes and the others stop
// receiving this participant's track.
func (p *Participant) Close() {
	if p.closed.Swap(true) {
		return
	}
	if t := p.track.Load(); t != nil {
		for _, q := range p.room.all() {
			if q != p {
				if q.unsubscribe(p.id) {
					q.renegotiate()
				}
			}
		}
	}
	p.closePC()
	p.neg.Lock()
	subs := p.subs
	p.subs = map[string]*webrtc.RTPSender{}
	p.neg.Unlock()
	for id := range subs { // the publishers we received forward to one fewer
		if q := p.room.participant(id); q != nil {
			q.subCount.Add(-1)
		}
	}
	if rec := p.rec.Swap(nil); rec != nil {
		rec.close()
	}
	p.room.remove(p)
	p.out.close()
}

func (p *Participant) closePC() {
	if err := p.pc.Close(); err != nil {
		p.room.sfu.log.Debug("rtc: close", "participant", p.id, "err", err)
	}
}
