package server

import (
	"context"
	"encoding/json"
	"net/http"
	"time"
)

// healthz answers 200 while the process runs.
func (s *Server) healthz(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write([]byte(`{"status":"ok"}` + "\n"))
}

// readyz answers 200 when the database and every configured dependency
// (Redis) answer, 503 otherwise, naming each check.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 3*time.Second)
	defer cancel()
	checks := append([]Check{{Name: "database", Fn: s.store.Ping}}, s.cfg.Ready...)
	result := map[string]string{}
	status := http.StatusOK
	for _, c := range checks {
		if err := c.Fn(ctx); err != nil {
			result[c.Name] = "down"
			status = http.StatusServiceUnavailable
		} else {
			result[c.Name] = "ok"
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{"ready": status == http.StatusOK, "checks": result})
}
