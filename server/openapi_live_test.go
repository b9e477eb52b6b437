package server_test

import (
	"encoding/json"
	"slices"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/internal/testserver"
)

// TestOpenAPILiveAndReport: the document describes what a client needs that
// the server does: every message type /ws sends (presence and position
// included) with the data of presence, and the category a report requires,
// with its values.
func TestOpenAPILiveAndReport(t *testing.T) {
	ts := testserver.Start(t)
	res, err := ts.Raw("GET", "/api/v1/openapi.json", "", nil)
	if err != nil || res.Status != 200 {
		t.Fatalf("GET openapi.json: %v %v", res, err)
	}
	type schema struct {
		Enum        []string          `json:"enum"`
		Description string            `json:"description"`
		Properties  map[string]schema `json:"properties"`
		Required    []string          `json:"required"`
	}
	var doc struct {
		Components struct {
			Schemas map[string]schema `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	env, ok := doc.Components.Schemas["LiveEnvelope"]
	if !ok {
		t.Fatal("no LiveEnvelope schema")
	}
	for _, typ := range []string{hub.TypeAck, hub.TypeError, hub.TypeEvent, hub.TypeSnapshot, hub.TypePresence, hub.TypePosition,
		hub.TypePong, hub.TypeUnsubscribed, hub.TypeTyping, hub.TypeSubscribe, hub.TypeFetch, hub.TypeAuth} {
		if !slices.Contains(env.Properties["type"].Enum, typ) {
			t.Errorf("LiveEnvelope.type lacks %q: %v", typ, env.Properties["type"].Enum)
		}
	}
	if p := doc.Components.Schemas["LivePresence"]; !slices.Equal(p.Properties["action"].Enum, []string{"join", "leave"}) {
		t.Errorf("LivePresence %+v", p)
	}
	cat := doc.Components.Schemas["CaseRequest"].Properties["category"]
	for _, c := range jihat.ReportCategories {
		if !slices.Contains(cat.Enum, string(c)) {
			t.Errorf("CaseRequest.category lacks %q: %v", c, cat.Enum)
		}
	}
	if cat.Description == "" {
		t.Error("CaseRequest.category does not say it is required for a report")
	}
}
