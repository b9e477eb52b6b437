package server

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/store"
)

// The activity tracker turns the live hub's connections and the users'
// actions into durable intervals for hours worked, without writing the
// database on every heartbeat or action:
//
//   - online: one interval per live connection, from connect to disconnect;
//   - active: stretches of acting, where each action (a WebSocket command,
//     typing, a subscription, a REST change or opening a case) counts as
//     active until ActiveGrace after it; actions closer than that join one
//     stretch.
//
// Intervals live in memory and are written by Flush (RunStats calls it
// every FlushEvery, and once more at shutdown) in one statement: closed ones
// with their end, running ones with the end so far, so a node that dies
// loses at most FlushEvery of them. Reads add the running intervals of this
// node (overlay), so figures are current.
type activityTracker struct {
	store *store.Store
	log   *slog.Logger
	grace time.Duration

	mu     sync.Mutex              // guards the fields below
	online map[string]*trackedSpan // by connection ID
	active map[string]*trackedSpan // by user ID: the running stretch
	closed []store.WorkInterval    // ended, not yet written
}

type trackedSpan struct {
	id, userID string
	start, end time.Time
}

// DefaultActiveGrace is how long one action keeps a user active.
const DefaultActiveGrace = 2 * time.Minute

func newActivityTracker(st *store.Store, log *slog.Logger, grace time.Duration) *activityTracker {
	if grace <= 0 {
		grace = DefaultActiveGrace
	}
	return &activityTracker{store: st, log: log, grace: grace,
		online: map[string]*trackedSpan{}, active: map[string]*trackedSpan{}}
}

// connected starts the online interval of a connection.
func (a *activityTracker) connected(ev hub.SessionEvent) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.online[ev.ConnID] = &trackedSpan{id: "c:" + ev.ConnID, userID: ev.UserID, start: ev.ConnectedAt, end: ev.ConnectedAt}
}

// disconnected ends the online interval of a connection.
func (a *activityTracker) disconnected(ev hub.SessionEvent) {
	a.mu.Lock()
	defer a.mu.Unlock()
	sp := a.online[ev.ConnID]
	if sp == nil {
		sp = &trackedSpan{id: "c:" + ev.ConnID, userID: ev.UserID, start: ev.ConnectedAt}
	}
	delete(a.online, ev.ConnID)
	sp.end = ev.At
	a.closed = append(a.closed, sp.interval(store.WorkOnline, ev.At))
}

// acted records an action of a user at time at.
func (a *activityTracker) acted(userID string, at time.Time) {
	if userID == "" {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	sp := a.active[userID]
	if sp != nil && !at.After(sp.end) {
		if e := at.Add(a.grace); e.After(sp.end) {
			sp.end = e
		}
		return
	}
	if sp != nil {
		a.closed = append(a.closed, sp.interval(store.WorkActive, sp.end))
	}
	a.active[userID] = &trackedSpan{id: "a:" + uuid.NewString(), userID: userID, start: at, end: at.Add(a.grace)}
}

// interval is the span as a work interval, ending no later than now.
func (sp *trackedSpan) interval(kind string, now time.Time) store.WorkInterval {
	end := sp.end
	if end.After(now) {
		end = now
	}
	if end.Before(sp.start) {
		end = sp.start
	}
	return store.WorkInterval{ID: sp.id, UserID: sp.userID, Kind: kind, Start: sp.start, End: end}
}

// snapshot returns the closed intervals to write and the running ones up
// to now; stretches that ended before now move to the closed ones.
func (a *activityTracker) snapshot(now time.Time) (closed, running []store.WorkInterval) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for id, sp := range a.active {
		if !sp.end.After(now) {
			a.closed = append(a.closed, sp.interval(store.WorkActive, now))
			delete(a.active, id)
			continue
		}
		running = append(running, sp.interval(store.WorkActive, now))
	}
	for _, sp := range a.online {
		running = append(running, sp.interval(store.WorkOnline, now))
	}
	closed, a.closed = a.closed, nil
	return closed, running
}

// Flush writes the closed intervals and the running ones so far. Closed
// intervals that fail to write are kept for the next flush.
func (a *activityTracker) Flush(ctx context.Context, now time.Time) error {
	closed, running := a.snapshot(now)
	if err := a.store.SaveWorkIntervals(ctx, append(closed, running...)); err != nil {
		a.mu.Lock()
		a.closed = append(closed, a.closed...)
		a.mu.Unlock()
		return err
	}
	return nil
}

// overlay adds this node's running intervals of the users to ivs, in place
// of what was written of them.
func (a *activityTracker) overlay(ivs []store.WorkInterval, userIDs []string, now time.Time) []store.WorkInterval {
	want := map[string]bool{}
	for _, u := range userIDs {
		want[u] = true
	}
	a.mu.Lock()
	var extra []store.WorkInterval
	for _, sp := range a.closed {
		if want[sp.UserID] {
			extra = append(extra, sp)
		}
	}
	for _, sp := range a.active {
		if want[sp.userID] {
			extra = append(extra, sp.interval(store.WorkActive, now))
		}
	}
	for _, sp := range a.online {
		if want[sp.userID] {
			extra = append(extra, sp.interval(store.WorkOnline, now))
		}
	}
	a.mu.Unlock()
	// The union does not mind an interval twice (written and in memory).
	return append(ivs, extra...)
}
