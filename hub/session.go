package hub

import (
	"context"
	"encoding/json"
	"errors"
	"runtime/debug"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/jihat/jihat"
)

// wsWriter is the frameWriter of a WebSocket.
type wsWriter struct {
	ws      *websocket.Conn
	cork    *corkConn
	timeout time.Duration
}

// writeFrames writes the batch as text frames, one system call for the
// whole batch, under one deadline (see cork.go).
func (w *wsWriter) writeFrames(frames [][]byte, stop func() bool) (int, error) {
	return w.cork.writeTextFrames(frames, time.Now().Add(w.timeout), stop)
}

func (w *wsWriter) pooled() bool { return w.cork.raw != nil }

func (w *wsWriter) tryWriteFrames(frames [][]byte, stop func() bool) (int, func() (int, error), error) {
	return w.cork.tryWriteTextFrames(frames, w.timeout, stop)
}

func (w *wsWriter) close(code websocket.StatusCode, reason string) {
	w.ws.Close(code, reason)
}

// touch records that the peer was heard from. lastSeen and the keepalive
// sweep that reads it (keepalive.go) are real time on purpose (I/O timeouts of the socket,
// measured beside the network's own deadlines), not the injected clock.
func (c *conn) touch() { c.lastSeen.Store(time.Now().UnixNano()) }

// serve runs one socket: authentication, then the read loop, until it
// closes. It returns when every goroutine of the socket has ended.
func (s *Endpoint) serve(c *conn, ws *websocket.Conn, authed bool, lang jihat.Lang) {
	ws.SetReadLimit(s.cfg.ReadLimit)
	// Not r.Context(): the connection was hijacked. Nor a context cancelled
	// when the socket ends: reads given one register a callback on it for
	// every message (coder/websocket's read timeout), and each command's
	// timeout would leave a map of children on it, about 0.5 KiB per idle
	// socket in all. Nothing needs the cancellation: commands run to their
	// end before the next read (onFreshStack waits), a replay stops when
	// the socket closes (sendWait), and a ping in flight returns when the
	// socket closes.
	ctx := context.Background()
	defer func() { <-c.done }()
	defer s.recoverPanic(c) // before waiting for the socket to close
	if !authed && !s.authenticate(ctx, c, ws, lang) {
		return
	}
	registered := false
	s.onFreshStack(c, func() { registered = s.h.register(ctx, c) })
	if !registered {
		c.closeWith(CloseGoingAway, "server shutting down", reasonShutdown)
		return
	}
	defer s.h.unregister(c)
	s.startKeepalive()
	limit := rate.NewLimiter(s.cfg.RateLimit, s.cfg.RateBurst)
	var abuser *rate.Limiter // made at the first refused message: most sockets never need it
	abuse := func() bool {
		if abuser == nil {
			abuser = rate.NewLimiter(1, s.cfg.AbuseLimit)
		}
		return abuser.Allow()
	}
	for {
		typ, data, err := ws.Read(ctx)
		if err != nil {
			why := reasonClient
			if errors.Is(err, websocket.ErrMessageTooBig) {
				why = reasonTooBig
			}
			c.closeWith(websocket.StatusNormalClosure, "", why)
			return
		}
		c.touch()
		if !limit.Allow() {
			s.h.m.rateLimited.Inc()
			if !abuse() {
				c.closeWith(ClosePolicy, "rate limit exceeded", reasonRateLimit)
				return
			}
			env, _ := DecodeEnvelope(data)
			c.sendError(env, jihat.Errorf(jihat.ERATELIMIT, "rate_limited"))
			continue
		}
		env, err := DecodeEnvelope(data)
		if err == nil && typ != websocket.MessageText {
			err = errBadEnvelope
		}
		if err != nil {
			if !abuse() {
				c.closeWith(ClosePolicy, "too many bad messages", reasonRateLimit)
				return
			}
			c.sendError(env, err)
			continue
		}
		s.onFreshStack(c, func() { s.dispatch(ctx, c, env) })
	}
}

// onFreshStack runs f on a short-lived goroutine and waits for it. A
// command may go deep (the database driver, JSON), and a goroutine's stack
// grows to the deepest call it made and keeps that size while the goroutine
// parks: run on the socket's own goroutine, which then waits in Read for
// hours, that would be 16–32 KiB per idle connection instead of a few. A
// panic in f is logged and closes this socket, not the server.
func (s *Endpoint) onFreshStack(c *conn, f func()) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer s.recoverPanic(c)
		f()
	}()
	<-done
}

// recoverPanic ends a panicking goroutine of socket c: logged, the socket
// closed with an internal error (as net/http does for a handler).
func (s *Endpoint) recoverPanic(c *conn) {
	if v := recover(); v != nil {
		s.h.log.Error("hub: panic serving a socket", "conn", c.id, "panic", v, "stack", string(debug.Stack()))
		c.closeWith(websocket.StatusInternalError, "internal error", reasonInternal)
	}
}

// authenticate waits for the first message, which must be a valid auth
// message, for at most AuthTimeout.
func (s *Endpoint) authenticate(ctx context.Context, c *conn, ws *websocket.Conn, lang jihat.Lang) bool {
	c.p.Lang = lang
	timer := time.AfterFunc(s.cfg.AuthTimeout, func() {
		c.closeWith(ClosePolicy, "authentication timeout", reasonAuthTimeout)
	})
	_, data, err := ws.Read(ctx)
	if !timer.Stop() {
		return false // timed out; the socket is closing
	}
	if err != nil {
		c.closeWith(websocket.StatusNormalClosure, "", reasonClient)
		return false
	}
	c.touch()
	env, err := DecodeEnvelope(data)
	var token struct {
		Token string `json:"token"`
	}
	if err == nil && env.Type == TypeAuth {
		err = json.Unmarshal(env.Data, &token)
	}
	if err != nil || env.Type != TypeAuth || token.Token == "" {
		c.closeAfter(c.errorFrame(env, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")),
			ClosePolicy, "authentication required", reasonAuthFailed)
		return false
	}
	var p Principal
	s.onFreshStack(c, func() {
		actx, cancel := context.WithTimeout(ctx, s.cfg.CommandTimeout)
		err = s.h.withRead(actx, func() (err error) {
			p, err = s.backend.AuthenticateToken(actx, token.Token)
			return err
		})
		cancel()
	})
	if c.closing.Load() {
		return false
	}
	if err != nil {
		if jihat.ErrorCode(err) == jihat.EINTERNAL {
			s.h.log.Error("hub: authenticate token", "err", err)
		}
		if jihat.ErrorCode(err) == jihat.EUNAVAILABLE {
			// Not the client's fault: try again in a moment.
			c.closeAfter(c.errorFrame(env, err), CloseTryAgain, "try again later", reasonAuthFailed)
			return false
		}
		c.closeAfter(c.errorFrame(env, err), ClosePolicy, "authentication failed", reasonAuthFailed)
		return false
	}
	if p.Lang == "" {
		p.Lang = lang
	}
	c.p = p
	c.sendAck(env, c.helloData())
	return true
}

// helloData is the data of the auth ack.
func (c *conn) helloData() []byte {
	b := []byte(`{"user_id":`)
	b = appendString(b, c.p.UserID)
	b = append(b, `,"conn_id":`...)
	b = appendString(b, c.id)
	return append(b, '}')
}
