package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/jihat/jihat/store"
)

// copyLoad copies the dataset of the PostgreSQL database at url into dst.
func copyLoad(ctx context.Context, dst *store.Store, url string, key []byte, cases, events bool, out io.Writer) error {
	src, err := store.Open(ctx, store.Config{DatabaseURL: url, Key: key})
	if err != nil {
		return err
	}
	defer src.Close()
	began := time.Now()
	err = src.CopyLoad(ctx, dst, cases, events, func(table string, n int) {
		if n%50_000 == 0 {
			fmt.Fprintf(out, "\r%s: %d", table, n)
		}
	})
	fmt.Fprintf(out, "\ncopied in %s\n", time.Since(began).Round(time.Second))
	return err
}

// The benchmark's platform admin (made by Bootstrap in the benchmark's own
// database when it has none).
const (
	benchAdmin    = "statsbench-admin@jihat.invalid"
	benchPassword = "statsbench-password-2026"
)

// dashboardCalls are the API calls of the dashboard's first paint for an
// entity (path e) and a period (query q): the figures of the period, the
// breakdown by department, the indicators by day for the charts, and the
// live counters.
func dashboardCalls(e, q string) []string {
	return []string{e + "?" + q, e + "/breakdown?by=department&" + q, e + "/indicators?by=day&" + q, e + "/counters"}
}

// client calls the API over HTTP with a session token.
type client struct {
	base  string
	hc    *http.Client
	token string
}

func (c *client) login(ctx context.Context, login, password string) error {
	body, _ := json.Marshal(map[string]string{"login": login, "password": password})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/auth/login", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		return fmt.Errorf("login as %s: %s (%v)", login, res.Status, err)
	}
	c.token = out.Token
	return nil
}

// get reads one answer whole; anything but 200 is an error.
func (c *client) get(ctx context.Context, path string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	res, err := c.hc.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err == nil && res.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: %s %s", path, res.Status, b)
	}
	return err
}

// getAll makes the calls at once and returns when every answer is read.
func (c *client) getAll(ctx context.Context, paths ...string) error {
	errs := make(chan error, len(paths))
	for _, p := range paths {
		go func() { errs <- c.get(ctx, p) }()
	}
	var first error
	for range paths {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
