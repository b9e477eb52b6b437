package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat/client"
)

// stampPrefix starts the body of every comment the tool publishes; the
// send time in Unix nanoseconds follows.
const stampPrefix = "load:"

// sub is one subscribed connection and what it received.
type sub struct {
	live     *client.Live // nil with -target centrifugo
	cf       *cfConn      // with -target centrifugo
	lean     *leanConn    // with -lean
	ch       *channel
	got      atomic.Int64 // the run's comments delivered
	disorder atomic.Int64 // events at or below the last seq (the SDK must never let one through)
	done     chan struct{}
}

// counters are the run's shared tallies.
type counters struct {
	lat                       *histogram
	accept                    *histogram // publish sent → acknowledged (stored, for Jihat)
	delivered                 atomic.Int64
	firstPub, lastDeliver     atomic.Int64 // unix nanos
	published, pubErrors      atomic.Int64
	uncertain                 atomic.Int64 // lost with the socket: stored or not
	errMu                     sync.Mutex
	errSamples                []string
	disconnects, unsubscribed atomic.Int64
	storm                     *stormWindow // nil without -storm
}

// deliveredAt records one delivery of a comment sent at sent.
func (c *counters) deliveredAt(sent, now int64) {
	c.lat.record(time.Duration(now - sent))
	if c.storm.during(sent) {
		c.storm.lat.record(time.Duration(now - sent))
	}
	c.delivered.Add(1)
	c.lastDeliver.Store(now)
}

func (c *counters) sampleErr(err error) {
	c.errMu.Lock()
	defer c.errMu.Unlock()
	if len(c.errSamples) < 5 {
		c.errSamples = append(c.errSamples, err.Error())
	}
}

// traffic runs the publish/deliver benchmark.
func (l *load) traffic(ctx context.Context) (*Report, error) {
	if l.cfg.Target == targetCentrifugo {
		l.cfChannels()
	} else {
		if err := l.setupUsers(ctx); err != nil {
			return nil, err
		}
		if err := l.setupChannels(ctx); err != nil {
			return nil, err
		}
	}
	if err := l.setupStorm(ctx); err != nil {
		return nil, err
	}
	rep := l.newReport("traffic")
	l.measureBefore(ctx, &rep.RSS)
	cnt := &counters{lat: newHistogram(), accept: newHistogram()}
	if l.cfg.Storm > 0 {
		cnt.storm = &stormWindow{lat: newHistogram()}
		rep.Storm = &StormStats{}
	}
	subs := make([]*sub, l.cfg.Conns)
	var watchers atomic.Int64
	opened := l.openAll(ctx, &rep.Conns, l.cfg.Conns, func(ctx context.Context, i int) error {
		if l.cfg.Target == targetCentrifugo {
			s, err := l.cfSubscriber(ctx, i, cnt)
			subs[i] = s
			return err
		}
		if l.cfg.Lean {
			s, u, err := l.leanSubscriber(ctx, i, cnt)
			if err != nil {
				return err
			}
			if u != s.ch.owner {
				watchers.Add(1)
			}
			subs[i] = s
			return nil
		}
		ch, u := l.subscriber(i)
		s := &sub{ch: ch, done: make(chan struct{})}
		// Each delivery is recorded on the socket's reading goroutine, as
		// the Centrifugo subscribers' are (cfSubscriber): no hand-off.
		live, err := u.c.ConnectConfig(ctx, client.LiveConfig{HandshakeTimeout: l.cfg.Timeout, OnMessage: s.onMessage(cnt)})
		if err != nil {
			return err
		}
		if err := live.Subscribe(ctx, ch.name, ch.since); err != nil {
			closeLive(live)
			return err
		}
		if u != ch.owner {
			watchers.Add(1)
		}
		s.live = live
		go s.wait()
		subs[i] = s
		return nil
	})
	subs = compact(subs)
	rep.WatcherConns = int(watchers.Load())
	defer closeAll(subs)
	var err error
	l.logf("%d of %d connections subscribed in %.2fs", opened, l.cfg.Conns, rep.Conns.Seconds)
	l.measureAfter(ctx, &rep.RSS, opened)
	if opened == 0 {
		return rep, errors.New("no connection could be opened")
	}

	var pubs *publishers
	if l.cfg.Target == targetCentrifugo {
		pubs = l.cfStartPublishers(ctx, cnt)
	} else if pubs, err = l.startPublishers(ctx, cnt); err != nil {
		return rep, err
	}
	rep.Publishers = pubs.n
	l.logf("publishing %.0f comments/s for %v through %s (%d publishers)", l.cfg.Rate, l.cfg.Duration, l.cfg.Via, pubs.n)
	start := time.Now()
	stormDone := make(chan func(), 1)
	if l.cfg.Storm > 0 {
		go func() {
			select {
			case <-time.After(l.cfg.StormAfter):
			case <-ctx.Done():
				stormDone <- func() {}
				return
			}
			stormDone <- l.storm(ctx, cnt.storm, rep.Storm)
		}()
	}
	rep.Planned, rep.Skipped = pace(ctx, l.cfg.Rate, l.cfg.Duration, l.channels)
	pubs.wait()
	pubSecs := time.Since(start).Seconds()

	expected := int64(0)
	for _, s := range subs {
		expected += s.ch.published.Load()
	}
	l.logf("published %d; waiting up to %v for %d deliveries", cnt.published.Load(), l.cfg.Settle, expected)
	settle(ctx, l.cfg.Settle, func() bool { return cnt.delivered.Load() >= expected })

	rep.fill(cnt, subs, expected, pubSecs)
	if l.cfg.Storm > 0 {
		closeStorm := <-stormDone
		rep.Storm.LiveLatency = cnt.storm.lat.stats()
		closeStorm()
	}
	return rep, nil
}

// onMessage returns the handler of a subscriber's messages (its Live's
// OnMessage: one call at a time, in order).
func (s *sub) onMessage(cnt *counters) func(client.Message) {
	var last int64
	return func(m client.Message) {
		switch m := m.(type) {
		case *client.Event:
			if m.Seq <= last {
				s.disorder.Add(1)
			}
			last = m.Seq
			sent, ok := stamp(m.Data)
			if !ok {
				return
			}
			s.got.Add(1)
			cnt.deliveredAt(sent, time.Now().UnixNano())
		case *client.Disconnected:
			cnt.disconnects.Add(1)
		case *client.Unsubscribed:
			cnt.unsubscribed.Add(1)
		}
	}
}

// wait marks the subscriber done when its Live has ended.
func (s *sub) wait() {
	for range s.live.Events() {
	}
	close(s.done)
}

// stamp finds the send time in a comment event's data without decoding all
// of it: {"...","data":{"body":"load:<unixnano>"},...}.
//
// It looks for the prefix first and then checks the key before it: the
// key's first byte, a quote, is everywhere in JSON, and bytes.Index of the
// whole key was 9 % of jihat-load's CPU at the ceiling on Jihat's events,
// whose body comes ~300 bytes in (Centrifugo's comes first).
func stamp(data []byte) (int64, bool) {
	const key = `"body":"`
	i := 0
	for {
		k := bytes.Index(data[i:], []byte(stampPrefix))
		if k < 0 {
			return 0, false
		}
		i += k
		if bytes.HasSuffix(data[:i], []byte(key)) {
			break
		}
		i += len(stampPrefix)
	}
	j := i + len(stampPrefix)
	k := j
	for k < len(data) && data[k] >= '0' && data[k] <= '9' {
		k++
	}
	n, err := strconv.ParseInt(string(data[j:k]), 10, 64)
	return n, err == nil
}

// pace hands rate comments a second, round-robin over the channels, to the
// channel owners' publishers, for d at most: when the publishers fall
// behind it waits for them, and what is not handed out by the end is
// skipped (returned), so a run stays bounded in time.
func pace(ctx context.Context, rate float64, d time.Duration, channels []*channel) (planned, skipped int64) {
	defer func() {
		closed := map[*user]bool{}
		for _, ch := range channels {
			if !closed[ch.owner] {
				close(ch.owner.jobs)
				closed[ch.owner] = true
			}
		}
	}()
	total := int64(math.Round(rate * d.Seconds()))
	tick := time.NewTicker(max(time.Millisecond, min(10*time.Millisecond, time.Duration(float64(time.Second)/rate))))
	defer tick.Stop()
	start := time.Now()
	end := time.NewTimer(d + time.Second/2)
	defer end.Stop()
	var sent int64
	for sent < total {
		select {
		case <-ctx.Done():
			return total, total - sent
		case <-end.C:
			return total, total - sent
		case <-tick.C:
		}
		due := min(total, int64(rate*time.Since(start).Seconds())+1)
		for ; sent < due; sent++ {
			ch := channels[sent%int64(len(channels))]
			select {
			case ch.owner.jobs <- ch:
			case <-end.C:
				return total, total - sent
			case <-ctx.Done():
				return total, total - sent
			}
		}
	}
	return total, 0
}

// settle waits until done reports true, for at most d.
func settle(ctx context.Context, d time.Duration, done func() bool) {
	deadline := time.Now().Add(d)
	for !done() && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(20 * time.Millisecond)
	}
}

func compact[T any](xs []*T) []*T {
	out := xs[:0]
	for _, x := range xs {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}

func closeLive(live *client.Live) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	live.Close(ctx)
}

// closeAll closes the subscribers, 64 at a time, and waits for their consumers.
func closeAll(subs []*sub) {
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for _, s := range subs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			switch {
			case s.cf != nil:
				s.cf.close()
			case s.lean != nil:
				s.lean.close()
			default:
				closeLive(s.live)
			}
			<-s.done
		}()
	}
	wg.Wait()
}
