package server_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// sessionCookie returns the session cookie an answer sets, or nil.
func sessionCookie(h http.Header) *http.Cookie {
	for _, line := range h.Values("Set-Cookie") {
		c, err := http.ParseSetCookie(line)
		if err == nil && c.Name == server.SessionCookie {
			return c
		}
	}
	return nil
}

// deleted reports whether a Set-Cookie deletes the cookie in a browser: an
// empty value that has expired (Max-Age <= 0 or an Expires in the past).
func deleted(c *http.Cookie) bool {
	return c != nil && c.Value == "" && (c.MaxAge < 0 || (!c.Expires.IsZero() && c.Expires.Before(time.Now())))
}

func login(t *testing.T, ts *testserver.TestServer, a testserver.Account) (*testserver.Response, string) {
	t.Helper()
	res, err := ts.Raw("POST", "/api/v1/auth/login", "", map[string]string{"login": a.Login, "password": a.Password})
	if err != nil || res.Status != 200 {
		t.Fatalf("login: %v %v", res, err)
	}
	m, _ := res.JSON()
	return res, testserver.Str(m, "token")
}

func TestSessionCookie(t *testing.T) {
	tests := []struct {
		name       string
		opts       []testserver.Option
		wantSecure bool
	}{
		{"plain HTTP", nil, false},
		{"SecureCookies behind a TLS proxy", []testserver.Option{testserver.Configure(func(c *server.Config) { c.SecureCookies = true })}, true},
		{"served over TLS", []testserver.Option{testserver.TLS()}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts := testserver.Start(t, tt.opts...)
			c := ts.RegisterCitizen()
			res, token := login(t, ts, c)
			ck := sessionCookie(res.Header)
			if ck == nil {
				t.Fatalf("login set no %s cookie: %v", server.SessionCookie, res.Header.Values("Set-Cookie"))
			}
			if ck.Value != token || !ck.HttpOnly || ck.SameSite != http.SameSiteStrictMode || ck.Path != "/" || ck.MaxAge <= 0 {
				t.Errorf("cookie = %+v; want the token, HttpOnly, SameSite=Strict, Path=/, a Max-Age", ck)
			}
			if ck.Secure != tt.wantSecure {
				t.Errorf("Secure = %v, want %v", ck.Secure, tt.wantSecure)
			}
			// The cookie alone authenticates.
			me := ts.Must(http.StatusOK, "GET", "/api/v1/me", "", nil, "Cookie", server.SessionCookie+"="+ck.Value)
			if testserver.Str(me, "user.id") != c.ID {
				t.Errorf("GET /me with the cookie = %v", me)
			}
		})
	}
}

func TestLogout(t *testing.T) {
	ts := testserver.Start(t)
	c := ts.RegisterCitizen()
	_, other := login(t, ts, c) // a second session of the same user
	audits := auditRows(t, ts)

	res, err := ts.Raw("POST", "/api/v1/auth/logout", c.Token, nil)
	if err != nil || res.Status != http.StatusNoContent || len(res.Body) != 0 {
		t.Fatalf("logout: %+v %v", res, err)
	}
	if ck := sessionCookie(res.Header); !deleted(ck) || !ck.HttpOnly {
		t.Errorf("logout did not clear the cookie: %v", res.Header.Values("Set-Cookie"))
	}
	if n := auditRows(t, ts); n != audits+1 {
		t.Errorf("logout wrote %d audit rows, want 1", n-audits)
	}
	for name, hdr := range map[string][]string{
		"bearer": nil,
		"cookie": {"Cookie", server.SessionCookie + "=" + c.Token},
	} {
		token := c.Token
		if hdr != nil {
			token = ""
		}
		status, body := ts.Do("GET", "/api/v1/me", token, nil, hdr...)
		wantError(t, status, body, 401, "EUNAUTHORIZED", "")
		if name == "cookie" {
			res, _ := ts.Raw("GET", "/api/v1/me", "", nil, hdr...)
			if ck := sessionCookie(res.Header); !deleted(ck) {
				t.Errorf("a dead cookie is not cleared: %v", res.Header.Values("Set-Cookie"))
			}
		}
	}
	// Logging out again with the dead token, or with none, is 401.
	status, body := ts.Do("POST", "/api/v1/auth/logout", c.Token, nil)
	wantError(t, status, body, 401, "EUNAUTHORIZED", "")
	status, body = ts.Do("POST", "/api/v1/auth/logout", "", nil)
	wantError(t, status, body, 401, "EUNAUTHORIZED", "")
	// The other session lives on.
	ts.Must(http.StatusOK, "GET", "/api/v1/me", other, nil)
}

func TestBadTokens(t *testing.T) {
	ts := testserver.Start(t)
	c := ts.RegisterCitizen()
	for name, hdr := range map[string][]string{
		"unknown bearer":        {"Authorization", "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		"oversized bearer":      {"Authorization", "Bearer " + strings.Repeat("A", 200)},
		"unknown cookie":        {"Cookie", server.SessionCookie + "=nope"},
		"token as query string": nil,
	} {
		t.Run(name, func(t *testing.T) {
			path := "/api/v1/me"
			if hdr == nil {
				path += "?token=" + c.Token + "&access_token=" + c.Token
			}
			status, body := ts.Do("GET", path, "", nil, hdr...)
			wantError(t, status, body, 401, "EUNAUTHORIZED", "")
		})
	}
}
