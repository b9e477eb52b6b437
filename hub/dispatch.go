package hub

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jihat/jihat"
)

// dispatch runs one client message. Messages of one socket run one after
// the other, in order, on its reading goroutine; acks come back in order.
func (s *Endpoint) dispatch(ctx context.Context, c *conn, env Envelope) {
	ctx, cancel := context.WithTimeout(ctx, s.cfg.CommandTimeout)
	defer cancel()
	if env.Type != TypePing && s.h.cfg.OnActivity != nil {
		s.h.cfg.OnActivity(c.p.UserID, s.h.cfg.Now())
	}
	switch env.Type {
	case TypePing:
		c.send(encodeFrame(TypePong, env.ID, "", 0, nil))
	case TypeAuth:
		c.sendError(env, jihat.Errorf(jihat.EINVALID, "ws_already_authenticated"))
	case TypeSubscribe:
		s.subscribe(ctx, c, env)
	case TypeFetch:
		s.fetch(ctx, c, env)
	case TypeUnsubscribe:
		if sub := c.subscription(env.Channel); sub != nil {
			s.h.drop(ctx, sub)
		}
		c.sendAck(env, nil)
	case TypeTyping:
		s.typing(ctx, c, env)
	default:
		s.command(ctx, c, env)
	}
}

// command hands a command to the Backend and answers with its result.
func (s *Endpoint) command(ctx context.Context, c *conn, env Envelope) {
	data, err := s.backend.Command(ctx, CommandContext{Principal: c.p, ConnID: c.id, ClientIP: c.clientIP, UserAgent: c.userAgent}, env)
	if err != nil {
		c.sendError(env, err)
		return
	}
	if data == NoAck {
		return
	}
	var b []byte
	if data != nil {
		if b, err = json.Marshal(data); err != nil {
			c.sendError(env, err)
			return
		}
	}
	c.sendAck(env, b)
}

// typing relays "user is typing" to the channel's other subscribers, on
// every node, at most once per TypingInterval per socket and channel. It is
// not stored.
func (s *Endpoint) typing(ctx context.Context, c *conn, env Envelope) {
	sub := c.subscription(env.Channel)
	if sub == nil {
		c.sendError(env, jihat.Errorf(jihat.EINVALID, "ws_not_subscribed"))
		return
	}
	var in struct {
		State string `json:"state"`
	}
	if len(env.Data) > 0 {
		if err := json.Unmarshal(env.Data, &in); err != nil || in.State != "start" && in.State != "stop" {
			c.sendError(env, jihat.Errorf(jihat.EINVALID, "invalid_input"))
			return
		}
	}
	if in.State == "" {
		in.State = "start"
	}
	// Real time, not the injected clock: this paces frames on a socket (I/O),
	// it is no domain time (nothing stored, shown or compared with a deadline).
	now := time.Now()
	c.mu.Lock()
	throttled := in.State == "start" && now.Sub(sub.typingAt) < s.cfg.TypingInterval
	if !throttled {
		sub.typingAt = now
	}
	c.mu.Unlock()
	if !throttled {
		data := []byte(`{"user_id":`)
		data = appendString(data, c.p.UserID)
		data = append(data, `,"state":"`...)
		data = append(data, in.State...)
		data = append(data, `"}`...)
		s.h.publishFrame(ctx, env.Channel, encodeFrame(TypeTyping, "", env.Channel, 0, data), 0, nil, c)
	}
	if env.ID != "" {
		c.sendAck(env, nil)
	}
}

// sendAck answers env with an ack carrying data (JSON, or nil).
func (c *conn) sendAck(env Envelope, data []byte) {
	c.send(encodeFrame(TypeAck, env.ID, env.Channel, 0, data))
}

// sendError answers env with an error in the user's language. Internal
// errors are logged here and reach the client as EINTERNAL, without detail.
func (c *conn) sendError(env Envelope, err error) {
	c.send(c.errorFrame(env, err))
}

// errorFrame encodes err as the error answer to env.
func (c *conn) errorFrame(env Envelope, err error) []byte {
	if jihat.ErrorCode(err) == jihat.EINTERNAL {
		c.h.log.Error("hub: command failed", "type", env.Type, "channel", env.Channel, "conn", c.id, "err", err)
	}
	return encodeFrame(TypeError, env.ID, env.Channel, 0, errorPayload(err, c.p.Lang))
}

// subscription returns the socket's subscription to name, or nil.
func (c *conn) subscription(name string) *subscription {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, s := range c.subs {
		if s.name == name {
			return s
		}
	}
	return nil
}
