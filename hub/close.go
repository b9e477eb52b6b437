package hub

import "github.com/coder/websocket"

// WebSocket close codes the hub uses. Codes 4000-4999 are the
// application's (RFC 6455 §7.4.2); the others are standard.
const (
	// CloseResync: the client fell behind (its send queue or replay buffer
	// filled), or its snapshot could not be read whole, and was dropped.
	// Nothing is lost: reconnect, and subscribe again with since = the
	// last seq received on each channel.
	CloseResync websocket.StatusCode = 4008
	// CloseRevoked: the session was ended (logout, account disabled,
	// password changed). Do not reconnect with the same credentials.
	CloseRevoked websocket.StatusCode = 4001
	// CloseIdle: no pong (nor any frame) from the client within the idle
	// timeout. Reconnect when able.
	CloseIdle websocket.StatusCode = 4002
	// CloseGoingAway (1001): the server is shutting down, or the socket
	// failed while writing. Reconnect (to another node) with since.
	CloseGoingAway = websocket.StatusGoingAway
	// ClosePolicy (1008): no valid authentication within the auth timeout,
	// a message before authenticating, or sustained rate-limit abuse.
	ClosePolicy = websocket.StatusPolicyViolation
	// CloseTooBig (1009): a message over MaxEnvelopeSize.
	CloseTooBig = websocket.StatusMessageTooBig
	// CloseTryAgain (1013): authentication could not be checked (the
	// database is unavailable, EUNAVAILABLE). Reconnect after a moment.
	CloseTryAgain = websocket.StatusTryAgainLater
)
