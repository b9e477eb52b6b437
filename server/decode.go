package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

// decode reads the JSON body into dst, an explicit request type. It refuses a
// body that is not one JSON object, trailing data, and any field dst does not
// declare (so nobody can set role, entity or permissions by adding a field).
func decode(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(bytes.TrimSpace(body)) == 0 {
		return jihat.Errorf(jihat.EINVALID, "malformed_json")
	}
	ct := strings.ToLower(c.Get(fiber.HeaderContentType))
	if ct != "" && !strings.HasPrefix(ct, "application/json") {
		return jihat.Errorf(jihat.EINVALID, "json_content_type")
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
			return &jihat.Error{Code: jihat.EINVALID, Key: "unknown_field", Args: []any{name},
				Fields: map[string]string{name: "unknown_field"}}
		case errors.As(err, &typ):
			return &jihat.Error{Code: jihat.EINVALID, Key: "invalid_input", Fields: map[string]string{typ.Field: "invalid_value"}}
		case errors.As(err, &syn), errors.Is(err, io.ErrUnexpectedEOF):
			return jihat.Errorf(jihat.EINVALID, "malformed_json")
		}
		return jihat.Errorf(jihat.EINVALID, "malformed_json")
	}
	if dec.More() {
		return jihat.Errorf(jihat.EINVALID, "malformed_json")
	}
	return nil
}

// pathID returns the named path parameter if it is a canonical UUID.
func pathID(c *fiber.Ctx, name string) (string, error) {
	id := c.Params(name)
	if !jihat.IsUUID(id) {
		return "", jihat.Errorf(jihat.EINVALID, "invalid_id")
	}
	// A copy: Fiber's parameters alias the request buffer, which the next
	// request reuses, and IDs outlive the request (coalescers, goroutines).
	return strings.Clone(strings.ToLower(id)), nil
}

// callerAndID reads the signed-in caller and the ID in path parameter
// "id" (a case's, a meeting's, a service's...).
func callerAndID(c *fiber.Ctx) (*jihat.User, string, error) {
	u, err := requireUser(c)
	if err != nil {
		return nil, "", err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return nil, "", err
	}
	return u, id, nil
}
