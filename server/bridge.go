package server

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"

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
// (adaptor copies any body whole into memory), the request's context reaches
// handlers as c.UserContext() (so a client that goes away cancels its
// database work), and whether the request came over TLS is known (for the
// Secure cookie flag).
func (s *Server) bridge(app *fiber.App, maxBody int64) http.HandlerFunc {
	handler := app.Handler()
	return func(w http.ResponseWriter, r *http.Request) {
		req := fasthttp.AcquireRequest()
		defer fasthttp.ReleaseRequest(req)
		if r.Body != nil {
			n, err := io.Copy(req.BodyWriter(), http.MaxBytesReader(w, r.Body, maxBody))
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
		var fctx fasthttp.RequestCtx
		fctx.Init(req, s.tcpAddr(r), nil) // c.IP() is the client's address, proxies resolved
		fctx.SetUserValue(ctxKeyRequest, r.Context())
		fctx.SetUserValue(ctxKeyTLS, r.TLS != nil)
		handler(&fctx)

		fctx.Response.Header.VisitAll(func(k, v []byte) { w.Header().Add(string(k), string(v)) })
		w.WriteHeader(fctx.Response.StatusCode())
		_, _ = w.Write(fctx.Response.Body())
	}
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
