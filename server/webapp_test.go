package server_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/jihat/jihat/client/web"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// webFS is a small app: an index with the assets mark, a module, a style.
var webFS = fstest.MapFS{
	"index.html": {Data: []byte(`<!doctype html><script type="module" src="{{assets}}/main.js"></script>`)},
	"main.js":    {Data: []byte("import './lib.js';\n" + strings.Repeat("console.log('jihat');\n", 100))},
	"lib.js":     {Data: []byte("export const x = 1;\n")},
	"style.css":  {Data: []byte("body { margin: 0; }\n")},
}

func withWeb(fsys any) testserver.Option {
	return testserver.Configure(func(c *server.Config) {
		switch f := fsys.(type) {
		case fstest.MapFS:
			c.Web = f
		default:
			c.Web = web.FS()
		}
	})
}

var assetRef = regexp.MustCompile(`/assets/[0-9a-f]{16}/main\.js`)

func TestWebAppServing(t *testing.T) {
	ts := testserver.Start(t, withWeb(webFS))
	res, err := ts.Raw("GET", "/", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("GET /: %d %s", res.Status, res.Header.Get("Content-Type"))
	}
	for h, want := range map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"} {
		if got := res.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP %q: want script-src 'self' and nothing unsafe", csp)
	}
	asset := assetRef.FindString(string(res.Body))
	if asset == "" {
		t.Fatalf("index has no versioned asset URL: %s", res.Body)
	}

	t.Run("app paths answer the index", func(t *testing.T) {
		for _, p := range []string{"/cases", "/cases/0b6e4f1c-0000-4000-8000-000000000000", "/admin/employees?entity=x"} {
			r, err := ts.Raw("GET", p, "", nil)
			if err != nil || r.Status != 200 || !bytes.Contains(r.Body, []byte(asset)) {
				t.Errorf("GET %s: %v %d %.60s", p, err, r.Status, r.Body)
			}
		}
	})
	t.Run("API and file paths never do", func(t *testing.T) {
		for _, p := range []string{"/api/v1/nothing-here", "/api", "/favicon.ico", "/robots.txt"} {
			r, err := ts.Raw("GET", p, "", nil)
			if err != nil || r.Status != 404 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
				t.Errorf("GET %s: %v %d %s", p, err, r.Status, r.Header.Get("Content-Type"))
			}
		}
		// /ws stays the WebSocket endpoint: a plain GET is not the index.
		r, err := ts.Raw("GET", "/ws", "", nil)
		if err != nil || bytes.Contains(r.Body, []byte("<!doctype")) {
			t.Errorf("GET /ws answered the index: %v %d", err, r.Status)
		}
	})
	t.Run("assets are immutable, compressed, revalidated by ETag", func(t *testing.T) {
		req, _ := http.NewRequest("GET", ts.URL+asset, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		tr := &http.Transport{DisableCompression: true}
		r, err := (&http.Client{Transport: tr}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		if r.StatusCode != 200 || r.Header.Get("Content-Encoding") != "gzip" || r.Header.Get("Vary") != "Accept-Encoding" {
			t.Fatalf("asset: %d encoding %q vary %q", r.StatusCode, r.Header.Get("Content-Encoding"), r.Header.Get("Vary"))
		}
		if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "max-age=31536000") || !strings.Contains(cc, "immutable") {
			t.Errorf("Cache-Control %q", cc)
		}
		if ct := r.Header.Get("Content-Type"); ct != "text/javascript; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(zr)
		if !bytes.Equal(body, webFS["main.js"].Data) {
			t.Errorf("gunzipped asset differs")
		}
		etag := r.Header.Get("ETag")
		r2, err := ts.Raw("GET", asset, "", nil, "If-None-Match", etag)
		if err != nil || r2.Status != http.StatusNotModified {
			t.Errorf("If-None-Match %s: %v %d", etag, err, r2.Status)
		}
		// Small files are sent as they are; unknown files are 404.
		r3, _ := ts.Raw("GET", strings.Replace(asset, "main.js", "lib.js", 1), "", nil, "Accept-Encoding", "gzip")
		if r3.Status != 200 || r3.Header.Get("Content-Encoding") != "" {
			t.Errorf("lib.js: %d %q", r3.Status, r3.Header.Get("Content-Encoding"))
		}
		r4, _ := ts.Raw("GET", strings.Replace(asset, "main.js", "nope.js", 1), "", nil)
		if r4.Status != 404 {
			t.Errorf("unknown asset: %d", r4.Status)
		}
		// An older version's URL still answers, but is not cached for long.
		r5, _ := ts.Raw("GET", "/assets/0000000000000000/main.js", "", nil)
		if r5.Status != 200 || r5.Header.Get("Cache-Control") != "no-cache" {
			t.Errorf("old version: %d %q", r5.Status, r5.Header.Get("Cache-Control"))
		}
	})
}

// TestWebAppEmbedded serves the real embedded app: every file the index
// names exists, and the whole script stays small.
func TestWebAppEmbedded(t *testing.T) {
	ts := testserver.Start(t, withWeb(nil))
	res, err := ts.Raw("GET", "/", "", nil)
	if err != nil || res.Status != 200 {
		t.Fatalf("GET /: %v", err)
	}
	refs := regexp.MustCompile(`(?:src|href)="(/assets/[^"]+)"`).FindAllStringSubmatch(string(res.Body), -1)
	if len(refs) < 3 {
		t.Fatalf("index names %d assets: %s", len(refs), res.Body)
	}
	for _, m := range refs {
		r, err := ts.Raw("GET", m[1], "", nil)
		if err != nil || r.Status != 200 {
			t.Errorf("%s: %v %d", m[1], err, r.Status)
		}
	}
	// All the script there is, compressed, stays within the budget
	// (~250 KB): what a first visit can cost at most.
	version := regexp.MustCompile(`/assets/([0-9a-f]{16})/`).FindStringSubmatch(string(res.Body))[1]
	var total int
	err = fs.WalkDir(web.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		r, err := ts.Raw("GET", "/assets/"+version+"/"+p, "", nil, "Accept-Encoding", "gzip")
		if err != nil || r.Status != 200 {
			return fmt.Errorf("%s: %v", p, err)
		}
		total += len(r.Body)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if total == 0 || total > 250<<10 {
		t.Errorf("the app's script is %d bytes compressed, want at most 250 KiB", total)
	}
	t.Logf("all the app's script: %d bytes compressed", total)
}

// TestCrossSiteWrites: a state-changing request that a browser sends from
// another site with the session cookie is refused with a coded error; the
// same request from the app's own pages, from a non-browser client, or with
// a bearer token goes through.
func TestCrossSiteWrites(t *testing.T) {
	ts := testserver.Start(t, withWeb(webFS))
	cit := ts.RegisterCitizen()
	cookie := "jihat_session=" + cit.Token
	body := map[string]any{"name": "اسم جديد"}
	cases := []struct {
		name    string
		token   string
		headers []string
		want    int
	}{
		{"cookie, cross-site fetch", "", []string{"Cookie", cookie, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 403},
		{"cookie, same-site other origin", "", []string{"Cookie", cookie, "Sec-Fetch-Site", "same-site", "Origin", "https://sub.example"}, 403},
		{"cookie, foreign Origin, no fetch metadata", "", []string{"Cookie", cookie, "Origin", "https://evil.example"}, 403},
		{"cookie, same origin", "", []string{"Cookie", cookie, "Sec-Fetch-Site", "same-origin", "Origin", ts.URL}, 200},
		{"cookie, Origin is the host, no fetch metadata", "", []string{"Cookie", cookie, "Origin", ts.URL}, 200},
		{"cookie, not a browser", "", []string{"Cookie", cookie}, 200},
		{"bearer, cross-site", cit.Token, []string{"Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example"}, 200},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, got := ts.Do("PATCH", "/api/v1/me", tc.token, body, append(tc.headers, "Accept-Language", "ar")...)
			if tc.want == 403 {
				e := wantError(t, status, got, 403, "EFORBIDDEN", "")
				if !hasArabic(e["message"].(string)) {
					t.Errorf("message %q is not Arabic", e["message"])
				}
				return
			}
			if status != tc.want {
				t.Fatalf("status %d, want %d: %v", status, tc.want, got)
			}
		})
	}
	t.Run("uploads are covered too", func(t *testing.T) {
		form, ctype := testserver.MultipartForm(t, testserver.FilePart("file", "a.txt", []byte("hello")))
		r, err := ts.Raw("POST", "/api/v1/cases/0b6e4f1c-0000-4000-8000-000000000000/attachments", "", form,
			"Content-Type", ctype, "Cookie", cookie, "Sec-Fetch-Site", "cross-site", "Origin", "https://evil.example")
		if err != nil || r.Status != 403 {
			t.Fatalf("cross-site upload: %v %d %s", err, r.Status, r.Body)
		}
	})
	t.Run("reads are not affected", func(t *testing.T) {
		status, _ := ts.Do("GET", "/api/v1/me", "", nil, "Cookie", cookie, "Sec-Fetch-Site", "cross-site")
		if status != 200 {
			t.Fatalf("cross-site GET /me: %d", status)
		}
	})
}
