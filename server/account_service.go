package server

import (
	"context"
	"log/slog"
	"maps"
	"strings"

	"github.com/jihat/jihat"
)

// The account use cases: registering, logging in and out, one's own profile
// and password. Each validates its input, writes through the store and
// returns the view the API answers.

// Register creates a citizen's account.
func (s *Server) Register(ctx context.Context, a jihat.AuditEntry, req registerRequest) (userView, error) {
	fields := map[string]string{}
	u := &jihat.User{Role: jihat.RoleCitizen, Active: true}
	u.Name = validName(fields, req.Name)
	u.Lang = parseLang(fields, req.Lang)
	identifiers(u, fields, req.NationalID, req.Email, req.Mobile)
	if u.NationalID == "" && u.Email == "" && u.Mobile == "" && len(fields) == 0 {
		return userView{}, &jihat.Error{Code: jihat.EINVALID, Key: "identifier_required",
			Fields: map[string]string{"national_id": "identifier_required", "email": "identifier_required", "mobile": "identifier_required"}}
	}
	if err := validateNewPassword("password", req.Password, u); err != nil {
		// The password's error is the one returned, with the other fields
		// added: it carries the arguments of its message (the length bound),
		// which a field of jihat.Invalid would lose.
		e := jihat.AsError(err)
		maps.Copy(e.Fields, fields)
		return userView{}, e
	}
	if len(fields) > 0 {
		return userView{}, jihat.Invalid(fields)
	}
	if err := s.registerGate(ctx, a.IP, u); err != nil {
		return userView{}, err
	}
	hash, err := hashPassword(req.Password, s.cfg.Argon2)
	if err != nil {
		return userView{}, err
	}
	if err := s.store.CreateUser(ctx, u, hash, a); err != nil {
		return userView{}, err
	}
	// The codes go through the outbox: registration does not wait for them.
	// The account exists whatever happens here; a code that could not be
	// queued is asked for again (POST /api/v1/me/contacts/resend).
	s.sendContactCodes(ctx, u, u.UnverifiedContacts())
	return newUserView(u, true), nil
}

// loginView answers a login: the session token (also set as the cookie)
// and the user.
type loginView struct {
	Token string   `json:"token"`
	User  userView `json:"user"`
}

// Login checks a login and password and opens a session. Failed attempts
// are counted per client address ip and per account (loginGate) and checked
// before the password; when the limiter cannot answer, the attempt is
// refused (fail closed). a is the audit entry of a success ("auth.login"); a failure is
// audited as "auth.login_failed" with the same client.
func (s *Server) Login(ctx context.Context, a jihat.AuditEntry, ip string, req loginRequest) (loginView, error) {
	if strings.TrimSpace(req.Login) == "" || req.Password == "" || len(req.Login) > 254 || len(req.Password) > 4*jihat.PasswordMaxLen {
		return loginView{}, jihat.Invalid(map[string]string{"login": "required", "password": "required"})
	}
	kind, value, verr := jihat.ClassifyLogin(req.Login)
	account := value
	if verr != nil {
		account = strings.ToLower(strings.TrimSpace(req.Login))
	}
	keys := newLoginKeys(account, ip)
	if err := s.loginGate(ctx, keys); err != nil {
		return loginView{}, err
	}
	var u *jihat.User
	hash := dummyHash
	if verr == nil {
		found, h, err := s.store.UserByLogin(ctx, kind, value)
		if err != nil && jihat.ErrorCode(err) != jihat.ENOTFOUND {
			return loginView{}, err
		}
		if found != nil {
			u, hash = found, h
		}
	}
	s.metrics.pwChecks.Inc()
	ok, err := checkPassword(req.Password, hash)
	if err != nil {
		return loginView{}, err
	}
	if !ok || u == nil {
		s.loginFailed(ctx, keys)
		s.metrics.logins.WithLabelValues("bad_credentials").Inc()
		failed := a
		failed.Action = "auth.login_failed"
		failed.Details = detailsJSON(map[string]string{"kind": kind})
		if u != nil {
			failed.Target = "user:" + u.ID
		}
		if err := s.store.Audit(ctx, failed); err != nil {
			s.log.ErrorContext(ctx, "audit failed login", slog.Any("err", err))
		}
		return loginView{}, jihat.Errorf(jihat.EUNAUTHORIZED, "bad_credentials")
	}
	if !u.Active {
		return loginView{}, jihat.Errorf(jihat.EUNAUTHORIZED, "account_disabled")
	}
	token, th := newToken()
	if _, err := s.store.CreateSession(ctx, u.ID, th, s.cfg.SessionTTL, a); err != nil {
		return loginView{}, err
	}
	s.loginSucceeded(ctx, keys)
	s.metrics.logins.WithLabelValues("ok").Inc()
	return loginView{Token: token, User: newUserView(u, true)}, nil
}

// Logout ends session sessionID and closes its sockets on every node.
func (s *Server) Logout(ctx context.Context, a jihat.AuditEntry, sessionID string) error {
	if err := s.store.RevokeSession(ctx, sessionID, a); err != nil {
		return err
	}
	s.sessionEnded(ctx, sessionID)
	return nil
}

// UpdateProfile changes what u may change on themself: name, language, and
// e-mail and mobile. A new address needs the current password (a stolen
// session must not move the account's addresses, and with them its password
// reset), is not verified, and is sent a code.
func (s *Server) UpdateProfile(ctx context.Context, u *jihat.User, a jihat.AuditEntry, req profileRequest) (userView, error) {
	fields := map[string]string{}
	name, lang := u.Name, u.Lang
	if req.Name != nil {
		name = validName(fields, *req.Name)
	}
	if req.Lang != nil {
		lang = parseLang(fields, req.Lang)
	}
	next := &jihat.User{}
	identifiers(next, fields, nil, req.Email, req.Mobile)
	email, mobile := changed(req.Email, u.Email, next.Email), changed(req.Mobile, u.Mobile, next.Mobile)
	if len(fields) > 0 {
		return userView{}, jihat.Invalid(fields)
	}
	if email != nil || mobile != nil {
		if err := s.checkCurrentPassword(ctx, u, req.CurrentPassword); err != nil {
			return userView{}, err
		}
		ca := a
		ca.Action = "user.change_contacts"
		moved, err := s.store.UpdateContacts(ctx, u.ID, email, mobile, ca)
		if err != nil {
			return userView{}, err
		}
		s.sendContactCodes(ctx, moved, moved.UnverifiedContacts())
	}
	updated, err := s.store.UpdateProfile(ctx, u.ID, name, lang, a)
	if err != nil {
		return userView{}, err
	}
	return newUserView(updated, true), nil
}

// changed is the address to store for a requested one: nil when the request
// leaves it as it is (absent, or the same after normalising), "" to remove it.
func changed(req *string, current, normalised string) *string {
	if req == nil || normalised == current {
		return nil
	}
	return &normalised
}

// checkCurrentPassword checks u's current password, throttled like logins.
func (s *Server) checkCurrentPassword(ctx context.Context, u *jihat.User, password string) error {
	if err := s.spend(ctx, "password:user:"+u.ID, s.cfg.LoginPerAccount, s.cfg.LoginWindow); err != nil {
		return err
	}
	hash, err := s.store.PasswordHash(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok, err := checkPassword(password, hash); err != nil || !ok {
		return &jihat.Error{Code: jihat.EINVALID, Key: "wrong_password", Fields: map[string]string{"current_password": "wrong_password"}}
	}
	return nil
}

// ChangePassword changes u's password after checking the current one
// (throttled like logins). u's other sessions end, and their sockets close
// on every node; sessionID, the one in use, stays.
func (s *Server) ChangePassword(ctx context.Context, u *jihat.User, sessionID string, a jihat.AuditEntry, req passwordRequest) error {
	if err := s.spend(ctx, "password:user:"+u.ID, s.cfg.LoginPerAccount, s.cfg.LoginWindow); err != nil {
		return err
	}
	hash, err := s.store.PasswordHash(ctx, u.ID)
	if err != nil {
		return err
	}
	if ok, err := checkPassword(req.CurrentPassword, hash); err != nil || !ok {
		return &jihat.Error{Code: jihat.EINVALID, Key: "wrong_password", Fields: map[string]string{"current_password": "wrong_password"}}
	}
	if err := validateNewPassword("new_password", req.NewPassword, u); err != nil {
		return err
	}
	newHash, err := hashPassword(req.NewPassword, s.cfg.Argon2)
	if err != nil {
		return err
	}
	revoked, err := s.store.ChangePassword(ctx, u.ID, newHash, false, sessionID, a)
	if err != nil {
		return err
	}
	for _, id := range revoked {
		s.sessionEnded(ctx, id) // their sockets close on every node, like a logout
	}
	return nil
}
