package server

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// publish hands committed events to the live hub: each on its case channel
// (public or staff) with its sequence number, and as a live tail on the
// entity's activity feed (every event) and the oversight feed (public events
// only). Publishing never fails the request: the database already has the
// events, and clients that miss one catch up with "since".
func (s *Server) publish(ctx context.Context, events []jihat.CaseEvent) {
	if len(events) == 0 {
		return
	}
	s.touchCounters(events) // the dashboards' live counters (stats_weekly.go)
	ids := make([]string, 0, len(events))
	for _, e := range events {
		if e.ActorID != "" {
			ids = append(ids, e.ActorID)
		}
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		s.log.WarnContext(ctx, "publish: actor names", slog.Any("err", err))
	}
	for i := range events {
		e := &events[i]
		payload, err := json.Marshal(newEventView(e, names))
		if err != nil {
			continue
		}
		s.live(ctx, e.Channel, e.Seq, payload)
		s.live(ctx, jihat.EntityFeedChannel(e.EntityID), 0, payload)
		if e.Visibility == jihat.VisibilityPublic {
			s.live(ctx, jihat.FeedChannel, 0, payload)
		}
	}
}

func (s *Server) live(ctx context.Context, channel string, seq int64, payload []byte) {
	if err := s.hub.Publish(ctx, channel, hub.Event{Seq: seq, Data: payload}); err != nil {
		s.log.WarnContext(ctx, "publish", slog.String("channel", channel), slog.Any("err", err))
	}
}
