package hub

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/jihat/jihat"
)

// Event is what the hub delivers on a channel.
type Event struct {
	// Type is the envelope type; empty means "event".
	Type string
	// Seq is the channel's sequence number assigned by the database for a
	// durable event (1, 2, 3, ... per sequenced channel), or 0 for an
	// ephemeral one (typing, presence, live tallies).
	Seq int64
	// Data is the JSON payload, usually an object.
	Data json.RawMessage
	// Audience, when set, limits who receives the event among the channel's
	// subscribers, live and on replay alike: only those for whom the
	// Backend's CanRead (Reader) says yes. A feed carries the events of
	// many cases, each with its own audience; nil means every subscriber
	// (authorised at subscribe time) may read it.
	Audience *jihat.Audience
	// Key identifies an unsequenced durable event (an entry of an activity
	// feed, which has no Seq) across the database and the live stream: a
	// subscription that starts with the feed's latest events from
	// EventSource.Replay drops a live frame whose Key it has just replayed,
	// so the seam between history and live tail has no duplicate. Keyed
	// frames published while the replay runs wait for it, so it has no gap
	// either. Empty for ephemeral events.
	Key string
}

// Principal is an authenticated user on one connection.
type Principal struct {
	UserID    string
	SessionID string // revoked with Hub.DisconnectSession
	Lang      jihat.Lang
	// Value is opaque to the hub: the Backend may keep what it needs
	// (roles, entity, permissions) to authorise without a query.
	Value any
}

// Backend is what the WebSocket endpoint needs from the application. The
// server package implements it; authorisation and persistence stay there.
// Errors should be *jihat.Error; anything else is reported as EINTERNAL.
type Backend interface {
	// AuthenticateRequest authenticates the upgrade request from the session
	// cookie or an Authorization: Bearer header. ErrNoCredentials (or any
	// EUNAUTHORIZED error) lets the client authenticate with a first "auth"
	// message instead; other errors refuse the upgrade.
	AuthenticateRequest(r *http.Request) (Principal, error)
	// AuthenticateToken authenticates the token of a first "auth" message.
	AuthenticateToken(ctx context.Context, token string) (Principal, error)
	// Authorize decides whether p may subscribe to channel. It is the one
	// place for subscription rules; Hub.Reauthorize runs it again.
	Authorize(ctx context.Context, p Principal, channel string) error
	// Command runs a client command (comment, vote, rtc.*) through the same
	// services as REST. The result, if not nil, is marshalled into the ack's
	// data.
	Command(ctx context.Context, c CommandContext, env Envelope) (data any, err error)
}

// Rechecker may be implemented by a Principal.Value that keeps what
// Authorize read (the user, as of authentication) to answer the
// subscriptions of a connect without reading it again. The hub calls
// Recheck before it runs Authorize again for the connection
// (Hub.Reauthorize), so that the re-check, and every Authorize after it,
// reads afresh. A subscription whose Authorize overlapped a re-check is
// authorised again before it is added.
type Rechecker interface {
	Recheck()
}

// Reader is implemented by a Backend whose events carry an Audience: the
// hub asks it, for each subscriber, whether that subscriber may read each
// event (the same rule as the REST read of the same thing). It runs on the
// fan-out path, so it must be fast and must not block: decide from what
// the Principal carries (see Principal.Value). Without a Reader, events
// with an Audience reach nobody (fail closed).
type Reader interface {
	CanRead(p Principal, a jihat.Audience) bool
}

// CommandContext identifies who sent a command and on which socket.
type CommandContext struct {
	Principal Principal
	ConnID    string // use with Hub.SendConn to answer this socket later
	// ClientIP and UserAgent are the upgrade request's, for the audit log
	// (the same fields the REST path records).
	ClientIP, UserAgent string
}

// EventSource reads durable events back from the database, the one source of
// truth. The hub uses it to replay after a reconnect, to fill gaps left by a
// lost bus message, and for position messages. Implemented by server over
// store; it needs no hub.
type EventSource interface {
	// Replay returns at most limit events of channel with Seq > since, in
	// Seq order. since < 0 asks for the initial history of a subscription
	// that gave no since: the latest events for a feed, oldest first, with
	// Seq 0 and their Key. The hub does not ask it of sequenced (case and
	// meeting) channels, which have none (the client loads those over
	// REST).
	Replay(ctx context.Context, channel string, since int64, limit int) ([]Event, error)
	// Positions returns the latest Seq of each sequenced channel that has
	// events; channels without events may be left out.
	Positions(ctx context.Context, channels []string) (map[string]int64, error)
}

// ErrNoCredentials is returned by Backend.AuthenticateRequest when the
// request carries no credentials at all.
var ErrNoCredentials = errors.New("hub: no credentials")
