package server

import (
	"log/slog"
	"maps"
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
	fields := map[string]string{}
	u := &jihat.User{Role: jihat.RoleCitizen, Active: true}
	u.Name = validName(fields, req.Name)
	u.Lang = parseLang(fields, req.Lang)
	identifiers(u, fields, req.NationalID, req.Email, req.Mobile)
	if u.NationalID == "" && u.Email == "" && u.Mobile == "" && len(fields) == 0 {
		return &jihat.Error{Code: jihat.EINVALID, Key: "identifier_required",
			Fields: map[string]string{"national_id": "identifier_required", "email": "identifier_required", "mobile": "identifier_required"}}
	}
	if err := validateNewPassword("password", req.Password, u); err != nil {
		// The password's error is the one returned, with the other fields
		// added: it carries the arguments of its message (the length bound),
		// which a field of jihat.Invalid would lose.
		e := jihat.AsError(err)
		maps.Copy(e.Fields, fields)
		return e
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	if err := s.registerGate(c, u); err != nil {
		return err
	}
	hash, err := hashPassword(req.Password, s.cfg.Argon2)
	if err != nil {
		return err
	}
	if err := s.store.CreateUser(c.UserContext(), u, hash, audit(c, "auth.register")); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": newUserView(u, true)})
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
	if strings.TrimSpace(req.Login) == "" || req.Password == "" || len(req.Login) > 254 || len(req.Password) > 4*jihat.PasswordMaxLen {
		return jihat.Invalid(map[string]string{"login": "required", "password": "required"})
	}
	ctx := c.UserContext()
	kind, value, verr := jihat.ClassifyLogin(req.Login)
	account := value
	if verr != nil {
		account = strings.ToLower(strings.TrimSpace(req.Login))
	}
	keys := newLoginKeys(account, c.IP())
	if err := s.loginGate(ctx, keys); err != nil {
		return err
	}
	var u *jihat.User
	hash := dummyHash
	if verr == nil {
		found, h, err := s.store.UserByLogin(ctx, kind, value)
		if err != nil && jihat.ErrorCode(err) != jihat.ENOTFOUND {
			return err
		}
		if found != nil {
			u, hash = found, h
		}
	}
	s.metrics.pwChecks.Inc()
	ok, err := checkPassword(req.Password, hash)
	if err != nil {
		return err
	}
	if !ok || u == nil {
		s.loginFailed(ctx, keys)
		s.metrics.logins.WithLabelValues("bad_credentials").Inc()
		a := audit(c, "auth.login_failed")
		a.Details = detailsJSON(map[string]string{"kind": kind})
		if u != nil {
			a.Target = "user:" + u.ID
		}
		if err := s.store.Audit(ctx, a); err != nil {
			s.log.ErrorContext(ctx, "audit failed login", slog.Any("err", err))
		}
		return jihat.Errorf(jihat.EUNAUTHORIZED, "bad_credentials")
	}
	if !u.Active {
		return jihat.Errorf(jihat.EUNAUTHORIZED, "account_disabled")
	}
	token, th := newToken()
	if _, err := s.store.CreateSession(ctx, u.ID, th, s.cfg.SessionTTL, audit(c, "auth.login")); err != nil {
		return err
	}
	s.loginSucceeded(ctx, keys)
	s.metrics.logins.WithLabelValues("ok").Inc()
	s.setCookie(c, token)
	return c.JSON(fiber.Map{"token": token, "user": newUserView(u, true)})
}

// throttle counts one attempt under key. Over the limit, or when the
// limiter's store is down, it returns ERATELIMIT with Retry-After set.
func (s *Server) throttle(c *fiber.Ctx, key string, limit int) error {
	return s.spend(c.UserContext(), key, limit, s.cfg.LoginWindow)
}

// logout: POST /api/v1/auth/logout.
func (s *Server) logout(c *fiber.Ctx) error {
	p := caller(c)
	if p == nil {
		return jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
	}
	if err := s.store.RevokeSession(c.UserContext(), p.sessionID, audit(c, "auth.logout")); err != nil {
		return err
	}
	s.sessionEnded(c.UserContext(), p.sessionID)
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
	fields := map[string]string{}
	name, lang := u.Name, u.Lang
	if req.Name != nil {
		name = validName(fields, *req.Name)
	}
	if req.Lang != nil {
		lang = parseLang(fields, req.Lang)
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	updated, err := s.store.UpdateProfile(c.UserContext(), u.ID, name, lang, audit(c, "user.update_profile"))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": newUserView(updated, true)})
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
	ctx := c.UserContext()
	if err := s.throttle(c, "password:user:"+p.user.ID, s.cfg.LoginPerAccount); err != nil {
		return err
	}
	hash, err := s.store.PasswordHash(ctx, p.user.ID)
	if err != nil {
		return err
	}
	if ok, err := checkPassword(req.CurrentPassword, hash); err != nil || !ok {
		return &jihat.Error{Code: jihat.EINVALID, Key: "wrong_password", Fields: map[string]string{"current_password": "wrong_password"}}
	}
	if err := validateNewPassword("new_password", req.NewPassword, p.user); err != nil {
		return err
	}
	newHash, err := hashPassword(req.NewPassword, s.cfg.Argon2)
	if err != nil {
		return err
	}
	revoked, err := s.store.ChangePassword(ctx, p.user.ID, newHash, false, p.sessionID, audit(c, "user.change_password"))
	if err != nil {
		return err
	}
	for _, id := range revoked {
		s.sessionEnded(ctx, id) // their sockets close on every node, like a logout
	}
	return c.SendStatus(fiber.StatusNoContent)
}
