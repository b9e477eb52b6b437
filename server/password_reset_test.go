package server_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

var sixDigits = regexp.MustCompile(`\b[0-9]{6}\b`)

// resetCodeFor asks for a reset of login, runs the outbox, and returns the
// code e-mailed to address (the newest).
func resetCodeFor(t *testing.T, ts *testserver.TestServer, login, address string) string {
	t.Helper()
	ts.Must(http.StatusAccepted, "POST", "/api/v1/auth/password-reset", "", map[string]any{"login": login})
	if _, err := ts.Server.FlushNotifications(t.Context()); err != nil {
		t.Fatal(err)
	}
	var code string
	for _, m := range ts.Notifier.To(address) {
		if m.Kind == "account.password_reset" {
			code = sixDigits.FindString(m.Text)
		}
	}
	if code == "" {
		t.Fatalf("no reset code sent to %s: %+v", address, ts.Notifier.To(address))
	}
	return code
}

func TestPasswordReset(t *testing.T) {
	ts := testserver.Start(t)
	cit := ts.RegisterCitizen()
	other := ts.RegisterCitizen()
	ts.VerifyEmail(cit) // a code goes only to a verified address (contacts_test.go)
	ts.VerifyEmail(other)

	// An unknown login gets the same answer and sends nothing; the real
	// request sent after it is the fence.
	ts.Must(http.StatusAccepted, "POST", "/api/v1/auth/password-reset", "", map[string]any{"login": "nobody@jihat.test"})
	code := resetCodeFor(t, ts, cit.Login, cit.Login)
	for _, m := range ts.Notifier.Messages() {
		if m.Kind == "account.password_reset" && m.Email != cit.Login {
			t.Errorf("a reset code went to %s", m.Email)
		}
	}

	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	st, body := ts.Do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": wrong, "password": "a-brand-new-passphrase"})
	wantError(t, st, body, 400, "EINVALID", "code")
	// Someone else's code does not open this account.
	otherCode := resetCodeFor(t, ts, other.Login, other.Login)
	if otherCode != code {
		st, body = ts.Do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": otherCode, "password": "a-brand-new-passphrase"})
		wantError(t, st, body, 400, "EINVALID", "code")
	}
	st, body = ts.Do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": code, "password": "short"})
	wantError(t, st, body, 400, "EINVALID", "password")

	// The right code sets the password, ends every session, and works once.
	ts.Must(http.StatusNoContent, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": code, "password": "a-brand-new-passphrase"})
	st, _ = ts.Do("GET", "/api/v1/me", cit.Token, nil)
	if st != http.StatusUnauthorized {
		t.Errorf("the old session still works after the reset: %d", st)
	}
	ts.Login(cit.Login, "a-brand-new-passphrase")
	st, body = ts.Do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": code, "password": "another-new-passphrase"})
	wantError(t, st, body, 400, "EINVALID", "code")

	// A code typed with Arabic-Indic digits is the same code.
	code = resetCodeFor(t, ts, cit.Login, cit.Login)
	arabic := strings.Map(func(r rune) rune { return '٠' + (r - '0') }, code)
	ts.Must(http.StatusNoContent, "POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": arabic, "password": "another-new-passphrase"})
	ts.Login(cit.Login, "another-new-passphrase")
}

// TestPasswordResetThrottled: guessing codes is bounded per account.
func TestPasswordResetThrottled(t *testing.T) {
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) { c.LoginPerAccount = 3 }))
	cit := ts.RegisterCitizen()
	for i := range 3 {
		st, body := ts.Do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": "123456", "password": "a-brand-new-passphrase"})
		if st != 400 {
			t.Fatalf("attempt %d: %d %v", i, st, body)
		}
	}
	st, body := ts.Do("POST", "/api/v1/auth/password-reset/confirm", "", map[string]any{"login": cit.Login, "code": "123456", "password": "a-brand-new-passphrase"})
	wantError(t, st, body, http.StatusTooManyRequests, "ERATELIMIT", "")
}
