package client

import (
	"encoding/json"
	"errors"
)

// frame is one message of the live protocol, in both directions:
// {"type", "id"?, "channel"?, "seq"?, "since"?, "data"?}. The server refuses
// "seq" from a client; it is only ever zero (omitted) here on the way out.
type frame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`
	Channel string          `json:"channel,omitempty"`
	Seq     int64           `json:"seq,omitempty"`
	Since   *int64          `json:"since,omitempty"`
	Data    json.RawMessage `json:"data,omitempty"`
}

// Message types of the live protocol.
const (
	typeAuth         = "auth"
	typeSubscribe    = "subscribe"
	typeUnsubscribe  = "unsubscribe"
	typeFetch        = "fetch"
	typeTyping       = "typing"
	typePing         = "ping"
	typeComment      = "comment"
	typeVote         = "vote"
	typeAck          = "ack"
	typeError        = "error"
	typeEvent        = "event"
	typeSnapshot     = "snapshot"
	typePresence     = "presence"
	typePosition     = "position"
	typePong         = "pong"
	typeUnsubscribed = "unsubscribed"
)

// Message is what a Live delivers on Events: one of *Event, *Snapshot,
// *Presence, *Typing, *Position, *Unsubscribed, *ServerError,
// *Disconnected, *Reconnected or *Other.
type Message interface{ message() }

// Event is a durable event on a channel. On case and meeting channels Seq is
// the channel's sequence number (1, 2, 3, ...) and a Live delivers each Seq
// once, in order, across reconnects. On feeds and user channels Seq is 0.
type Event struct {
	Channel string
	Seq     int64
	Type    string          // the envelope type, "event" for case events
	Data    json.RawMessage // a case event (see CaseEvent) on case channels and feeds
}

// CaseEvent decodes the data of an event of a case channel or a feed.
func (e *Event) CaseEvent() (*CaseEvent, error) {
	var ce CaseEvent
	if err := json.Unmarshal(e.Data, &ce); err != nil {
		return nil, err
	}
	return &ce, nil
}

// Snapshot is the state of a channel sent on subscribe: who is present.
type Snapshot struct {
	Channel  string
	Presence []string        // user IDs present now
	Data     json.RawMessage // the whole snapshot, for fields added later
}

// Presence says a user arrived on (Action "join") or left ("leave") a channel.
type Presence struct {
	Channel string
	Action  string
	UserID  string
}

// Typing says a user started ("start") or stopped ("stop") typing.
type Typing struct {
	Channel string
	UserID  string
	State   string
}

// Position is the latest sequence number of a channel in the database, sent
// every few seconds. The Live uses it to notice a missed event (and fetches
// it before delivering later ones); it is passed on for information.
type Position struct {
	Channel string
	Seq     int64
}

// Unsubscribed says the server ended a subscription (a permission removed)
// or refused it again after a reconnect. The channel is not resumed.
type Unsubscribed struct {
	Channel string
	Err     *Error
}

// ServerError is an error the server sent that answers no pending call of
// this Live (for example a replay that failed after the subscription was
// acknowledged).
type ServerError struct {
	ID      string
	Channel string
	Err     *Error
}

// Disconnected says the socket dropped; the Live is reconnecting (unless it
// ended: then Events is closed right after and Err says why).
type Disconnected struct {
	Err  error
	Code int // the WebSocket close code, or -1 when the socket failed without one
}

// Reconnected says a new socket is up after Disconnected; every
// subscription is being resumed from its last delivered sequence number.
type Reconnected struct {
	Attempts int // dial attempts it took
}

// Other is a server message of a type this package does not know (rtc.*).
type Other struct {
	Type    string
	Channel string
	Seq     int64
	Data    json.RawMessage
}

func (*Event) message()        {}
func (*Snapshot) message()     {}
func (*Presence) message()     {}
func (*Typing) message()       {}
func (*Position) message()     {}
func (*Unsubscribed) message() {}
func (*ServerError) message()  {}
func (*Disconnected) message() {}
func (*Reconnected) message()  {}
func (*Other) message()        {}

// Errors of the live connection.
var (
	// ErrClosed: the Live was closed, or ended (see Live.Err).
	ErrClosed = errors.New("jihat: live connection closed")
	// ErrConnectionLost: the socket dropped before the server answered. A
	// command (Comment) may or may not have run; subscriptions are resumed
	// by themselves.
	ErrConnectionLost = errors.New("jihat: live connection lost before the answer")
	// ErrRevoked: the server ended the session (logout, account disabled,
	// password changed); the Live does not reconnect.
	ErrRevoked = errors.New("jihat: live session revoked by the server")
)

// protocolError decodes the data of an error or unsubscribed frame.
func protocolError(data json.RawMessage) *Error {
	var d errorData
	if err := json.Unmarshal(data, &d); err != nil || d.Code == "" {
		return &Error{Code: CodeInternal, Message: "malformed error from server"}
	}
	return d.toError(0)
}

// decodeMessage turns a server frame into the Message delivered for it
// (events, positions and control frames are handled by the Live first).
func decodeMessage(f *frame) Message {
	switch f.Type {
	case typeEvent:
		return &Event{Channel: f.Channel, Seq: f.Seq, Type: f.Type, Data: f.Data}
	case typeSnapshot:
		var d struct {
			Presence []string `json:"presence"`
		}
		_ = json.Unmarshal(f.Data, &d)
		return &Snapshot{Channel: f.Channel, Presence: d.Presence, Data: f.Data}
	case typePresence:
		var d struct {
			Action string `json:"action"`
			UserID string `json:"user_id"`
		}
		_ = json.Unmarshal(f.Data, &d)
		return &Presence{Channel: f.Channel, Action: d.Action, UserID: d.UserID}
	case typeTyping:
		var d struct {
			UserID string `json:"user_id"`
			State  string `json:"state"`
		}
		_ = json.Unmarshal(f.Data, &d)
		return &Typing{Channel: f.Channel, UserID: d.UserID, State: d.State}
	case typePosition:
		return &Position{Channel: f.Channel, Seq: f.Seq}
	case typeUnsubscribed:
		return &Unsubscribed{Channel: f.Channel, Err: protocolError(f.Data)}
	case typeError:
		return &ServerError{ID: f.ID, Channel: f.Channel, Err: protocolError(f.Data)}
	}
	return &Other{Type: f.Type, Channel: f.Channel, Seq: f.Seq, Data: f.Data}
}

// sequenced reports whether a channel's events carry dense sequence numbers
// (case:<id>, case:<id>:staff, meeting:<id>); feeds and user channels are
// live tails.
func sequenced(channel string) bool {
	return len(channel) > 5 && channel[:5] == "case:" || len(channel) > 8 && channel[:8] == "meeting:"
}
