package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/store"
)

// The server's side of the live hub: what it tells the hub (sessions that
// ended, permissions that changed) and what it asks of it (who is online).

// sessionEnded closes a session's sockets on every node (logout).
func (s *Server) sessionEnded(ctx context.Context, sessionID string) {
	if err := s.hub.DisconnectSession(ctx, sessionID); err != nil {
		s.log.WarnContext(ctx, "disconnect session", slog.Any("err", err))
	}
}

// userRevoked closes every socket of a user (account disabled).
func (s *Server) userRevoked(ctx context.Context, userID string) {
	if err := s.hub.DisconnectUser(ctx, userID, "account disabled"); err != nil {
		s.log.WarnContext(ctx, "disconnect user", slog.Any("err", err))
	}
}

// permissionsChanged asks every node to re-check the user's subscriptions.
func (s *Server) permissionsChanged(ctx context.Context, userID string) {
	if err := s.hub.Reauthorize(ctx, userID); err != nil {
		s.log.WarnContext(ctx, "reauthorize user", slog.Any("err", err))
	}
}

// onlineStaff asks the hub's presence (shared across nodes through Redis)
// which of a department's staff are connected now, for assignment. Ask it
// before the case's transaction opens, never inside it: the answer may
// take up to half a second. Nil when the hub cannot say (assignment then
// counts those seen recently).
func (s *Server) onlineStaff(ctx context.Context, entityID, departmentID string) store.Online {
	ids, err := s.store.DepartmentStaff(ctx, entityID, departmentID)
	if err != nil || len(ids) == 0 {
		return nil
	}
	ctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	defer cancel()
	on, err := s.hub.Online(ctx, ids)
	if err != nil {
		return nil
	}
	return on
}

// onlineCache asks onlineStaff once per department, for work on many
// cases in a row (the sweeper, a hand-off). Not safe for concurrent use.
type onlineCache struct {
	s      *Server
	byDept map[string]store.Online
}

func (s *Server) onlineCache() *onlineCache {
	return &onlineCache{s: s, byDept: map[string]store.Online{}}
}

// of returns who of the department's staff is online.
func (o *onlineCache) of(ctx context.Context, entityID, departmentID string) store.Online {
	key := entityID + "/" + departmentID
	on, ok := o.byDept[key]
	if !ok {
		on = o.s.onlineStaff(ctx, entityID, departmentID)
		o.byDept[key] = on
	}
	return on
}

// ofCase is of for the department of case id (nil when it cannot be read:
// the transaction will find out).
func (o *onlineCache) ofCase(ctx context.Context, id string) store.Online {
	c, err := o.s.store.Case(ctx, id)
	if err != nil {
		return nil
	}
	return o.of(ctx, c.EntityID, c.DepartmentID)
}

// connected is the hub's OnConnect hook: a user who opens a socket counts as
// seen, for the "online recently" fallback of assignment, and cases waiting
// for someone are offered again.
func (s *Server) connected(ev hub.SessionEvent) {
	s.activity.connected(ev)
	s.seen.seen(ev.UserID, ev.At) // written shortly, with the others connecting (live_seen.go)
	if ev.Online {
		s.wakeSweeper() // an employee came online: a waiting case may be theirs now
	}
}

// disconnected is the hub's OnDisconnect hook: the connection's online
// time ends (hours worked), and its meeting audio, if any, stops.
func (s *Server) disconnected(ev hub.SessionEvent) {
	s.activity.disconnected(ev)
	s.rtcDisconnected(ev)
}

// connectReads is hub.Config.ConnectReads for st. On SQLite the connect
// reads have a read pool of their own (store.rdb) and concurrent session
// and case audience reads go as one query each, so a reconnect storm's
// clients should not queue for slots: 64 (18,000 clients at once on SQLite,
// issue 17 session 6: 788 connects/s with 16, 1,029 with 32, 1,210 with 64,
// 1,180 with 256). On PostgreSQL they share the pool with the commits: the
// hub's default (16).
func connectReads(st *store.Store) int {
	if st.Postgres() {
		return 0
	}
	return 64
}
