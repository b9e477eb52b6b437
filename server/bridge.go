package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/jihat/jihat"
)

// Keys under which the bridge hands net/http facts to Fiber handlers.
const (
	ctxKeyRequest = "jihat.reqctx"
	ctxKeyTLS     = "jihat.tls"
)

// bridge serves a Fiber app from net/http. It does what adaptor.FiberApp does
// (copy the request into a fasthttp context, run the app, copy the response
// back) and three things it does not: the body is read through a size limit
// (adaptor copies any body whole into memory), the request's values reach
// handlers through c.UserContext(), and whether the request came over TLS is
// known (for the Secure cookie flag).
//
// The handler's context is not cancelled when the client's side of the
// connection closes: by then the whole request has been read, and a client
// that half-closed (sent the request, then shut its write side, which
// net/http cannot tell from going away) still waits for the answer. The
// work is bounded by handlerTimeout instead; a client that did go away
// costs one short request, and its answer is dropped.
func (s *Server) bridge(app *fiber.App, maxBody int64) http.HandlerFunc {
	handler := app.Handler()
	return func(w http.ResponseWriter, r *http.Request) {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		if r.Body != nil {
			buf := copyBuffers.Get().(*[]byte)
			n, err := io.CopyBuffer(req.BodyWriter(), http.MaxBytesReader(w, r.Body, maxBody), *buf)
			copyBuffers.Put(buf)
			var tooLarge *http.MaxBytesError
			if errors.As(err, &tooLarge) {
				writeJSONError(w, r, http.StatusRequestEntityTooLarge, jihat.Errorf(jihat.ETOOLARGE, "too_large"))
				return
			}
			if err != nil {
				writeJSONError(w, r, http.StatusBadRequest, jihat.Errorf(jihat.EINVALID, "invalid_input"))
				return
			}
			req.Header.SetContentLength(int(n))
		}
		req.Header.SetMethod(r.Method)
		uri := r.RequestURI
		if uri == "" {
			uri = r.URL.RequestURI()
		}
		req.SetRequestURI(uri)
		req.SetHost(r.Host)
		for key, vals := range r.Header {
			for _, v := range vals {
				req.Header.Add(key, v)
			}
		}
		ctx, cancel := detached(r)
		defer cancel()
		var fctx fasthttp.RequestCtx
		fctx.Init(req, s.tcpAddr(r), nil) // c.IP() is the client's address, proxies resolved
		fctx.SetUserValue(ctxKeyRequest, ctx)
		fctx.SetUserValue(ctxKeyTLS, r.TLS != nil)
		handler(&fctx)

		fctx.Response.Header.VisitAll(func(k, v []byte) { w.Header().Add(string(k), string(v)) })
		w.WriteHeader(fctx.Response.StatusCode())
		_, _ = w.Write(fctx.Response.Body())
	}
}

// copyBuffers hold the buffers that request bodies are copied through:
// io.Copy would make a 32 KiB buffer per request (neither side offers
// WriterTo or ReaderFrom), 13 % of the bytes the server allocated at
// 100 comments/s, and so of its garbage collections.
var copyBuffers = sync.Pool{New: func() any { b := make([]byte, 32<<10); return &b }}

// handlerTimeout bounds the work of one request once it has been read.
const handlerTimeout = time.Minute

// detached is r's context without the client's cancellation, bounded by
// handlerTimeout (see bridge).
func detached(r *http.Request) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(r.Context()), handlerTimeout)
}

// withRequestContext is the first Fiber middleware: it makes the net/http
// request context the handler's user context.
func withRequestContext(c *fiber.Ctx) error {
	if rc, ok := c.Context().UserValue(ctxKeyRequest).(context.Context); ok {
		c.SetUserContext(rc)
	}
	return c.Next()
}

// overTLS reports whether the request reached us over TLS.
func overTLS(c *fiber.Ctx) bool {
	tls, _ := c.Context().UserValue(ctxKeyTLS).(bool)
	return tls
}

// writeJSONError renders a domain error from plain net/http handlers.
func writeJSONError(w http.ResponseWriter, r *http.Request, status int, e *jihat.Error) {
	var buf bytes.Buffer
	_ = encodeJSON(&buf, errorBody(e, jihat.ParseLang(r.Header.Get("Accept-Language"))))
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}
