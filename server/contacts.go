package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// Contact verification (jihat/contact.go): registration, and a change of
// e-mail or mobile, send a six-digit code to each new address through the
// outbox; the person sends it back (POST /api/v1/me/contacts/verify) or asks
// for a new one (POST /api/v1/me/contacts/resend, throttled). Until then the
// outbox sends that address nothing but its code (mayReach): notices stay
// in the app.

// Resends per address: one a minute, five an hour.
const (
	resendEvery   = time.Minute
	resendPerHour = 5
)

// codeKind is the notification kind that carries a code for channel.
func codeKind(channel string) string {
	if channel == jihat.ContactMobile {
		return notify.KindVerifyMobile
	}
	return notify.KindVerifyEmail
}

// sendContactCode issues a fresh code for u's address on channel and queues
// the message that carries it (encrypted at rest, erased once sent).
func (s *Server) sendContactCode(ctx context.Context, u *jihat.User, channel string) error {
	code, err := jihat.NewContactCode()
	if err != nil {
		return err
	}
	if err := s.store.IssueContactCode(ctx, u.ID, channel, code, s.now().Add(jihat.ContactCodeTTL),
		store.Notice{Kind: codeKind(channel), Secret: true, Data: map[string]any{"password": code}}); err != nil {
		return err
	}
	s.wakeNotifier()
	return nil
}

// sendContactCodes sends a code to each of u's addresses on channels; one
// that fails is logged (the person can ask again).
func (s *Server) sendContactCodes(ctx context.Context, u *jihat.User, channels []string) {
	for _, ch := range channels {
		if err := s.sendContactCode(ctx, u, ch); err != nil {
			s.log.WarnContext(ctx, "contact verification code not queued", slog.String("user", u.ID),
				slog.String("channel", ch), slog.Any("err", err))
		}
	}
}

type verifyContactRequest struct {
	Channel string `json:"channel"`
	Code    string `json:"code"`
}

// verifyContact: POST /api/v1/me/contacts/verify {channel, code} → 200
// {user}. A wrong code uses one of jihat.ContactCodeTries.
func (s *Server) verifyContact(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var req verifyContactRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.VerifyContact(c.UserContext(), u, audit(c, "user.contact_verified"), req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": v})
}

// VerifyContact checks the code of u's address on req.Channel.
func (s *Server) VerifyContact(ctx context.Context, u *jihat.User, a jihat.AuditEntry, req verifyContactRequest) (userView, error) {
	ch, err := jihat.ParseContactChannel(req.Channel)
	if err != nil {
		return userView{}, err
	}
	code := latinDigits(req.Code)
	if len(code) != 6 || !allDigits(code) {
		return userView{}, codeInvalid()
	}
	a.Details = detailsJSON(map[string]string{"channel": ch})
	updated, err := s.store.VerifyContact(ctx, u.ID, ch, code, s.now(), jihat.ContactCodeTries, a)
	if err != nil {
		return userView{}, err
	}
	return newUserView(updated, true), nil
}

func codeInvalid() error {
	return &jihat.Error{Code: jihat.EINVALID, Key: "contact_code_invalid", Fields: map[string]string{"code": "contact_code_invalid"}}
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

type resendContactRequest struct {
	Channel string `json:"channel"`
}

// resendContactCode: POST /api/v1/me/contacts/resend {channel} → 202 {} and
// a new code (the old one ends); once a minute and five times an hour per
// address (429 with Retry-After).
func (s *Server) resendContactCode(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var req resendContactRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.ResendContactCode(c.UserContext(), u, req); err != nil {
		return err
	}
	return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"expires_in": int(jihat.ContactCodeTTL / time.Second)})
}

// ResendContactCode sends u a new code for the address on req.Channel.
func (s *Server) ResendContactCode(ctx context.Context, u *jihat.User, req resendContactRequest) error {
	ch, err := jihat.ParseContactChannel(req.Channel)
	if err != nil {
		return err
	}
	switch {
	case u.Contact(ch) == "":
		return &jihat.Error{Code: jihat.EINVALID, Key: "contact_missing", Fields: map[string]string{"channel": "contact_missing"}}
	case u.ContactVerified(ch):
		return jihat.Errorf(jihat.ECONFLICT, "contact_already_verified")
	}
	key := "contact-resend:" + ch + ":user:" + u.ID
	if err := s.spend(ctx, key, 1, resendEvery); err != nil {
		return err
	}
	if err := s.spend(ctx, key+":hour", resendPerHour, time.Hour); err != nil {
		return err
	}
	return s.sendContactCode(ctx, u, ch)
}

// contactSchemas are the OpenAPI schemas of contact verification.
func contactSchemas() map[string]any {
	channel := map[string]any{"type": "string", "enum": []string{jihat.ContactEmail, jihat.ContactMobile}}
	return map[string]any{
		"VerifyContactRequest": object([]string{"channel", "code"}, map[string]any{
			"channel": channel,
			"code":    map[string]any{"type": "string", "description": "the six digits sent to the address (valid 10 minutes, 5 tries)"}}),
		"ResendContactRequest": object([]string{"channel"}, map[string]any{"channel": channel}),
	}
}
