package server

import (
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

// registerRequest is everything a person may send to register. Role, entity
// and permissions are not fields: sending them is an unknown-field error.
type registerRequest struct {
	Name       string  `json:"name"`
	NationalID *string `json:"national_id"`
	Email      *string `json:"email"`
	Mobile     *string `json:"mobile"`
	Password   string  `json:"password"`
	Lang       *string `json:"lang"`
}

// identifiers validates and normalises the optional identifiers of a
// registration or employee request into u, collecting field errors.
func identifiers(u *jihat.User, fields map[string]string, nid, email, mobile *string) {
	if nid != nil && strings.TrimSpace(*nid) != "" {
		v, err := jihat.NormalizeNationalID(*nid)
		if err != nil {
			fields["national_id"] = "invalid_national_id"
		}
		u.NationalID = v
	}
	if email != nil && strings.TrimSpace(*email) != "" {
		v, err := jihat.NormalizeEmail(*email)
		if err != nil {
			fields["email"] = "invalid_email"
		}
		u.Email = v
	}
	if mobile != nil && strings.TrimSpace(*mobile) != "" {
		v, err := jihat.NormalizeMobile(*mobile)
		if err != nil {
			fields["mobile"] = "invalid_mobile"
		}
		u.Mobile = v
	}
}

// validName checks a person's name (2..200 characters).
func validName(fields map[string]string, name string) string {
	name = strings.TrimSpace(name)
	switch n := utf8.RuneCountInString(name); {
	case n == 0:
		fields["name"] = "required"
	case n < 2 || n > 200:
		fields["name"] = "invalid_value"
	}
	return name
}

func parseLang(fields map[string]string, l *string) jihat.Lang {
	if l == nil {
		return jihat.LangAR
	}
	switch jihat.Lang(*l) {
	case jihat.LangAR, jihat.LangEN:
		return jihat.Lang(*l)
	}
	fields["lang"] = "invalid_value"
	return jihat.LangAR
}

// register: POST /api/v1/auth/register.
func (s *Server) register(c *fiber.Ctx) error {
	var req registerRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.Register(c.UserContext(), audit(c, "auth.register"), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": v})
}

type loginRequest struct {
	Login    string `json:"login"`
	Password string `json:"password"`
}

// dummyHash is compared when the login names nobody, so a miss costs the same
// time as a wrong password and does not reveal which identifiers exist.
var dummyHash = func() string {
	h, _ := hashPassword("jihat-dummy-password-for-timing", DefaultArgon2)
	return h
}()

// login: POST /api/v1/auth/login. Failed attempts are counted per client
// address and per account (loginGate) and checked before the password; when
// the limiter cannot answer, the attempt is refused (fail closed).
func (s *Server) login(c *fiber.Ctx) error {
	var req loginRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.Login(c.UserContext(), audit(c, "auth.login"), c.IP(), req)
	if err != nil {
		return err
	}
	s.setCookie(c, v.Token)
	return c.JSON(v)
}

// logout: POST /api/v1/auth/logout.
func (s *Server) logout(c *fiber.Ctx) error {
	p := caller(c)
	if p == nil {
		return jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	if err := s.Logout(c.UserContext(), audit(c, "auth.logout"), p.sessionID); err != nil {
		return err
	}
	s.clearCookie(c)
	return c.SendStatus(fiber.StatusNoContent)
}

// me: GET /api/v1/me. Allowed even when the password must be changed.
func (s *Server) me(c *fiber.Ctx) error {
	p := caller(c)
	if p == nil {
		return jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	return c.JSON(fiber.Map{"user": newUserView(p.user, true)})
}

// profileRequest is what a user may change on themself.
type profileRequest struct {
	Name *string `json:"name"`
	Lang *string `json:"lang"`
	// A new e-mail or mobile ("" removes it) needs the current password.
	Email           *string `json:"email"`
	Mobile          *string `json:"mobile"`
	CurrentPassword string  `json:"current_password"`
}

// updateMe: PATCH /api/v1/me.
func (s *Server) updateMe(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var req profileRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.UpdateProfile(c.UserContext(), u, audit(c, "user.update_profile"), req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": v})
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// changePassword: POST /api/v1/me/password. Other sessions of the user end,
// and their sockets are closed on every node.
func (s *Server) changePassword(c *fiber.Ctx) error {
	p := caller(c)
	if p == nil {
		return jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	var req passwordRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if err := s.ChangePassword(c.UserContext(), p.user, p.sessionID, audit(c, "user.change_password"), req); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

// throttle counts one attempt under key against limit per login window:
// ERATELIMIT over it, EUNAVAILABLE when the limiter cannot be asked.
func (s *Server) throttle(c *fiber.Ctx, key string, limit int) error {
	return s.spend(c.UserContext(), key, limit, s.cfg.LoginWindow)
}
