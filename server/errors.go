package server

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// statusOf maps a domain error code to its HTTP status. This is the one place
// where codes meet HTTP.
func statusOf(code string) int {
	switch code {
	case jihat.EINVALID:
		return http.StatusBadRequest
	case jihat.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case jihat.EFORBIDDEN:
		return http.StatusForbidden
	case jihat.ENOTFOUND:
		return http.StatusNotFound
	case jihat.ECONFLICT:
		return http.StatusConflict
	case jihat.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	case jihat.ERATELIMIT:
		return http.StatusTooManyRequests
	case jihat.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// apiError is the body of every 4xx/5xx answer (API.md).
type apiError struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
}

// errorBody renders e in lang. A field whose key is the error's own key gets
// the error's arguments too ("at least %d characters").
func errorBody(e *jihat.Error, lang jihat.Lang) apiError {
	d := errorDetail{Code: e.Code, Message: e.Message(lang)}
	if len(e.Fields) > 0 {
		d.Fields = make(map[string]string, len(e.Fields))
		for f, key := range e.Fields {
			if key == e.Key {
				d.Fields[f] = jihat.Message(lang, key, e.Args...)
			} else {
				d.Fields[f] = jihat.Message(lang, key)
			}
		}
	}
	return apiError{Error: d}
}

func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// errorHandler is Fiber's error handler: domain errors keep their code,
// Fiber's own errors (unknown route, wrong method) are mapped, anything else
// is an internal error that is logged and never shown.
func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	var fe *fiber.Error
	var e *jihat.Error
	switch {
	case errors.As(err, &e):
	case errors.As(err, &fe):
		switch fe.Code {
		case http.StatusNotFound:
			e = jihat.Errorf(jihat.ENOTFOUND, "not_found")
		case http.StatusMethodNotAllowed:
			e = jihat.Errorf(jihat.ENOTFOUND, "method_not_allowed")
		case http.StatusRequestEntityTooLarge:
			e = jihat.Errorf(jihat.ETOOLARGE, "too_large")
		default:
			e = jihat.Errorf(jihat.EINVALID, "invalid_input")
		}
	default:
		e = s.classify(c.UserContext(), err)
	}
	status := statusOf(e.Code)
	if fe != nil && fe.Code == http.StatusMethodNotAllowed {
		status = http.StatusMethodNotAllowed
	}
	if status == http.StatusInternalServerError {
		s.log.ErrorContext(c.UserContext(), "request failed", slog.String("method", c.Method()),
			slog.String("path", c.Path()), slog.Any("err", err))
	}
	if ra := retryAfter(e); ra != "" && c.GetRespHeader(fiber.HeaderRetryAfter) == "" {
		c.Set(fiber.HeaderRetryAfter, ra)
	}
	return c.Status(status).JSON(errorBody(e, langOf(c)))
}

// classify turns an error that is not a domain error into one: a database
// that cannot be reached is EUNAVAILABLE (503, retry), a client that went
// away (its request's context cancelled) is not a server error either (it
// is logged at debug and answered, if anyone still listens, as
// EUNAVAILABLE); anything else is EINTERNAL.
func (s *Server) classify(ctx context.Context, err error) *jihat.Error {
	var e *jihat.Error
	switch {
	case errors.As(err, &e):
		return e
	case store.Unavailable(err):
		s.log.WarnContext(ctx, "database unavailable", slog.Any("err", err))
		return &jihat.Error{Code: jihat.EUNAVAILABLE, Key: "unavailable", RetryAfter: unavailableRetry}
	case errors.Is(err, context.Canceled) && ctx.Err() != nil:
		s.log.DebugContext(ctx, "client went away", slog.Any("err", err))
		return &jihat.Error{Code: jihat.EUNAVAILABLE, Key: "request_cancelled", RetryAfter: unavailableRetry}
	}
	return jihat.AsError(err)
}

// unavailableRetry is the Retry-After of EUNAVAILABLE answers: a restart or
// fail-over of the database usually takes seconds.
const unavailableRetry = 5 * time.Second

// retryAfter is the Retry-After header for e, in whole seconds (at least
// 1), or "" when e does not ask for one.
func retryAfter(e *jihat.Error) string {
	d := e.RetryAfter
	switch {
	case d > 0:
	case e.Code == jihat.ERATELIMIT:
		d = time.Minute
	case e.Code == jihat.EUNAVAILABLE:
		d = unavailableRetry
	default:
		return ""
	}
	return strconv.Itoa(int((d + time.Second - 1) / time.Second))
}

// langOf is the language of an answer: the one Accept-Language names, else
// the signed-in caller's saved language (PATCH /me), else Arabic.
func langOf(c *fiber.Ctx) jihat.Lang {
	var u *jihat.User
	if p := caller(c); p != nil {
		u = p.user
	}
	return answerLang(c.Get(fiber.HeaderAcceptLanguage), u)
}

// answerLang is langOf for a header and a user (nil: anonymous).
func answerLang(header string, u *jihat.User) jihat.Lang {
	if l, ok := jihat.AcceptedLang(header); ok {
		return l
	}
	if u != nil && u.Lang == jihat.LangEN {
		return jihat.LangEN
	}
	return jihat.LangAR
}
