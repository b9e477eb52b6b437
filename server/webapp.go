package server

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/jihat/jihat"
)

// The browser app (client/web) is given to the server as an fs.FS
// (Config.Web) and served at "/":
//   - /assets/<version>/<file> serves the app's files. <version> is a hash
//     of every file, so a changed app has new URLs and each URL's content
//     never changes: they are cached for a year ("immutable"). ES modules
//     import each other by relative paths, so they all load from the same
//     versioned folder.
//   - any other GET of an app path (no file extension, not /api) answers
//     index.html, whose "{{assets}}" marks are replaced by /assets/<version>
//     (and "{{modulepreload}}" by a preload link for each module);
//     it is revalidated on every load (no-cache + ETag).
// Every file is gzip-compressed once at start-up. The answers carry a
// Content-Security-Policy without inline script or style.

// webCSP is the Content-Security-Policy of the app. connect-src 'self'
// covers the same-origin WebSocket (ws: and wss: to this host).
const webCSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"media-src 'self' blob:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// webFile is one file of the app, ready to send.
type webFile struct {
	body, gz []byte // gz is nil when compression does not pay
	etag     string
	ctype    string
}

// webApp is the app's files, loaded and compressed at start-up.
type webApp struct {
	version string
	prefix  string // "/assets/<version>/"
	index   *webFile
	files   map[string]*webFile // by path inside the FS
}

// loadWebApp reads every file of fsys. It needs an index.html at the root.
func loadWebApp(fsys fs.FS) (*webApp, error) {
	raw := map[string][]byte{}
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(fsys, p)
		raw[p] = b
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("server: web app: %w", err)
	}
	idx, ok := raw["index.html"]
	if !ok {
		return nil, fmt.Errorf("server: web app: no index.html")
	}
	names := make([]string, 0, len(raw))
	for p := range raw {
		names = append(names, p)
	}
	sort.Strings(names)
	h := sha256.New()
	for _, p := range names {
		sum := sha256.Sum256(raw[p])
		fmt.Fprintf(h, "%s\x00%x\n", p, sum)
	}
	version := hex.EncodeToString(h.Sum(nil))[:16]
	app := &webApp{version: version, prefix: "/assets/" + version + "/", files: make(map[string]*webFile, len(raw))}
	for p, b := range raw {
		app.files[p] = newWebFile(p, b)
	}
	// "{{modulepreload}}" becomes a preload link for every module, so the
	// browser fetches them all at once instead of import by import.
	var preload bytes.Buffer
	for _, p := range names {
		if strings.HasSuffix(p, ".js") {
			fmt.Fprintf(&preload, "<link rel=\"modulepreload\" href=\"/assets/%s/%s\">\n", version, p)
		}
	}
	idx = bytes.ReplaceAll(idx, []byte("{{modulepreload}}"), bytes.TrimSpace(preload.Bytes()))
	app.index = newWebFile("index.html", bytes.ReplaceAll(idx, []byte("{{assets}}"), []byte("/assets/"+version)))
	return app, nil
}

func newWebFile(name string, body []byte) *webFile {
	sum := sha256.Sum256(body)
	f := &webFile{body: body, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}
	f.ctype = mime.TypeByExtension(path.Ext(name))
	switch path.Ext(name) {
	case ".js", ".mjs":
		f.ctype = "text/javascript; charset=utf-8"
	case ".css":
		f.ctype = "text/css; charset=utf-8"
	case ".html":
		f.ctype = "text/html; charset=utf-8"
	case ".svg":
		f.ctype = "image/svg+xml"
	case ".json":
		f.ctype = "application/json; charset=utf-8"
	}
	if f.ctype == "" {
		f.ctype = "application/octet-stream"
	}
	if len(body) > 512 && !strings.HasPrefix(f.ctype, "image/png") {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		_, _ = zw.Write(body)
		_ = zw.Close()
		if buf.Len() < len(body)*9/10 {
			f.gz = buf.Bytes()
		}
	}
	return f
}

// webRoute reports whether a GET of p belongs to the app: its assets, or an
// app path that answers index.html. /api, /ws and the operational
// endpoints never do.
func webRoute(p string) bool {
	if p == "/api" || strings.HasPrefix(p, "/api/") || p == "/ws" || strings.HasPrefix(p, "/ws/") {
		return false
	}
	if strings.HasPrefix(p, "/assets/") {
		return true
	}
	// An app path has no file extension in its last segment ("/cases/abc");
	// "/favicon.ico" or "/robots.txt" are not app paths.
	return !strings.Contains(path.Base(p), ".")
}

// serveWeb answers a GET or HEAD for the app.
func (a *webApp) serve(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	f, immutable := a.index, false
	if rest, ok := strings.CutPrefix(p, "/assets/"); ok {
		version, name, _ := strings.Cut(rest, "/")
		f = a.files[name]
		if f == nil || name == "index.html" {
			writeJSONError(w, r, http.StatusNotFound, jihat.Errorf(jihat.ENOTFOUND, "not_found"))
			return
		}
		// An old version's URL (a page loaded before a deploy) still gets
		// the file, but not for a year.
		immutable = version == a.version
	}
	h := w.Header()
	h.Set("Content-Type", f.ctype)
	h.Set("ETag", f.etag)
	h.Set("Vary", "Accept-Encoding")
	h.Set("Content-Security-Policy", webCSP)
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	if immutable {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if match := r.Header.Get("If-None-Match"); match != "" && etagMatch(match, f.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body := f.body
	if f.gz != nil && acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body = f.gz
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = w.Write(body)
	}
}

// etagMatch reports whether an If-None-Match list names etag (or is "*").
func etagMatch(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == etag || t == "*" {
			return true
		}
	}
	return false
}

// acceptsGzip reports whether an Accept-Encoding value allows gzip
// (named or "*", with a q-value above zero).
func acceptsGzip(v string) bool {
	for _, part := range strings.Split(v, ",") {
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if !strings.EqualFold(name, "gzip") && name != "*" {
			continue
		}
		q := 1.0
		for _, p := range strings.Split(params, ";") {
			if val, ok := strings.CutPrefix(strings.TrimSpace(p), "q="); ok {
				if f, err := strconv.ParseFloat(val, 64); err == nil {
					q = f
				}
			}
		}
		return q > 0
	}
	return false
}

// serveApp is the handler of "/": the app for its GETs, the JSON API (through
// the Fiber bridge) for everything else.
func (s *Server) serveApp(api http.Handler) http.Handler {
	if s.web == nil {
		return api
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if (r.Method == http.MethodGet || r.Method == http.MethodHead) && webRoute(r.URL.Path) {
			s.web.serve(w, r)
			return
		}
		api.ServeHTTP(w, r)
	})
}

// crossSite refuses a state-changing request that a browser sent from
// another site with the user's cookie (CSRF). It uses the browser's own
// signals (Sec-Fetch-Site, else Origin against Host), so the app needs no
// token; a request with an Authorization header (a bearer token, which no
// other site can attach) and a request from a non-browser client (neither
// header) pass. Origins in the WebSocket allow-list are trusted too.
func crossSite(origins []string, next http.Handler) (http.Handler, error) {
	cop := http.NewCrossOriginProtection()
	for _, o := range origins {
		if err := cop.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("server: trusted origin: %w", err)
		}
	}
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeJSONError(w, r, http.StatusForbidden, jihat.Errorf(jihat.EFORBIDDEN, "web_cross_site_refused"))
	}))
	protected := cop.Handler(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		if strings.HasPrefix(r.Header.Get("Authorization"), "Bearer ") {
			next.ServeHTTP(w, r)
			return
		}
		protected.ServeHTTP(w, r)
	}), nil
}
