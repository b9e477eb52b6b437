package server

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

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
	if len(token) > 128 {
		return jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	sess, u, err := s.store.SessionByTokenHash(c.UserContext(), tokenHash(token))
	if err != nil {
		if jihat.ErrorCode(err) == jihat.EUNAUTHORIZED {
			s.clearCookie(c)
		}
		return err
	}
	c.Locals(localPrincipal, &principal{user: u, sessionID: sess.ID})
	return c.Next()
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
		Secure: s.cfg.SecureCookies || overTLS(c), SameSite: fiber.CookieSameSiteStrictMode, MaxAge: -1})
}
