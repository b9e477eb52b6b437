package main

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat/internal/jsonvalid"
)

// Centrifugo, the yardstick (-target centrifugo): the same workloads against
// a Centrifugo v6 server, through its bidirectional JSON protocol
// (ws://host/connection/websocket) and its HTTP publish API, so the two
// servers are measured by one tool on one machine. Connections authenticate
// with an HS256 connection token (-centrifugo-secret) and subscribe to
// case:<run>-<k> channels (the "case" namespace, history on; see
// scripts/compare-centrifugo.sh for the server's configuration); comments
// are published with POST /api/publish (-centrifugo-api-key) by -publishers
// workers, each with the same body Jihat receives.

// cfConn is one Centrifugo client connection.
type cfConn struct {
	ws     wsConn
	nextID atomic.Uint32

	mu      sync.Mutex // guards waiting
	waiting map[uint32]chan cfReply
}

// cfReply is one message from the server: a reply to a command (id set), a
// push (a publication), or an empty ping.
type cfReply struct {
	ID    uint32          `json:"id"`
	Error *cfError        `json:"error"`
	Push  *cfPush         `json:"push"`
	Raw   json.RawMessage `json:"-"`
}

type cfError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type cfPush struct {
	Channel string `json:"channel"`
	Pub     *cfPub `json:"pub"`
}

type cfPub struct {
	Data   json.RawMessage `json:"data"`
	Offset uint64          `json:"offset"`
}

// cfFastPush reads the common push, {"push":{"channel":"…","pub":{"data":…,
// "offset":N}}}, directly, checking its data as json.Valid does: the work
// the Go SDK does for a Jihat frame (client/decode.go), so that the load
// generator spends the same on a delivery of either server. Anything else
// (escapes in the channel, other fields) is left to encoding/json. It fills
// p (whose Pub is set), the connection's one push: nothing is allocated
// for a push, as nothing is for a Jihat event (leanEvent), and p.Pub.Data
// is valid as long as line.
func cfFastPush(line []byte, p *cfPush) bool {
	rest, ok := bytes.CutPrefix(line, []byte(`{"push":{"channel":"`))
	if !ok {
		return false
	}
	i := bytes.IndexByte(rest, '"')
	if i < 0 || bytes.IndexByte(rest[:i], '\\') >= 0 {
		return false
	}
	if p.Channel != string(rest[:i]) { // a comparison allocates nothing
		p.Channel = string(rest[:i])
	}
	if rest, ok = bytes.CutPrefix(rest[i+1:], []byte(`,"pub":{"data":`)); !ok {
		return false
	}
	end, ok := jsonvalid.Prefix(rest)
	if !ok {
		return false
	}
	p.Pub.Data = json.RawMessage(rest[:end])
	if rest, ok = bytes.CutPrefix(rest[end:], []byte(`,"offset":`)); !ok {
		return false
	}
	j := 0
	for j < len(rest) && rest[j] >= '0' && rest[j] <= '9' {
		j++
	}
	off, err := strconv.ParseUint(string(rest[:j]), 10, 64)
	if err != nil || string(rest[j:]) != "}}}" {
		return false
	}
	p.Pub.Offset = off
	return true
}

// cfToken returns an HS256 connection token for user sub, valid for an hour.
func cfToken(secret, sub string) string {
	enc := base64.RawURLEncoding
	header := enc.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
	claims, _ := json.Marshal(map[string]any{"sub": sub, "exp": time.Now().Add(time.Hour).Unix()})
	signing := header + "." + enc.EncodeToString(claims)
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write([]byte(signing))
	return signing + "." + enc.EncodeToString(mac.Sum(nil))
}

// cfWebSocketURL is the client endpoint of the server at base.
func cfWebSocketURL(base string) string { return webSocketURL(base, "/connection/websocket") }

// webSocketURL is the ws:// (wss://) address of path on the server at base.
func webSocketURL(base, path string) string {
	u := strings.TrimRight(base, "/") + path
	u = strings.Replace(u, "https://", "wss://", 1)
	return strings.Replace(u, "http://", "ws://", 1)
}

// cfDial connects (its socket read as read says: wsread.go) and
// authenticates as user sub. onPush gets every publication, on the
// connection's reading goroutine.
func (l *load) cfDial(ctx context.Context, read, sub string, onPush func(*cfPush)) (*cfConn, error) {
	ws, err := l.dialWS(ctx, read, cfWebSocketURL(l.cfg.URL), nil)
	if err != nil {
		return nil, err
	}
	c := &cfConn{ws: ws, waiting: map[uint32]chan cfReply{}}
	go c.read(onPush)
	if _, err := c.call(ctx, "connect", map[string]any{"token": cfToken(l.cfg.CentrifugoSecret, sub)}); err != nil {
		c.close()
		return nil, fmt.Errorf("connect: %w", err)
	}
	return c, nil
}

// call sends one command and waits for its reply.
func (c *cfConn) call(ctx context.Context, method string, params any) (cfReply, error) {
	id := c.nextID.Add(1)
	ch := make(chan cfReply, 1)
	c.mu.Lock()
	c.waiting[id] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.waiting, id)
		c.mu.Unlock()
	}()
	b, err := json.Marshal(map[string]any{"id": id, method: params})
	if err != nil {
		return cfReply{}, err
	}
	if err := c.ws.write(ctx, b); err != nil {
		return cfReply{}, err
	}
	select {
	case r, ok := <-ch:
		if !ok {
			return cfReply{}, errors.New("connection closed")
		}
		if r.Error != nil {
			return r, fmt.Errorf("centrifugo error %d: %s", r.Error.Code, r.Error.Message)
		}
		return r, nil
	case <-ctx.Done():
		return cfReply{}, ctx.Err()
	}
}

// read decodes the server's messages (several per frame, one per line)
// until the connection closes: replies go to their callers, pushes to
// onPush, and an empty message (a ping) is answered with an empty pong.
func (c *cfConn) read(onPush func(*cfPush)) {
	defer func() {
		c.mu.Lock()
		for id, ch := range c.waiting {
			close(ch)
			delete(c.waiting, id)
		}
		c.mu.Unlock()
	}()
	ctx := context.Background()
	fast := &cfPush{Pub: &cfPub{}} // cfFastPush's, for every push of this connection
	// A message is valid until the next: pushes are handled before it,
	// replies decoded into copies.
	for {
		data, err := c.ws.next()
		if err != nil {
			return
		}
		for len(data) > 0 {
			line := data
			if i := bytes.IndexByte(data, '\n'); i >= 0 {
				line, data = data[:i], data[i+1:]
			} else {
				data = nil
			}
			if len(bytes.TrimSpace(line)) == 0 {
				continue
			}
			var r cfReply
			if cfFastPush(line, fast) {
				r.Push = fast
			} else if err := json.Unmarshal(line, &r); err != nil {
				continue
			}
			switch {
			case r.Push != nil:
				if onPush != nil {
					onPush(r.Push)
				}
			case r.ID != 0:
				c.mu.Lock()
				ch := c.waiting[r.ID]
				c.mu.Unlock()
				if ch != nil {
					ch <- r
				}
			default: // ping
				wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				c.ws.write(wctx, []byte("{}"))
				cancel()
			}
		}
	}
}

func (c *cfConn) close() { c.ws.close() }

// cfChannels names the run's channels.
func (l *load) cfChannels() {
	run := strconv.FormatInt(time.Now().UnixNano(), 36)
	owner := &user{id: "publisher", jobs: make(chan *channel, 16)}
	l.users = []*user{owner}
	for k := range l.cfg.Channels {
		name := fmt.Sprintf("case:%s-%d", run, k)
		l.channels = append(l.channels, &channel{caseID: name, name: name, owner: owner, subs: []*user{owner}})
	}
}

// cfSubscriber opens subscriber connection i: connect as one of -users
// users, subscribe to channel i mod K, and record every publication.
func (l *load) cfSubscriber(ctx context.Context, i int, cnt *counters) (*sub, error) {
	ch := l.channels[i%len(l.channels)]
	s := &sub{ch: ch, done: make(chan struct{})}
	var last atomic.Uint64
	c, err := l.cfDial(ctx, l.cfg.WSRead, "load-"+strconv.Itoa(i%l.cfg.Users), func(p *cfPush) {
		if p.Pub == nil || cnt == nil {
			return
		}
		if p.Pub.Offset <= last.Load() {
			s.disorder.Add(1)
		}
		last.Store(p.Pub.Offset)
		sent, ok := stamp(p.Pub.Data)
		if !ok {
			return
		}
		s.got.Add(1)
		cnt.deliveredAt(sent, time.Now().UnixNano())
	})
	if err != nil {
		return nil, err
	}
	if _, err := c.call(ctx, "subscribe", map[string]any{"channel": ch.name}); err != nil {
		c.close()
		return nil, fmt.Errorf("subscribe: %w", err)
	}
	s.cf = c
	close(s.done)
	return s, nil
}

// cfPublish posts the user's jobs through the HTTP API until they end.
func (l *load) cfPublish(ctx context.Context, u *user, cnt *counters) {
	url := strings.TrimRight(l.cfg.URL, "/") + "/api/publish"
	for ch := range u.jobs {
		now := time.Now().UnixNano()
		cnt.firstPub.CompareAndSwap(0, now)
		data, _ := json.Marshal(map[string]any{"body": l.body(now), "visibility": "public"})
		req, _ := json.Marshal(map[string]any{"channel": ch.name, "data": json.RawMessage(data)})
		cctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
		err := l.cfPost(cctx, url, req)
		cancel()
		if err != nil {
			cnt.pubErrors.Add(1)
			cnt.sampleErr(err)
			continue
		}
		cnt.accept.record(time.Duration(time.Now().UnixNano() - now))
		ch.published.Add(1)
		cnt.published.Add(1)
	}
}

func (l *load) cfPost(ctx context.Context, url string, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-API-Key", l.cfg.CentrifugoAPIKey)
	resp, err := l.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var out struct {
		Error *cfError `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil && resp.StatusCode == http.StatusOK {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("publish: HTTP %d", resp.StatusCode)
	}
	if out.Error != nil {
		return fmt.Errorf("publish: centrifugo error %d: %s", out.Error.Code, out.Error.Message)
	}
	return nil
}

// cfStartPublishers starts -publishers HTTP API workers (default 8).
func (l *load) cfStartPublishers(ctx context.Context, cnt *counters) *publishers {
	n := l.cfg.Publishers
	if n == 0 {
		n = 8
	}
	p := &publishers{n: n}
	u := l.users[0]
	for range n {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			l.cfPublish(ctx, u, cnt)
		}()
	}
	return p
}
