package server

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// A forgotten password is reset with a six-digit code sent to the account's
// e-mail and mobile (the kind account.password_reset, through the outbox
// like every notification). The code is not stored: it is an HMAC, keyed
// with the account's current password hash (a secret that only the
// database holds), of the account and a 15-minute window. So it is valid in
// its window and the next (15 to 30 minutes), and dies as soon as the
// password changes: it works once. Guessing is bounded by the per-account
// throttle (LoginPerAccount attempts per LoginWindow).

const resetWindow = 15 * time.Minute

// resetCode is the code of the account with password hash hash in the
// window holding t.
func resetCode(hash, userID string, t time.Time) string {
	mac := hmac.New(sha256.New, []byte(hash))
	fmt.Fprintf(mac, "jihat-password-reset\x00%s\x00%d", userID, t.Unix()/int64(resetWindow/time.Second))
	sum := mac.Sum(nil)
	return fmt.Sprintf("%06d", binary.BigEndian.Uint32(sum)%1_000_000)
}

// resetCodeValid accepts the code of the current window or the one before.
func resetCodeValid(hash, userID, code string, now time.Time) bool {
	ok := 0
	for _, t := range []time.Time{now, now.Add(-resetWindow)} {
		ok |= subtle.ConstantTimeCompare([]byte(resetCode(hash, userID, t)), []byte(code))
	}
	return ok == 1
}

type resetRequest struct {
	Login string `json:"login"`
}

// resetAccount finds an active account by login; nil when there is none.
func (s *Server) resetAccount(ctx context.Context, login string) (*jihat.User, string, error) {
	kind, value, err := jihat.ClassifyLogin(login)
	if err != nil {
		return nil, "", nil
	}
	u, hash, err := s.store.UserByLogin(ctx, kind, value)
	if jihat.ErrorCode(err) == jihat.ENOTFOUND || err == nil && !u.Active {
		return nil, "", nil
	}
	return u, hash, err
}

// requestPasswordReset: POST /api/v1/auth/password-reset {login} → 202,
// whether or not the account exists (the answer tells nobody who has an
// account); an existing one is sent a code.
func (s *Server) requestPasswordReset(c *fiber.Ctx) error {
	var req resetRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	login := strings.TrimSpace(req.Login)
	if login == "" || len(login) > 254 {
		return jihat.Invalid(map[string]string{"login": "required"})
	}
	if err := s.throttle(c, "reset:ip:"+c.IP(), s.cfg.LoginPerIP); err != nil {
		return err
	}
	if err := s.throttle(c, "reset:acct:"+strings.ToLower(login), s.cfg.LoginPerAccount); err != nil {
		return err
	}
	ctx := c.UserContext()
	u, hash, err := s.resetAccount(ctx, login)
	if err != nil {
		return err
	}
	if u != nil {
		code := resetCode(hash, u.ID, s.now())
		if err := s.store.Enqueue(ctx, store.Notice{Kind: notify.KindPasswordReset, RecipientID: u.ID, Secret: true,
			Data: map[string]any{"password": code, "login": login}}); err != nil {
			return err
		}
		a := audit(c, "user.password_reset_requested")
		a.Target = "user:" + u.ID
		if err := s.store.Audit(ctx, a); err != nil {
			s.log.ErrorContext(ctx, "audit password reset", slog.Any("err", err))
		}
		s.wakeNotifier()
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{})
}

type resetConfirmRequest struct {
	Login    string `json:"login"`
	Code     string `json:"code"`
	Password string `json:"password"`
}

// confirmPasswordReset: POST /api/v1/auth/password-reset/confirm
// {login, code, password} → 204. Every session of the account ends.
func (s *Server) confirmPasswordReset(c *fiber.Ctx) error {
	var req resetConfirmRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	login := strings.TrimSpace(req.Login)
	code := latinDigits(req.Code)
	fields := map[string]string{}
	if login == "" || len(login) > 254 {
		fields["login"] = "required"
	}
	if len(code) != 6 {
		fields["code"] = "reset_code_invalid"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	if err := s.throttle(c, "reset-confirm:acct:"+strings.ToLower(login), s.cfg.LoginPerAccount); err != nil {
		return err
	}
	ctx := c.UserContext()
	u, hash, err := s.resetAccount(ctx, login)
	if err != nil {
		return err
	}
	if u == nil || !resetCodeValid(hash, u.ID, code, s.now()) {
		return &jihat.Error{Code: jihat.EINVALID, Key: "reset_code_invalid", Fields: map[string]string{"code": "reset_code_invalid"}}
	}
	if err := jihat.ValidatePassword(req.Password); err != nil {
		e := jihat.AsError(err)
		return &jihat.Error{Code: e.Code, Key: e.Key, Args: e.Args, Fields: map[string]string{"password": e.Key}}
	}
	newHash, err := hashPassword(req.Password, s.cfg.Argon2)
	if err != nil {
		return err
	}
	a := audit(c, "user.password_reset")
	a.ActorID, a.Target = u.ID, "user:"+u.ID
	revoked, err := s.store.ChangePassword(ctx, u.ID, newHash, false, "", a)
	if err != nil {
		return err
	}
	for _, id := range revoked {
		s.sessionEnded(ctx, id)
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// latinDigits turns Arabic-Indic digits (as a phone may type them) into
// 0-9 and drops spaces.
func latinDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + (r - '۰'))
		case r == ' ' || r == '\u00a0':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// resetSchemas are the OpenAPI schemas of the password reset.
func resetSchemas() map[string]any {
	return map[string]any{
		"ResetRequest": object([]string{"login"}, map[string]any{"login": str()}),
		"ResetConfirmRequest": object([]string{"login", "code", "password"}, map[string]any{
			"login": str(), "code": map[string]any{"type": "string", "description": "the six digits sent by e-mail or SMS"},
			"password": str()}),
	}
}
