package server

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/jihat/jihat"
)

// SessionCookie is the name of the browser's session cookie.
const SessionCookie = "jihat_session"

// principal is the authenticated caller of a request.
type principal struct {
	user      *jihat.User
	sessionID string
}

const localPrincipal = "jihat.principal"

// newToken returns a session token (32 random bytes, URL-safe base64) and the
// hex SHA-256 that the store keeps instead of it.
func newToken() (token, hash string) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	token = base64.RawURLEncoding.EncodeToString(b)
	return token, tokenHash(token)
}

func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// bearerOrCookie returns the session token of a request: the Authorization
// bearer, else the session cookie. Tokens in the URL are never read.
func bearerOrCookie(authz, cookie string) string {
	if rest, ok := strings.CutPrefix(authz, "Bearer "); ok {
		return strings.TrimSpace(rest)
	}
	return cookie
}

// authenticate resolves the caller, if any, for every request. A present but
// invalid token is 401, so a client learns its session ended.
func (s *Server) authenticate(c *fiber.Ctx) error {
	token := bearerOrCookie(c.Get(fiber.HeaderAuthorization), c.Cookies(SessionCookie))
	if token == "" {
		return c.Next()
	}
	p, err := s.resolveToken(c.UserContext(), token)
	if err != nil {
		if jihat.ErrorCode(err) == jihat.EUNAUTHORIZED {
			s.clearCookie(c)
		}
		return err
	}
	c.Locals(localPrincipal, p)
	return c.Next()
}

// resolveToken returns the principal of a session token, EUNAUTHORIZED when
// the session is unknown, expired or revoked or the account disabled.
func (s *Server) resolveToken(ctx context.Context, token string) (*principal, error) {
	if len(token) > 128 {
		return nil, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	sess, u, err := s.store.SessionByTokenHash(ctx, tokenHash(token))
	if err != nil {
		return nil, err
	}
	return &principal{user: u, sessionID: sess.ID}, nil
}

// requestUser authenticates a plain net/http request (uploads, downloads)
// like requireUser does for the Fiber app.
func (s *Server) requestUser(r *http.Request) (*jihat.User, error) {
	cookie := ""
	if c, err := r.Cookie(SessionCookie); err == nil {
		cookie = c.Value
	}
	token := bearerOrCookie(r.Header.Get("Authorization"), cookie)
	if token == "" {
		return nil, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	p, err := s.resolveToken(r.Context(), token)
	if err != nil {
		return nil, err
	}
	if p.user.MustChangePass {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "password_change_required")
	}
	return p.user, nil
}

// caller returns the authenticated principal or nil.
func caller(c *fiber.Ctx) *principal {
	p, _ := c.Locals(localPrincipal).(*principal)
	return p
}

// requireUser returns the caller's user, EUNAUTHORIZED without a session, and
// EFORBIDDEN ("password_change_required") for an account that must change
// its generated password first.
func requireUser(c *fiber.Ctx) (*jihat.User, error) {
	p := caller(c)
	if p == nil {
		return nil, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	if p.user.MustChangePass {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "password_change_required")
	}
	return p.user, nil
}

// audit starts an audit entry for this request: actor, IP, user agent.
func audit(c *fiber.Ctx, action string) jihat.AuditEntry {
	a := jihat.AuditEntry{Action: action, IP: c.IP(), UserAgent: truncate(c.Get(fiber.HeaderUserAgent), 512)}
	if p := caller(c); p != nil {
		a.ActorID = p.user.ID
	}
	return a
}

// detailsJSON encodes audit details.
func detailsJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return "{}"
	}
	return string(b)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func (s *Server) setCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: token, Path: "/", HTTPOnly: true,
		Secure: s.cfg.SecureCookies || overTLS(c), SameSite: fiber.CookieSameSiteStrictMode,
		MaxAge: int(s.cfg.SessionTTL.Seconds())})
}

func (s *Server) clearCookie(c *fiber.Ctx) {
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true,
		Secure: s.cfg.SecureCookies || overTLS(c), SameSite: fiber.CookieSameSiteStrictMode,
		// An expiry in the past deletes the cookie; fasthttp writes no
		// Max-Age for a negative one, which would leave an empty cookie behind.
		Expires: fasthttp.CookieExpireDelete})
}
