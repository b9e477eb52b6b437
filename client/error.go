package client

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// Error codes of the API (API.md "Errors"): stable, language-independent.
const (
	CodeInvalid      = "EINVALID"
	CodeUnauthorized = "EUNAUTHORIZED"
	CodeForbidden    = "EFORBIDDEN"
	CodeNotFound     = "ENOTFOUND"
	CodeConflict     = "ECONFLICT"
	CodeTooLarge     = "ETOOLARGE"
	CodeRateLimit    = "ERATELIMIT"
	CodeInternal     = "EINTERNAL"
)

// Error is an error answered by the server: a REST answer with status 4xx or
// 5xx, or an "error" message on the live socket (Status 0).
type Error struct {
	Status  int               // HTTP status; 0 for a live protocol error
	Code    string            // CodeInvalid, CodeForbidden, ...
	Message string            // in the language asked for (Accept-Language, or the account's)
	Fields  map[string]string // field name → message, for invalid input
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("jihat: ")
	if e.Status != 0 {
		fmt.Fprintf(&b, "%d ", e.Status)
	}
	b.WriteString(e.Code)
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	return b.String()
}

// ErrorCode returns the code of err when it is (or wraps) an *Error, and ""
// otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// errorBody is the JSON body of an error: {"error": {code, message, fields}}.
type errorBody struct {
	Error *errorData `json:"error"`
}

type errorData struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields"`
}

func (d *errorData) toError(status int) *Error {
	return &Error{Status: status, Code: d.Code, Message: d.Message, Fields: d.Fields}
}

// decodeError turns a failed answer into an *Error. A body that is not the
// API's error object (a proxy's page, an empty body) still gives an *Error,
// with a code derived from the status and the start of the body as message.
func decodeError(status int, body []byte) *Error {
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil && eb.Error != nil && eb.Error.Code != "" {
		return eb.Error.toError(status)
	}
	msg := strings.TrimSpace(string(body))
	if len(msg) > 200 {
		msg = msg[:200]
	}
	if msg == "" {
		msg = http.StatusText(status)
	}
	return &Error{Status: status, Code: codeOfStatus(status), Message: msg}
}

// codeOfStatus is the inverse of the server's code → status mapping.
func codeOfStatus(status int) string {
	switch status {
	case http.StatusBadRequest, http.StatusUnprocessableEntity:
		return CodeInvalid
	case http.StatusUnauthorized:
		return CodeUnauthorized
	case http.StatusForbidden:
		return CodeForbidden
	case http.StatusNotFound:
		return CodeNotFound
	case http.StatusConflict:
		return CodeConflict
	case http.StatusRequestEntityTooLarge:
		return CodeTooLarge
	case http.StatusTooManyRequests:
		return CodeRateLimit
	}
	return CodeInternal
}
