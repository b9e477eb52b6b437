package hub

import (
	"context"

	"github.com/jihat/jihat"
)

// The database reads of connects and subscribes (authentication,
// authorisation, a new channel's baseline position, the replay) run at most
// Config.ConnectReads at a time on a node. A reconnect storm (a node
// restarted behind a load balancer: thousands of clients at once) would
// otherwise queue thousands of reads on the database's connections, and the
// commits of the live traffic would wait behind them: SQLite has one
// connection, and database/sql hands a freed connection to a waiter picked
// at random. With the bound a commit waits behind a few reads at most, and
// the storm's clients take their turns in order (the blocked senders of a
// channel are served first come, first served).

// withRead runs f holding one of the node's read slots. A context that
// ends while waiting for one is EUNAVAILABLE (try again later).
func (h *Hub) withRead(ctx context.Context, f func() error) error {
	select {
	case h.reads <- struct{}{}:
	default:
		h.m.readWaits.Inc()
		select {
		case h.reads <- struct{}{}:
		case <-ctx.Done():
			return jihat.Errorf(jihat.EUNAVAILABLE, "unavailable")
		}
	}
	defer func() { <-h.reads }()
	return f()
}
