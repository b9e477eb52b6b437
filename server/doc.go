// Package server is Jihat's front: one net/http server on one port that sends
// /ws to the live hub (coder/websocket needs net/http's Hijacker) and
// everything else to the Fiber app through a small bridge (bridge.go).
//
// It holds the application services, one use case each: check permission
// with the rules of package jihat, write in one store transaction (with its
// audit entry), then publish. Handlers parse a request into an explicit
// request type, call one service method and render; no GORM here.
//
// A *Server is safe for concurrent use once built.
package server
