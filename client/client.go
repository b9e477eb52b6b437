package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// maxBody bounds an answer read into memory (the API's pages are small).
const maxBody = 16 << 20

// Client calls one Jihat server. It is safe for concurrent use; Login and
// Logout change the token every later call sends.
type Client struct {
	base      *url.URL
	http      *http.Client
	lang      string
	origin    string
	userAgent string

	mu    sync.Mutex // guards token
	token string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests with hc (timeouts, TLS, proxies). The live
// connection dials with the same transport.
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.http = hc } }

// WithToken authenticates with a session token already obtained (Login sets
// it too).
func WithToken(token string) Option { return func(c *Client) { c.token = token } }

// WithLanguage sets Accept-Language ("ar", the server's default, or "en"):
// the language of error messages and labels.
func WithLanguage(lang string) Option { return func(c *Client) { c.lang = lang } }

// WithOrigin sends this Origin header when dialling /ws (for a server whose
// allow-list is being tested; programs normally send none).
func WithOrigin(origin string) Option { return func(c *Client) { c.origin = origin } }

// WithUserAgent sets the User-Agent header.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL ("http://127.0.0.1:8080";
// a path prefix is kept). It panics on a malformed baseURL, which is a
// programming error.
func New(baseURL string, opts ...Option) *Client {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		panic(fmt.Sprintf("client.New: base URL %q must be http(s)://host[:port]", baseURL))
	}
	c := &Client{base: u, http: http.DefaultClient, userAgent: "jihat-go-client"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Token returns the session token the client sends ("" when none).
func (c *Client) Token() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.token
}

// SetToken replaces the session token ("" to send none).
func (c *Client) SetToken(token string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.token = token
}

// BaseURL returns the server's base URL.
func (c *Client) BaseURL() string { return c.base.String() }

// endpoint joins the API path and query to the base URL.
func (c *Client) endpoint(path string, q url.Values) string {
	u := *c.base
	u.Path = strings.TrimRight(u.Path, "/") + path
	u.RawQuery = q.Encode()
	return u.String()
}

// header sets the headers every request carries.
func (c *Client) header(h http.Header) {
	if t := c.Token(); t != "" {
		h.Set("Authorization", "Bearer "+t)
	}
	if c.lang != "" {
		h.Set("Accept-Language", c.lang)
	}
	if c.userAgent != "" {
		h.Set("User-Agent", c.userAgent)
	}
}

// do sends one JSON request and decodes a 2xx answer into out (when not
// nil). in is JSON-encoded when not nil. It returns the status.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, in, out any) (int, error) {
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			return 0, fmt.Errorf("jihat: encode %s %s: %w", method, path, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.endpoint(path, q), body)
	if err != nil {
		return 0, err
	}
	c.header(req.Header)
	req.Header.Set("Accept", "application/json")
	if in != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(io.LimitReader(res.Body, maxBody))
	if err != nil {
		return res.StatusCode, fmt.Errorf("jihat: read %s %s: %w", method, path, err)
	}
	if res.StatusCode < 200 || res.StatusCode > 299 {
		return res.StatusCode, decodeError(res.StatusCode, data)
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return res.StatusCode, fmt.Errorf("jihat: decode %s %s: %w", method, path, err)
		}
	}
	return res.StatusCode, nil
}

// pathEscape escapes one path segment (IDs are UUIDs; this keeps a bad one
// from changing the route).
func pathEscape(s string) string { return url.PathEscape(s) }
