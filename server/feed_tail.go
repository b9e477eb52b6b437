package server

import (
	"context"
	"slices"
	"time"

	"github.com/jihat/jihat/hub"
)

// feedTail is the tail a subscriber of an activity feed starts with: the
// newest case events of the entity (entity "" = every entity; publicOnly
// for the oversight feed) and its meetings' milestones, merged by time,
// at most limit of them, oldest first. Each carries its audience, so the
// hub gives it only to whom jihat.CanRead allows, as it does live.
func (s *Server) feedTail(ctx context.Context, entity string, publicOnly bool, limit int) ([]hub.Event, error) {
	events, err := s.store.RecentEvents(ctx, entity, publicOnly, limit)
	if err != nil {
		return nil, err
	}
	cases, err := s.hubEvents(ctx, events, false) // newest first, keyed by event ID
	if err != nil {
		return nil, err
	}
	at := make(map[string]time.Time, len(events))
	for _, e := range events {
		at[e.ID] = e.CreatedAt
	}
	meetings, mat, err := s.meetingFeedTail(ctx, entity, limit)
	if err != nil {
		return nil, err
	}
	out := make([]hub.Event, 0, min(limit, len(cases)+len(meetings)))
	for i, j := 0, 0; len(out) < limit && (i < len(cases) || j < len(meetings)); {
		if j == len(meetings) || i < len(cases) && !at[cases[i].Key].Before(mat[j]) {
			out = append(out, cases[i])
			i++
		} else {
			out = append(out, meetings[j])
			j++
		}
	}
	slices.Reverse(out) // oldest first
	return out, nil
}
