package server

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// The events of meeting:<id>: publishing committed events to the room,
// the activity feeds and the members' own channels, and replaying them.

// feedTypes are the meeting events supervisors and oversight see in the
// activity feeds.
var feedTypes = map[string]bool{
	"meeting.scheduled": true, "meeting.updated": true, "meeting.cancelled": true, "meeting.started": true,
	"meeting.closed": true, "motion.opened": true, "motion.closed": true, "minutes.approved": true,
}

// inviteTypes also go to each member's user:<id> channel.
var inviteTypes = map[string]bool{"meeting.scheduled": true, "meeting.updated": true, "meeting.cancelled": true}

type meetingEventView struct {
	ID        string          `json:"id"`
	MeetingID string          `json:"meeting_id"`
	EntityID  string          `json:"entity_id"`
	Seq       int64           `json:"seq"`
	Channel   string          `json:"channel"`
	Type      string          `json:"type"`
	Actor     *personRef      `json:"actor"`
	Data      json.RawMessage `json:"data"`
	CreatedAt string          `json:"created_at"`
}

func newMeetingEventView(e *jihat.MeetingEvent, names map[string]string) meetingEventView {
	v := meetingEventView{ID: e.ID, MeetingID: e.MeetingID, EntityID: e.EntityID, Seq: e.Seq, Channel: e.Channel, Type: e.Type,
		Data: json.RawMessage(e.Data), CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339Nano)}
	if len(v.Data) == 0 {
		v.Data = json.RawMessage("{}")
	}
	if e.ActorID != "" {
		v.Actor = &personRef{ID: e.ActorID, Name: names[e.ActorID]}
	}
	return v
}

// publishMeeting hands committed meeting events to the hub: on the
// meeting's channel with their sequence, on the activity feeds (the
// meeting's milestones and decisions), and invitations on the members'
// own channels.
func (s *Server) publishMeeting(ctx context.Context, m *jihat.Meeting, events []jihat.MeetingEvent) {
	if len(events) == 0 {
		return
	}
	names, err := actorNames(ctx, s.store, events)
	if err != nil {
		s.log.WarnContext(ctx, "publish: actor names", slog.Any("err", err))
	}
	for i := range events {
		e := &events[i]
		payload, err := json.Marshal(newMeetingEventView(e, names))
		if err != nil {
			continue
		}
		s.live(ctx, e.Channel, hub.Event{Seq: e.Seq, Data: payload})
		if feedTypes[e.Type] {
			aud := feedAudience(e)
			s.live(ctx, jihat.EntityFeedChannel(e.EntityID), hub.Event{Key: e.ID, Data: payload, Audience: &aud})
			s.live(ctx, jihat.FeedChannel, hub.Event{Key: e.ID, Data: payload, Audience: &aud})
		}
		if inviteTypes[e.Type] && m != nil {
			for _, x := range m.Members {
				s.live(ctx, jihat.UserChannel(x.UserID), hub.Event{Data: payload})
			}
		}
	}
}

// feedAudience is who reads a meeting event in the activity feeds: the
// entity's admins and supervisors (any department), oversight and platform
// admins (jihat.CanRead), alike live and in a feed's replayed tail.
func feedAudience(e *jihat.MeetingEvent) jihat.Audience {
	return jihat.Audience{EntityID: e.EntityID, EntityWide: true}
}

// meetingFeedTail returns the newest meeting events of the activity feeds
// of entityID ("" = every entity), encoded as publishMeeting sends them,
// with their times, newest first.
func (s *Server) meetingFeedTail(ctx context.Context, entityID string, limit int) ([]hub.Event, []time.Time, error) {
	types := make([]string, 0, len(feedTypes))
	for t := range feedTypes {
		types = append(types, t)
	}
	events, err := s.store.RecentMeetingEvents(ctx, entityID, types, limit)
	if err != nil {
		return nil, nil, err
	}
	ids := make([]string, 0, len(events))
	for _, e := range events {
		ids = append(ids, e.ActorID)
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return nil, nil, err
	}
	out, at := make([]hub.Event, len(events)), make([]time.Time, len(events))
	for i := range events {
		e := &events[i]
		data, err := json.Marshal(newMeetingEventView(e, names))
		if err != nil {
			return nil, nil, err
		}
		aud := feedAudience(e)
		out[i], at[i] = hub.Event{Key: e.ID, Data: data, Audience: &aud}, e.CreatedAt
	}
	return out, at, nil
}

// meetingReplay reads a meeting channel's durable events after since.
func (s *Server) meetingReplay(ctx context.Context, channel string, since int64, limit int) ([]hub.Event, error) {
	events, err := s.store.MeetingEvents(ctx, channel, since, limit)
	if err != nil {
		return nil, err
	}
	names, err := actorNames(ctx, s.store, events)
	if err != nil {
		return nil, err
	}
	out := make([]hub.Event, 0, len(events))
	for i := range events {
		data, err := json.Marshal(newMeetingEventView(&events[i], names))
		if err != nil {
			return nil, err
		}
		out = append(out, hub.Event{Seq: events[i].Seq, Data: data})
	}
	return out, nil
}
