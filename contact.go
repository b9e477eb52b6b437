package jihat

import (
	"crypto/rand"
	"fmt"
	"math/big"
	"time"
)

// A contact (an e-mail address or a mobile number) is verified before any
// message but its verification code goes to it: anyone can type someone
// else's address when registering. Until then the account works and its
// notices stay in the app.

// The contact channels a code verifies.
const (
	ContactEmail  = "email"
	ContactMobile = "mobile"
)

// ContactChannels lists the contact channels.
var ContactChannels = []string{ContactEmail, ContactMobile}

// Verification codes: six digits, valid for ContactCodeTTL, refused after
// ContactCodeTries wrong guesses (a new code must then be asked for).
const (
	ContactCodeTTL   = 10 * time.Minute
	ContactCodeTries = 5
)

// NewContactCode returns six random digits from crypto/rand, uniform over
// 000000..999999.
func NewContactCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}

// ParseContactChannel checks a contact channel named by a client.
func ParseContactChannel(s string) (string, error) {
	switch s {
	case ContactEmail, ContactMobile:
		return s, nil
	case "":
		return "", Invalid(map[string]string{"channel": "required"})
	}
	return "", Invalid(map[string]string{"channel": "invalid_value"})
}

// Contact returns u's address on channel ("" when none).
func (u *User) Contact(channel string) string {
	switch channel {
	case ContactEmail:
		return u.Email
	case ContactMobile:
		return u.Mobile
	}
	return ""
}

// ContactVerified reports whether u's address on channel exists and was
// verified.
func (u *User) ContactVerified(channel string) bool {
	switch channel {
	case ContactEmail:
		return u.Email != "" && u.EmailVerified
	case ContactMobile:
		return u.Mobile != "" && u.MobileVerified
	}
	return false
}

// UnverifiedContacts lists the channels on which u has an address not yet
// verified.
func (u *User) UnverifiedContacts() []string {
	var out []string
	for _, ch := range ContactChannels {
		if u.Contact(ch) != "" && !u.ContactVerified(ch) {
			out = append(out, ch)
		}
	}
	return out
}
