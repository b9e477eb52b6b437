package server_test

import (
	"encoding/json"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestLiveErrorsEchoTheID: every refused request over the socket answers
// with an error frame carrying the request's id, so a client waiting on it
// does not time out: a bad channel, an unknown type, since -1, an unknown
// field, a wrong type for a field.
func TestLiveErrorsEchoTheID(t *testing.T) {
	ts := testserver.Start(t)
	cit := ts.RegisterCitizen()
	ws := ts.DialLive(cit.Token)
	for name, msg := range map[string]map[string]any{
		"bad channel":       {"type": "subscribe", "channel": "case:nope"},
		"unknown type":      {"type": "explode", "channel": jihat.FeedChannel},
		"since -1":          {"type": "subscribe", "channel": jihat.UserChannel(cit.ID), "since": -1},
		"unknown field":     {"type": "subscribe", "channel": jihat.UserChannel(cit.ID), "color": "red"},
		"since as a string": {"type": "subscribe", "channel": jihat.UserChannel(cit.ID), "since": "3"},
		"ping with channel": {"type": "ping", "channel": jihat.FeedChannel},
	} {
		f := ws.Request(msg)
		var e struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		}
		json.Unmarshal(f.Data, &e)
		if f.Type != "error" || e.Code != jihat.EINVALID || e.Message == "" {
			t.Errorf("%s: %s %s, want an EINVALID error with the request's id", name, f.Type, f.Data)
		}
	}
}
