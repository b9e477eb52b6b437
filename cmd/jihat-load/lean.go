package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/jihat/jihat/internal/jsonvalid"
)

// Lean Jihat subscribers (-lean): a subscriber read the way the Centrifugo
// subscribers are (cfConn): one goroutine per socket, each frame read into
// a reused buffer, the common event frame, {"type":"event","channel":"…",
// "seq":N,"data":{…}}, read directly and its data checked as json.Valid
// does, its stamp found and its seq checked against the last one. The Go
// SDK (the default) does more for each frame that a measurement of the
// server does not need: it copies the data, holds events that come out of
// order and fetches gaps, and reconnects. With -lean, as with Centrifugo, an
// event out of order counts as disorder and one never delivered as missing;
// the subscriber does not reconnect. A storm's clients (-storm) connect
// the same way: the upgrade with the session token, one subscribe and its
// answer (the SDK first checks the credentials with a ping). The SDK's
// costs are measured by the runs without -lean.

// leanConn is one lean subscriber's socket.
type leanConn struct{ ws wsConn }

func (c *leanConn) close() { c.ws.close() }

// leanFrame is a server frame, as far as a lean subscriber reads it.
type leanFrame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Channel string          `json:"channel"`
	Seq     int64           `json:"seq"`
	Data    json.RawMessage `json:"data"`
}

// leanEvent reads the common event frame directly; ok is false for any
// other frame, or one not in the server's canonical form (left to
// encoding/json).
func leanEvent(b []byte) (channel []byte, seq int64, data []byte, ok bool) {
	rest, ok := bytes.CutPrefix(b, []byte(`{"type":"event","channel":"`))
	if !ok {
		return nil, 0, nil, false
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 || bytes.IndexByte(rest[:i], '\\') >= 0 {
		return nil, 0, nil, false
	}
	channel = rest[:i]
	if rest, ok = bytes.CutPrefix(rest[i+1:], []byte(`,"seq":`)); !ok {
		return nil, 0, nil, false
	}
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	seq, err := strconv.ParseInt(string(rest[:j]), 10, 64)
	if err != nil {
		return nil, 0, nil, false
	}
	if rest, ok = bytes.CutPrefix(rest[j:], []byte(`,"data":`)); !ok {
		return nil, 0, nil, false
	}
	end, ok := jsonvalid.Prefix(rest)
	if !ok || string(rest[end:]) != "}" {
		return nil, 0, nil, false
	}
	return channel, seq, rest[:end], true
}

// leanSubscribe opens a socket with token (read as read says: wsread.go),
// subscribes to channel after since (client.Latest: from now on), and then
// reads it on a goroutine of its own, giving onEvent (if any) each event of
// the channel (data valid during the call) until the socket closes.
func (l *load) leanSubscribe(ctx context.Context, read, token, channel string, since int64, onEvent func(seq int64, data []byte)) (*leanConn, error) {
	u := webSocketURL(l.cfg.URL, "/ws")
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	ws, err := l.dialWS(ctx, read, u, h)
	if err != nil {
		return nil, err
	}
	c := &leanConn{ws: ws}
	sub := map[string]any{"type": "subscribe", "id": "s", "channel": channel}
	if since >= 0 { // else live events only (client.Latest)
		sub["since"] = since
	}
	req, _ := json.Marshal(sub)
	if err := ws.write(ctx, req); err != nil {
		c.close()
		return nil, err
	}
	for { // the answer comes before the channel's events
		data, err := ws.next()
		if err != nil {
			c.close()
			return nil, err
		}
		var f leanFrame
		if json.Unmarshal(data, &f) != nil || f.ID != "s" {
			continue
		}
		if f.Type != "ack" {
			c.close()
			return nil, fmt.Errorf("subscribe %s: %s %s", channel, f.Type, f.Data)
		}
		break
	}
	go func() {
		for {
			data, err := ws.next()
			if err != nil {
				return
			}
			ch, seq, ev, ok := leanEvent(data)
			if !ok {
				var f leanFrame
				if json.Unmarshal(data, &f) != nil || f.Type != "event" {
					continue // acks, positions, presence: nothing to count
				}
				ch, seq, ev = []byte(f.Channel), f.Seq, f.Data
			}
			if onEvent != nil && string(ch) == channel {
				onEvent(seq, ev)
			}
		}
	}()
	return c, nil
}

// leanSubscriber opens traffic subscriber i with -lean (see sub.onMessage
// for the SDK's).
func (l *load) leanSubscriber(ctx context.Context, i int, cnt *counters) (*sub, *user, error) {
	ch, u := l.subscriber(i)
	s := &sub{ch: ch, done: make(chan struct{})}
	token := u.c.Token()
	if token == "" {
		return nil, nil, errors.New("lean subscriber: the account has no session token")
	}
	var last int64
	c, err := l.leanSubscribe(ctx, l.cfg.WSRead, token, ch.name, ch.since, func(seq int64, data []byte) {
		if seq <= last {
			s.disorder.Add(1)
		}
		last = seq
		sent, ok := stamp(data)
		if !ok {
			return
		}
		s.got.Add(1)
		cnt.deliveredAt(sent, time.Now().UnixNano())
	})
	if err != nil {
		return nil, nil, err
	}
	s.lean = c
	close(s.done)
	return s, u, nil
}
