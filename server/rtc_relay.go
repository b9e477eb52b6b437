package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/google/uuid"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// rtcMessage travels between nodes over the bus (hub.SendNode): a command
// relayed to the hosting node, and the host's reply.
type rtcMessage struct {
	Op    string      `json:"op"`
	From  string      `json:"from"`           // the sending node
	Call  string      `json:"call,omitempty"` // pairs a reply with its command
	Cmd   *rtcCommand `json:"cmd,omitempty"`
	Code  string      `json:"code,omitempty"`  // reply: the error code, "" for success
	Error []byte      `json:"error,omitempty"` // reply: the error frame's data, in the caller's language
}

const (
	opRTCCommand = "cmd"
	opRTCReply   = "reply"
)

// rtcReply is what a relayed command's caller waits for.
type rtcReply struct {
	code string
	data []byte
}

// relayTimeout bounds the wait for the hosting node's reply.
const relayTimeout = 5 * time.Second

// relay runs c on host and waits for its reply. The host sends the
// answer, candidates and later offers straight to the socket (hub.SendReply
// finds it on this node).
func (r *rtcService) relay(ctx context.Context, host string, c rtcCommand) error {
	call := uuid.NewString()
	wait := make(chan rtcReply, 1)
	r.mu.Lock()
	r.calls[call] = wait
	if c.Type == "rtc.offer" {
		if r.relayed[c.Meeting] == nil {
			r.relayed[c.Meeting] = map[string]relayRef{}
		}
		r.relayed[c.Meeting][c.ConnID] = relayRef{host: host, userID: c.UserID}
	}
	r.mu.Unlock()
	defer func() {
		r.mu.Lock()
		delete(r.calls, call)
		r.mu.Unlock()
	}()
	if err := r.send(ctx, host, rtcMessage{Op: opRTCCommand, From: r.node, Call: call, Cmd: &c}); err != nil {
		return err
	}
	t := time.NewTimer(relayTimeout)
	defer t.Stop()
	select {
	case rep := <-wait:
		if rep.code == "" {
			return nil
		}
		// The host rendered the error in the caller's language: send it as
		// it is, echoing the request's id.
		if err := r.s.hub.SendReply(ctx, c.ConnID, c.ID, hub.TypeError, jihat.MeetingChannel(c.Meeting), rep.data); err != nil {
			return err
		}
		return errAnswered
	case <-t.C:
	case <-ctx.Done():
	}
	return jihat.Errorf(jihat.ECONFLICT, "rtc_host_unreachable")
}

// errAnswered tells command that the error frame was sent already.
var errAnswered = &jihat.Error{Code: jihat.ECONFLICT, Key: "rtc_host_unreachable"}

// send delivers m to node.
func (r *rtcService) send(ctx context.Context, node string, m rtcMessage) error {
	b, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return r.s.hub.SendNode(ctx, node, b)
}

// onNodeMessage receives the other nodes' messages (from the bus goroutine:
// commands run on a goroutine of their own, in arrival order per node).
func (r *rtcService) onNodeMessage(payload []byte) {
	var m rtcMessage
	if err := json.Unmarshal(payload, &m); err != nil {
		r.s.log.Warn("rtc: bad node message", "err", err)
		return
	}
	switch m.Op {
	case opRTCReply:
		r.mu.Lock()
		wait := r.calls[m.Call]
		r.mu.Unlock()
		if wait != nil {
			wait <- rtcReply{code: m.Code, data: m.Error}
		}
	case opRTCCommand:
		if m.Cmd == nil {
			return
		}
		select {
		case r.inbox <- m:
		default:
			r.s.log.Warn("rtc: relayed commands queue full; dropped", "from", m.From, "type", m.Cmd.Type)
		}
	}
}

// serveRelayed runs relayed commands one at a time, in the order they
// came, and replies to each that asked for it.
func (r *rtcService) serveRelayed() {
	for {
		select {
		case <-r.stop:
			return
		case m := <-r.inbox:
			ctx, cancel := context.WithTimeout(context.Background(), relayTimeout)
			err := r.runHosted(ctx, *m.Cmd)
			if m.Call != "" {
				rep := rtcMessage{Op: opRTCReply, From: r.node, Call: m.Call}
				if err != nil {
					rep.Code = jihat.ErrorCode(err)
					rep.Error = hub.ErrorData(err, m.Cmd.Lang)
				}
				if serr := r.send(ctx, m.From, rep); serr != nil {
					r.s.log.Warn("rtc: reply", "node", m.From, "err", serr)
				}
			}
			cancel()
		}
	}
}

// runHosted runs a relayed command if this node still hosts the meeting
// (an offer takes a meeting nobody hosts).
func (r *rtcService) runHosted(ctx context.Context, c rtcCommand) error {
	host, err := r.hostFor(ctx, c.Meeting, c.Type == "rtc.offer")
	if err != nil {
		return err
	}
	if host != r.node {
		return jihat.Errorf(jihat.ECONFLICT, "rtc_host_unreachable")
	}
	return r.run(ctx, c)
}

// loop renews the leases of the rooms hosted here, gives up empty ones,
// and tells the sockets relayed to a host whose lease lapsed (the node
// died) to negotiate again: their next offer moves the room.
func (r *rtcService) loop() {
	defer close(r.done)
	t := time.NewTicker(r.check)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
		}
		r.tick()
	}
}

// tick is one round of loop.
func (r *rtcService) tick() {
	ctx, cancel := context.WithTimeout(context.Background(), r.check)
	defer cancel()
	r.mu.Lock()
	var hosted, empty []string
	for id, room := range r.hosted {
		if len(room.participants) == 0 && r.sfu.Participants(id) == nil {
			empty = append(empty, id)
			delete(r.hosted, id)
		} else {
			hosted = append(hosted, id)
		}
	}
	relayed := map[string]string{} // meeting → host
	for meeting, conns := range r.relayed {
		for _, ref := range conns {
			relayed[meeting] = ref.host
		}
	}
	r.mu.Unlock()
	for _, id := range empty {
		if err := r.s.store.ReleaseRTCHost(ctx, id, r.node); err != nil {
			r.s.log.Warn("rtc: release lease", "meeting", id, "err", err)
		}
	}
	for _, id := range hosted {
		host, err := r.s.store.AcquireRTCHost(ctx, id, r.node, r.s.now(), r.lease)
		if err != nil {
			r.s.log.Warn("rtc: renew lease", "meeting", id, "err", err)
			continue
		}
		if host != r.node { // another node took it: this node was cut off too long
			r.sfu.CloseRoom(id)
		}
	}
	for meeting, host := range relayed {
		cur, err := r.s.store.RTCHost(ctx, meeting, r.s.now())
		if err != nil || cur == host {
			continue
		}
		r.restart(ctx, meeting)
	}
}

// restart tells this node's sockets relayed for meeting to negotiate
// again ({"type":"rtc.restart"}): the room is moving.
func (r *rtcService) restart(ctx context.Context, meeting string) {
	r.mu.Lock()
	conns := r.relayed[meeting]
	delete(r.relayed, meeting)
	r.mu.Unlock()
	for connID := range conns {
		if err := r.s.hub.SendConn(ctx, connID, "rtc.restart", jihat.MeetingChannel(meeting), nil); err != nil &&
			jihat.ErrorCode(err) != jihat.ENOTFOUND {
			r.s.log.Warn("rtc: restart", "meeting", meeting, "conn", connID, "err", err)
		}
	}
}

// forget drops a socket's relay entry (its meeting is hosted here now).
func (r *rtcService) forget(meeting, connID string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if conns := r.relayed[meeting]; conns != nil {
		delete(conns, connID)
		if len(conns) == 0 {
			delete(r.relayed, meeting)
		}
	}
}
