package jihat

import "strings"

// ChannelKind is the kind of a live channel (API.md, "Live").
type ChannelKind string

// Channel kinds, with the name each has on the wire.
const (
	ChannelCase       ChannelKind = "case"        // case:<id> — the public timeline of a case
	ChannelCaseStaff  ChannelKind = "case_staff"  // case:<id>:staff — internal notes; never for the requester
	ChannelMeeting    ChannelKind = "meeting"     // meeting:<id>
	ChannelEntityFeed ChannelKind = "entity_feed" // entity:<id>:feed — activity of one entity
	ChannelFeed       ChannelKind = "feed"        // feed — activity of every entity, for oversight
	ChannelUser       ChannelKind = "user"        // user:<id> — one person's notifications
)

// Channel is a parsed channel name. ID is the UUID of the case, meeting,
// entity or user, and "" for the global feed.
type Channel struct {
	Kind ChannelKind
	ID   string
}

// CaseChannel returns "case:<id>", the public channel of a case.
func CaseChannel(caseID string) string { return "case:" + caseID }

// CaseStaffChannel returns "case:<id>:staff", the internal channel of a case.
func CaseStaffChannel(caseID string) string { return "case:" + caseID + ":staff" }

// MeetingChannel returns "meeting:<id>".
func MeetingChannel(meetingID string) string { return "meeting:" + meetingID }

// EntityFeedChannel returns "entity:<id>:feed".
func EntityFeedChannel(entityID string) string { return "entity:" + entityID + ":feed" }

// FeedChannel is the activity feed of every entity.
const FeedChannel = "feed"

// UserChannel returns "user:<id>".
func UserChannel(userID string) string { return "user:" + userID }

// CaseEventChannel returns the channel an event of a case with visibility v
// goes to: internal events to the staff channel, everything else to the
// public one.
func CaseEventChannel(caseID string, v Visibility) string {
	if v == VisibilityInternal {
		return CaseStaffChannel(caseID)
	}
	return CaseChannel(caseID)
}

// String returns the channel's name on the wire; ParseChannel reverses it.
func (c Channel) String() string {
	switch c.Kind {
	case ChannelCase:
		return CaseChannel(c.ID)
	case ChannelCaseStaff:
		return CaseStaffChannel(c.ID)
	case ChannelMeeting:
		return MeetingChannel(c.ID)
	case ChannelEntityFeed:
		return EntityFeedChannel(c.ID)
	case ChannelFeed:
		return FeedChannel
	case ChannelUser:
		return UserChannel(c.ID)
	}
	return ""
}

// Sequenced reports whether events on the channel carry a dense per-channel
// sequence number from the database (1, 2, 3, ...). The hub orders and
// gap-fills these; feeds and user channels are live tails.
func (c Channel) Sequenced() bool {
	switch c.Kind {
	case ChannelCase, ChannelCaseStaff, ChannelMeeting:
		return true
	}
	return false
}

// HasPresence reports whether the hub tracks who is present on the channel.
func (c Channel) HasPresence() bool {
	switch c.Kind {
	case ChannelCase, ChannelCaseStaff, ChannelMeeting:
		return true
	}
	return false
}

// ValidChannel reports whether name is a client-visible channel name.
func ValidChannel(name string) bool {
	_, err := ParseChannel(name)
	return err == nil
}

// maxChannelLen is longer than any valid name ("entity:" + 36 + ":feed").
const maxChannelLen = 64

// ParseChannel parses a channel name a client sent. IDs must be UUIDs in
// canonical form (lower-case, 8-4-4-4-12), so one channel has exactly one
// name. Anything else is an EINVALID error with key invalid_channel.
// Authorisation is not checked here.
func ParseChannel(s string) (Channel, error) {
	if len(s) > maxChannelLen {
		return Channel{}, errInvalidChannel()
	}
	if s == FeedChannel {
		return Channel{Kind: ChannelFeed}, nil
	}
	prefix, rest, ok := strings.Cut(s, ":")
	if !ok {
		return Channel{}, errInvalidChannel()
	}
	id, suffix, hasSuffix := strings.Cut(rest, ":")
	if !IsCanonicalUUID(id) {
		return Channel{}, errInvalidChannel()
	}
	var kind ChannelKind
	switch {
	case prefix == "case" && !hasSuffix:
		kind = ChannelCase
	case prefix == "case" && suffix == "staff":
		kind = ChannelCaseStaff
	case prefix == "meeting" && !hasSuffix:
		kind = ChannelMeeting
	case prefix == "entity" && suffix == "feed":
		kind = ChannelEntityFeed
	case prefix == "user" && !hasSuffix:
		kind = ChannelUser
	default:
		return Channel{}, errInvalidChannel()
	}
	return Channel{Kind: kind, ID: id}, nil
}

// errInvalidChannel is ParseChannel's error, made only when a name is bad
// (the hub parses a channel name per subscribe and per publish).
func errInvalidChannel() error { return Errorf(EINVALID, "invalid_channel") }

// IsUUID reports whether s is a UUID in the 36-character text form in
// either case: IsCanonicalUUID once lower-cased. Handlers accept it and
// lower-case it before use.
func IsUUID(s string) bool { return IsCanonicalUUID(strings.ToLower(s)) }

// IsCanonicalUUID reports whether s is a UUID in the canonical text form
// that IDs use everywhere: 36 characters, lower-case hexadecimal digits in
// groups of 8-4-4-4-12 separated by dashes. Version and variant are not
// checked.
func IsCanonicalUUID(s string) bool {
	if len(s) != 36 {
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
