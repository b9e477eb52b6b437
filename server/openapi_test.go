package server_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// TestOpenAPICoversRoutes fails when the Fiber app serves a route that the
// OpenAPI document lacks, or the document names a route nothing serves.
func TestOpenAPICoversRoutes(t *testing.T) {
	ts := testserver.Start(t)
	routes := ts.Server.Routes()
	if len(routes) < 15 {
		t.Fatalf("only %d routes found: %v", len(routes), routes)
	}
	documented := map[string]bool{}
	for _, op := range server.Operations() {
		if documented[op.Key()] {
			t.Errorf("%s is listed twice", op.Key())
		}
		documented[op.Key()] = true
	}
	for _, r := range routes {
		if !documented[r] {
			t.Errorf("route %s is not in the OpenAPI document (server/openapi.go)", r)
		}
	}
	// Documented operations that are not Fiber routes are served by the
	// net/http front (health, metrics, /ws, streamed files): an anonymous
	// request must reach a handler, not the not-found answer.
	const someID = "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"
	for _, op := range server.Operations() {
		if slices.Contains(routes, op.Key()) {
			continue
		}
		path := op.Path
		for strings.Contains(path, "{") {
			i, j := strings.Index(path, "{"), strings.Index(path, "}")
			path = path[:i] + someID + path[j+1:]
		}
		res, err := ts.Raw(op.Method, path, "", nil)
		if err != nil {
			t.Fatal(err)
		}
		if res.Status == http.StatusNotFound || res.Status == http.StatusMethodNotAllowed {
			t.Errorf("%s is documented but not served: %d %s", op.Key(), res.Status, res.Body)
		}
	}
}

// TestOpenAPIDocument checks the served document: OpenAPI 3, every
// operation present with a success answer and the error answers, every
// schema reference resolved, and path parameters declared.
func TestOpenAPIDocument(t *testing.T) {
	ts := testserver.Start(t)
	res, err := ts.Raw("GET", "/api/v1/openapi.json", "", nil)
	if err != nil || res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET openapi.json: %v %v", res, err)
	}
	var doc struct {
		OpenAPI    string                               `json:"openapi"`
		Paths      map[string]map[string]map[string]any `json:"paths"`
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(res.Body, &doc); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		t.Errorf("openapi = %q", doc.OpenAPI)
	}
	for _, op := range server.Operations() {
		o := doc.Paths[op.Path][strings.ToLower(op.Method)]
		if o == nil {
			t.Errorf("%s missing from the served document", op.Key())
			continue
		}
		responses, _ := o["responses"].(map[string]any)
		if len(responses) < 2 || responses["4XX"] == nil {
			t.Errorf("%s: responses %v", op.Key(), responses)
		}
		params, _ := o["parameters"].([]any)
		if want := strings.Count(op.Path, "{"); len(params) != want {
			t.Errorf("%s declares %d path parameters, want %d", op.Key(), len(params), want)
		}
		if _, secured := o["security"]; secured != op.Auth {
			t.Errorf("%s: security present = %v, auth = %v", op.Key(), secured, op.Auth)
		}
	}
	// Every $ref names a schema.
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if ref, ok := x["$ref"].(string); ok {
				name := strings.TrimPrefix(ref, "#/components/schemas/")
				if doc.Components.Schemas[name] == nil {
					t.Errorf("$ref %s names no schema", ref)
				}
			}
			for _, y := range x {
				walk(y)
			}
		case []any:
			for _, y := range x {
				walk(y)
			}
		}
	}
	var all any
	_ = json.Unmarshal(res.Body, &all)
	walk(all)
}
