package hub

import (
	"context"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
)

// RedisPresenceConfig configures a RedisPresence.
type RedisPresenceConfig struct {
	Client redis.UniversalClient // owned by the caller
	Prefix string                // "jihat:" by default
	TTL    time.Duration         // DefaultPresenceTTL when zero
}

// RedisPresence keeps presence in Redis, shared by the nodes of a cluster:
// one sorted set per channel, member "<user> <conn>", score the expiry in
// milliseconds of the Redis clock (scripts read TIME, so the nodes' clocks
// do not matter). The key itself expires after two TTLs without a write.
// Each operation is one atomic script. It is safe for concurrent use.
type RedisPresence struct {
	client redis.UniversalClient
	prefix string
	ttl    time.Duration
}

// NewRedisPresence returns a RedisPresence.
func NewRedisPresence(cfg RedisPresenceConfig) (*RedisPresence, error) {
	if cfg.Client == nil {
		return nil, errors.New("hub: RedisPresenceConfig.Client is nil")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "jihat:"
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultPresenceTTL
	}
	return &RedisPresence{client: cfg.Client, prefix: cfg.Prefix, ttl: cfg.TTL}, nil
}

// TTL implements Presence.
func (p *RedisPresence) TTL() time.Duration { return p.ttl }

func (p *RedisPresence) key(channel string) string { return p.prefix + "presence:" + channel }

func member(m Member) string { return m.UserID + " " + m.ConnID }

const luaNow = `local function now()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

var joinScript = redis.NewScript(luaNow + `
local n = now()
local ttl = tonumber(ARGV[3])
local first = 1
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. n, '+inf')) do
  if string.sub(m, 1, #ARGV[2]) == ARGV[2] then first = 0 break end
end
redis.call('ZADD', KEYS[1], n + ttl, ARGV[1])
redis.call('PEXPIRE', KEYS[1], 2 * ttl)
return first`)

var leaveScript = redis.NewScript(luaNow + `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 0 then return 0 end
for _, m in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now(), '+inf')) do
  if string.sub(m, 1, #ARGV[2]) == ARGV[2] then return 0 end
end
return 1`)

var touchScript = redis.NewScript(luaNow + `
local n = now()
local ttl = tonumber(ARGV[1])
local out = {}
for i, k in ipairs(KEYS) do
  local s = redis.call('ZSCORE', k, ARGV[i + 1])
  if (not s) or tonumber(s) <= n then table.insert(out, i) end
  redis.call('ZADD', k, n + ttl, ARGV[i + 1])
  redis.call('PEXPIRE', k, 2 * ttl)
end
return out`)

var membersScript = redis.NewScript(luaNow + `
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now(), '+inf')`)

var sweepScript = redis.NewScript(luaNow + `
local n = now()
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', n)
if #expired == 0 then return {} end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', n)
local live = {}
for _, m in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local u = string.match(m, '^(.-) ')
  if u then live[u] = true end
end
local gone, seen = {}, {}
for _, m in ipairs(expired) do
  local u = string.match(m, '^(.-) ')
  if u and not live[u] and not seen[u] then seen[u] = true table.insert(gone, u) end
end
return gone`)

var presentScript = redis.NewScript(luaNow + `
local n = now()
local out = {}
for i, k in ipairs(KEYS) do out[i] = redis.call('ZCOUNT', k, '(' .. n, '+inf') end
return out`)

// Join implements Presence.
func (p *RedisPresence) Join(ctx context.Context, channel string, m Member) (bool, error) {
	n, err := joinScript.Run(ctx, p.client, []string{p.key(channel)},
		member(m), m.UserID+" ", p.ttl.Milliseconds()).Int()
	return n == 1, err
}

// Leave implements Presence.
func (p *RedisPresence) Leave(ctx context.Context, channel string, m Member) (bool, error) {
	n, err := leaveScript.Run(ctx, p.client, []string{p.key(channel)}, member(m), m.UserID+" ").Int()
	return n == 1, err
}

// touchBatch bounds the keys of one Touch script.
const touchBatch = 256

// Touch implements Presence.
func (p *RedisPresence) Touch(ctx context.Context, refs []PresenceRef) ([]PresenceRef, error) {
	var readded []PresenceRef
	for len(refs) > 0 {
		batch := refs[:min(len(refs), touchBatch)]
		refs = refs[len(batch):]
		keys := make([]string, len(batch))
		args := make([]any, 1+len(batch))
		args[0] = p.ttl.Milliseconds()
		for i, r := range batch {
			keys[i] = p.key(r.Channel)
			args[i+1] = member(r.Member)
		}
		idx, err := touchScript.Run(ctx, p.client, keys, args...).Int64Slice()
		if err != nil {
			return readded, err
		}
		for _, i := range idx {
			readded = append(readded, batch[i-1])
		}
	}
	return readded, nil
}

// Members implements Presence.
func (p *RedisPresence) Members(ctx context.Context, channel string) ([]string, error) {
	ms, err := membersScript.Run(ctx, p.client, []string{p.key(channel)}).StringSlice()
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	users := []string{}
	for _, m := range ms {
		u, _, _ := strings.Cut(m, " ")
		if !seen[u] {
			seen[u] = true
			users = append(users, u)
		}
	}
	sort.Strings(users)
	return users, nil
}

// Sweep implements Presence.
func (p *RedisPresence) Sweep(ctx context.Context, channel string) ([]string, error) {
	gone, err := sweepScript.Run(ctx, p.client, []string{p.key(channel)}).StringSlice()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	sort.Strings(gone)
	return gone, err
}

// Present implements Presence.
func (p *RedisPresence) Present(ctx context.Context, channels []string) (map[string]bool, error) {
	out := make(map[string]bool, len(channels))
	for len(channels) > 0 {
		batch := channels[:min(len(channels), touchBatch)]
		channels = channels[len(batch):]
		keys := make([]string, len(batch))
		for i, ch := range batch {
			keys[i] = p.key(ch)
		}
		counts, err := presentScript.Run(ctx, p.client, keys).Int64Slice()
		if err != nil {
			return nil, err
		}
		for i, ch := range batch {
			out[ch] = i < len(counts) && counts[i] > 0
		}
	}
	return out, nil
}
