package testserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// Response is one answer, read whole.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body as a JSON object; nil for an empty body.
func (r *Response) JSON() (map[string]any, error) {
	if len(bytes.TrimSpace(r.Body)) == 0 {
		return nil, nil
	}
	var m map[string]any
	err := json.Unmarshal(r.Body, &m)
	return m, err
}

// Raw sends one request and returns the answer without judging it. body is
// sent as is when it is a string or []byte, JSON-encoded otherwise, and not
// at all when nil. headers are name, value pairs. A JSON body gets
// Content-Type application/json unless headers set one. Safe to call from
// any goroutine.
func (ts *TestServer) Raw(method, path, token string, body any, headers ...string) (*Response, error) {
	var rd io.Reader
	isJSON := false
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return nil, err
		}
		rd, isJSON = bytes.NewReader(data), true
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		return nil, err
	}
	if isJSON {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := ts.Client.Do(req)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	return &Response{Status: res.StatusCode, Header: res.Header, Body: data}, nil
}

// Do sends one request (see Raw) and returns the status and the decoded JSON
// object of the answer (nil when the body is empty). It fails the test when
// the request cannot be made or the body is not a JSON object.
func (ts *TestServer) Do(method, path, token string, body any, headers ...string) (int, map[string]any) {
	ts.tb.Helper()
	res, err := ts.Raw(method, path, token, body, headers...)
	if err != nil {
		ts.tb.Fatalf("%s %s: %v", method, path, err)
	}
	m, err := res.JSON()
	if err != nil {
		ts.tb.Fatalf("%s %s: %d with a body that is not a JSON object: %v\n%s", method, path, res.Status, err, res.Body)
	}
	return res.Status, m
}

// Must is Do that fails the test unless the status is want.
func (ts *TestServer) Must(want int, method, path, token string, body any, headers ...string) map[string]any {
	ts.tb.Helper()
	res, err := ts.Raw(method, path, token, body, headers...)
	if err != nil {
		ts.tb.Fatalf("%s %s: %v", method, path, err)
	}
	if res.Status != want {
		ts.tb.Fatalf("%s %s: status %d, want %d; body: %s", method, path, res.Status, want, res.Body)
	}
	m, err := res.JSON()
	if err != nil {
		ts.tb.Fatalf("%s %s: body is not a JSON object: %v\n%s", method, path, err, res.Body)
	}
	return m
}

// Get returns the value at a dotted path in decoded JSON ("user.id",
// "entities.0.name_ar"), or nil when there is none.
func Get(v any, path string) any {
	for _, key := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			v = x[key]
		case []any:
			i, err := strconv.Atoi(key)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

// Str returns the value at path as a string ("" when absent; other kinds are
// formatted with %v).
func Str(v any, path string) string {
	switch x := Get(v, path).(type) {
	case nil:
		return ""
	case string:
		return x
	default:
		return fmt.Sprint(x)
	}
}

// Strings returns the array at path as strings.
func Strings(v any, path string) []string {
	arr, _ := Get(v, path).([]any)
	out := make([]string, 0, len(arr))
	for _, x := range arr {
		out = append(out, fmt.Sprint(x))
	}
	return out
}
