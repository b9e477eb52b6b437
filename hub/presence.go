package hub

import (
	"context"
	"time"
)

// Member is one connection of a user present on a channel.
type Member struct {
	UserID string
	ConnID string
}

// PresenceRef names one membership, for Touch.
type PresenceRef struct {
	Channel string
	Member  Member
}

// Presence records who is present on which channel, per connection, with a
// time to live that the hub's heartbeat renews (so a node that dies leaves
// no ghosts behind). "First" and "last" are per user: a user with two tabs
// joins once and leaves once.
//
// Implementations: MemoryPresence (one node) and RedisPresence (shared by
// the nodes of a cluster). Both pass the same test suite (presence_test.go).
// Both are safe for concurrent use.
type Presence interface {
	// Join records m on channel; first is true when m.UserID had no other
	// live connection there.
	Join(ctx context.Context, channel string, m Member) (first bool, err error)
	// Leave removes m; last is true when m was there and m.UserID has no
	// other live connection left.
	Leave(ctx context.Context, channel string, m Member) (last bool, err error)
	// Touch renews the TTL of refs. Memberships that had expired (and may
	// have been swept) are recorded again and returned.
	Touch(ctx context.Context, refs []PresenceRef) (readded []PresenceRef, err error)
	// Members returns the distinct user IDs live on channel, sorted.
	Members(ctx context.Context, channel string) ([]string, error)
	// Sweep removes the expired memberships of channel and returns the users
	// who have no live connection left there because of it.
	Sweep(ctx context.Context, channel string) (gone []string, err error)
	// Present reports, for each channel, whether it has a live member.
	Present(ctx context.Context, channels []string) (map[string]bool, error)
	// TTL is how long a membership lives without Touch.
	TTL() time.Duration
}

// DefaultPresenceTTL is the TTL of memberships when none is configured; the
// hub renews them every third of it.
const DefaultPresenceTTL = 30 * time.Second
