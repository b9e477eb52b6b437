package server

import (
	"context"
	"encoding/json"
	"log/slog"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// publish hands committed events of case c to the live hub: each on its case
// channel (public or staff) with its sequence number, and as a live tail on
// the entity's activity feed (every event) and the oversight feed (public
// events only). Every event carries its audience (jihat.CaseAudience of the
// case as committed), and the hub gives it only to subscribers that
// jihat.CanRead it: the same rule as the REST read, so a supervisor of one
// department never receives another department's notes on the entity feed.
// Publishing never fails the request: the database already has the events,
// and clients that miss one catch up with "since".
//
// Each event's view is built once, here, with the name of actor (the user
// the service acted for; nil for the system), and returned for the answer.
// Only an actor other than that one is looked up.
func (s *Server) publish(ctx context.Context, c *jihat.Case, actor *jihat.User, events []jihat.CaseEvent) []eventView {
	if len(events) == 0 {
		return nil
	}
	s.touchCounters(events) // the dashboards' live counters (stats_weekly.go)
	names := map[string]string{}
	if actor != nil {
		names[actor.ID] = actor.Name
	}
	var others []string
	for _, e := range events {
		if _, known := names[e.ActorID]; e.ActorID != "" && !known {
			others = append(others, e.ActorID)
		}
	}
	if len(others) > 0 {
		more, err := s.store.UserNames(ctx, others)
		if err != nil {
			s.log.WarnContext(ctx, "publish: actor names", slog.Any("err", err))
		}
		for id, name := range more {
			names[id] = name
		}
	}
	views := make([]eventView, len(events))
	for i := range events {
		e := &events[i]
		views[i] = newEventView(e, names)
		payload, err := json.Marshal(views[i])
		if err != nil {
			continue
		}
		aud := jihat.CaseAudience(c, e.Visibility)
		// Feed entries carry the event's ID as their key: a supervisor
		// whose subscription starts with the feed's latest events from the
		// database gets each once (hub.Event.Key).
		feeds := []string{jihat.EntityFeedChannel(e.EntityID)}
		if e.Visibility == jihat.VisibilityPublic {
			feeds = append(feeds, jihat.FeedChannel)
		}
		// The case channel first (its watchers are the ones waiting), then
		// the feeds, on this goroutine, with the in-process bus and with
		// Redis alike: a publish delivers locally and queues its Redis
		// PUBLISH without waiting for the answer (hub.busPublish), so no
		// publish here waits on the network, and each channel gets its
		// events in order. Handing the feeds to goroutines and waiting for
		// them (which paid when each publish waited for its Redis round
		// trip) cost the hook, and so the next comment, a wait for the
		// scheduler: 276 ms of 3 s in a trace of 1 case × 1,000 × 100/s.
		s.live(ctx, e.Channel, hub.Event{Seq: e.Seq, Data: payload, Audience: &aud})
		for _, f := range feeds {
			s.live(ctx, f, hub.Event{Key: e.ID, Data: payload, Audience: &aud})
		}
	}
	return views
}

func (s *Server) live(ctx context.Context, channel string, ev hub.Event) {
	if err := s.hub.Publish(ctx, channel, ev); err != nil {
		s.log.WarnContext(ctx, "publish", slog.String("channel", channel), slog.Any("err", err))
	}
}
