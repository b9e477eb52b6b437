package server

import (
	"strings"
	"unicode"

	"github.com/trustelem/zxcvbn"

	"github.com/jihat/jihat"
)

// minPasswordScore is the zxcvbn score a new password needs: 3 is "safely
// unguessable" (about 10^8 guesses and more), which with Argon2 hashes
// leaves an offline attacker years per password. NIST SP 800-63B asks
// verifiers to refuse repetitive and sequential strings, keyboard walks and
// context words besides breached passwords; zxcvbn (the trustelem Go port)
// finds all of them, and the list of common passwords stays in front of it.
const minPasswordScore = 3

// productWords are context words of the service itself.
var productWords = []string{"jihat", "جهات", "jihat.local"}

// checkPassword's sibling for new passwords: jihat.ValidatePassword (length,
// common list), then strength with the person's own words (name, e-mail,
// identifiers) and the product's name as context. Errors name field.
func validateNewPassword(field, pw string, u *jihat.User) error {
	if err := jihat.ValidatePassword(pw); err != nil {
		e := jihat.AsError(err)
		return &jihat.Error{Code: e.Code, Key: e.Key, Args: e.Args, Fields: map[string]string{field: e.Key}}
	}
	words := passwordContext(u)
	r := zxcvbn.PasswordStrength(pw, words)
	if r.Score < minPasswordScore || repetitive(pw) || mostlyContext(pw, words) {
		return &jihat.Error{Code: jihat.EINVALID, Key: "password_weak", Fields: map[string]string{field: "password_weak"}}
	}
	return nil
}

// repetitive reports whether the significant runes of pw are one shorter
// unit repeated ("سلمى سلمى سلمى", "abcabcabc"): zxcvbn's dictionaries and
// repeat matcher see Latin text best, this holds for any script.
func repetitive(pw string) bool {
	var rs []rune
	for _, r := range strings.ToLower(pw) {
		if significant(r) {
			rs = append(rs, r)
		}
	}
	n := len(rs)
	for size := 1; size <= n/2; size++ {
		if n%size != 0 {
			continue
		}
		same := true
		for i := size; i < n && same; i++ {
			same = rs[i] == rs[i%size]
		}
		if same {
			return true
		}
	}
	return false
}

// mostlyContext reports whether fewer than 6 significant runes of pw are
// left once the context words are taken out of it.
func mostlyContext(pw string, words []string) bool {
	rest := strings.ToLower(pw)
	for _, w := range words {
		rest = strings.ReplaceAll(rest, w, "")
	}
	n := 0
	for _, r := range rest {
		if significant(r) {
			n++
		}
	}
	return n < 6
}

// significant: a rune that is not a space or punctuation (letters, digits,
// symbols such as emoji).
func significant(r rune) bool { return !unicode.IsSpace(r) && !unicode.IsPunct(r) }

// passwordContext lists the words a password must not lean on: the
// product's name, the person's name and its parts, the e-mail and its
// parts, the national ID and mobile.
func passwordContext(u *jihat.User) []string {
	words := append([]string(nil), productWords...)
	if u == nil {
		return words
	}
	add := func(s string) {
		if s = strings.ToLower(strings.TrimSpace(s)); len([]rune(s)) >= 3 {
			words = append(words, s)
		}
	}
	add(u.Name)
	for _, part := range strings.FieldsFunc(u.Name, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		add(part)
	}
	if local, domain, ok := strings.Cut(u.Email, "@"); ok {
		add(u.Email)
		add(local)
		for _, part := range strings.FieldsFunc(local+"."+domain, func(r rune) bool { return r == '.' || r == '_' || r == '-' || r == '+' }) {
			add(part)
		}
	}
	add(u.NationalID)
	add(strings.TrimPrefix(u.Mobile, "+"))
	return words
}
