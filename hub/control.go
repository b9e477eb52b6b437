package hub

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"strings"
	"time"

	"github.com/jihat/jihat"
)

// Bus payloads start with a kind byte.
const (
	busFrame   = 'f' // uvarint seq, then a ready client frame
	busScoped  = 'a' // uvarint seq, uvarint key length, the key, uvarint n, n bytes of JSON jihat.Audience, then a ready client frame
	busControl = 'c' // a JSON controlMsg
	busKeyed   = 'k' // uvarint key length, the key, then a ready client frame
)

func encodeBusKeyed(key string, aud *jihat.Audience, frame []byte) []byte {
	if aud != nil {
		return encodeBusScoped(0, key, aud, frame)
	}
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(key)+len(frame))
	b = append(b, busKeyed)
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	return append(b, frame...)
}

func encodeBusFrame(seq int64, aud *jihat.Audience, frame []byte) []byte {
	if aud != nil {
		return encodeBusScoped(seq, "", aud, frame)
	}
	b := make([]byte, 0, 1+binary.MaxVarintLen64+len(frame))
	b = append(b, busFrame)
	b = binary.AppendUvarint(b, uint64(seq))
	return append(b, frame...)
}

// encodeBusScoped encodes a frame with an audience: its seq, its key ("" for
// none), the audience as JSON, then the frame.
func encodeBusScoped(seq int64, key string, aud *jihat.Audience, frame []byte) []byte {
	a, _ := json.Marshal(aud) // strings and a bool: cannot fail
	b := make([]byte, 0, 1+3*binary.MaxVarintLen64+len(key)+len(a)+len(frame))
	b = append(b, busScoped)
	b = binary.AppendUvarint(b, uint64(seq))
	b = binary.AppendUvarint(b, uint64(len(key)))
	b = append(b, key...)
	b = binary.AppendUvarint(b, uint64(len(a)))
	b = append(b, a...)
	return append(b, frame...)
}

// decodeScoped splits the payload of a busScoped message (after its first
// byte); ok is false when it is malformed.
func decodeScoped(p []byte) (seq int64, key string, aud *jihat.Audience, frame []byte, ok bool) {
	s, n := binary.Uvarint(p)
	if n <= 0 {
		return 0, "", nil, nil, false
	}
	p = p[n:]
	part := func() ([]byte, bool) {
		l, n := binary.Uvarint(p)
		if n <= 0 || uint64(len(p)-n) < l {
			return nil, false
		}
		b := p[n : n+int(l)]
		p = p[n+int(l):]
		return b, true
	}
	k, ok := part()
	if !ok {
		return 0, "", nil, nil, false
	}
	a, ok := part()
	if !ok {
		return 0, "", nil, nil, false
	}
	aud = new(jihat.Audience)
	if json.Unmarshal(a, aud) != nil {
		return 0, "", nil, nil, false
	}
	return int64(s), string(k), aud, p, true
}

// controlMsg is an instruction from one node to the others.
type controlMsg struct {
	Op        string          `json:"op"`
	UserID    string          `json:"user_id,omitempty"`
	SessionID string          `json:"session_id,omitempty"`
	ConnID    string          `json:"conn_id,omitempty"`
	Reason    string          `json:"reason,omitempty"`
	Frame     json.RawMessage `json:"frame,omitempty"`
}

const (
	opDisconnectUser    = "disconnect_user"
	opDisconnectSession = "disconnect_session"
	opReauthorize       = "reauthorize"
	opSend              = "send"
)

// handleBus is the BusHandler of the hub.
func (h *Hub) handleBus(channel string, payload []byte) {
	if len(payload) == 0 {
		return
	}
	switch payload[0] {
	case busFrame:
		seq, n := binary.Uvarint(payload[1:])
		if n <= 0 {
			return
		}
		h.m.published.WithLabelValues("bus").Inc()
		h.arrive(channel, payload[1+n:], int64(seq), nil, nil)
	case busScoped:
		seq, key, aud, frame, ok := decodeScoped(payload[1:])
		if !ok {
			return
		}
		h.m.published.WithLabelValues("bus").Inc()
		if key != "" && seq == 0 {
			h.arriveKeyed(channel, frame, key, aud)
		} else {
			h.arrive(channel, frame, seq, aud, nil)
		}
	case busKeyed:
		l, n := binary.Uvarint(payload[1:])
		if n <= 0 || l == 0 || l > uint64(len(payload)-1-n) {
			return
		}
		key := payload[1+n : 1+n+int(l)]
		h.m.published.WithLabelValues("bus").Inc()
		h.arriveKeyed(channel, payload[1+n+int(l):], string(key), nil)
	case busNode:
		if channel == nodeChannel(h.cfg.NodeID) && h.cfg.OnNodeMessage != nil {
			h.cfg.OnNodeMessage(payload[1:])
		}
	case busControl:
		if channel != controlChannel && channel != nodeChannel(h.cfg.NodeID) {
			return
		}
		var msg controlMsg
		if err := json.Unmarshal(payload[1:], &msg); err != nil {
			h.log.Warn("hub: bad control message", "err", err)
			return
		}
		h.applyControl(msg)
	}
}

// applyControl carries out msg on this node's connections without blocking.
func (h *Hub) applyControl(msg controlMsg) {
	switch msg.Op {
	case opDisconnectUser:
		for _, c := range h.reg.user(msg.UserID) {
			c.closeWith(CloseRevoked, msg.Reason, reasonRevoked)
		}
	case opDisconnectSession:
		for _, c := range h.reg.session(msg.SessionID) {
			c.closeWith(CloseRevoked, msg.Reason, reasonRevoked)
		}
	case opReauthorize:
		for _, c := range h.reg.user(msg.UserID) {
			h.goBackground(c.reauthorize)
		}
	case opSend:
		if c := h.reg.get(msg.ConnID); c != nil && json.Valid(msg.Frame) {
			c.send(msg.Frame)
		}
	}
}

// control applies msg here and publishes it to the other nodes on channel.
func (h *Hub) control(ctx context.Context, channel string, msg controlMsg) error {
	if channel == controlChannel {
		h.applyControl(msg)
	}
	b, err := json.Marshal(msg)
	if err != nil {
		return err
	}
	if err := h.bus.Publish(ctx, channel, append([]byte{busControl}, b...)); err != nil {
		h.m.busErrors.WithLabelValues("control").Inc()
		return err
	}
	return nil
}

// closeReason bounds a close reason to what a close frame can carry.
func closeReason(s string) string {
	if len(s) > 120 {
		s = s[:120]
	}
	return strings.ToValidUTF8(s, "")
}

// DisconnectUser closes every socket of the user on every node with
// CloseRevoked (logout everywhere, account disabled); nothing is delivered
// to them after the call returns on this node, nor after the bus message
// arrives on the others. An error means the other nodes may not have been
// told (the bus is down); the local sockets are closed regardless.
func (h *Hub) DisconnectUser(ctx context.Context, userID, reason string) error {
	if userID == "" {
		return jihat.Errorf(jihat.EINVALID, "invalid_id")
	}
	return h.control(ctx, controlChannel, controlMsg{Op: opDisconnectUser, UserID: userID, Reason: closeReason(reason)})
}

// DisconnectSession closes the sockets of one session (a logout) on every
// node, like DisconnectUser.
func (h *Hub) DisconnectSession(ctx context.Context, sessionID string) error {
	if sessionID == "" {
		return jihat.Errorf(jihat.EINVALID, "invalid_id")
	}
	return h.control(ctx, controlChannel, controlMsg{Op: opDisconnectSession, SessionID: sessionID, Reason: "session ended"})
}

// Reauthorize runs Backend.Authorize again for every subscription of the
// user on every node (after a permission or assignment change) and drops
// those that fail with an "unsubscribed" frame. It returns before the checks
// are done.
func (h *Hub) Reauthorize(ctx context.Context, userID string) error {
	if userID == "" {
		return jihat.Errorf(jihat.EINVALID, "invalid_id")
	}
	return h.control(ctx, controlChannel, controlMsg{Op: opReauthorize, UserID: userID})
}

// SendConn sends one frame to one socket, on whichever node it is (the
// ConnID of a CommandContext), e.g. rtc.candidate from the SFU. It returns
// ENOTFOUND when the socket is known to be gone.
func (h *Hub) SendConn(ctx context.Context, connID, typ, channel string, data json.RawMessage) error {
	return h.sendConn(ctx, connID, "", typ, channel, data)
}

func (h *Hub) sendConn(ctx context.Context, connID, id, typ, channel string, data json.RawMessage) error {
	if !validServerType(typ) || channel != "" && !jihat.ValidChannel(channel) || len(data) > 0 && !json.Valid(data) {
		return jihat.Errorf(jihat.EINVALID, "invalid_input")
	}
	frame := encodeFrame(typ, id, channel, 0, data)
	if c := h.reg.get(connID); c != nil {
		c.send(frame)
		return nil
	}
	i := strings.LastIndexByte(connID, '/')
	if i <= 0 || connID[:i] == h.cfg.NodeID {
		return jihat.Errorf(jihat.ENOTFOUND, "not_found")
	}
	return h.control(ctx, nodeChannel(connID[:i]), controlMsg{Op: opSend, ConnID: connID, Frame: frame})
}

// goBackground runs f(ctx) in a goroutine that Close waits for.
func (h *Hub) goBackground(f func(context.Context)) {
	h.bgMu.Lock()
	defer h.bgMu.Unlock()
	if h.bgStopped {
		return
	}
	h.bg.Add(1)
	go func() {
		defer h.bg.Done()
		f(h.ctx)
	}()
}

// goEvery runs f every d on a background goroutine until the hub closes:
// the presence heartbeat, the position messages, each endpoint's keepalive
// sweep.
func (h *Hub) goEvery(d time.Duration, f func()) {
	h.goBackground(func(ctx context.Context) {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				f()
			}
		}
	})
}
