package jihat_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/jihat/jihat"
)

func TestNormalizeNationalID(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means refused
	}{
		{"citizen", "1000000008", "1000000008"},
		{"citizen 2", "1234567897", "1234567897"},
		{"resident", "2000000006", "2000000006"},
		{"resident 2", "2123456788", "2123456788"},
		{"spaces and dashes", " 1234-567 897 ", "1234567897"},
		{"Arabic-Indic digits", "١٠٠٠٠٠٠٠٠٨", "1000000008"},
		{"Eastern Arabic-Indic digits", "۱۲۳۴۵۶۷۸۹۷", "1234567897"},
		{"mixed digit scripts", "١٢٣4567897", "1234567897"},
		{"bad check digit", "1234567890", ""},
		{"bad check digit 2", "1000000001", ""},
		{"Arabic digits, bad check digit", "١٠٠٠٠٠٠٠٠٩", ""},
		{"first digit 3", "3000000004", ""},
		{"first digit 0", "0000000000", ""},
		{"nine digits", "100000008", ""},
		{"eleven digits", "10000000008", ""},
		{"letters", "1A00000008", ""},
		{"empty", "", ""},
		{"plus sign", "+1000000008", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jihat.NormalizeNationalID(tt.in)
			if tt.want == "" {
				wantFieldError(t, err, jihat.IdentNationalID, "invalid_national_id")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeNationalID(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

// TestNationalIDCheckDigit checks the rule itself: for any nine leading
// digits exactly one check digit is accepted, and it is the Luhn digit
// computed here independently of the code under test.
func TestNationalIDCheckDigit(t *testing.T) {
	for _, prefix := range []string{"100000000", "123456789", "198765432", "200000000", "255555555", "211111111", "109090909"} {
		accepted := 0
		for d := 0; d <= 9; d++ {
			id := fmt.Sprintf("%s%d", prefix, d)
			if _, err := jihat.NormalizeNationalID(id); err == nil {
				accepted++
				if want := luhnDigit(prefix); d != want {
					t.Errorf("%s accepted; the Luhn check digit of %s is %d", id, prefix, want)
				}
			}
		}
		if accepted != 1 {
			t.Errorf("prefix %s: %d check digits accepted, want exactly 1", prefix, accepted)
		}
	}
}

// luhnDigit returns the digit that completes prefix to a valid Luhn number
// of len(prefix)+1 digits.
func luhnDigit(prefix string) int {
	sum := 0
	for i, c := range prefix {
		d := int(c - '0')
		if (len(prefix)-i)%2 == 1 { // doubled: every second digit counting left from the check digit
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return (10 - sum%10) % 10
}

func TestNormalizeMobile(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means refused
	}{
		{"Saudi international", "+966501234567", "+966501234567"},
		{"Saudi 00 prefix", "00966501234567", "+966501234567"},
		{"Saudi local", "0501234567", "+966501234567"},
		{"Saudi local with spaces", "050 123 4567", "+966501234567"},
		{"Saudi without the 0", "501234567", "+966501234567"},
		{"Saudi without plus", "966501234567", "+966501234567"},
		{"Saudi in Arabic-Indic digits", "٠٥٠١٢٣٤٥٦٧", "+966501234567"},
		{"Saudi international in Arabic-Indic digits", "+٩٦٦٥٠١٢٣٤٥٦٧", "+966501234567"},
		{"Egyptian local", "01012345678", "+201012345678"},
		{"Egyptian international", "+201012345678", "+201012345678"},
		{"other country", "+1 (415) 555-2671", "+14155552671"},
		{"Saudi landline", "+966112345678", ""},
		{"Saudi too short", "+96650123456", ""},
		{"Saudi too long", "+9665012345678", ""},
		{"Saudi local too short", "050123456", ""},
		{"Egyptian too long", "+2010123456789", ""},
		{"garbage", "call me", ""},
		{"letters inside", "05012a4567", ""},
		{"empty", "", ""},
		{"too short", "+1234567", ""},
		{"too long", "+1234567890123456", ""},
		{"only zeros", "0000000000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jihat.NormalizeMobile(tt.in)
			if tt.want == "" {
				wantFieldError(t, err, jihat.IdentMobile, "invalid_mobile")
				if got != "" {
					t.Errorf("refused %q but returned %q", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeMobile(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestNormalizeEmail(t *testing.T) {
	tests := []struct {
		name, in, want string // want "" means refused
	}{
		{"plain", "user@example.com", "user@example.com"},
		{"upper case", "User.Name@Example.COM", "user.name@example.com"},
		{"surrounding spaces", "  a@b.sa ", "a@b.sa"},
		{"plus tag", "a+tag@mail.example.org", "a+tag@mail.example.org"},
		{"no domain dot", "a@localhost", ""},
		{"no at", "example.com", ""},
		{"two ats", "a@@b.com", ""},
		{"space inside", "a b@c.com", ""},
		{"display name", "Ali <ali@example.com>", ""},
		{"empty", "", ""},
		{"too long", strings.Repeat("a", 250) + "@b.com", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := jihat.NormalizeEmail(tt.in)
			if tt.want == "" {
				wantFieldError(t, err, jihat.IdentEmail, "invalid_email")
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("NormalizeEmail(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestClassifyLogin(t *testing.T) {
	tests := []struct {
		name, in, kind, value string
		ok                    bool
	}{
		{"e-mail", "Ali@Example.com", jihat.IdentEmail, "ali@example.com", true},
		{"bad e-mail", "ali@", jihat.IdentEmail, "", false},
		{"national ID", "1234567897", jihat.IdentNationalID, "1234567897", true},
		{"resident ID", "2000000006", jihat.IdentNationalID, "2000000006", true},
		{"national ID in Arabic digits", "١٠٠٠٠٠٠٠٠٨", jihat.IdentNationalID, "1000000008", true},
		{"national ID, bad check digit", "1234567890", jihat.IdentNationalID, "", false},
		{"Saudi mobile, local", "0501234567", jihat.IdentMobile, "+966501234567", true},
		{"Saudi mobile, international", "+966501234567", jihat.IdentMobile, "+966501234567", true},
		{"Saudi mobile, Arabic digits", "٠٥٠١٢٣٤٥٦٧", jihat.IdentMobile, "+966501234567", true},
		{"Egyptian mobile", "01012345678", jihat.IdentMobile, "+201012345678", true},
		{"garbage", "hello", jihat.IdentMobile, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, value, err := jihat.ClassifyLogin(tt.in)
			if kind != tt.kind {
				t.Errorf("kind = %q, want %q", kind, tt.kind)
			}
			if tt.ok != (err == nil) {
				t.Fatalf("err = %v, want ok=%v", err, tt.ok)
			}
			if tt.ok && value != tt.value {
				t.Errorf("value = %q, want %q", value, tt.value)
			}
			if !tt.ok && jihat.ErrorCode(err) != jihat.EINVALID {
				t.Errorf("code = %q, want EINVALID", jihat.ErrorCode(err))
			}
		})
	}
}

// wantFieldError checks that err is EINVALID with key on field.
func wantFieldError(tb testing.TB, err error, field, key string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("accepted; want EINVALID on %s", field)
	}
	e := jihat.AsError(err)
	if e.Code != jihat.EINVALID || e.Key != key || e.Fields[field] != key {
		tb.Fatalf("error = %+v; want EINVALID %s on field %s", e, key, field)
	}
	if !jihat.HasMessage(e.Key) {
		tb.Errorf("message key %q has no text", e.Key)
	}
}
