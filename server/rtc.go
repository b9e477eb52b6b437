package server

import (
	"context"
	"encoding/json"
	"strings"
	"sync"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/media/rtc"
)

// AudioAccess decides who may take part in a meeting's audio: present
// reports a member present in the meeting (only they may signal), chair one
// who may mute others and give the floor. The meetings service answers it;
// tests may set their own.
type AudioAccess func(ctx context.Context, meetingID, userID string) (present, chair bool, err error)

// rtcService is the meeting audio of this node: the SFU for the meetings it
// hosts, and the relay of signalling to the node hosting the others. Which
// node hosts a meeting is recorded in the database with a lease (store
// AcquireRTCHost), so every node agrees.
type rtcService struct {
	s      *Server
	sfu    *rtc.SFU
	node   string
	lease  time.Duration
	check  time.Duration
	access AudioAccess

	mu      sync.Mutex                     // guards the following fields
	hosted  map[string]*hostedRoom         // meeting → its room, hosted here
	relayed map[string]map[string]relayRef // meeting → conn → where its signalling goes
	calls   map[string]chan rtcReply       // relayed commands waiting for the host's reply
	stopped bool

	recordings sync.WaitGroup // recordings being stored (rtc_record.go)

	inbox chan rtcMessage // commands relayed to this node, run in order
	stop  chan struct{}
	done  chan struct{}
}

// relayRef is one socket of this node taking part in a meeting hosted
// elsewhere.
type relayRef struct {
	host   string
	userID string
}

// newRTCService opens the SFU and starts the lease loop.
func newRTCService(s *Server, cfg Config) (*rtcService, error) {
	r := &rtcService{s: s, node: s.hub.NodeID(), lease: cfg.RTCLease, check: cfg.RTCCheckEvery, access: cfg.AudioAccess,
		hosted: map[string]*hostedRoom{}, relayed: map[string]map[string]relayRef{}, calls: map[string]chan rtcReply{},
		inbox: make(chan rtcMessage, 1024), stop: make(chan struct{}), done: make(chan struct{})}
	if r.lease <= 0 {
		r.lease = 15 * time.Second
	}
	if r.check <= 0 {
		r.check = r.lease / 3
	}
	if r.access == nil {
		r.access = s.meetingAudioAccess
	}
	rc := cfg.RTC
	rc.OnEvent = r.onEvent
	if rc.Logger == nil {
		rc.Logger = s.log
	}
	if rc.Now == nil {
		rc.Now = s.now
	}
	sfu, err := rtc.New(rc)
	if err != nil {
		return nil, err
	}
	r.sfu = sfu
	registerRTCMetrics(s.metrics.reg, sfu)
	s.log.Info("meeting audio (ICE UDP mux)", "udp", sfu.UDPAddrs())
	go r.loop()
	go r.serveRelayed()
	return r, nil
}

// close gives up this node's rooms and their leases, and closes the SFU.
func (r *rtcService) close(ctx context.Context) {
	r.mu.Lock()
	if r.stopped {
		r.mu.Unlock()
		return
	}
	r.stopped = true
	rooms := make([]string, 0, len(r.hosted))
	for id := range r.hosted {
		rooms = append(rooms, id)
	}
	r.mu.Unlock()
	close(r.stop)
	<-r.done
	r.sfu.Close()
	r.recordings.Wait() // closing the SFU ended every recording: store them
	for _, id := range rooms {
		if err := r.s.store.ReleaseRTCHost(ctx, id, r.node); err != nil {
			r.s.log.Warn("rtc: release lease", "meeting", id, "err", err)
		}
	}
}

// rtcCommand is one signalling command from a socket, as it travels to the
// node hosting the meeting.
type rtcCommand struct {
	Meeting string          `json:"meeting"`
	ConnID  string          `json:"conn_id"`
	UserID  string          `json:"user_id"`
	Lang    jihat.Lang      `json:"lang"`
	Chair   bool            `json:"chair,omitempty"`
	Type    string          `json:"type"` // rtc.offer, rtc.answer, ...
	ID      string          `json:"id,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
	// IP and UserAgent are the socket's, for the audit log.
	IP        string `json:"ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
}

// command runs an rtc.* command of a socket: the caller must be a member
// present in the meeting; the command then runs where the meeting's media
// is hosted (here, or relayed over the bus).
func (r *rtcService) command(ctx context.Context, cc hub.CommandContext, env hub.Envelope) (any, error) {
	ch, err := jihat.ParseChannel(env.Channel)
	if err != nil || ch.Kind != jihat.ChannelMeeting {
		return nil, jihat.Invalid(map[string]string{"channel": "invalid_value"})
	}
	if env.Type == "rtc.join" {
		return r.join(ctx, cc, ch.ID)
	}
	if !rtcTypes[env.Type] {
		return nil, jihat.Invalid(map[string]string{"type": "invalid_value"})
	}
	present, chair, err := r.access(ctx, ch.ID, cc.Principal.UserID)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "rtc_not_present")
	}
	cmd := rtcCommand{Meeting: ch.ID, ConnID: cc.ConnID, UserID: cc.Principal.UserID, Lang: cc.Principal.Lang,
		Chair: chair, Type: env.Type, ID: env.ID, Data: env.Data, IP: cc.ClientIP, UserAgent: cc.UserAgent}
	host, err := r.hostFor(ctx, ch.ID, env.Type == "rtc.offer")
	if err != nil {
		return nil, err
	}
	if host == r.node {
		r.forget(ch.ID, cc.ConnID)
		err = r.run(ctx, cmd)
	} else if err = r.relay(ctx, host, cmd); err == errAnswered {
		return hub.NoAck, nil
	}
	if err != nil {
		return nil, err
	}
	if env.Type == "rtc.offer" {
		return hub.NoAck, nil // answered by rtc.answer with the request's id
	}
	return nil, nil
}

// rtcTypes are the signalling commands that run on the hosting node.
var rtcTypes = map[string]bool{"rtc.offer": true, "rtc.answer": true, "rtc.candidate": true, "rtc.leave": true,
	"rtc.mute": true, "rtc.hand": true, "rtc.floor": true, "rtc.record": true}

// join answers rtc.join with what a client needs before its first offer:
// the ICE servers and the bitrate ceiling. Members present only.
func (r *rtcService) join(ctx context.Context, cc hub.CommandContext, meeting string) (any, error) {
	present, _, err := r.access(ctx, meeting, cc.Principal.UserID)
	if err != nil {
		return nil, err
	}
	if !present {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "rtc_not_present")
	}
	servers := r.sfu.ICEServers()
	if servers == nil {
		servers = []rtc.ICEServer{}
	}
	return map[string]any{"ice_servers": servers, "max_bitrate": r.sfu.MaxBitrate()}, nil
}

// hostFor returns the node hosting meeting's audio. With take, a meeting
// nobody hosts (or whose host's lease expired) is taken by this node.
func (r *rtcService) hostFor(ctx context.Context, meeting string, take bool) (string, error) {
	if take {
		return r.s.store.AcquireRTCHost(ctx, meeting, r.node, r.s.now(), r.lease)
	}
	host, err := r.s.store.RTCHost(ctx, meeting, r.s.now())
	if err != nil {
		return "", err
	}
	if host == "" {
		return "", jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	return host, nil
}

// disconnected ends the audio of a socket that closed, here or on the host.
func (r *rtcService) disconnected(ev hub.SessionEvent) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	r.mu.Lock()
	var relays []rtcCommand
	hosts := map[string]string{}
	for meeting, conns := range r.relayed {
		if ref, ok := conns[ev.ConnID]; ok {
			relays = append(relays, rtcCommand{Meeting: meeting, ConnID: ev.ConnID, UserID: ref.userID, Type: "rtc.leave"})
			hosts[meeting] = ref.host
			delete(conns, ev.ConnID)
		}
	}
	var local []string
	for meeting, room := range r.hosted {
		if p, ok := room.participants[ev.UserID]; ok && p.connID == ev.ConnID {
			local = append(local, meeting)
		}
	}
	r.mu.Unlock()
	for _, c := range relays {
		r.send(ctx, hosts[c.Meeting], rtcMessage{Op: opRTCCommand, From: r.node, Cmd: &c})
	}
	for _, meeting := range local {
		r.leave(meeting, ev.UserID, ev.ConnID)
	}
}

// splitType returns the name after "rtc.".
func splitType(t string) string { return strings.TrimPrefix(t, "rtc.") }

// RTCStats counts the meeting audio forwarded by this node.
func (s *Server) RTCStats() rtc.Stats { return s.rtc.Load().sfu.Stats() }

// RTCParticipantStats counts one participant's packets on this node, if it
// takes part in meeting's audio here.
func (s *Server) RTCParticipantStats(meeting, userID string) (rtc.Stats, bool) {
	p := s.rtc.Load().sfu.Participant(meeting, userID)
	if p == nil {
		return rtc.Stats{}, false
	}
	return p.Stats(), true
}
