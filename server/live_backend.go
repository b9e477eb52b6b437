package server

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/store"
)

// liveBackend is the server's side of the /ws endpoint: authentication,
// the one place where subscriptions are authorised, the commands that run
// the same services as REST, and reading durable events back from the
// database for replay. It implements hub.Backend and hub.EventSource.
type liveBackend struct{ s *Server }

// AuthenticateRequest reads the session from the Authorization bearer or the
// session cookie of the upgrade request (never from the URL).
func (b liveBackend) AuthenticateRequest(r *http.Request) (hub.Principal, error) {
	cookie := ""
	if c, err := r.Cookie(SessionCookie); err == nil {
		cookie = c.Value
	}
	token := bearerOrCookie(r.Header.Get("Authorization"), cookie)
	if token == "" {
		return hub.Principal{}, hub.ErrNoCredentials
	}
	return b.AuthenticateToken(r.Context(), token)
}

// AuthenticateToken checks a session token from a first "auth" message.
func (b liveBackend) AuthenticateToken(ctx context.Context, token string) (hub.Principal, error) {
	if token == "" || len(token) > 128 {
		return hub.Principal{}, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	sess, u, err := b.s.store.SessionByTokenHash(ctx, tokenHash(token))
	if err != nil {
		return hub.Principal{}, liveFault(err)
	}
	if u.MustChangePass {
		return hub.Principal{}, jihat.Errorf(jihat.EFORBIDDEN, "password_change_required")
	}
	lu := &liveUser{}
	lu.store(u)
	return hub.Principal{UserID: u.ID, SessionID: sess.ID, Lang: u.Lang, Value: lu}, nil
}

// liveUser is the user of one socket as last read from the database: at
// authentication, and again by Authorize (so a permission change, which
// re-runs Authorize on every node, reaches the per-event check too).
//
// The subscriptions of a connect follow its authentication within
// milliseconds; they take the user read then, for Config.LiveUserFresh, instead of
// reading it again for each channel (two more reads of the same row per
// connect; a reconnect storm is mostly these). A permission change on any
// node re-checks the user's sockets through the hub, which calls Recheck
// first, so the re-check and every later Authorize read afresh; a
// subscribe that overlapped the re-check is authorised again by the hub
// (hub.Rechecker). What may be decided on a read up to that old is
// what a subscribe right after connecting would have seen anyway.
type liveUser struct {
	u      atomic.Pointer[jihat.User]
	readAt atomic.Int64                 // monotonic nanoseconds (sinceStart) of the read; 0: read again
	last   atomic.Pointer[readDecision] // CanRead's last answer
}

// readDecision is one answer of jihat.CanRead: whether u may read an event
// of audience a. A user read is never changed once stored (a new read is a
// new *User), and CanRead depends on nothing else, so the answer holds for
// as long as both are the same.
type readDecision struct {
	u  *jihat.User
	a  jihat.Audience
	ok bool
}

// processStart anchors liveUser.readAt on the monotonic clock.
var processStart = time.Now()

func sinceStart() int64 { return int64(time.Since(processStart)) + 1 }

func (lu *liveUser) store(u *jihat.User) {
	lu.u.Store(u)
	lu.readAt.Store(sinceStart())
}

// fresh returns the user if read within d and not re-checked since.
func (lu *liveUser) fresh(d time.Duration) *jihat.User {
	at := lu.readAt.Load()
	if at == 0 || sinceStart()-at > int64(d) {
		return nil
	}
	return lu.u.Load()
}

// Recheck implements hub.Rechecker: the next Authorize reads the user.
func (lu *liveUser) Recheck() { lu.readAt.Store(0) }

// CanRead is the hub's per-event check (hub.Reader): jihat.CanRead, the same
// rule as the REST reads, on the socket's user. A socket's events mostly
// share one audience (a case's watchers get its events one after another),
// so the last answer is kept and given again while the user read and the
// audience are the same: at 1,000 watchers × 540 comments/s the rule
// itself (role and permission look-ups) was 6 % of the server's CPU.
func (b liveBackend) CanRead(p hub.Principal, a jihat.Audience) bool {
	lu, ok := p.Value.(*liveUser)
	if !ok {
		return false
	}
	u := lu.u.Load()
	if d := lu.last.Load(); d != nil && d.u == u && d.a == a {
		return d.ok
	}
	ok = jihat.CanRead(u, a)
	lu.last.Store(&readDecision{u: u, a: a, ok: ok})
	return ok
}

// Authorize is the one place that decides who may subscribe to what. It
// reads the user afresh, so a re-check after a permission change sees it.
//   - case:<id>: whoever may see the case (requester, assignee, staff in scope, oversight);
//   - case:<id>:staff: staff who may see its internal notes — never the requester;
//   - entity:<id>:feed: the entity's staff with reports.view and case.view_internal, platform admins;
//   - feed: oversight and platform admins (public events only);
//   - user:<id>: that user;
//   - meeting:<id>: the meeting's members (observers too) and admins (accessTo).
func (b liveBackend) Authorize(ctx context.Context, p hub.Principal, channel string) error {
	return liveFault(b.authorize(ctx, p, channel))
}

// authorize is Authorize; an outage of the database comes back as the
// store's error, which Authorize turns into EUNAVAILABLE (so a re-check
// during an outage keeps the subscription instead of dropping it).
func (b liveBackend) authorize(ctx context.Context, p hub.Principal, channel string) error {
	lu, _ := p.Value.(*liveUser)
	var u *jihat.User
	if lu != nil {
		u = lu.fresh(b.s.cfg.LiveUserFresh)
	}
	if u == nil {
		var err error
		u, err = b.s.store.UserByID(ctx, p.UserID)
		if store.Unavailable(err) {
			return err
		}
		if err != nil || !u.Active {
			return jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
		}
		if lu != nil {
			lu.store(u)
		}
	}
	ch, err := jihat.ParseChannel(channel)
	if err != nil {
		return err
	}
	forbidden := jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	switch ch.Kind {
	case jihat.ChannelCase, jihat.ChannelCaseStaff:
		// The case's audience (five columns), not the whole case: the same
		// rule as canSeeCase and canSeeInternal, which are CanRead of it.
		aud, ok, err := b.s.store.CaseAudience(ctx, ch.ID)
		if store.Unavailable(err) {
			return err
		}
		if err != nil || !ok || !jihat.CanRead(u, aud) {
			return hidden()
		}
		aud.Internal = true
		if ch.Kind == jihat.ChannelCaseStaff && !jihat.CanRead(u, aud) {
			return forbidden
		}
		return nil
	case jihat.ChannelMeeting:
		return b.s.canSeeMeeting(ctx, u, ch.ID)
	case jihat.ChannelEntityFeed:
		if u.IsPlatformAdmin() || (u.InEntity(ch.ID) && u.Can(jihat.PermReportsView) && u.Can(jihat.PermCaseViewInternal)) {
			return nil
		}
	case jihat.ChannelFeed:
		if u.IsPlatformAdmin() || u.Can(jihat.PermOversight) {
			return nil
		}
	case jihat.ChannelUser:
		if ch.ID == u.ID {
			return nil
		}
	}
	return forbidden
}

// commentCommand is the data of a "comment" command.
type commentCommand struct {
	Body       string `json:"body"`
	Visibility string `json:"visibility"`
}

// Command runs a client command through the same services as REST.
func (b liveBackend) Command(ctx context.Context, cc hub.CommandContext, env hub.Envelope) (any, error) {
	v, err := b.command(ctx, cc, env)
	return v, liveFault(err)
}

func (b liveBackend) command(ctx context.Context, cc hub.CommandContext, env hub.Envelope) (any, error) {
	if env.Type == "vote" { // the vote's batch checks the voter itself (meeting_live.go)
		return b.vote(ctx, cc.Principal.UserID, env)
	}
	u, err := b.s.store.UserByID(ctx, cc.Principal.UserID)
	if store.Unavailable(err) {
		return nil, err
	}
	if err != nil || !u.Active {
		return nil, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	if strings.HasPrefix(env.Type, "rtc.") {
		return b.s.rtc.Load().command(ctx, cc, env)
	}
	switch env.Type {
	case "comment":
		ch, err := jihat.ParseChannel(env.Channel)
		if err != nil || (ch.Kind != jihat.ChannelCase && ch.Kind != jihat.ChannelCaseStaff) {
			return nil, jihat.Invalid(map[string]string{"channel": "invalid_value"})
		}
		var cmd commentCommand
		dec := json.NewDecoder(strings.NewReader(string(env.Data)))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&cmd); err != nil {
			return nil, jihat.Errorf(jihat.EINVALID, "malformed_json")
		}
		if cmd.Visibility == "" && ch.Kind == jihat.ChannelCaseStaff {
			cmd.Visibility = string(jihat.VisibilityInternal)
		}
		vis, err := jihat.ParseVisibility(cmd.Visibility)
		if err != nil {
			return nil, err
		}
		a := jihat.AuditEntry{ActorID: u.ID, Action: "case.comment", Details: `{"via":"ws"}`,
			IP: cc.ClientIP, UserAgent: truncate(cc.UserAgent, 512)}
		ev, err := b.s.AddComment(ctx, u, a, ch.ID, cmd.Body, vis)
		if err != nil {
			return nil, err
		}
		return ev, nil
	}
	return nil, jihat.Invalid(map[string]string{"type": "invalid_value"})
}

// feedTail is how many recent events a feed subscription starts with.
const feedTail = 50

// Replay reads durable events back from the database: a case channel's
// events after since (nothing for since < 0: clients load history over
// REST), or the latest events of a feed.
func (b liveBackend) Replay(ctx context.Context, channel string, since int64, limit int) ([]hub.Event, error) {
	evs, err := b.replay(ctx, channel, since, limit)
	return evs, liveFault(err)
}

func (b liveBackend) replay(ctx context.Context, channel string, since int64, limit int) ([]hub.Event, error) {
	ch, err := jihat.ParseChannel(channel)
	if err != nil {
		return nil, err
	}
	var events []jihat.CaseEvent
	switch ch.Kind {
	case jihat.ChannelMeeting:
		if since < 0 {
			return nil, nil // the snapshot and REST give the state
		}
		return b.s.meetingReplay(ctx, channel, since, limit)
	case jihat.ChannelCase, jihat.ChannelCaseStaff:
		if since < 0 {
			return nil, nil
		}
		if events, err = b.s.store.Events(ctx, channel, since, limit); err != nil {
			return nil, err
		}
		if len(events) == 0 {
			return nil, nil
		}
	case jihat.ChannelEntityFeed, jihat.ChannelFeed:
		if since >= 0 {
			return nil, nil // feeds are live tails, not sequenced
		}
		entity := ""
		if ch.Kind == jihat.ChannelEntityFeed {
			entity = ch.ID
		}
		return b.s.feedTail(ctx, entity, ch.Kind == jihat.ChannelFeed, min(limit, feedTail))
	default:
		return nil, nil
	}
	return b.s.hubEvents(ctx, events, ch.Kind == jihat.ChannelCase || ch.Kind == jihat.ChannelCaseStaff)
}

// hubEvents encodes events for the hub, with their sequence numbers when
// the channel is sequenced, else (a feed) with their IDs as keys; each with
// the audience of its case as it is now (the hub gives an event only to
// subscribers who may read it).
func (s *Server) hubEvents(ctx context.Context, events []jihat.CaseEvent, sequenced bool) ([]hub.Event, error) {
	names, err := actorNames(ctx, s.store, events)
	if err != nil {
		return nil, err
	}
	caseIDs := make([]string, 0, 1)
	for _, e := range events {
		if !slices.Contains(caseIDs, e.CaseID) {
			caseIDs = append(caseIDs, e.CaseID)
		}
	}
	auds, err := s.store.CaseAudiences(ctx, caseIDs)
	if err != nil {
		return nil, err
	}
	out := make([]hub.Event, 0, len(events))
	for i := range events {
		e := &events[i]
		aud, ok := auds[e.CaseID]
		if !ok {
			continue // the case is gone: nobody may read its events
		}
		aud.Internal = e.Visibility == jihat.VisibilityInternal
		data, err := json.Marshal(newEventView(e, names))
		if err != nil {
			return nil, err
		}
		ev := hub.Event{Data: data, Audience: &aud}
		if sequenced {
			ev.Seq = events[i].Seq
		} else {
			ev.Key = events[i].ID // as publish keys feed entries
		}
		out = append(out, ev)
	}
	return out, nil
}

// Positions returns the latest sequence of each case channel.
func (b liveBackend) Positions(ctx context.Context, channels []string) (map[string]int64, error) {
	pos, err := b.s.store.LastSeqs(ctx, channels)
	return pos, liveFault(err)
}

// liveFault is what the socket answers for err: a database that cannot be
// reached is EUNAVAILABLE (retry), as over REST (Server.classify); any
// other error is left as it is.
func liveFault(err error) error {
	if err != nil && store.Unavailable(err) {
		return &jihat.Error{Code: jihat.EUNAVAILABLE, Key: "unavailable", RetryAfter: unavailableRetry}
	}
	return err
}
