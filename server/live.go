package server

import "context"

// Live is what the server needs from the live hub: publishing committed
// events (with their channel sequence number; 0 for live-only channels),
// ending a session's or a user's sockets on every node, and re-checking a
// user's subscriptions when their permissions change. A nil Live (no hub
// wired) does nothing.
type Live interface {
	Publish(ctx context.Context, channel string, seq int64, payload []byte) error
	DisconnectSession(ctx context.Context, sessionID string) error
	DisconnectUser(ctx context.Context, userID string) error
	Reauthorize(ctx context.Context, userID string) error
}

// sessionEnded tells the hub that a session is over (logout).
func (s *Server) sessionEnded(ctx context.Context, sessionID string) {
	if s.cfg.Live != nil {
		if err := s.cfg.Live.DisconnectSession(ctx, sessionID); err != nil {
			s.log.WarnContext(ctx, "disconnect session", "err", err)
		}
	}
}

// permissionsChanged asks the hub to re-check the user's subscriptions.
func (s *Server) permissionsChanged(ctx context.Context, userID string) {
	if s.cfg.Live != nil {
		if err := s.cfg.Live.Reauthorize(ctx, userID); err != nil {
			s.log.WarnContext(ctx, "reauthorize user", "err", err)
		}
	}
}
