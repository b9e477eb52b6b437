package client_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode"

	"github.com/jihat/jihat/client"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

func hasArabic(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool { return unicode.Is(unicode.Arabic, r) })
}

// TestErrors checks that every kind of failure answer decodes into an
// *Error with the status, the code, the message in the asked language and
// the fields.
func TestErrors(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	anonAR := newClient(w.ts, client.WithLanguage("ar"))
	tests := []struct {
		name   string
		call   func() error
		status int
		code   string
		field  string // a field that must carry a message
		arabic bool   // the message must be Arabic (else English)
	}{
		{"invalid input, English", func() error {
			_, err := newClient(w.ts).Register(ctx, client.RegisterRequest{Name: "x", Email: "not-an-email", Password: "short"})
			return err
		}, 0, client.CodeInvalid, "email", false},
		{"invalid input, Arabic", func() error {
			_, err := anonAR.Register(ctx, client.RegisterRequest{Name: "مواطن", Email: "not-an-email", Password: password})
			return err
		}, 0, client.CodeInvalid, "email", true},
		{"no session", func() error { _, err := newClient(w.ts).Me(ctx); return err }, 401, client.CodeUnauthorized, "", false},
		{"bad token", func() error {
			_, err := newClient(w.ts, client.WithToken("not-a-token")).Me(ctx)
			return err
		}, 401, client.CodeUnauthorized, "", false},
		{"forbidden", func() error {
			_, err := w.citizen.CreateEntity(ctx, client.EntityRequest{NameAR: "جهة", NameEN: "Entity", Sector: "government"})
			return err
		}, 403, client.CodeForbidden, "", false},
		{"not found", func() error {
			_, err := w.citizen.Case(ctx, "00000000-0000-4000-8000-000000000000")
			return err
		}, 404, client.CodeNotFound, "", false},
		{"conflict", func() error { _, err := w.citizen.Object(ctx, w.caseID, "اعتراض"); return err }, 409, client.CodeConflict, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.call()
			var e *client.Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *client.Error", err, err)
			}
			if tt.status != 0 && e.Status != tt.status || e.Status < 400 {
				t.Errorf("status %d, want %d", e.Status, tt.status)
			}
			if e.Code != tt.code || client.ErrorCode(err) != tt.code {
				t.Errorf("code %q, want %q", e.Code, tt.code)
			}
			if e.Message == "" || hasArabic(e.Message) != tt.arabic {
				t.Errorf("message %q (want Arabic: %v)", e.Message, tt.arabic)
			}
			if tt.field != "" && e.Fields[tt.field] == "" {
				t.Errorf("fields %v: no message for %q", e.Fields, tt.field)
			}
			if !strings.Contains(e.Error(), tt.code) {
				t.Errorf("Error() = %q does not name the code", e.Error())
			}
		})
	}
}

// TestErrorNotJSON checks an answer that is not the API's error object (a
// proxy's page): still an *Error, with a code from the status.
func TestErrorNotJSON(t *testing.T) {
	tests := []struct {
		status int
		body   string
		code   string
	}{
		{http.StatusBadGateway, "<html>bad gateway</html>", client.CodeInternal},
		{http.StatusTooManyRequests, "", client.CodeRateLimit},
		{http.StatusNotFound, `{"message":"no such route"}`, client.CodeNotFound},
		{http.StatusRequestEntityTooLarge, "too large", client.CodeTooLarge},
	}
	for _, tt := range tests {
		t.Run(http.StatusText(tt.status), func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tt.status)
				w.Write([]byte(tt.body))
			}))
			defer srv.Close()
			_, err := client.New(srv.URL).Me(ctxT(t))
			var e *client.Error
			if !errors.As(err, &e) || e.Status != tt.status || e.Code != tt.code || e.Message == "" {
				t.Fatalf("got %#v (%v)", e, err)
			}
		})
	}
}

// TestLiveErrors checks the errors of the live connection: refused
// credentials and Origin at Connect, and a refused subscription.
func TestLiveErrors(t *testing.T) {
	ts := testserver.Start(t, testserver.Configure(func(cfg *server.Config) {
		cfg.WS.AllowedOrigins = []string{"https://jihat.example"}
	}))
	w := buildWorld(t, ts)
	ctx := ctxT(t)
	t.Run("bad token", func(t *testing.T) {
		_, err := newClient(ts, client.WithToken("not-a-token")).Connect(ctx)
		if client.ErrorCode(err) != client.CodeUnauthorized {
			t.Fatalf("got %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("no token", func(t *testing.T) {
		_, err := newClient(ts).Connect(ctx)
		if client.ErrorCode(err) != client.CodeUnauthorized {
			t.Fatalf("got %v, want EUNAUTHORIZED", err)
		}
	})
	t.Run("hostile origin", func(t *testing.T) {
		_, err := newClient(ts, client.WithToken(w.citizen.Token()), client.WithOrigin("https://jihat.example.evil.com")).Connect(ctx)
		var e *client.Error
		if !errors.As(err, &e) || e.Status != http.StatusForbidden || e.Code != client.CodeForbidden {
			t.Fatalf("got %v, want a 403 EFORBIDDEN", err)
		}
	})
	t.Run("allowed origin", func(t *testing.T) {
		live := connect(t, newClient(ts, client.WithToken(w.citizen.Token()), client.WithOrigin("https://jihat.example")), client.LiveConfig{})
		if err := live.Subscribe(ctx, "case:"+w.caseID, 0); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("staff channel refused to the citizen", func(t *testing.T) {
		live := connect(t, w.citizen, client.LiveConfig{})
		err := live.Subscribe(ctx, "case:"+w.caseID+":staff", 0)
		var e *client.Error
		if !errors.As(err, &e) || e.Status != 0 || e.Code != client.CodeForbidden || e.Message == "" {
			t.Fatalf("got %v, want a protocol EFORBIDDEN", err)
		}
		if _, ok := live.Last("case:" + w.caseID + ":staff"); ok {
			t.Fatal("a refused channel stays registered")
		}
	})
	t.Run("comment refused", func(t *testing.T) {
		live := connect(t, w.citizen, client.LiveConfig{})
		_, err := live.Comment(ctx, w.caseID, "", "public")
		var e *client.Error
		if !errors.As(err, &e) || e.Code != client.CodeInvalid || e.Fields["body"] == "" {
			t.Fatalf("got %v (%+v), want EINVALID on body", err, e)
		}
	})
}
