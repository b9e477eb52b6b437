package jihat_test

import (
	"bufio"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/jihat/jihat"
)

func TestValidatePassword(t *testing.T) {
	arabic64 := fit("كلمة سر عربية طويلة جداً للاختبار ", 64)
	tests := []struct {
		name string
		pw   string
		key  string // "" = accepted
	}{
		{"11 characters", "kq7Zp2mWx9L", "password_too_short"},
		{"12 characters", "kq7Zp2mWx9Lt", ""},
		{"empty", "", "password_too_short"},
		{"11 Arabic letters (22 bytes)", fit("سمبلحتنكيمع", 11), "password_too_short"},
		{"12 Arabic letters", fit("سمبلحتنكيمعق", 12), ""},
		{"64 Arabic and spaces", arabic64, ""},
		{"64 mixed Unicode", fit("Pässwörd-ñ-日本語-🔑-كلمة-", 64), ""},
		{"128 characters", fit("a long passphrase that keeps going ", 128), ""},
		{"129 characters", fit("a long passphrase that keeps going ", 129), "password_too_long"},
		{"128 four-byte runes", strings.Repeat("🔑", 128), ""},
		{"common", "password1234", "password_common"},
		{"common, other case", "PassWord1234", "password_common"},
		{"common, upper case", "QWERTYUIOP12", "password_common"},
		{"common Arabic-world word", "alhamdulillah", "password_common"},
		{"invalid UTF-8", "abcdefghijk\xff\xfe", "invalid_value"},
		{"no composition rules: only lower case", "correct horse battery staple", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := jihat.ValidatePassword(tt.pw)
			if tt.key == "" {
				if err != nil {
					t.Fatalf("ValidatePassword(%q) (%d runes) = %v; want accepted", tt.pw, utf8.RuneCountInString(tt.pw), err)
				}
				return
			}
			wantFieldError(t, err, "password", tt.key)
		})
	}
}

// fit repeats s and cuts it to exactly n runes.
func fit(s string, n int) string {
	r := []rune(strings.Repeat(s, n/utf8.RuneCountInString(s)+1))
	return string(r[:n])
}

// TestCommonPasswordsList checks the shipped list against the policy: it has
// a few thousand entries, and every entry long enough to pass the length rule
// is refused in any letter case.
func TestCommonPasswordsList(t *testing.T) {
	f, err := os.Open("common_passwords.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, long := 0, 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		pw := strings.TrimSpace(sc.Text())
		if pw == "" {
			continue
		}
		n++
		if !jihat.IsCommonPassword(pw) || !jihat.IsCommonPassword(strings.ToUpper(pw)) {
			t.Fatalf("%q is on the list but IsCommonPassword is false", pw)
		}
		if utf8.RuneCountInString(pw) >= jihat.PasswordMinLen && utf8.RuneCountInString(pw) <= jihat.PasswordMaxLen {
			long++
			if err := jihat.ValidatePassword(pw); jihat.AsError(err).Key != "password_common" {
				t.Fatalf("ValidatePassword(%q) = %v; want password_common", pw, err)
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 2000 {
		t.Errorf("the list has %d passwords; want a few thousand", n)
	}
	if long == 0 {
		t.Error("no listed password is long enough to matter under the length rule")
	}
	if jihat.IsCommonPassword("vN4#tq8-Lw2z-Rk7p") {
		t.Error("a random password is reported common")
	}
}
