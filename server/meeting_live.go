package server

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"sync"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/store"
)

// The live side of meetings: the events of meeting:<id>, the activity
// feeds, attendance from the room's presence, the coalesced tally and the
// snapshot a subscriber gets.

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

// canSeeMeeting is accessTo(u, m).see with two small queries instead of
// the whole meeting (the channel's subscribe and snapshot, for every one of
// thousands of attendees): a member, or an admin of its entity.
func (s *Server) canSeeMeeting(ctx context.Context, u *jihat.User, id string) error {
	entityID, _, _, member, err := s.store.MeetingSeat(ctx, id, u.ID)
	if err != nil {
		return err
	}
	if !u.Active || !member && !canAdminMeetings(u, entityID) {
		return hidden()
	}
	return nil
}

// PresentMember reports whether userID is a member of meeting meetingID
// who is present now (in the room or checked in), with their seat. The
// meeting audio's signalling asks it: only members present may signal.
func (s *Server) PresentMember(ctx context.Context, meetingID, userID string) (jihat.MeetingSeat, bool, error) {
	_, status, seat, member, err := s.store.MeetingSeat(ctx, meetingID, userID)
	if err != nil || !member || status.Ended() {
		return seat, false, err
	}
	here, err := s.store.IsPresent(ctx, meetingID, userID)
	return seat, here, err
}

// meetingChannel reports whether channel is a meeting's room, whose
// attendance is its presence (hub.Config.StrictPresence).
func meetingChannel(channel string) bool {
	ch, err := jihat.ParseChannel(channel)
	return err == nil && ch.Kind == jihat.ChannelMeeting
}

// onPresence records attendance from the room's presence: a user's first
// connection to meeting:<id> (on any node) opens a stay, their last one
// closes it. Everyone in the room is told, with the new quorum.
func (s *Server) onPresence(ctx context.Context, channel, userID string, present bool) {
	ch, err := jihat.ParseChannel(channel)
	if err != nil || ch.Kind != jihat.ChannelMeeting {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*voteTimeout)
	defer cancel()
	// One member's edges of one room take turns on this node, and a
	// departure first asks the hub whether the member is still there: a
	// socket that reconnected at once (a dropped connection on a starved
	// machine) has its arrival recorded before the old socket's departure
	// is (the new socket's join ran while the stay was still open). That
	// late departure would mark a member absent who is in the room, and
	// refuse their votes until the check after it put them back. In turn,
	// the arrival that got in first is in the hub's presence before the
	// departure asks: the departure is dropped.
	defer s.edgeLocks.lock(ch.ID + " " + userID)()
	if !present {
		if here, perr := s.hub.Present(ctx, channel, userID); perr == nil && here {
			return
		}
	}
	edge := store.StayEdge{UserID: userID, Via: "ws", Join: present, Audit: jihat.AuditEntry{ActorID: userID, Details: `{"via":"ws"}`}}
	changed, err := s.stays.record(ch.ID, edge)
	// A reconnect races its own departure: the new connection's arrival
	// may have been recorded before this departure was. The hub's presence
	// is written before either edge is told, so asking it now settles it:
	// still there means back at once.
	if !present && err == nil && changed {
		if here, perr := s.hub.Present(ctx, channel, userID); perr == nil && here {
			s.attendanceChanged(ctx, ch.ID, userID, false, "ws")
			present, edge.Join = true, true
			changed, err = s.stays.record(ch.ID, edge)
		}
	}
	if err != nil {
		if jihat.ErrorCode(err) == jihat.EINTERNAL {
			s.log.WarnContext(ctx, "meeting attendance", slog.String("meeting", ch.ID), slog.Any("err", err))
		}
		return
	}
	if changed {
		s.attendanceChanged(ctx, ch.ID, userID, present, "ws")
	}
}

// attendanceChanged tells the room who came or went, with the new quorum
// (coalesced); the tallies of open motions follow (their present count
// changed).
func (s *Server) attendanceChanged(ctx context.Context, meetingID, userID string, present bool, via string) {
	action := "leave"
	if present {
		action = "join"
	}
	s.attendance.add(meetingID, attendanceEdge{UserID: userID, Action: action, Via: via, At: rfc3339(s.now().UTC())})
}

// CheckIn records u's arrival in person (POST /meetings/{id}/attendance)
// or, with in false, their departure (DELETE).
func (s *Server) CheckIn(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, in bool) error {
	m, _, err := s.Meeting(ctx, u, id)
	if err != nil {
		return err
	}
	var changed bool
	if in {
		a.Action = "meeting.checkin"
		changed, err = s.store.Join(ctx, m.ID, u.ID, "checkin", a)
	} else {
		a.Action = "meeting.checkout"
		changed, err = s.store.Leave(ctx, m.ID, u.ID, "checkin", a)
	}
	if err != nil {
		return err
	}
	if changed {
		s.attendanceChanged(ctx, m.ID, u.ID, in, "checkin")
	}
	return nil
}

// meetingSnapshot is added to the snapshot of meeting:<id>: the meeting's
// state, the agenda position, attendance with the quorum, and every motion
// with its whole tally, so a member who reconnects sees the truth at once.
func (s *Server) meetingSnapshot(ctx context.Context, p hub.Principal, channel string) (json.RawMessage, error) {
	ch, err := jihat.ParseChannel(channel)
	if err != nil || ch.Kind != jihat.ChannelMeeting {
		return nil, nil
	}
	u, err := s.store.UserByID(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	if err := s.canSeeMeeting(ctx, u, ch.ID); err != nil {
		return nil, err
	}
	// The room's state is the same for everyone: those who arrive while it
	// is being read share the next read (one that starts after they
	// arrived, so it counts them present), instead of each reading every
	// member's attendance and vote in a room of a thousand.
	return s.roomStates.Get(ch.ID, func() (json.RawMessage, error) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), voteTimeout)
		defer cancel()
		m, err := s.store.MeetingHead(ctx, ch.ID)
		if err != nil {
			return nil, err
		}
		live, err := s.liveState(ctx, m)
		if err != nil {
			return nil, err
		}
		return json.Marshal(live)
	})
}

// liveStateView is the live part of a meeting (snapshot and GET).
type liveStateView struct {
	Status  string        `json:"status"`
	Current *agendaView   `json:"current_item"`
	Present []string      `json:"attendance"` // user IDs present now
	Quorum  jihat.Quorum  `json:"quorum"`
	Motions []*motionView `json:"motions"`
}

func (s *Server) liveState(ctx context.Context, m *jihat.Meeting) (*liveStateView, error) {
	present, err := s.store.Present(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	here, eligible, err := s.store.QuorumCounts(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	motions, err := s.store.Motions(ctx, m.ID)
	if err != nil {
		return nil, err
	}
	v := &liveStateView{Status: string(m.Status), Present: present, Quorum: jihat.NewQuorum(m.Quorum, here, eligible),
		Motions: make([]*motionView, len(motions))}
	if v.Present == nil {
		v.Present = []string{}
	}
	if it := agendaItem(m, m.CurrentID); it != nil {
		v.Current = newAgendaView(it)
	}
	for i, mo := range motions {
		v.Motions[i] = newMotionView(mo)
		s.motionCache.put(mo)
	}
	return v, nil
}

// motionRef is what a vote needs to know of a motion and never changes.
type motionRef struct {
	meetingID string
	secret    bool
}

// motionCache remembers motionRefs, so a vote costs no extra query. The
// votes of a storm that arrive before the first one filled it share one
// read (a thousand reads of the same row would queue on the database's
// connections ahead of the votes' own batch).
type motionCache struct {
	m        sync.Map // id → motionRef
	mu       sync.Mutex
	inflight map[string]*motionLoad
}

type motionLoad struct {
	done chan struct{}
	ref  motionRef
	err  error
}

// put remembers what this node just wrote or read of motion mo (it never
// changes), so that the first votes of a storm on it wait for no read:
// they all would, and that read would wait for the CPU behind a thousand
// sockets' frames (~45 ms in the 1,000-member benchmark).
func (c *motionCache) put(mo *jihat.Motion) {
	if mo != nil && mo.ID != "" && mo.MeetingID != "" {
		c.m.Store(mo.ID, motionRef{meetingID: mo.MeetingID, secret: mo.Secret})
	}
}

func (c *motionCache) get(ctx context.Context, st *store.Store, id string) (motionRef, error) {
	if v, ok := c.m.Load(id); ok {
		return v.(motionRef), nil
	}
	c.mu.Lock()
	if c.inflight == nil {
		c.inflight = map[string]*motionLoad{}
	}
	l, waiting := c.inflight[id]
	if !waiting {
		l = &motionLoad{done: make(chan struct{})}
		c.inflight[id] = l
	}
	c.mu.Unlock()
	if waiting {
		select {
		case <-l.done:
			return l.ref, l.err
		case <-ctx.Done():
			return motionRef{}, ctx.Err()
		}
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), voteTimeout)
	meetingID, secret, err := st.MotionRef(lctx, id)
	cancel()
	l.ref, l.err = motionRef{meetingID: meetingID, secret: secret}, err
	if err == nil {
		c.m.Store(id, l.ref)
	}
	c.mu.Lock()
	delete(c.inflight, id)
	c.mu.Unlock()
	close(l.done)
	return l.ref, l.err
}

// voteCommand is the data of a "vote" command on meeting:<id>.
type voteCommand struct {
	MotionID string `json:"motion_id"`
	Choice   string `json:"choice"`
	Receipt  string `json:"receipt"`
}

// vote runs a "vote" command of userID through the same service as REST.
// A vote reads nothing before its batch: the batch's transaction checks the
// voter (an active member with a voting seat, present) and the user is
// read only to word a refusal (castVote).
func (b liveBackend) vote(ctx context.Context, userID string, env hub.Envelope) (any, error) {
	ch, err := jihat.ParseChannel(env.Channel)
	if err != nil || ch.Kind != jihat.ChannelMeeting {
		return nil, jihat.Invalid(map[string]string{"channel": "invalid_value"})
	}
	var cmd voteCommand
	dec := json.NewDecoder(bytes.NewReader(env.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cmd); err != nil {
		return nil, jihat.Errorf(jihat.EINVALID, "malformed_json")
	}
	if !jihat.IsUUID(cmd.MotionID) {
		return nil, jihat.Invalid(map[string]string{"motion_id": "invalid_value"})
	}
	ref, err := b.s.motionCache.get(ctx, b.s.store, cmd.MotionID)
	if err != nil || ref.meetingID != ch.ID {
		return nil, hidden()
	}
	a := jihat.AuditEntry{ActorID: userID, Details: `{"via":"ws"}`}
	return b.s.castVote(ctx, userID, nil, a, cmd.MotionID, cmd.Choice, cmd.Receipt)
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
