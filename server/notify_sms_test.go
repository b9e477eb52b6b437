package server_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/notify"
)

// gateway is an SMS gateway on loopback that records every request and
// answers as told.
type gateway struct {
	mu     sync.Mutex // guards reqs and answer
	reqs   []gatewayRequest
	answer func(n int) (int, string) // n counts requests from 1
	srv    *httptest.Server
}

type gatewayRequest struct {
	method string
	path   string
	query  url.Values
	header http.Header
	body   string
}

func startGateway(t *testing.T, answer func(n int) (int, string)) *gateway {
	t.Helper()
	g := &gateway{answer: answer}
	g.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		g.mu.Lock()
		g.reqs = append(g.reqs, gatewayRequest{method: r.Method, path: r.URL.Path, query: r.URL.Query(), header: r.Header.Clone(), body: string(b)})
		status, body := g.answer(len(g.reqs))
		g.mu.Unlock()
		w.WriteHeader(status)
		io.WriteString(w, body)
	}))
	t.Cleanup(g.srv.Close)
	return g
}

func (g *gateway) requests() []gatewayRequest {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]gatewayRequest(nil), g.reqs...)
}

func ok(id string) func(int) (int, string) {
	return func(int) (int, string) { return 200, id }
}

func TestSMSGatewayRequest(t *testing.T) {
	const to, text = "+966551234567", "جهات: استُلمت معاملتك رقم 2026-000001 \"عاجل\""
	for _, tc := range []struct {
		name    string
		cfg     notify.SMSConfig // URL is filled in
		path    string           // appended to the gateway URL
		answer  string
		wantID  string
		check   func(t *testing.T, r gatewayRequest)
		wantErr bool
	}{
		{name: "default JSON", cfg: notify.SMSConfig{Headers: map[string]string{"Authorization": "Bearer k3y"}},
			path: "/send", answer: `{"id": "msg-42", "status": "queued"}`, wantID: "msg-42",
			check: func(t *testing.T, r gatewayRequest) {
				var body map[string]string
				if err := json.Unmarshal([]byte(r.body), &body); err != nil {
					t.Fatalf("body %q is not JSON: %v", r.body, err)
				}
				if r.method != "POST" || r.path != "/send" || body["to"] != to || body["text"] != text || len(body) != 2 {
					t.Errorf("%s %s %v", r.method, r.path, body)
				}
				if r.header.Get("Authorization") != "Bearer k3y" || r.header.Get("Content-Type") != "application/json" {
					t.Errorf("headers %v", r.header)
				}
			}},
		{name: "twilio-style form", cfg: notify.SMSConfig{Method: "post", Body: "To={{urlquery .To}}&From=Jihat&Body={{urlquery .Text}}",
			Headers: map[string]string{"Content-Type": "application/x-www-form-urlencoded", "Authorization": "Basic YWM6dG9r"}},
			path: "/2010-04-01/Accounts/AC1/Messages.json", answer: `{"sid": "SM123", "status": "queued"}`, wantID: "SM123",
			check: func(t *testing.T, r gatewayRequest) {
				form, err := url.ParseQuery(r.body)
				if err != nil || form.Get("To") != to || form.Get("Body") != text || form.Get("From") != "Jihat" {
					t.Errorf("form %q: %v, %v", r.body, form, err)
				}
				if r.header.Get("Content-Type") != "application/x-www-form-urlencoded" || r.header.Get("Authorization") != "Basic YWM6dG9r" {
					t.Errorf("headers %v", r.header)
				}
			}},
		{name: "GET with the message in the URL", cfg: notify.SMSConfig{Method: "GET", Body: "-"},
			path: "/sms?user=jihat&to={{urlquery .To}}&msg={{urlquery .Text}}", answer: "OK", wantID: "http 200",
			check: func(t *testing.T, r gatewayRequest) {
				if r.method != "GET" || r.body != "" || r.query.Get("to") != to || r.query.Get("msg") != text || r.query.Get("user") != "jihat" {
					t.Errorf("%s %v body %q", r.method, r.query, r.body)
				}
			}},
		{name: "nested ID field", cfg: notify.SMSConfig{IDField: "data.MessageID"},
			answer: `{"success": true, "data": {"MessageID": 987654}}`, wantID: "987654"},
		{name: "usual ID under data", cfg: notify.SMSConfig{}, answer: `{"data": {"message_id": "u-1"}}`, wantID: "u-1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := startGateway(t, ok(tc.answer))
			cfg := tc.cfg
			cfg.URL = g.srv.URL + tc.path
			gw, err := notify.NewSMSGateway(cfg)
			if err != nil {
				t.Fatal(err)
			}
			id, err := gw.Send(context.Background(), notify.Message{Channel: notify.ChannelSMS, Mobile: to, Text: text})
			if err != nil || id != tc.wantID {
				t.Fatalf("Send = %q, %v; want %q", id, err, tc.wantID)
			}
			reqs := g.requests()
			if len(reqs) != 1 {
				t.Fatalf("%d requests", len(reqs))
			}
			if tc.check != nil {
				tc.check(t, reqs[0])
			}
		})
	}
}

// TestSMSGatewayErrors: 5xx, 429 and timeouts are retried; other 4xx are
// permanent; bad settings are refused at start.
func TestSMSGatewayErrors(t *testing.T) {
	for _, tc := range []struct {
		status    int
		permanent bool
	}{{500, false}, {502, false}, {503, false}, {429, false}, {400, true}, {401, true}, {404, true}, {422, true}} {
		g := startGateway(t, func(int) (int, string) { return tc.status, `{"error": "x"}` })
		gw, _ := notify.NewSMSGateway(notify.SMSConfig{URL: g.srv.URL})
		_, err := gw.Send(context.Background(), notify.Message{Channel: notify.ChannelSMS, Mobile: "+966551234567", Text: "x"})
		if err == nil || notify.IsPermanent(err) != tc.permanent {
			t.Errorf("status %d: err = %v, permanent = %v; want permanent = %v", tc.status, err, notify.IsPermanent(err), tc.permanent)
		}
	}
	// A gateway that does not answer in time is retried.
	// The handler reads the body first: only then does net/http watch the
	// connection and cancel r.Context() when the client hangs up; done ends
	// it in any case before Close waits for it.
	done := make(chan struct{})
	stuck := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	defer stuck.Close()
	defer close(done)
	gw, _ := notify.NewSMSGateway(notify.SMSConfig{URL: stuck.URL, Timeout: 50 * time.Millisecond})
	if _, err := gw.Send(context.Background(), notify.Message{Channel: notify.ChannelSMS, Mobile: "+966551234567", Text: "x"}); err == nil || notify.IsPermanent(err) {
		t.Errorf("timeout: err = %v, want retryable", err)
	}
	for _, cfg := range []notify.SMSConfig{
		{URL: "ftp://gw.example.com"},
		{URL: "not a url"},
		{URL: "https://gw.example.com", Body: `{"to": {{json .Phone}}}`},
		{URL: "https://gw.example.com", Body: `{{if}}`},
		{URL: "https://gw.example.com/{{.To"},
	} {
		if _, err := notify.NewSMSGateway(cfg); err == nil {
			t.Errorf("%+v was accepted", cfg)
		}
	}
}

// TestSMSThroughTheOutbox: a citizen opening a case gets the SMS through the
// configured gateway, in Arabic, with the case number.
func TestSMSThroughTheOutbox(t *testing.T) {
	g := startGateway(t, ok(`{"id": "gw-1"}`))
	d, err := notify.NewDelivery(notify.DeliveryConfig{SMS: notify.SMSConfig{URL: g.srv.URL + "/v1/send",
		Headers: map[string]string{"X-Api-Key": "secret"}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := testserver.Start(t, withNotifier(d))
	cs := ts.NewCaseSetup("")
	citizen := registerPerson(t, ts, "ar")
	c := ts.OpenCase(citizen.Token, cs, "طلب رخصة بناء", "نص الطلب") // nobody to assign: one message
	flush(t, ts.Server)
	reqs := g.requests()
	if len(reqs) != 1 {
		t.Fatalf("%d gateway requests, want 1", len(reqs))
	}
	var body map[string]string
	if err := json.Unmarshal([]byte(reqs[0].body), &body); err != nil {
		t.Fatal(err)
	}
	if body["to"] != citizen.Mobile || !strings.Contains(body["text"], testserver.Str(c, "number")) || !hasArabic(body["text"]) ||
		reqs[0].header.Get("X-Api-Key") != "secret" || reqs[0].path != "/v1/send" {
		t.Errorf("request %+v, body %v", reqs[0], body)
	}
	msgs := outboxOf(t, ts.Store, citizen.ID)
	if len(msgs) != 1 || msgs[0].Status != "sent" || !strings.Contains(msgs[0].ProviderID, "sms=gw-1") {
		t.Fatalf("outbox %+v", msgs)
	}
}
