package main

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat/client"
)

// A reconnect storm (-storm N): while the traffic run publishes, -storm-after
// into it, N more clients connect at once (-storm-concurrency dials in
// flight), as after a node restart behind a load balancer. Each
// authenticates and subscribes to one of -storm-channels quiet case
// channels (which sends it the channel's position), so the storm costs what
// reconnecting costs without adding to the measured channel's fan-out. The
// report gives the storm's connect time and rate, and the latency of the
// live traffic published while the storm lasted: whether connecting starves
// the clients already connected.

// StormStats are what the storm measured.
type StormStats struct {
	Conns       ConnStats    `json:"connections"`
	LiveLatency LatencyStats `json:"live_latency_during_ms"` // comments published during the storm
	// With -server-pid: the server's CPU (user + system) while the storm's
	// connections opened, and that ÷ connections opened (the live traffic's
	// share of those seconds included).
	ServerCPUSeconds    float64 `json:"server_cpu_s,omitempty"`
	ServerCPUPerConnect float64 `json:"server_cpu_per_connect_us,omitempty"`
}

// stormWindow is when the storm ran (unix nanos; end 0 while running).
type stormWindow struct {
	start, end atomic.Int64
	lat        *histogram
}

// during reports whether a comment sent at sent belongs to the storm.
func (w *stormWindow) during(sent int64) bool {
	if w == nil {
		return false
	}
	s, e := w.start.Load(), w.end.Load()
	return s > 0 && sent >= s && (e == 0 || sent <= e)
}

// setupStorm prepares the storm's channels (before the run starts).
func (l *load) setupStorm(ctx context.Context) error {
	if l.cfg.Storm == 0 {
		return nil
	}
	if l.cfg.Target == targetCentrifugo {
		for k := range l.cfg.StormChannels {
			name := fmt.Sprintf("%s-storm-%d", l.channels[0].name, k)
			l.stormChannels = append(l.stormChannels, &channel{caseID: name, name: name, owner: l.users[0]})
		}
		return nil
	}
	chs, err := l.createCases(ctx, l.cfg.StormChannels)
	if err != nil {
		return fmt.Errorf("storm cases: %w", err)
	}
	l.stormChannels = chs
	return nil
}

// storm opens the storm's connections, records how long that took, and
// returns a function that closes them.
func (l *load) storm(ctx context.Context, w *stormWindow, st *StormStats) (closeAll func()) {
	var mu sync.Mutex
	var lives []*client.Live
	var cfs []*cfConn
	var leans []*leanConn
	saved := l.cfg.DialConc
	l.cfg.DialConc = l.cfg.StormConc
	w.start.Store(time.Now().UnixNano())
	cpu0, cpuOK := 0.0, false
	if l.cfg.ServerPID > 0 {
		cpu0, cpuOK = processCPU(l.cfg.ServerPID)
	}
	l.openAll(ctx, &st.Conns, l.cfg.Storm, func(ctx context.Context, i int) error {
		ch := l.stormChannels[i%len(l.stormChannels)]
		if l.cfg.Target == targetCentrifugo {
			c, err := l.cfDial(ctx, wsReadLibrary, "storm-"+fmt.Sprint(i%l.cfg.Users), nil)
			if err != nil {
				return err
			}
			if _, err := c.call(ctx, "subscribe", map[string]any{"channel": ch.name}); err != nil {
				c.close()
				return err
			}
			mu.Lock()
			cfs = append(cfs, c)
			mu.Unlock()
			return nil
		}
		if l.cfg.Lean {
			c, err := l.leanSubscribe(ctx, wsReadLibrary, ch.owner.c.Token(), ch.name, client.Latest, nil)
			if err != nil {
				return err
			}
			mu.Lock()
			leans = append(leans, c)
			mu.Unlock()
			return nil
		}
		live, err := ch.owner.c.ConnectConfig(ctx, client.LiveConfig{EventBuffer: 16, HandshakeTimeout: l.cfg.Timeout})
		if err != nil {
			return err
		}
		if err := live.Subscribe(ctx, ch.name, client.Latest); err != nil {
			closeLive(live)
			return err
		}
		go drain(live)
		mu.Lock()
		lives = append(lives, live)
		mu.Unlock()
		return nil
	})
	w.end.Store(time.Now().UnixNano())
	if cpu1, ok := processCPU(l.cfg.ServerPID); cpuOK && ok && st.Conns.Opened > 0 {
		st.ServerCPUSeconds = cpu1 - cpu0
		st.ServerCPUPerConnect = (cpu1 - cpu0) / float64(st.Conns.Opened) * 1e6
	}
	l.cfg.DialConc = saved
	l.logf("storm: %d of %d connections in %.2fs (%.0f/s)", st.Conns.Opened, l.cfg.Storm, st.Conns.Seconds, st.Conns.PerSecond)
	return func() {
		closeLives(lives)
		for _, c := range cfs {
			c.close()
		}
		for _, c := range leans {
			c.close()
		}
	}
}
