package jihat

import (
	"net/mail"
	"strings"
	"unicode"
)

// Identifier kinds a person can register and log in with.
const (
	IdentNationalID = "national_id"
	IdentEmail      = "email"
	IdentMobile     = "mobile"
)

// asciiDigits maps Arabic-Indic (٠-٩) and Eastern Arabic-Indic (۰-۹) digits to
// 0-9 and drops spaces, dashes and parentheses, which people type in numbers.
func asciiDigits(s string) string {
	var b strings.Builder
	for _, r := range strings.TrimSpace(s) {
		switch {
		case r >= '٠' && r <= '٩':
			b.WriteRune('0' + (r - '٠'))
		case r >= '۰' && r <= '۹':
			b.WriteRune('0' + (r - '۰'))
		case r == ' ' || r == '-' || r == '(' || r == ')' || r == '\u00a0':
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// NormalizeNationalID validates a Saudi national ID or residence (iqama)
// number: 10 digits, the first 1 (citizen) or 2 (resident), and the Luhn check
// digit the issuing authority uses. It returns the canonical digits.
func NormalizeNationalID(s string) (string, error) {
	id := asciiDigits(s)
	bad := Errorf(EINVALID, "invalid_national_id")
	bad.Fields = map[string]string{IdentNationalID: "invalid_national_id"}
	if len(id) != 10 || (id[0] != '1' && id[0] != '2') {
		return "", bad
	}
	sum := 0
	for i := 0; i < 10; i++ {
		c := id[i]
		if c < '0' || c > '9' {
			return "", bad
		}
		d := int(c - '0')
		if i%2 == 0 { // odd positions counting from 1 are doubled
			d *= 2
			d = d/10 + d%10
		}
		sum += d
	}
	if sum%10 != 0 {
		return "", bad
	}
	return id, nil
}

// NormalizeMobile returns a mobile number in E.164 form. It accepts the
// international form (+9665…, 009665…) and the local forms most users type:
// Saudi 05XXXXXXXX and Egyptian 01XXXXXXXXX.
func NormalizeMobile(s string) (string, error) {
	n := asciiDigits(s)
	bad := Errorf(EINVALID, "invalid_mobile")
	bad.Fields = map[string]string{IdentMobile: "invalid_mobile"}
	switch {
	case strings.HasPrefix(n, "+"):
		n = n[1:]
	case strings.HasPrefix(n, "00"):
		n = n[2:]
	case len(n) == 10 && strings.HasPrefix(n, "05"): // Saudi local
		n = "966" + n[1:]
	case len(n) == 11 && strings.HasPrefix(n, "01"): // Egyptian local
		n = "20" + n[1:]
	case len(n) == 9 && strings.HasPrefix(n, "5"): // Saudi without the 0
		n = "966" + n
	}
	if len(n) < 8 || len(n) > 15 || n[0] == '0' {
		return "", bad
	}
	for _, r := range n {
		if r < '0' || r > '9' {
			return "", bad
		}
	}
	if strings.HasPrefix(n, "966") && (len(n) != 12 || n[3] != '5') {
		return "", bad // Saudi mobiles are +9665XXXXXXXX
	}
	if strings.HasPrefix(n, "20") && len(n) != 12 {
		return "", bad // Egyptian mobiles are +201XXXXXXXXX
	}
	return "+" + n, nil
}

// NormalizeEmail returns a lower-cased bare address, or EINVALID.
func NormalizeEmail(s string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(s))
	bad := Errorf(EINVALID, "invalid_email")
	bad.Fields = map[string]string{IdentEmail: "invalid_email"}
	if len(e) > 254 || strings.ContainsFunc(e, unicode.IsSpace) {
		return "", bad
	}
	a, err := mail.ParseAddress(e)
	if err != nil || a.Address != e || a.Name != "" || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") {
		return "", bad
	}
	return e, nil
}

// ClassifyLogin tells which identifier a login string is and returns it
// normalised: an address with @ is an e-mail, ten digits starting 1 or 2 a
// national ID, anything else is tried as a mobile number.
func ClassifyLogin(login string) (kind, value string, err error) {
	if strings.Contains(login, "@") {
		v, err := NormalizeEmail(login)
		return IdentEmail, v, err
	}
	digits := asciiDigits(login)
	if len(digits) == 10 && (digits[0] == '1' || digits[0] == '2') {
		v, err := NormalizeNationalID(digits)
		return IdentNationalID, v, err
	}
	v, err := NormalizeMobile(login)
	return IdentMobile, v, err
}
