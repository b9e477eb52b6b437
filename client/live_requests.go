package client

import (
	"context"
	"encoding/json"
	"strconv"
	"time"

	"github.com/coder/websocket"
)

// request is a call waiting for its ack or error.
type request struct {
	conn *liveConn
	done chan reply // buffered: the reader never blocks on it
}

type reply struct {
	data json.RawMessage
	err  error
}

// handle takes one frame from the server.
func (l *Live) handle(lc *liveConn, f *frame) {
	switch f.Type {
	case typeAck, typePong:
		l.answer(f.ID, reply{data: f.Data})
		return
	case typeError:
		if f.ID == "" || !l.answer(f.ID, reply{err: protocolError(f.Data)}) {
			l.emit(decodeMessage(f))
		}
		return
	}
	l.emitMu.Lock()
	defer l.emitMu.Unlock()
	l.mu.Lock()
	cs := l.channels[f.Channel]
	if cs == nil && f.Channel != "" {
		l.mu.Unlock()
		return // not (or no longer) subscribed
	}
	var out []Message
	fetch := false
	switch {
	case cs == nil:
		out = []Message{decodeMessage(f)}
	case f.Type == typeEvent || f.Seq > 0 && f.Type != typePosition:
		out = l.durable(cs, f)
		var more []Message
		more, fetch = l.gap(cs, time.Time{})
		out = append(out, more...)
	case f.Type == typePosition:
		l.position(cs, f.Seq)
		out, fetch = l.gap(cs, time.Time{})
		out = append(out, decodeMessage(f))
	case f.Type == typeUnsubscribed:
		delete(l.channels, f.Channel)
		m := decodeMessage(f)
		cs.resolve(m.(*Unsubscribed).Err)
		out = []Message{m}
	default:
		out = []Message{decodeMessage(f)}
	}
	var since int64
	if fetch {
		since = cs.last
	}
	l.mu.Unlock()
	if fetch {
		l.startFetch(lc, f.Channel, since)
	}
	l.emitLocked(out)
}

// answer hands a reply to the call waiting for id; false when none waits.
func (l *Live) answer(id string, r reply) bool {
	if id == "" {
		return false
	}
	l.mu.Lock()
	req := l.pending[id]
	delete(l.pending, id)
	l.mu.Unlock()
	if req == nil {
		return false
	}
	req.done <- r
	return true
}

// current waits until a socket is up.
func (l *Live) current(ctx context.Context) (*liveConn, error) {
	for {
		l.mu.Lock()
		lc, up := l.conn, l.up
		l.mu.Unlock()
		if l.closed() {
			return nil, ErrClosed
		}
		if lc != nil {
			return lc, nil
		}
		select {
		case <-up:
		case <-l.quit:
			return nil, ErrClosed
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// request sends f on the socket up now (waiting for one) and returns the
// data of its ack, or its error.
func (l *Live) request(ctx context.Context, f frame) (json.RawMessage, error) {
	lc, err := l.current(ctx)
	if err != nil {
		return nil, err
	}
	return l.requestOn(ctx, lc, f)
}

// requestOn sends f on lc with a fresh id and waits for the answer. It
// fails with ErrConnectionLost when lc drops first.
func (l *Live) requestOn(ctx context.Context, lc *liveConn, f frame) (json.RawMessage, error) {
	f.ID = "r" + strconv.FormatUint(l.reqID.Add(1), 10)
	req := &request{conn: lc, done: make(chan reply, 1)}
	l.mu.Lock()
	if l.conn != lc {
		l.mu.Unlock()
		return nil, ErrConnectionLost
	}
	l.pending[f.ID] = req
	l.mu.Unlock()
	forget := func() {
		l.mu.Lock()
		delete(l.pending, f.ID)
		l.mu.Unlock()
	}
	if err := l.write(ctx, lc, f); err != nil {
		forget()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, ErrConnectionLost
	}
	select {
	case r := <-req.done:
		return r.data, r.err
	case <-ctx.Done():
		forget()
		return nil, ctx.Err()
	case <-l.quit:
		forget()
		return nil, ErrClosed
	}
}

// write paces and sends one frame.
func (l *Live) write(ctx context.Context, lc *liveConn, f frame) error {
	b, err := json.Marshal(f)
	if err != nil {
		return err
	}
	if err := l.limiter.wait(ctx, l.quit); err != nil {
		return err
	}
	wctx, cancel := context.WithTimeout(ctx, l.cfg.HandshakeTimeout)
	defer cancel()
	return lc.ws.Write(wctx, websocket.MessageText, b)
}

// Typing tells the channel's other subscribers that the user is typing
// (true) or stopped (false). The server relays it without storing it, at
// most once a second per channel.
func (l *Live) Typing(ctx context.Context, channel string, typing bool) error {
	state := `{"state":"start"}`
	if !typing {
		state = `{"state":"stop"}`
	}
	_, err := l.request(ctx, frame{Type: typeTyping, Channel: channel, Data: json.RawMessage(state)})
	return err
}

// Comment posts a reply (visibility "public", or "internal" for staff) to a
// case over the socket, through the same service as the REST call, and
// returns the stored event. On ErrConnectionLost the comment may or may not
// have been stored: the subscription to the case shows which.
func (l *Live) Comment(ctx context.Context, caseID, body, visibility string) (*CaseEvent, error) {
	data, err := json.Marshal(map[string]string{"body": body, "visibility": visibility})
	if err != nil {
		return nil, err
	}
	ack, err := l.request(ctx, frame{Type: typeComment, Channel: "case:" + caseID, Data: data})
	if err != nil {
		return nil, err
	}
	var ev CaseEvent
	if err := json.Unmarshal(ack, &ev); err != nil {
		return nil, err
	}
	return &ev, nil
}

// Ping measures one round trip of the live protocol.
func (l *Live) Ping(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	_, err := l.request(ctx, frame{Type: typePing})
	return time.Since(start), err
}
