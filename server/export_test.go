package server

import (
	"context"
	"sort"
	"strings"
)

// Exports for the black-box tests of package server_test.

var (
	HashPassword     = hashPassword
	CheckPassword    = checkPassword
	GeneratePassword = generatePassword
)

// Routes returns every route of the Fiber app as "METHOD /path", with Fiber's
// :param written {param} as in OpenAPI. The HEAD routes Fiber adds for every
// GET, and middleware, are left out.
func (s *Server) Routes() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range s.app.GetRoutes(true) {
		if r.Method == "HEAD" {
			continue
		}
		segs := strings.Split(r.Path, "/")
		for i, seg := range segs {
			if strings.HasPrefix(seg, ":") {
				segs[i] = "{" + strings.TrimSuffix(strings.TrimPrefix(seg, ":"), "?") + "}"
			}
		}
		key := r.Method + " " + strings.Join(segs, "/")
		if !seen[key] {
			seen[key] = true
			out = append(out, key)
		}
	}
	sort.Strings(out)
	return out
}

// Operation is one entry of the OpenAPI operations list.
type Operation struct {
	Method string // upper case
	Path   string // OpenAPI form, {param}
	Auth   bool   // needs a session
}

// Key is "METHOD /path".
func (o Operation) Key() string { return o.Method + " " + o.Path }

// Operations returns the operations the OpenAPI document is built from.
func Operations() []Operation {
	out := make([]Operation, len(operations))
	for i, o := range operations {
		out[i] = Operation{Method: strings.ToUpper(o.method), Path: o.path, Auth: o.auth}
	}
	return out
}

// PresenceEdge hands the server an arrival or departure of userID on a
// channel as the hub does (Config.OnPresence).
func (s *Server) PresenceEdge(ctx context.Context, channel, userID string, present bool) {
	s.onPresence(ctx, channel, userID, present)
}
