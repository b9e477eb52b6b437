package main

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jihat/jihat/client"
)

// wsPerSocket is the comment rate one publishing socket is given: under the
// server's per-socket limit (20 messages/s) and the SDK's pacing (18/s).
const wsPerSocket = 15

// publishers are the goroutines that post the paced comments.
type publishers struct {
	n     int
	wg    sync.WaitGroup
	lives []*client.Live
}

// wait returns once every job was published, and closes the sockets.
func (p *publishers) wait() {
	p.wg.Wait()
	for _, l := range p.lives {
		closeLive(l)
	}
}

// startPublishers starts, for each user, workers that take that user's jobs:
// one socket each with -via ws, REST calls otherwise, to -publish-url.
func (l *load) startPublishers(ctx context.Context, cnt *counters) (*publishers, error) {
	n := l.cfg.Publishers
	if n == 0 {
		if l.cfg.Via == "ws" {
			n = int(math.Ceil(l.cfg.Rate / wsPerSocket))
		} else {
			n = 8
		}
	}
	owners := map[*user]bool{}
	for _, ch := range l.channels {
		owners[ch.owner] = true
	}
	perUser := max(1, (n+len(owners)-1)/len(owners))
	p := &publishers{}
	for u := range owners {
		u.pub = l.publisherOf(u)
		for range perUser {
			var live *client.Live
			if l.cfg.Via == "ws" {
				var err error
				live, err = u.pub.ConnectConfig(ctx, client.LiveConfig{HandshakeTimeout: l.cfg.Timeout})
				if err != nil {
					p.wait()
					return nil, fmt.Errorf("publisher socket: %w", err)
				}
				p.lives = append(p.lives, live)
				go drain(live)
			}
			p.n++
			p.wg.Add(1)
			go func() {
				defer p.wg.Done()
				l.publish(ctx, u, live, cnt)
			}()
		}
	}
	return p, nil
}

// publish posts the user's jobs until they end. Each body carries the time
// it is sent.
func (l *load) publish(ctx context.Context, u *user, live *client.Live, cnt *counters) {
	for ch := range u.jobs {
		now := time.Now().UnixNano()
		cnt.firstPub.CompareAndSwap(0, now)
		body := l.body(now)
		cctx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
		var err error
		if live != nil {
			_, err = live.Comment(cctx, ch.caseID, body, "public")
		} else {
			_, err = u.pub.Comment(cctx, ch.caseID, body, "public")
		}
		cancel()
		switch {
		case err == nil:
			cnt.accept.record(time.Duration(time.Now().UnixNano() - now))
			ch.published.Add(1)
			cnt.published.Add(1)
		case errors.Is(err, client.ErrConnectionLost) || errors.Is(err, context.DeadlineExceeded):
			cnt.uncertain.Add(1)
			cnt.pubErrors.Add(1)
			cnt.sampleErr(err)
		default:
			cnt.pubErrors.Add(1)
			cnt.sampleErr(err)
		}
	}
}

// body is a comment's text: the send time, padded to -body-size bytes.
func (l *load) body(now int64) string {
	b := stampPrefix + strconv.FormatInt(now, 10)
	if pad := l.cfg.BodySize - len(b); pad > 1 {
		b += " " + strings.Repeat("x", pad-1)
	}
	return b
}

// drain reads and drops a publisher socket's messages.
func drain(live *client.Live) {
	for range live.Events() {
	}
}

// openAll runs open(i) for i in [0, n) with -dial-concurrency at a time and
// records how many succeeded and how long it took.
func (l *load) openAll(ctx context.Context, st *ConnStats, n int, open func(ctx context.Context, i int) error) int {
	st.Requested = n
	sem := make(chan struct{}, l.cfg.DialConc)
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := time.Now()
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			octx, cancel := context.WithTimeout(ctx, l.cfg.Timeout)
			err := open(octx, i)
			cancel()
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				st.Failed++
				if len(st.Errors) < 5 {
					st.Errors = append(st.Errors, err.Error())
				}
				return
			}
			st.Opened++
		}()
	}
	wg.Wait()
	st.Seconds = time.Since(start).Seconds()
	if st.Seconds > 0 {
		st.PerSecond = float64(st.Opened) / st.Seconds
	}
	return st.Opened
}
