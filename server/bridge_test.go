package server

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// TestBridgeBody: the bridge hands Fiber the request body whole (one smaller
// and one larger than its copy buffer), refuses one over the limit with 413,
// and does not allocate a copy buffer per request: the bytes allocated per
// request stay well under the 32 KiB that io.Copy made each time.
func TestBridgeBody(t *testing.T) {
	s := &Server{}
	app := fiber.New()
	app.Post("/echo", func(c *fiber.Ctx) error { return c.Send(c.Body()) })
	const limit = 256 << 10
	h := s.bridge(app, limit)
	post := func(body []byte) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		r := httptest.NewRequest(http.MethodPost, "/echo", bytes.NewReader(body))
		r.RemoteAddr = "203.0.113.5:4000"
		h(w, r)
		return w
	}
	for _, n := range []int{300, 100 << 10, limit} {
		body := bytes.Repeat([]byte("ج"), n/2)
		if w := post(body); w.Code != http.StatusOK || !bytes.Equal(w.Body.Bytes(), body) {
			t.Fatalf("%d-byte body: status %d, %d bytes echoed", len(body), w.Code, w.Body.Len())
		}
	}
	if w := post(make([]byte, limit+1)); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("body over the limit: status %d, want 413", w.Code)
	}

	small := bytes.Repeat([]byte("x"), 300)
	post(small) // the pool's first buffer
	const requests = 200
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range requests {
		post(small)
	}
	runtime.ReadMemStats(&after)
	// Under -race a sync.Pool drops some of what is put back, so some
	// requests still make a buffer; without the pool every one did.
	per := (after.TotalAlloc - before.TotalAlloc) / requests
	t.Logf("%d bytes allocated per request", per)
	if per >= 32<<10 {
		t.Errorf("%d bytes allocated per request, want < 32 KiB (io.Copy made a 32 KiB buffer each: 41,744)", per)
	}
}
