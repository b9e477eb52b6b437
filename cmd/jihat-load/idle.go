package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/jihat/jihat/client"
)

// idle opens -conns idle sockets (subscribed to one of the channels with
// -idle-subscribe), measures the connect rate and the server's memory per
// connection, and closes them.
func (l *load) idle(ctx context.Context) (*Report, error) {
	if l.cfg.Target == targetCentrifugo {
		return l.cfIdle(ctx)
	}
	if err := l.setupUsers(ctx); err != nil {
		return nil, err
	}
	if l.cfg.IdleSub {
		if err := l.setupChannels(ctx); err != nil {
			return nil, err
		}
	}
	rep := l.newReport("idle")
	l.measureBefore(ctx, &rep.RSS)
	lives := make([]*client.Live, l.cfg.Conns)
	cfg := client.LiveConfig{EventBuffer: 16, HandshakeTimeout: l.cfg.Timeout}
	opened := l.openAll(ctx, &rep.Conns, l.cfg.Conns, func(ctx context.Context, i int) error {
		u := l.users[i%len(l.users)]
		var name string
		var since int64 = client.Latest
		if l.cfg.IdleSub {
			var ch *channel
			ch, u = l.subscriber(i)
			name, since = ch.name, ch.since
		}
		live, err := u.c.ConnectConfig(ctx, cfg)
		if err != nil {
			return err
		}
		if name != "" {
			if err := live.Subscribe(ctx, name, since); err != nil {
				closeLive(live)
				return err
			}
		}
		if l.cfg.IdleUser {
			if err := live.Subscribe(ctx, "user:"+u.id, client.Latest); err != nil {
				closeLive(live)
				return err
			}
		}
		go drain(live)
		lives[i] = live
		return nil
	})
	l.holdOpen(ctx, rep, opened)
	for _, live := range compact(lives) {
		rep.Reconnects += live.Stats().Reconnects
	}
	closeLives(compact(lives))
	if opened == 0 {
		return rep, errors.New("no connection could be opened")
	}
	return rep, nil
}

// closeLives closes sockets 64 at a time.
func closeLives(lives []*client.Live) {
	sem := make(chan struct{}, 64)
	done := make(chan struct{}, len(lives))
	for _, live := range lives {
		sem <- struct{}{}
		go func() {
			closeLive(live)
			<-sem
			done <- struct{}{}
		}()
	}
	for range lives {
		<-done
	}
}

// cfIdle is idle with -target centrifugo: connections that connect and,
// with -idle-subscribe and -idle-user, subscribe to a case channel and to a
// channel of their user.
func (l *load) cfIdle(ctx context.Context) (*Report, error) {
	l.cfChannels()
	rep := l.newReport("idle")
	l.measureBefore(ctx, &rep.RSS)
	conns := make([]*cfConn, l.cfg.Conns)
	opened := l.openAll(ctx, &rep.Conns, l.cfg.Conns, func(ctx context.Context, i int) error {
		user := "load-" + strconv.Itoa(i%l.cfg.Users)
		c, err := l.cfDial(ctx, wsReadLibrary, user, nil)
		if err != nil {
			return err
		}
		var names []string
		if l.cfg.IdleSub {
			names = append(names, l.channels[i%len(l.channels)].name)
		}
		if l.cfg.IdleUser {
			names = append(names, l.channels[0].name+"-"+user)
		}
		for _, name := range names {
			if _, err := c.call(ctx, "subscribe", map[string]any{"channel": name}); err != nil {
				c.close()
				return fmt.Errorf("subscribe: %w", err)
			}
		}
		conns[i] = c
		return nil
	})
	l.holdOpen(ctx, rep, opened)
	sem := make(chan struct{}, 64)
	var wg sync.WaitGroup
	for _, c := range compact(conns) {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			c.close()
			<-sem
		}()
	}
	wg.Wait()
	if opened == 0 {
		return rep, errors.New("no connection could be opened")
	}
	return rep, nil
}

// holdOpen reports the idle connections opened, holds them for -hold (or
// until ctx ends) and measures the server's memory with them open.
func (l *load) holdOpen(ctx context.Context, rep *Report, opened int) {
	l.logf("%d of %d idle connections open in %.2fs", opened, l.cfg.Conns, rep.Conns.Seconds)
	if l.cfg.Hold > 0 {
		l.logf("holding them for %v", l.cfg.Hold)
		select {
		case <-time.After(l.cfg.Hold):
		case <-ctx.Done():
		}
	}
	l.measureAfter(ctx, &rep.RSS, opened)
}
