package server

import (
	"context"
	"log/slog"
	"net/http"
	"time"
)

// Where a comment's request waits, for the debug log (with the store's
// "group commit" lines, group_timing.go). Only at debug level: the front
// then stamps each request's arrival in its context, and AddComment logs a
// "comment" line with the time from arrival to the handler (reading the
// request, authentication, the bridge), the write limit, and the store
// (its group, commit and publishing) in microseconds.

type arrivalKey struct{}

// stampArrival wraps h so that requests carry their arrival time, when the
// log is at debug level.
func (s *Server) stampArrival(h http.Handler) http.Handler {
	if !s.log.Enabled(context.Background(), slog.LevelDebug) {
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), arrivalKey{}, time.Now())))
	})
}

// stageClock times the stages of one comment; nil when not logging.
type stageClock struct {
	arrived, began, spent time.Time
}

func (s *Server) startStages(ctx context.Context) *stageClock {
	if !s.log.Enabled(ctx, slog.LevelDebug) {
		return nil
	}
	arrived, _ := ctx.Value(arrivalKey{}).(time.Time)
	now := time.Now()
	if arrived.IsZero() {
		arrived = now
	}
	return &stageClock{arrived: arrived, began: now}
}

func (t *stageClock) spendDone() {
	if t != nil {
		t.spent = time.Now()
	}
}

func (s *Server) logStages(ctx context.Context, t *stageClock) {
	if t == nil {
		return
	}
	s.log.DebugContext(ctx, "comment", slog.Int64("before_us", t.began.Sub(t.arrived).Microseconds()),
		slog.Int64("limit_us", t.spent.Sub(t.began).Microseconds()),
		slog.Int64("store_us", time.Since(t.spent).Microseconds()))
}
