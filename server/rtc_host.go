package server

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/media/rtc"
)

// hostedRoom is the state of a meeting's audio on the node hosting it,
// beside the SFU's room: whose socket each participant is, and the
// raised-hand queue (kept in memory: it moves with the room, empty).
type hostedRoom struct {
	participants map[string]hostedParticipant // user → socket
	hands        []string                     // raised hands, oldest first
	floor        string                       // who the chair gave the floor to
	recordedBy   string                       // the chair who turned recording on; "" when off
}

type hostedParticipant struct {
	connID string
	lang   jihat.Lang
}

// sdpData is the data of rtc.offer and rtc.answer, as the browser's
// RTCSessionDescriptionInit (the type is the message's).
type sdpData struct {
	SDP string `json:"sdp"`
}

// run carries out a signalling command on this node, which hosts the
// meeting.
func (r *rtcService) run(ctx context.Context, c rtcCommand) error {
	dec := func(v any) error {
		if len(c.Data) == 0 || json.Unmarshal(c.Data, v) != nil {
			return jihat.Errorf(jihat.EINVALID, "malformed_json")
		}
		return nil
	}
	switch c.Type {
	case "rtc.offer":
		var d sdpData
		if err := dec(&d); err != nil {
			return err
		}
		if d.SDP == "" || len(d.SDP) > 32<<10 {
			return jihat.Errorf(jihat.EINVALID, "rtc_bad_sdp")
		}
		p, err := r.participant(c)
		if err != nil {
			return err
		}
		return p.Offer(c.ID, d.SDP)
	case "rtc.answer":
		var d sdpData
		if err := dec(&d); err != nil {
			return err
		}
		p, err := r.current(c)
		if err != nil {
			return err
		}
		return p.Answer(d.SDP)
	case "rtc.candidate":
		var d rtc.Candidate
		if err := dec(&d); err != nil {
			return err
		}
		p, err := r.current(c)
		if err != nil {
			return err
		}
		return p.Candidate(d)
	case "rtc.leave":
		r.leave(c.Meeting, c.UserID, c.ConnID)
		return nil
	case "rtc.mute":
		var d struct {
			UserID string `json:"user_id"`
			Muted  bool   `json:"muted"`
		}
		if err := dec(&d); err != nil {
			return err
		}
		if d.UserID == "" {
			d.UserID = c.UserID
		}
		if d.UserID != c.UserID && !c.Chair {
			return jihat.Errorf(jihat.EFORBIDDEN, "rtc_chair_only")
		}
		return r.sfu.SetMuted(c.Meeting, d.UserID, d.Muted, c.UserID)
	case "rtc.hand":
		var d struct {
			Raised bool `json:"raised"`
		}
		if err := dec(&d); err != nil {
			return err
		}
		return r.hand(c.Meeting, c.UserID, d.Raised)
	case "rtc.floor":
		var d struct {
			UserID string `json:"user_id"`
		}
		if err := dec(&d); err != nil {
			return err
		}
		if !c.Chair {
			return jihat.Errorf(jihat.EFORBIDDEN, "rtc_chair_only")
		}
		return r.giveFloor(c.Meeting, d.UserID, c.UserID)
	case "rtc.record":
		var d struct {
			On bool `json:"on"`
		}
		if err := dec(&d); err != nil {
			return err
		}
		if !c.Chair {
			return jihat.Errorf(jihat.EFORBIDDEN, "rtc_chair_only")
		}
		return r.record(ctx, c, d.On)
	}
	return jihat.Invalid(map[string]string{"type": "invalid_value"})
}

// participant returns the caller's participant for an offer: the one of
// this socket, or a new one (replacing another socket of the same user).
func (r *rtcService) participant(c rtcCommand) (*rtc.Participant, error) {
	r.mu.Lock()
	room := r.hosted[c.Meeting]
	if room == nil {
		room = &hostedRoom{participants: map[string]hostedParticipant{}}
		r.hosted[c.Meeting] = room
	}
	cur, ok := room.participants[c.UserID]
	r.mu.Unlock()
	if p := r.sfu.Participant(c.Meeting, c.UserID); p != nil && ok && cur.connID == c.ConnID {
		return p, nil
	}
	p, err := r.sfu.Join(c.Meeting, c.UserID, r.signaller(c.Meeting, c.ConnID, c.Lang))
	if err != nil {
		return nil, err
	}
	r.mu.Lock()
	if room := r.hosted[c.Meeting]; room != nil {
		room.participants[c.UserID] = hostedParticipant{connID: c.ConnID, lang: c.Lang}
	}
	r.mu.Unlock()
	r.resumeRecording(c.Meeting)
	return p, nil
}

// current returns the caller's participant, which must be this socket's.
func (r *rtcService) current(c rtcCommand) (*rtc.Participant, error) {
	r.mu.Lock()
	room := r.hosted[c.Meeting]
	var cur hostedParticipant
	ok := false
	if room != nil {
		cur, ok = room.participants[c.UserID]
	}
	r.mu.Unlock()
	p := r.sfu.Participant(c.Meeting, c.UserID)
	if p == nil || !ok || cur.connID != c.ConnID {
		return nil, jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	return p, nil
}

// leave ends userID's audio if it is still that socket's.
func (r *rtcService) leave(meeting, userID, connID string) {
	r.mu.Lock()
	room := r.hosted[meeting]
	if room == nil || room.participants[userID].connID != connID {
		r.mu.Unlock()
		return
	}
	delete(room.participants, userID)
	r.mu.Unlock()
	if p := r.sfu.Participant(meeting, userID); p != nil {
		p.Close()
	}
}

// signaller delivers the SFU's signals for one participant to its socket,
// on whichever node it is.
func (r *rtcService) signaller(meeting, connID string, lang jihat.Lang) func(rtc.Signal) {
	channel := jihat.MeetingChannel(meeting)
	return func(sig rtc.Signal) {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var err error
		switch sig.Type {
		case rtc.SignalOffer, rtc.SignalAnswer:
			data, _ := json.Marshal(sdpData{SDP: sig.SDP})
			err = r.s.hub.SendReply(ctx, connID, sig.ID, "rtc."+sig.Type, channel, data)
		case rtc.SignalCandidate:
			data, _ := json.Marshal(sig.Candidate)
			err = r.s.hub.SendReply(ctx, connID, "", "rtc.candidate", channel, data)
		case rtc.SignalError:
			err = r.s.hub.SendReply(ctx, connID, sig.ID, hub.TypeError, channel, hub.ErrorData(sig.Err, lang))
		}
		if err != nil && jihat.ErrorCode(err) != jihat.ENOTFOUND {
			r.s.log.Warn("rtc: signal", "meeting", meeting, "conn", connID, "type", sig.Type, "err", err)
		}
	}
}

// hand raises or lowers userID's hand; the queue is published.
func (r *rtcService) hand(meeting, userID string, raised bool) error {
	r.mu.Lock()
	room := r.hosted[meeting]
	if room == nil {
		r.mu.Unlock()
		return jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	i := slices.Index(room.hands, userID)
	switch {
	case raised && i < 0:
		room.hands = append(room.hands, userID)
	case !raised && i >= 0:
		room.hands = slices.Delete(room.hands, i, i+1)
	}
	hands, floor := slices.Clone(room.hands), room.floor
	r.mu.Unlock()
	r.publish(meeting, "rtc.hands", map[string]any{"queue": hands, "floor": floor})
	return nil
}

// giveFloor gives the floor to userID (the chair answers a raised hand):
// their hand goes down and, if the SFU had them muted, they are unmuted.
func (r *rtcService) giveFloor(meeting, userID, by string) error {
	r.mu.Lock()
	room := r.hosted[meeting]
	if room == nil {
		r.mu.Unlock()
		return jihat.Errorf(jihat.ENOTFOUND, "rtc_not_connected")
	}
	if i := slices.Index(room.hands, userID); i >= 0 {
		room.hands = slices.Delete(room.hands, i, i+1)
	}
	room.floor = userID
	hands := slices.Clone(room.hands)
	r.mu.Unlock()
	if userID != "" && r.sfu.Participant(meeting, userID) != nil {
		if err := r.sfu.SetMuted(meeting, userID, false, by); err != nil {
			return err
		}
	}
	r.publish(meeting, "rtc.hands", map[string]any{"queue": hands, "floor": userID})
	return nil
}

// onEvent publishes the SFU's room events on the meeting's channel, to
// every node: rtc.joined, rtc.left, rtc.muted, rtc.speaker.
func (r *rtcService) onEvent(ev rtc.Event) {
	data := map[string]any{"user_id": ev.Participant}
	switch ev.Type {
	case rtc.EventMuted:
		data["muted"], data["by"] = ev.Muted, ev.By
	case rtc.EventSpeaker:
		data["level"] = ev.Level
	case rtc.EventJoined:
		defer r.sendRoomState(ev.Room, ev.Participant)
	case rtc.EventLeft:
		r.mu.Lock()
		if room := r.hosted[ev.Room]; room != nil {
			delete(room.participants, ev.Participant)
			if i := slices.Index(room.hands, ev.Participant); i >= 0 {
				room.hands = slices.Delete(room.hands, i, i+1)
			}
		}
		r.mu.Unlock()
	}
	r.publish(ev.Room, "rtc."+ev.Type, data)
}

// sendRoomState tells a participant who just connected what the room's
// events said before: rtc.state {participants [{id, muted, publishing}],
// speaker, hands, floor, recording, recorded_by}. Whoever joins a recorded
// room learns it at once.
func (r *rtcService) sendRoomState(meeting, userID string) {
	r.mu.Lock()
	room := r.hosted[meeting]
	if room == nil {
		r.mu.Unlock()
		return
	}
	p, ok := room.participants[userID]
	hands, floor, by := slices.Clone(room.hands), room.floor, room.recordedBy
	r.mu.Unlock()
	if !ok {
		return
	}
	if hands == nil {
		hands = []string{}
	}
	data, err := json.Marshal(map[string]any{"participants": r.sfu.Participants(meeting), "speaker": r.sfu.Speaker(meeting),
		"hands": hands, "floor": floor, "recording": by != "", "recorded_by": by})
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.s.hub.SendReply(ctx, p.connID, "", "rtc.state", jihat.MeetingChannel(meeting), data); err != nil &&
		jihat.ErrorCode(err) != jihat.ENOTFOUND {
		r.s.log.Warn("rtc: room state", "meeting", meeting, "user", userID, "err", err)
	}
}

func (r *rtcService) publish(meeting, typ string, data any) {
	b, err := json.Marshal(data)
	if err != nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := r.s.hub.Publish(ctx, jihat.MeetingChannel(meeting), hub.Event{Type: typ, Data: b}); err != nil {
		r.s.log.Warn("rtc: publish", "meeting", meeting, "type", typ, "err", err)
	}
}
