package server_test

import (
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestWeakPasswordsRefused: repetitive and sequential strings, keyboard
// walks and the person's own words or the product's name are refused at
// registration with an explanation in Arabic and English (NIST SP 800-63B);
// a passphrase passes.
func TestWeakPasswordsRefused(t *testing.T) {
	ts := testserver.Start(t)
	for _, pw := range []string{"aaaaaaaaaaaa", "qwertyuiopas", "            ", "abcdefghijklmn", "1234567890123",
		"jihat1234567", "salma.harbi2026", "سلمى سلمى سلمى"} {
		for _, lang := range []string{"ar", "en"} {
			st, b := ts.Do("POST", "/api/v1/auth/register", "", map[string]any{"name": "سلمى الحربي", "email": "salma.harbi@example.com",
				"password": pw}, "Accept-Language", lang)
			if st != http.StatusBadRequest {
				t.Fatalf("%q accepted: %d", pw, st)
			}
			e := wantError(t, st, b, http.StatusBadRequest, jihat.EINVALID, "password")
			msg := e["fields"].(map[string]any)["password"].(string)
			if (lang == "ar") != hasArabic(msg) || len(msg) < 40 {
				t.Errorf("%q (%s): message %q", pw, lang, msg)
			}
		}
	}
	ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{"name": "سلمى الحربي",
		"email": "salma.harbi@example.com", "password": "ناقة زرقاء تقرأ الصحيفة"})
	// A new password by a signed-in user follows the same rule.
	tok := ts.Login("salma.harbi@example.com", "ناقة زرقاء تقرأ الصحيفة")
	st, b := ts.Do("POST", "/api/v1/me/password", tok, map[string]any{"current_password": "ناقة زرقاء تقرأ الصحيفة", "new_password": "qwertyuiop123"})
	wantError(t, st, b, http.StatusBadRequest, jihat.EINVALID, "new_password")
}
