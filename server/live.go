package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/jihat/jihat/hub"
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

// online tells assignment which employees are connected now, from the hub's
// presence (shared across nodes through Redis).
func (s *Server) online(ids []string) (map[string]bool, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	return s.hub.Online(ctx, ids)
}

// connected is the hub's OnConnect hook: a user who opens a socket counts as
// seen, for the "online recently" fallback of assignment, and cases waiting
// for someone are offered again.
func (s *Server) connected(ev hub.SessionEvent) {
	s.activity.connected(ev)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := s.store.TouchUser(ctx, ev.UserID, ev.At); err != nil {
		s.log.Warn("touch user", slog.Any("err", err))
	}
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
