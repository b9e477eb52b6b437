package rtc

import (
	"errors"
	"log/slog"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/pion/webrtc/v4"

	"github.com/jihat/jihat"
)

// SFU forwards the audio of the rooms of one node. It is safe for
// concurrent use.
type SFU struct {
	cfg     Config
	log     *slog.Logger
	t       *transport
	servers []ICEServer

	mu     sync.Mutex // guards the following fields
	rooms  map[string]*Room
	closed bool

	received, forwarded, droppedMuted, droppedRate atomic.Uint64
}

// New opens the SFU's ports and returns it. Close it when done.
func New(cfg Config) (*SFU, error) {
	cfg.setDefaults()
	servers, err := parseICEServers(cfg.STUNURLs, cfg.TURNURLs)
	if err != nil {
		return nil, err
	}
	t, err := newTransport(&cfg, servers)
	if err != nil {
		return nil, err
	}
	return &SFU{cfg: cfg, log: cfg.Logger, t: t, servers: servers, rooms: map[string]*Room{}}, nil
}

// ICEServers are the STUN and TURN servers a client should use.
func (s *SFU) ICEServers() []ICEServer { return append([]ICEServer(nil), s.servers...) }

// MaxBitrate is the most a publisher may send, in bits per second.
func (s *SFU) MaxBitrate() int { return s.cfg.MaxBitrate }

// UDPAddrs are the addresses of the UDP mux (tests, logs).
func (s *SFU) UDPAddrs() []string {
	var out []string
	for _, a := range s.t.udp.GetListenAddresses() {
		out = append(out, a.String())
	}
	return out
}

// errClosed is returned once the SFU is closed.
var errClosed = errors.New("rtc: SFU closed")

// errNoRoom is returned for a room with nobody connected on this node.
var errNoRoom = jihat.Errorf(jihat.ENOTFOUND, "rtc_no_room")

// Join adds participant id to room, creating the room if needed, and returns
// it; send receives the participant's signals in order. A participant of
// the same id already in the room is replaced (a second tab, a reconnect).
// A full room fails with ECONFLICT.
func (s *SFU) Join(room, id string, send func(Signal)) (*Participant, error) {
	if room == "" || id == "" || send == nil {
		return nil, jihat.Errorf(jihat.EINVALID, "invalid_input")
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil, errClosed
	}
	r := s.rooms[room]
	if r == nil {
		r = newRoom(s, room)
		s.rooms[room] = r
	}
	s.mu.Unlock()
	if old := r.participant(id); old != nil {
		old.Close()
	}
	pc, err := s.t.api.NewPeerConnection(webrtc.Configuration{ICEServers: s.t.ice})
	if err != nil {
		return nil, err
	}
	p := newParticipant(r, id, pc, send)
	if err := r.add(p); err != nil {
		p.closePC()
		return nil, err
	}
	return p, nil
}

// Participant returns participant id of room, or nil.
func (s *SFU) Participant(room, id string) *Participant {
	if r := s.room(room); r != nil {
		return r.participant(id)
	}
	return nil
}

// Participants lists the participants of room, sorted by id.
func (s *SFU) Participants(room string) []ParticipantInfo {
	r := s.room(room)
	if r == nil {
		return nil
	}
	return r.infos()
}

// Speaker returns the active speaker of room ("" when nobody speaks).
func (s *SFU) Speaker(room string) string {
	r := s.room(room)
	if r == nil {
		return ""
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.speaker
}

// ParticipantInfo is what the room shows of a participant.
type ParticipantInfo struct {
	ID         string `json:"id"`
	Muted      bool   `json:"muted"`
	Publishing bool   `json:"publishing"`
}

// SetMuted mutes or unmutes participant id server-side: while muted, its
// packets are read and dropped, not forwarded. by names who did it. It
// fails with ENOTFOUND when the participant is not in the room.
func (s *SFU) SetMuted(room, id string, muted bool, by string) error {
	p := s.Participant(room, id)
	if p == nil {
		return jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	if p.muted.Swap(muted) != muted {
		s.cfg.OnEvent(Event{Type: EventMuted, Room: room, Participant: id, Muted: muted, By: by})
	}
	return nil
}

// CloseRoom disconnects every participant of room (the room moves to
// another node, or the meeting ended).
func (s *SFU) CloseRoom(room string) {
	if r := s.room(room); r != nil {
		for _, p := range r.all() {
			p.Close()
		}
	}
}

// Rooms lists the ids of the rooms with participants.
func (s *SFU) Rooms() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.rooms))
	for id := range s.rooms {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}

func (s *SFU) room(id string) *Room {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rooms[id]
}

// dropRoom forgets r once it is empty.
func (s *SFU) dropRoom(r *Room) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rooms[r.id] == r && r.empty() {
		delete(s.rooms, r.id)
		r.stopSpeaker()
	}
}

// Stats counts the SFU's rooms, participants and packets.
func (s *SFU) Stats() Stats {
	s.mu.Lock()
	st := Stats{Rooms: len(s.rooms)}
	rooms := make([]*Room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	for _, r := range rooms {
		st.Participants += len(r.all())
	}
	st.Received = s.received.Load()
	st.Forwarded = s.forwarded.Load()
	st.DroppedMuted = s.droppedMuted.Load()
	st.DroppedRate = s.droppedRate.Load()
	return st
}

// Close disconnects every participant and closes the ports.
func (s *SFU) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	rooms := make([]*Room, 0, len(s.rooms))
	for _, r := range s.rooms {
		rooms = append(rooms, r)
	}
	s.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range rooms {
		for _, p := range r.all() {
			wg.Add(1)
			go func() { defer wg.Done(); p.Close() }()
		}
	}
	wg.Wait()
	s.t.close()
	return nil
}
