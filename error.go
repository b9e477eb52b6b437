package jihat

import (
	"errors"
	"fmt"
	"time"
)

// Error codes of the public contract (API.md). Each maps to one HTTP status in
// server and to one WebSocket error code.
const (
	EINVALID      = "EINVALID"
	EUNAUTHORIZED = "EUNAUTHORIZED"
	EFORBIDDEN    = "EFORBIDDEN"
	ENOTFOUND     = "ENOTFOUND"
	ECONFLICT     = "ECONFLICT"
	ETOOLARGE     = "ETOOLARGE"
	ERATELIMIT    = "ERATELIMIT"
	EUNAVAILABLE  = "EUNAVAILABLE" // a dependency (database, Redis) is down: retry after Retry-After
	EINTERNAL     = "EINTERNAL"
)

// Error is a domain error: a stable code, a message key from the catalogue
// (messages.go) and, for validation errors, a message key per field.
//
// Messages are looked up in the caller's language only when the error is
// rendered, so the same error serves Arabic and English users.
type Error struct {
	Code   string
	Key    string            // message key, see Message
	Fields map[string]string // field name → message key
	Args   []any             // arguments for the message format, if any
	// RetryAfter, for ERATELIMIT and EUNAVAILABLE, is when to try again
	// (the Retry-After header); 0 lets the server choose.
	RetryAfter time.Duration
}

// Error implements the error interface with the English message.
func (e *Error) Error() string {
	return fmt.Sprintf("%s: %s", e.Code, e.Message(LangEN))
}

// Message returns the message in lang.
func (e *Error) Message(lang Lang) string {
	return Message(lang, e.Key, e.Args...)
}

// Errorf returns an *Error with code and message key.
func Errorf(code, key string, args ...any) *Error {
	return &Error{Code: code, Key: key, Args: args}
}

// Invalid returns an EINVALID error with one message key per bad field.
func Invalid(fields map[string]string) *Error {
	return &Error{Code: EINVALID, Key: "invalid_input", Fields: fields}
}

// ErrorCode returns the code of err if it is (or wraps) an *Error, and
// EINTERNAL otherwise. A nil error has no code.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// AsError returns err as an *Error, wrapping any non-domain error as EINTERNAL
// without exposing its text.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Code: EINTERNAL, Key: "internal"}
}
