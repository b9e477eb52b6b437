package server

import (
	"context"
	"encoding/json"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// What a subscriber of meeting:<id> gets on joining: the room's whole
// live state.

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
