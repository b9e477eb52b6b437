package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"runtime"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat/client"
)

// The meeting vote storm (-meeting N): N members of a board (a chair, a
// secretary and N-2 members; accounts made by the platform admin -admin)
// each hold a live connection in meeting:<id>, alternately on -url and
// -publish-url (two nodes sharing PostgreSQL and Redis). Once every socket
// has read what it was sent on arriving (a ping answered: the room is
// settled), the chair opens an open ballot and all N vote at once over
// their sockets (round 0), then, once everyone holds that tally, a fifth
// change their vote at once (round 1): each vote is timed from its
// sending to its ack. Then -probes changes
// of the chair's vote, one at a time: each is timed from its sending to the
// moment each attendee holds a tally that includes it. The first -rebuild
// members (default 100, over both nodes) keep the motion from the live
// tally frames by the SDK's rule (MotionState; a gap is read again whole,
// as a client must); the others read the counts only, so that this one
// process, standing in for a thousand devices, does not spend the two
// cores decoding a thousand copies of every change (the server's tests
// check every socket's rebuild at 500). Checked at the end: every
// member's rebuilt votes equal the stored ones; the closed tally equals the
// members' last choices; every member is stored once (voted = N and the
// closed motion lists N votes); every socket's last tally is the closed one.

// MeetingReport is what the meeting storm measured.

func (l *load) meeting(ctx context.Context, stdout io.Writer) error {
	start := time.Now()
	rep := &MeetingReport{Mode: "meeting", Members: l.cfg.Meeting, Rebuilders: min(l.cfg.Rebuild, l.cfg.Meeting), VoteSpread: l.cfg.VoteSpread.Seconds(), StartedAt: start.UTC().Format(time.RFC3339), URLs: []string{l.cfg.URL}}
	if l.cfg.PublishURL != l.cfg.URL {
		rep.URLs = append(rep.URLs, l.cfg.PublishURL)
	}
	room, meetingID, err := l.meetingSetup(ctx)
	if err != nil {
		return err
	}
	defer func() {
		for _, a := range room {
			if a.live != nil {
				closeLive(a.live)
			}
		}
	}()
	rep.Setup = time.Since(start).Seconds()
	for i, a := range room {
		a.rebuild = i < l.cfg.Rebuild
	}
	ch := "meeting:" + meetingID
	var refetches atomic.Int64
	var motionID atomic.Value
	motionID.Store("")
	t0 := time.Now()
	l.openAll(ctx, &ConnStats{}, len(room), func(ctx context.Context, i int) error {
		a := room[i]
		live, err := a.c.ConnectConfig(ctx, client.LiveConfig{HandshakeTimeout: l.cfg.Timeout, EventBuffer: 1024})
		if err != nil {
			return err
		}
		a.live, a.snap, a.open = live, make(chan struct{}), make(chan struct{})
		go a.consume(ch, &motionID, &refetches)
		if err := live.Subscribe(ctx, ch, client.Latest); err != nil {
			return fmt.Errorf("member %d subscribes: %w", i, err)
		}
		select {
		case <-a.snap:
			return nil
		case <-ctx.Done():
			return fmt.Errorf("member %d: no snapshot: %w", i, ctx.Err())
		}
	})
	for i, a := range room {
		if a.live == nil || !a.live.Connected() {
			return fmt.Errorf("member %d is not in the room", i)
		}
	}
	rep.Join = time.Since(t0).Seconds()
	l.logf("meeting: %d members in the room in %.1fs", len(room), rep.Join)
	rep.Settle = timeAll(len(room), func(i int) error { _, err := room[i].live.Ping(ctx); return err }, 0, nil)
	l.logf("meeting: room settled (ping p99 %.0f ms)", rep.Settle.P99)
	chair := room[0]
	mo, err := chair.c.CreateMotion(ctx, meetingID, "", "اعتماد الميزانية", false)
	if err != nil {
		return fmt.Errorf("create motion: %w", err)
	}
	motionID.Store(mo.ID)
	opened := time.Now()
	if _, err := chair.c.OpenMotion(ctx, mo.ID); err != nil {
		return fmt.Errorf("open motion: %w", err)
	}
	// A member votes on a motion they see: round 0 starts once every
	// member holds the opened motion's tally (so the opening's frames to
	// the N sockets are not counted in the votes' acks).
	seenOpen := newHistogram()
	for i, a := range room {
		select {
		case <-a.open:
			seenOpen.record(time.Since(opened))
		case <-time.After(60 * time.Second):
			return fmt.Errorf("member %d never saw the motion open", i)
		}
	}
	rep.Open = seenOpen.stats()
	choices := []string{"accept", "reject", "abstain"}
	final := make([]string, len(room))
	var retries atomic.Int64
	vote := func(i int, choice string) error {
		for try := 0; ; try++ {
			_, err := room[i].live.Vote(ctx, meetingID, mo.ID, choice)
			var e *client.Error
			again := errors.Is(err, client.ErrConnectionLost) || errors.As(err, &e) && (e.Code == "EUNAVAILABLE" || e.Code == "EINTERNAL")
			if err == nil || !again || try == 10 {
				return err
			}
			retries.Add(1)
			time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
		}
	}
	nodes := len(rep.URLs)
	var byNode []*histogram
	var sentAt, ackedAt []time.Time
	round := func(r int, who func(int) bool) (LatencyStats, error) {
		var idx []int
		for i := range room {
			if who(i) {
				idx = append(idx, i)
				final[i] = choices[(i+r)%3]
			}
		}
		var first error
		var mu sync.Mutex
		byNode = []*histogram{newHistogram(), newHistogram()}
		sentAt, ackedAt = make([]time.Time, len(idx)), make([]time.Time, len(idx))
		// This one process stands in for a thousand devices, each with its
		// own CPU and heap: its garbage collector must not run in the timed
		// round (a collection here paused reading the acks of every member
		// at once, and took CPU from the server on the same cores). It
		// collects before the round and not during it (a round allocates a
		// few MB); the server's collector runs as always.
		runtime.GC()
		gc := debug.SetGCPercent(-1)
		cpu := roundCPU{}
		if r == 0 {
			cpu.path = l.cfg.VoteProf
		}
		if err := cpu.start(); err != nil {
			debug.SetGCPercent(gc)
			return LatencyStats{}, err
		}
		st := timeAll(len(idx), func(k int) error {
			t := time.Now()
			err := vote(idx[k], final[idx[k]])
			d := time.Since(t)
			sentAt[k], ackedAt[k] = t, t.Add(d)
			mu.Lock()
			byNode[idx[k]%2].record(d)
			mu.Unlock()
			return err
		}, l.cfg.VoteSpread, func(err error) {
			mu.Lock()
			first = cmp(first, err)
			mu.Unlock()
		})
		cpuMS := cpu.stop()
		if r == 0 {
			rep.VoteCPU = cpuMS
		}
		debug.SetGCPercent(gc)
		return st, first
	}
	if rep.VoteAck, err = round(0, func(int) bool { return true }); err != nil {
		return fmt.Errorf("round 0: %w", err)
	}
	rep.VoteSent, rep.VoteAcked = sinceFirst(sentAt, sentAt), sinceFirst(ackedAt, sentAt)
	if len(sentAt) > 0 {
		l.logf("meeting: round 0's first vote sent at %s", slices.MinFunc(sentAt, time.Time.Compare).UTC().Format("15:04:05.000000"))
	}
	l.logf("meeting: %d votes, ack p50 %.0f ms p99 %.0f ms; sent within %.0f ms, acked within %.0f ms (p50 %.0f); jihat-load's CPU %.0f ms", len(room),
		rep.VoteAck.P50, rep.VoteAck.P99, rep.VoteSent.Max, rep.VoteAcked.Max, rep.VoteAcked.P50, rep.VoteCPU)
	if nodes == 2 {
		rep.VoteAckByNode = []LatencyStats{byNode[0].stats(), byNode[1].stats()}
		l.logf("meeting: by node: p50 %.0f / %.0f ms, p99 %.0f / %.0f ms", rep.VoteAckByNode[0].P50, rep.VoteAckByNode[1].P50,
			rep.VoteAckByNode[0].P99, rep.VoteAckByNode[1].P99)
	}
	// The fifth change their mind once they see the tally: every member
	// holds round 0's tally first.
	after0, err := chair.c.Motion(ctx, mo.ID)
	if err != nil {
		return err
	}
	for i, a := range room {
		if _, err := a.seen(ctx, after0.Tally.Version); err != nil {
			return fmt.Errorf("member %d after round 0: %w", i, err)
		}
	}
	if rep.ChangeAck, err = round(1, func(i int) bool { return i%5 == 0 }); err != nil {
		return fmt.Errorf("round 1: %w", err)
	}
	l.logf("meeting: changes, ack p50 %.0f ms p99 %.0f ms", rep.ChangeAck.P50, rep.ChangeAck.P99)
	all, worst := newHistogram(), newHistogram()
	for k := range l.cfg.Probes {
		// Each probe is a lone vote: it comes more than the server's
		// tally interval (200 ms: at most ~5 tallies a second per
		// motion) after the last tally, round 1's for the first probe
		// (which otherwise waited out the interval: 120-250 ms).
		time.Sleep(300 * time.Millisecond)
		choice := []string{"accept", "reject"}[k%2]
		if choice == final[0] {
			choice = "abstain"
		}
		final[0] = choice
		sent := time.Now()
		if err := vote(0, choice); err != nil {
			return fmt.Errorf("probe %d: %w", k, err)
		}
		m, err := chair.c.Motion(ctx, mo.ID)
		if err != nil {
			return err
		}
		var slowest time.Duration
		for i, a := range room {
			at, err := a.seen(ctx, m.Tally.Version)
			if err != nil {
				return fmt.Errorf("probe %d: member %d: %w", k, i, err)
			}
			all.record(at.Sub(sent))
			slowest = max(slowest, at.Sub(sent))
		}
		worst.record(slowest)
		l.logf("meeting: probe %d sent %s, version %d, every attendee after %.1f ms", k, sent.UTC().Format("15:04:05.000000"),
			m.Tally.Version, float64(slowest.Microseconds())/1000)
	}
	rep.ToAttendee, rep.ToEveryone = all.stats(), worst.stats()
	want := map[string]string{}
	for i, a := range room {
		want[a.id] = final[i]
	}
	stored, err := chair.c.Motion(ctx, mo.ID)
	if err != nil {
		return err
	}
	for i, a := range room {
		if _, err := a.seen(ctx, stored.Tally.Version); err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}
		if st := a.current(); a.rebuild && !maps.Equal(st.Votes, want) {
			rep.Problems = append(rep.Problems, fmt.Sprintf("member %d rebuilt %d votes, %d differ from the stored", i, len(st.Votes), differ(st.Votes, want)))
		}
	}
	closed, err := chair.c.CloseMotion(ctx, mo.ID)
	if err != nil {
		return fmt.Errorf("close: %w", err)
	}
	rep.Tally, rep.Stored = closed.Tally, len(closed.Votes)
	count := map[string]int{}
	for _, c := range final {
		count[c]++
	}
	if closed.Tally.Accept != count["accept"] || closed.Tally.Reject != count["reject"] || closed.Tally.Abstain != count["abstain"] ||
		closed.Tally.Voted != len(room) || len(closed.Votes) != len(room) || !maps.Equal(closed.Votes, want) {
		rep.Problems = append(rep.Problems, fmt.Sprintf("closed tally %+v with %d votes; the members chose %v", closed.Tally, len(closed.Votes), count))
	}
	for i, a := range room {
		if _, err := a.seen(ctx, closed.Tally.Version); err != nil {
			return fmt.Errorf("member %d: %w", i, err)
		}
		deadline := time.Now().Add(l.cfg.Settle + 30*time.Second)
		for st := a.current(); st.Status != "closed" || st.Tally != closed.Tally; st = a.current() {
			if time.Now().After(deadline) {
				rep.Problems = append(rep.Problems, fmt.Sprintf("member %d's last tally is %+v (%s)", i, st.Tally, st.Status))
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
		rep.Reconnects += a.live.Stats().Reconnects
	}
	rep.Retries, rep.Refetches, rep.Exact = retries.Load(), refetches.Load(), len(rep.Problems) == 0
	rep.FinishedSec = time.Since(start).Seconds()
	if l.cfg.JSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return err
		}
	} else {
		rep.print(stdout)
	}
	if !rep.Exact {
		return fmt.Errorf("meeting: %s", strings.Join(rep.Problems, "; "))
	}
	return nil
}
