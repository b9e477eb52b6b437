package hub

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/jihat/jihat"
)

// Envelope is one message of the live protocol: one JSON object per
// WebSocket text frame (API.md "Live: GET /ws").
type Envelope struct {
	Type    string          `json:"type"`
	ID      string          `json:"id,omitempty"`      // client correlation id, echoed in ack/error
	Channel string          `json:"channel,omitempty"` // see jihat.ParseChannel
	Seq     int64           `json:"seq,omitempty"`     // server → client: the event's sequence number
	Since   *int64          `json:"since,omitempty"`   // client → server: subscribe/fetch from after this seq
	Data    json.RawMessage `json:"data,omitempty"`
}

// MaxEnvelopeSize is the largest message a client may send; a larger one
// closes the socket with 1009 (message too big).
const MaxEnvelopeSize = 64 << 10

// Client → server message types.
const (
	TypeAuth        = "auth"        // data: {"token": "..."}; only as the first message
	TypeSubscribe   = "subscribe"   // channel, since?; again on a subscribed channel = fetch
	TypeUnsubscribe = "unsubscribe" // channel
	TypeFetch       = "fetch"       // channel, since: resend durable events after since
	TypeTyping      = "typing"      // channel, data?: {"state": "start"|"stop"}; relayed, not stored
	TypePing        = "ping"        // answered with pong
	TypeComment     = "comment"     // channel case:<id>, data {body, visibility}; to Backend.Command
	TypeVote        = "vote"        // channel meeting:<id>, data {motion_id, choice}; to Backend.Command
	rtcPrefix       = "rtc."        // rtc.offer, rtc.candidate, ...: to Backend.Command
)

// Server → client message types.
const (
	TypeAck          = "ack"          // id, channel?, data?
	TypeError        = "error"        // id?, channel?, data {code, message, fields?}
	TypeEvent        = "event"        // channel, seq (durable) or 0, data
	TypeSnapshot     = "snapshot"     // channel, data {presence: [user ids]}
	TypePresence     = "presence"     // channel, data {action: join|leave, user_id}
	TypePosition     = "position"     // channel, seq: latest durable seq in the database
	TypePong         = "pong"         // id
	TypeUnsubscribed = "unsubscribed" // channel, data {code, message}: dropped by the server
)

// commandTypes are the client types with a fixed meaning; "rtc.<name>"
// types are accepted too (see validType).
var commandTypes = map[string]struct{}{
	TypeAuth: {}, TypeSubscribe: {}, TypeUnsubscribe: {}, TypeFetch: {}, TypeTyping: {},
	TypePing: {}, TypeComment: {}, TypeVote: {},
}

// needsChannel lists the client types that must name a channel.
var needsChannel = map[string]bool{
	TypeSubscribe: true, TypeUnsubscribe: true, TypeFetch: true, TypeTyping: true,
	TypeComment: true, TypeVote: true,
}

// maxIDLen bounds the client correlation id.
const maxIDLen = 64

// errBadEnvelope is returned (wrapped in a *jihat.Error) for every malformed
// client message; the detail goes to the log, never to the client.
var errBadEnvelope = jihat.Errorf(jihat.EINVALID, "ws_invalid_message")

// DecodeEnvelope strictly decodes one client → server message: at most
// MaxEnvelopeSize bytes of valid UTF-8 holding exactly one JSON object with
// only the envelope's fields, a known type, a well-formed id, a channel of
// the right syntax where the type needs one, since ≥ 0, no seq, and data
// that is an object when present. Errors are *jihat.Error with code
// EINVALID (ETOOLARGE for size).
func DecodeEnvelope(b []byte) (Envelope, error) {
	var env Envelope
	if len(b) > MaxEnvelopeSize {
		return env, jihat.Errorf(jihat.ETOOLARGE, "too_large")
	}
	if !utf8.Valid(b) {
		return env, errBadEnvelope
	}
	b = bytes.TrimLeft(b, " \t\r\n")
	if len(b) == 0 || b[0] != '{' {
		return env, errBadEnvelope
	}
	if err := decodeFields(b, &env); err != nil {
		return Envelope{ID: salvageID(b)}, errBadEnvelope
	}
	if err := checkEnvelope(&env); err != nil {
		return Envelope{ID: salvageID(b)}, err
	}
	return env, nil
}

// salvageID reads the "id" of a message that was refused, so that the error
// frame still answers the request the client is waiting on; "" when the
// message has no usable id (not an object, an id that is not a valid
// string).
func salvageID(b []byte) string {
	var v struct {
		ID json.RawMessage `json:"id"`
	}
	if json.Unmarshal(b, &v) != nil {
		return ""
	}
	var id string
	if decodeString(v.ID, &id) != nil || !validID(id) {
		return ""
	}
	return id
}

// decodeFields reads the object key by key so that keys match exactly
// (encoding/json alone would accept "TYPE" for "type"), a key appears at
// most once, and each value has the right JSON type.
func decodeFields(b []byte, env *Envelope) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return errBadEnvelope
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if seen[key] {
			return errBadEnvelope
		}
		seen[key] = true
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		switch key {
		case "type":
			err = decodeString(raw, &env.Type)
		case "id":
			err = decodeString(raw, &env.ID)
		case "channel":
			err = decodeString(raw, &env.Channel)
		case "since":
			var n int64
			if len(raw) == 0 || raw[0] < '0' || raw[0] > '9' {
				return errBadEnvelope // integers ≥ 0 only, no strings, no minus
			}
			err = json.Unmarshal(raw, &n)
			env.Since = &n
		case "data":
			env.Data = raw
		default:
			return errBadEnvelope // unknown field, "seq" included
		}
		if err != nil {
			return err
		}
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return errBadEnvelope
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errBadEnvelope // trailing data
	}
	return nil
}

// decodeString accepts a JSON string only.
func decodeString(raw json.RawMessage, dst *string) error {
	if len(raw) == 0 || raw[0] != '"' {
		return errBadEnvelope
	}
	return json.Unmarshal(raw, dst)
}

func checkEnvelope(env *Envelope) error {
	if !validType(env.Type) {
		return jihat.Errorf(jihat.EINVALID, "ws_unknown_type")
	}
	if !validID(env.ID) {
		return errBadEnvelope
	}
	if env.Since != nil && *env.Since < 0 {
		return errBadEnvelope
	}
	if env.Type == TypeFetch && env.Since == nil {
		return errBadEnvelope
	}
	if env.Since != nil && env.Type != TypeSubscribe && env.Type != TypeFetch {
		return errBadEnvelope
	}
	switch {
	case env.Channel != "":
		if !jihat.ValidChannel(env.Channel) {
			return jihat.Errorf(jihat.EINVALID, "invalid_channel")
		}
		if env.Type == TypeAuth || env.Type == TypePing {
			return errBadEnvelope
		}
	case needsChannel[env.Type]:
		return jihat.Errorf(jihat.EINVALID, "invalid_channel")
	}
	if bytes.Equal(env.Data, []byte("null")) {
		env.Data = nil
	}
	if len(env.Data) > 0 && env.Data[0] != '{' {
		return errBadEnvelope
	}
	if env.Type == TypeAuth && len(env.Data) == 0 {
		return errBadEnvelope
	}
	return nil
}

// validType reports whether t is a known client → server type.
func validType(t string) bool {
	if _, ok := commandTypes[t]; ok {
		return true
	}
	name, ok := strings.CutPrefix(t, rtcPrefix)
	if !ok || len(name) == 0 || len(name) > 32 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !('a' <= c && c <= 'z' || c == '_' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}

// validID accepts an empty id or up to maxIDLen characters of [A-Za-z0-9._:-].
func validID(id string) bool {
	if len(id) > maxIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}
