package hub

import (
	"strings"

	"github.com/jihat/jihat"
)

// Kind is the kind of a live channel, from its name.
type Kind string

// Channel kinds (API.md "Live"). IDs are canonical lowercase UUIDs.
const (
	KindCase       Kind = "case"        // case:<id>: the public timeline
	KindCaseStaff  Kind = "case_staff"  // case:<id>:staff: internal notes; never citizens
	KindMeeting    Kind = "meeting"     // meeting:<id>
	KindEntityFeed Kind = "entity_feed" // entity:<id>:feed: live tail for supervisors
	KindFeed       Kind = "feed"        // feed: live tail for oversight
	KindUser       Kind = "user"        // user:<id>: personal events
)

// Channel is a parsed channel name.
type Channel struct {
	Kind Kind
	ID   string // the UUID in the name; empty for KindFeed
}

// String returns the channel name.
func (c Channel) String() string {
	switch c.Kind {
	case KindCase:
		return "case:" + c.ID
	case KindCaseStaff:
		return "case:" + c.ID + ":staff"
	case KindMeeting:
		return "meeting:" + c.ID
	case KindEntityFeed:
		return "entity:" + c.ID + ":feed"
	case KindFeed:
		return "feed"
	case KindUser:
		return "user:" + c.ID
	}
	return ""
}

// Sequenced reports whether events on the channel carry a dense per-channel
// sequence number from the database (1, 2, 3, ...). The hub orders and
// gap-fills these; feeds and user channels are live tails.
func (c Channel) Sequenced() bool {
	switch c.Kind {
	case KindCase, KindCaseStaff, KindMeeting:
		return true
	}
	return false
}

// HasPresence reports whether the hub tracks who is present on the channel.
func (c Channel) HasPresence() bool {
	switch c.Kind {
	case KindCase, KindCaseStaff, KindMeeting:
		return true
	}
	return false
}

// ParseChannel parses and checks a client-visible channel name. Only the
// canonical lowercase form of a UUID is accepted, so one channel has one name.
func ParseChannel(name string) (Channel, error) {
	bad := jihat.Errorf(jihat.EINVALID, "ws_invalid_channel")
	if name == "feed" {
		return Channel{Kind: KindFeed}, nil
	}
	prefix, rest, ok := strings.Cut(name, ":")
	if !ok || len(rest) < uuidLen {
		return Channel{}, bad
	}
	id, suffix := rest[:uuidLen], rest[uuidLen:]
	if !validUUID(id) {
		return Channel{}, bad
	}
	var k Kind
	switch {
	case prefix == "case" && suffix == "":
		k = KindCase
	case prefix == "case" && suffix == ":staff":
		k = KindCaseStaff
	case prefix == "meeting" && suffix == "":
		k = KindMeeting
	case prefix == "entity" && suffix == ":feed":
		k = KindEntityFeed
	case prefix == "user" && suffix == "":
		k = KindUser
	default:
		return Channel{}, bad
	}
	return Channel{Kind: k, ID: id}, nil
}

// ValidChannel reports whether name is a client-visible channel name.
func ValidChannel(name string) bool {
	_, err := ParseChannel(name)
	return err == nil
}

const uuidLen = 36

// validUUID accepts xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx in lowercase hex.
func validUUID(s string) bool {
	if len(s) != uuidLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

// Internal bus channels. Their names contain characters that no client
// channel may contain, so a client can never subscribe to them.
const (
	controlChannel    = "_jihat.control" // every node: revocations, re-authorisation
	nodeChannelPrefix = "_jihat.node."   // one node: frames for one of its connections
	onlinePrefix      = "_jihat.online." // presence key of "user is connected anywhere"
)

func nodeChannel(nodeID string) string { return nodeChannelPrefix + nodeID }

func onlineChannel(userID string) string { return onlinePrefix + userID }
