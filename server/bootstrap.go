package server

import (
	"context"
	"fmt"

	"github.com/jihat/jihat"
)

// BootstrapConfig says how to prepare an empty database.
type BootstrapConfig struct {
	AdminLogin    string // an e-mail; default admin@jihat.local
	AdminPassword string // default: generated and returned
	Demo          bool   // seed the labelled demo when the database is empty
}

// BootstrapResult tells what Bootstrap created, for the start-up log.
type BootstrapResult struct {
	AdminCreated      bool
	AdminLogin        string
	GeneratedPassword string // only when one was generated
	DemoSeeded        bool
	DemoPasswords     map[string]string // demo login → password
}

// Bootstrap creates the platform admin on a database that has none and, when
// asked, a small demo. It is safe to call at every start.
func (s *Server) Bootstrap(ctx context.Context, cfg BootstrapConfig) (BootstrapResult, error) {
	var res BootstrapResult
	exists, err := s.store.UserExists(ctx, jihat.RolePlatformAdmin)
	if err != nil || exists {
		return res, err
	}
	login := cfg.AdminLogin
	if login == "" {
		login = "admin@jihat.local"
	}
	email, err := jihat.NormalizeEmail(login)
	if err != nil {
		return res, fmt.Errorf("JIHAT_ADMIN_LOGIN must be an e-mail address: %w", err)
	}
	pw := cfg.AdminPassword
	if pw == "" {
		pw = generatePassword()
		res.GeneratedPassword = pw
	} else if err := jihat.ValidatePassword(pw); err != nil {
		return res, fmt.Errorf("JIHAT_ADMIN_PASSWORD: %w", err)
	}
	hash, err := hashPassword(pw, s.cfg.Argon2)
	if err != nil {
		return res, err
	}
	admin := &jihat.User{Name: "Platform admin / مدير المنصة", Email: email, Role: jihat.RolePlatformAdmin, Active: true, Lang: jihat.LangAR,
		EmailVerified: true} // the operator set it
	if err := s.store.CreateUser(ctx, admin, hash, jihat.AuditEntry{Action: "bootstrap.admin"}); err != nil {
		return res, err
	}
	res.AdminCreated, res.AdminLogin = true, email
	if cfg.Demo {
		res.DemoPasswords, err = s.seedDemo(ctx, admin.ID)
		if err != nil {
			return res, fmt.Errorf("demo: %w", err)
		}
		res.DemoSeeded = true
	}
	return res, nil
}
