package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"text/template"
	"time"
)

// DefaultSMSBody is the request body sent to an SMS gateway when SMSConfig
// gives none.
const DefaultSMSBody = `{"to": {{json .To}}, "text": {{json .Text}}}`

// SMSConfig configures an HTTP SMS gateway, so Unifonic-, Twilio- or
// Taqnyat-style providers work without code.
type SMSConfig struct {
	// URL of the gateway. It may be a template like the body (for gateways
	// that take the message in the query: ...?to={{urlquery .To}}).
	URL string
	// Method is the HTTP method; default POST.
	Method string
	// Headers are added to every request (Authorization, Content-Type...).
	// Content-Type defaults to application/json when there is a body.
	Headers map[string]string
	// Body is a text/template of the request body with .To (E.164) and
	// .Text; the function json writes a JSON string and urlquery escapes
	// for a form. Default DefaultSMSBody; "-" sends no body.
	Body string
	// IDField names the provider's message ID in a JSON answer, with dots
	// for nesting ("data.MessageID"). Empty tries id, sid, message_id,
	// messageId, MessageID and the same under data. Without one, the HTTP
	// status is recorded.
	IDField string
	// Timeout bounds one request; default 15 s.
	Timeout time.Duration
	// Client is the HTTP client; default a new one.
	Client *http.Client
}

// SMSGateway sends SMS through an HTTP gateway. A 2xx answer is a delivery;
// 5xx, 429, timeouts and connection errors are retried; any other answer is
// permanent. Safe for concurrent use.
type SMSGateway struct {
	cfg  SMSConfig
	url  *template.Template // nil when the URL is plain
	body *template.Template // nil for no body
}

var smsFuncs = template.FuncMap{"json": func(s string) (string, error) {
	b, err := json.Marshal(s)
	return string(b), err
}}

// NewSMSGateway checks cfg and returns the gateway.
func NewSMSGateway(cfg SMSConfig) (*SMSGateway, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("SMS_URL must be an http:// or https:// URL")
	}
	if cfg.Method == "" {
		cfg.Method = http.MethodPost
	}
	cfg.Method = strings.ToUpper(cfg.Method)
	if cfg.Body == "" {
		cfg.Body = DefaultSMSBody
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{}
	}
	g := &SMSGateway{cfg: cfg}
	if strings.Contains(cfg.URL, "{{") {
		if g.url, err = template.New("url").Funcs(smsFuncs).Option("missingkey=error").Parse(cfg.URL); err != nil {
			return nil, fmt.Errorf("SMS_URL: %w", err)
		}
	}
	if cfg.Body != "-" {
		if g.body, err = template.New("body").Funcs(smsFuncs).Option("missingkey=error").Parse(cfg.Body); err != nil {
			return nil, fmt.Errorf("SMS_BODY: %w", err)
		}
		// Render once now, so a body that names an unknown field fails at start.
		if err := g.body.Execute(io.Discard, smsData{To: "+966500000000", Text: "test"}); err != nil {
			return nil, fmt.Errorf("SMS_BODY: %w", err)
		}
	}
	return g, nil
}

// smsData is what the URL and body templates see.
type smsData struct {
	To   string
	Text string
}

// Notify implements Notifier.
func (g *SMSGateway) Notify(ctx context.Context, m Message) error {
	_, err := g.Send(ctx, m)
	return err
}

// Send implements Sender.
func (g *SMSGateway) Send(ctx context.Context, m Message) (string, error) {
	data := smsData{To: m.Mobile, Text: m.Text}
	target := g.cfg.URL
	if g.url != nil {
		var b strings.Builder
		if err := g.url.Execute(&b, data); err != nil {
			return "", Permanent(fmt.Errorf("sms: url: %w", err))
		}
		target = b.String()
	}
	var body io.Reader
	if g.body != nil {
		var b bytes.Buffer
		if err := g.body.Execute(&b, data); err != nil {
			return "", Permanent(fmt.Errorf("sms: body: %w", err))
		}
		body = &b
	}
	ctx, cancel := context.WithTimeout(ctx, g.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, g.cfg.Method, target, body)
	if err != nil {
		return "", Permanent(fmt.Errorf("sms: %w", err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range g.cfg.Headers {
		req.Header.Set(k, v)
	}
	res, err := g.cfg.Client.Do(req)
	if err != nil {
		return "", fmt.Errorf("sms gateway: %w", err)
	}
	defer res.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(res.Body, 64<<10))
	switch {
	case res.StatusCode >= 200 && res.StatusCode < 300:
		if id := providerID(answer, g.cfg.IDField); id != "" {
			return id, nil
		}
		return "http " + strconv.Itoa(res.StatusCode), nil
	case res.StatusCode >= 500 || res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusRequestTimeout:
		return "", fmt.Errorf("sms gateway: %s: %s", res.Status, snippet(answer))
	default:
		return "", Permanent(fmt.Errorf("sms gateway: %s: %s", res.Status, snippet(answer)))
	}
}

// providerID reads the message ID from a JSON answer: the field path, or the
// usual names when path is "".
func providerID(answer []byte, path string) string {
	var doc any
	if json.Unmarshal(answer, &doc) != nil {
		return ""
	}
	paths := []string{path}
	if path == "" {
		paths = nil
		for _, prefix := range []string{"", "data."} {
			for _, f := range []string{"id", "sid", "message_id", "messageId", "MessageID"} {
				paths = append(paths, prefix+f)
			}
		}
	}
	for _, p := range paths {
		v := doc
		for _, k := range strings.Split(p, ".") {
			obj, ok := v.(map[string]any)
			if !ok {
				v = nil
				break
			}
			v = obj[k]
		}
		switch x := v.(type) {
		case string:
			if x != "" {
				return x
			}
		case float64:
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	}
	return ""
}

// snippet is the start of a gateway's answer, for the error recorded.
func snippet(b []byte) string {
	s := strings.TrimSpace(string(b))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return strings.ToValidUTF8(s, "")
}
