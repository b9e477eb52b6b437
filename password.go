package jihat

import (
	_ "embed"
	"strings"
	"sync"
	"unicode/utf8"
)

// Password length bounds (NIST SP 800-63B-4: at least 15 for single-factor is
// recommended, 8 the floor; we require 12 and accept up to 128, well above the
// 64 the standard asks verifiers to allow). Any Unicode character counts; no
// composition rules.
const (
	PasswordMinLen = 12
	PasswordMaxLen = 128
)

//go:generate sh -c "go run ./internal/gencommon > common_passwords.txt"

//go:embed common_passwords.txt
var commonPasswordsFile string

// commonPasswords is built once from the embedded list, on first use.
var commonPasswords = sync.OnceValue(func() map[string]struct{} {
	set := make(map[string]struct{}, 16384)
	for _, line := range strings.Split(commonPasswordsFile, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			set[line] = struct{}{}
		}
	}
	return set
})

// IsCommonPassword reports whether pw (compared case-insensitively) is on the
// list of commonly used passwords.
func IsCommonPassword(pw string) bool {
	_, ok := commonPasswords()[strings.ToLower(pw)]
	return ok
}

// ValidatePassword checks a new password against the policy and returns an
// EINVALID error on the "password" field when it fails.
func ValidatePassword(pw string) error {
	n := utf8.RuneCountInString(pw)
	fail := func(key string, args ...any) error {
		return &Error{Code: EINVALID, Key: key, Args: args, Fields: map[string]string{"password": key}}
	}
	switch {
	case !utf8.ValidString(pw):
		return fail("invalid_value")
	case n < PasswordMinLen:
		return fail("password_too_short", PasswordMinLen)
	case n > PasswordMaxLen:
		return fail("password_too_long", PasswordMaxLen)
	case IsCommonPassword(pw):
		return fail("password_common")
	}
	return nil
}
