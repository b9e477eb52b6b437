package client

import (
	"context"
	"encoding/json"
	"errors"
	"maps"
)

// The live side of meetings: the vote command, the frames of the room
// meeting:<id> (tallies, attendance, durable meeting events) and the rule a
// client follows to keep a motion's tally and who voted what.
//
// On meeting:<id> a Live delivers *Event values of two kinds: durable
// meeting events (Seq 1, 2, 3, ...: scheduled, started, motion.opened, ...)
// and live state with Seq 0 (a whole tally, an attendance change). Decode
// either with DecodeMeetingEvent. The subscription's *Snapshot carries the
// room's state (Snapshot.Meeting).

// TallyFrame is a motion's live tally: the motion with its whole counts
// and, for an open ballot, the votes changed after tally version Since up
// to Tally.Version (Changes; Votes is empty). The final frame of a closing
// motion has Since 0 and every vote. A secret ballot's frames carry counts
// only.
type TallyFrame struct {
	Type string `json:"type"` // "tally"
	Motion
	Since   *int64            `json:"since,omitempty"`
	Changes map[string]string `json:"changes,omitempty"`
}

// AttendanceChange is one arrival ("join") or departure ("leave").
type AttendanceChange struct {
	UserID string `json:"user_id"`
	Action string `json:"action"`
	Via    string `json:"via"` // ws, checkin
	At     Time   `json:"at"`
}

// AttendanceFrame tells the room who came or went since the previous one
// (of the node that sent it), with the quorum now.
type AttendanceFrame struct {
	Type      string             `json:"type"` // "attendance"
	MeetingID string             `json:"meeting_id"`
	Changes   []AttendanceChange `json:"changes"`
	Quorum    Quorum             `json:"quorum"`
}

// MeetingEvent is a durable event of a meeting (Seq > 0 on its channel):
// meeting.scheduled, meeting.started, motion.opened, motion.closed, ...
type MeetingEvent struct {
	ID        string          `json:"id"`
	MeetingID string          `json:"meeting_id"`
	EntityID  string          `json:"entity_id"`
	Seq       int64           `json:"seq"`
	Channel   string          `json:"channel"`
	Type      string          `json:"type"`
	Actor     *Person         `json:"actor"`
	Data      json.RawMessage `json:"data"`
	CreatedAt Time            `json:"created_at"`
}

// DecodeMeetingEvent decodes an event of meeting:<id>: a *TallyFrame, an
// *AttendanceFrame or a *MeetingEvent.
func DecodeMeetingEvent(e *Event) (any, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(e.Data, &head); err != nil {
		return nil, err
	}
	var out any
	switch {
	case e.Seq == 0 && head.Type == "tally":
		out = &TallyFrame{}
	case e.Seq == 0 && head.Type == "attendance":
		out = &AttendanceFrame{}
	default:
		out = &MeetingEvent{}
	}
	if err := json.Unmarshal(e.Data, out); err != nil {
		return nil, err
	}
	return out, nil
}

// Meeting decodes the room's state from a snapshot of meeting:<id>: its
// status, current agenda item, who is present, the quorum, every motion
// with its whole tally (and who voted what, for open ballots).
func (s *Snapshot) Meeting() (*LiveState, error) {
	var st LiveState
	if err := json.Unmarshal(s.Data, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// ErrTallyGap says a tally frame starts after the version held (a frame
// was missed): read the motion whole again (Client.Motion, or the snapshot
// of a new subscription) and Reset the MotionState with it.
var ErrTallyGap = errors.New("jihat: tally frame after a gap: read the motion again")

// MotionState is a motion as a client keeps it from the live tallies: the
// newest whole counts and, for an open ballot, who voted what. The rule
// (README, "Meetings"): holding version V, take a frame whose version is
// above V (or the same version closing the motion); apply its Changes when
// Since ≤ V; when Since > V a frame was missed: read the whole motion again.
// A MotionState is not safe for concurrent use.
type MotionState struct {
	Motion
	// Gaps counts the frames that started after the version held.
	Gaps int
}

// Reset takes a whole motion (from Client.Motion, Meeting or a snapshot):
// its counts and, for an open ballot, its whole list of votes.
func (m *MotionState) Reset(mo Motion) {
	votes := maps.Clone(mo.Votes)
	if votes == nil && !mo.Secret {
		votes = map[string]string{}
	}
	m.Motion = mo
	m.Votes = votes
}

// Apply takes a live tally of the motion. It reports whether the frame was
// newer (and taken); ErrTallyGap when its changes start after the version
// held (its counts are taken all the same; who voted what is then
// incomplete until Reset).
func (m *MotionState) Apply(f *TallyFrame) (bool, error) {
	if m.ID != "" && f.ID != m.ID {
		return false, nil
	}
	v, held := f.Tally.Version, m.Tally.Version
	if v < held || v == held && (m.Status == "closed" || f.Status != "closed") {
		return false, nil
	}
	var err error
	votes := m.Votes
	if f.Since != nil {
		if *f.Since > held && *f.Since != 0 {
			m.Gaps++
			err = ErrTallyGap
		}
		if *f.Since == 0 { // the whole list (the final frame)
			votes = map[string]string{}
		}
		if votes == nil {
			votes = map[string]string{}
		}
		for u, c := range f.Changes {
			votes[u] = c
		}
	}
	m.Motion = f.Motion
	m.Votes = votes
	return true, err
}

// Vote casts (or changes) the user's vote on motionID over the socket
// ({"type":"vote","channel":"meeting:<id>"}), through the same service as
// Client.Vote: choice is accept, reject or abstain. The user must be a
// voting member present in the room (subscribed to meeting:<id>, or
// checked in). On ErrConnectionLost the vote may or may not have been
// stored; sending it again is safe (one vote per member: the same choice
// again changes nothing).
func (l *Live) Vote(ctx context.Context, meetingID, motionID, choice string) (*VoteResult, error) {
	data, err := json.Marshal(map[string]string{"motion_id": motionID, "choice": choice})
	if err != nil {
		return nil, err
	}
	ack, err := l.request(ctx, frame{Type: typeVote, Channel: "meeting:" + meetingID, Data: data})
	if err != nil {
		return nil, err
	}
	var r VoteResult
	if err := json.Unmarshal(ack, &r); err != nil {
		return nil, err
	}
	return &r, nil
}
