// Package client is the Go SDK of Jihat: typed calls for the REST API
// (/api/v1) and a live connection to the WebSocket endpoint (/ws) that
// reconnects by itself and resumes every subscription from the last
// sequence number it delivered.
//
// The package owns its wire types (User, Entity, Case, CaseEvent, ...); it
// depends only on the standard library and github.com/coder/websocket, so a
// program can use it without pulling in the server.
//
//	c := client.New("http://127.0.0.1:8080", client.WithLanguage("en"))
//	if _, err := c.Login(ctx, "citizen@jihat.demo", password); err != nil { ... }
//	cs, err := c.CreateCase(ctx, client.CaseRequest{...})
//
//	live, err := c.Connect(ctx)
//	err = live.Subscribe(ctx, "case:"+cs.ID, 0)
//	for m := range live.Events() {
//		switch m := m.(type) {
//		case *client.Event: // durable, in order, once: m.Seq is 1, 2, 3, ...
//		case *client.Presence, *client.Typing, *client.Snapshot: // ephemeral
//		}
//	}
//
// Errors from the server are *Error values carrying the HTTP status (0 on the
// socket), the stable code (EINVALID, EFORBIDDEN, ...), the message in the
// client's language and the per-field messages.
//
// Concurrency: a Client and a Live are safe for concurrent use. A Live
// delivers messages on one channel (Events), in order per subscription
// channel; the consumer must keep reading it, since a full Events buffer
// stops reading from the socket (the server then drops the socket as a slow
// consumer, and the Live reconnects and resumes without losing events).
package client
