package rtc

import (
	"sort"
	"sync"
	"time"

	"github.com/jihat/jihat"
)

// Room is the participants of one meeting on this node.
type Room struct {
	id  string
	sfu *SFU

	mu           sync.Mutex // guards the following fields
	participants map[string]*Participant
	speaker      string
	stop         chan struct{} // ends the speaker loop; nil when not running
	record       RecordFunc    // set while the room is recorded
}

func newRoom(s *SFU, id string) *Room {
	return &Room{id: id, sfu: s, participants: map[string]*Participant{}}
}

// ID is the room's id (the meeting's).
func (r *Room) ID() string { return r.id }

func (r *Room) participant(id string) *Participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.participants[id]
}

func (r *Room) all() []*Participant {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]*Participant, 0, len(r.participants))
	for _, p := range r.participants {
		out = append(out, p)
	}
	return out
}

func (r *Room) empty() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.participants) == 0
}

func (r *Room) infos() []ParticipantInfo {
	ps := r.all()
	out := make([]ParticipantInfo, 0, len(ps))
	for _, p := range ps {
		out = append(out, ParticipantInfo{ID: p.id, Muted: p.muted.Load(), Publishing: p.publishing()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// add admits p unless the room is full, and starts the speaker loop.
func (r *Room) add(p *Participant) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.participants) >= r.sfu.cfg.MaxParticipants {
		return jihat.Errorf(jihat.ECONFLICT, "rtc_room_full", r.sfu.cfg.MaxParticipants)
	}
	r.participants[p.id] = p
	if r.stop == nil {
		r.stop = make(chan struct{})
		go r.speakerLoop(r.stop)
	}
	return nil
}

// remove takes p out of the room and its track out of the others'
// connections, which renegotiate.
func (r *Room) remove(p *Participant) {
	r.mu.Lock()
	if r.participants[p.id] != p {
		r.mu.Unlock()
		return
	}
	delete(r.participants, p.id)
	others := make([]*Participant, 0, len(r.participants))
	for _, q := range r.participants {
		others = append(others, q)
	}
	wasSpeaker := r.speaker == p.id
	if wasSpeaker {
		r.speaker = ""
	}
	r.mu.Unlock()
	for _, q := range others {
		if q.unsubscribe(p.id) {
			q.renegotiate()
		}
	}
	r.sfu.cfg.OnEvent(Event{Type: EventLeft, Room: r.id, Participant: p.id})
	if wasSpeaker {
		r.sfu.cfg.OnEvent(Event{Type: EventSpeaker, Room: r.id})
	}
	r.sfu.dropRoom(r)
}

// published is called when p's track arrives: every ready participant
// subscribes to it.
func (r *Room) published(p *Participant) {
	r.mu.Lock()
	var targets []*Participant
	for _, q := range r.participants {
		if q != p && q.isReady() && q.subscribe(p) {
			targets = append(targets, q)
		}
	}
	r.mu.Unlock()
	r.startRecorder(p)
	for _, q := range targets {
		q.renegotiate()
	}
}

// ready is called once p is first connected: it subscribes to the tracks
// already published. It reports whether p needs an offer.
func (r *Room) ready(p *Participant) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	p.markReady()
	added := false
	for _, q := range r.participants {
		if q != p && q.publishing() && p.subscribe(q) {
			added = true
		}
	}
	return added
}

func (r *Room) stopSpeaker() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stop != nil {
		close(r.stop)
		r.stop = nil
	}
}

// speakerLoop names the active speaker once per SpeakerInterval: the
// loudest unmuted participant whose average level over the interval is
// above the threshold. An event is sent only when the speaker changes; a
// challenger must be 3 dB louder than a speaker who is still talking.
func (r *Room) speakerLoop(stop chan struct{}) {
	t := time.NewTicker(r.sfu.cfg.SpeakerInterval)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		best, bestLevel := "", 128
		current := 128
		r.mu.Lock()
		for _, p := range r.participants {
			level := p.meter.take()
			if p.muted.Load() {
				level = 127
			}
			if p.id == r.speaker {
				current = level
			}
			if level < bestLevel || level == bestLevel && p.id < best {
				best, bestLevel = p.id, level
			}
		}
		if bestLevel > r.sfu.cfg.SpeakerThreshold {
			best = ""
		}
		changed := false
		if best != r.speaker && (current > r.sfu.cfg.SpeakerThreshold || bestLevel+3 <= current) {
			r.speaker = best
			changed = true
		}
		speaker := r.speaker
		r.mu.Unlock()
		if changed {
			ev := Event{Type: EventSpeaker, Room: r.id, Participant: speaker}
			if speaker != "" {
				ev.Level = 127 - bestLevel
			}
			r.sfu.cfg.OnEvent(ev)
		}
	}
}
