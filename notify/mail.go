package notify

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"time"

	"github.com/wneessen/go-mail"
)

// MailConfig configures e-mail over SMTP.
type MailConfig struct {
	// URL is smtp://user:pass@host:port (STARTTLS when the server offers
	// it; port 25 by default) or smtps://user:pass@host:port (implicit TLS;
	// port 465 by default). User and password are optional.
	URL string
	// From is the sender: an address, or "Name <address>".
	From string
	// TLS replaces the TLS settings (trusted roots in tests); nil uses the
	// system roots and the URL's host name.
	TLS *tls.Config
	// Timeout bounds one message: connect, send and quit; default 30 s.
	Timeout time.Duration
}

// SMTPSender sends e-mail over SMTP with github.com/wneessen/go-mail, one
// connection per message: UTF-8 headers and a quoted-printable UTF-8 body, so
// Arabic arrives intact. Safe for concurrent use.
type SMTPSender struct {
	host string
	from string
	opts []mail.Option
}

// NewSMTPSender checks cfg and returns the sender.
func NewSMTPSender(cfg MailConfig) (*SMTPSender, error) {
	u, err := url.Parse(cfg.URL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("SMTP_URL must be smtp://[user:pass@]host[:port] or smtps://[user:pass@]host[:port]")
	}
	if cfg.From == "" {
		return nil, errors.New("SMTP_FROM is required with SMTP_URL")
	}
	if err := mail.NewMsg().From(cfg.From); err != nil {
		return nil, fmt.Errorf("SMTP_FROM: %w", err)
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 30 * time.Second
	}
	port := 25
	if u.Scheme == "smtps" {
		port = 465
	}
	if p := u.Port(); p != "" {
		if port, err = strconv.Atoi(p); err != nil {
			return nil, fmt.Errorf("SMTP_URL: port %q", p)
		}
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLS != nil {
		tc = cfg.TLS.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = u.Hostname()
	}
	opts := []mail.Option{mail.WithPort(port), mail.WithTimeout(cfg.Timeout), mail.WithTLSConfig(tc)}
	if u.Scheme == "smtps" {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if u.User != nil && u.User.Username() != "" {
		pass, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pass))
	}
	return &SMTPSender{host: u.Hostname(), from: cfg.From, opts: opts}, nil
}

// Notify implements Notifier.
func (s *SMTPSender) Notify(ctx context.Context, m Message) error {
	_, err := s.Send(ctx, m)
	return err
}

// Send implements Sender: the provider ID is the Message-ID. A recipient the
// server refuses for good (5xx to RCPT TO) or a bad address is permanent;
// everything else (connection, authentication, 4xx) is retried.
func (s *SMTPSender) Send(ctx context.Context, m Message) (string, error) {
	msg := mail.NewMsg(mail.WithNoDefaultUserAgent())
	if err := msg.From(s.from); err != nil {
		return "", Permanent(err)
	}
	if err := msg.To(m.Email); err != nil {
		return "", Permanent(fmt.Errorf("smtp: recipient: %w", err))
	}
	msg.Subject(m.Subject)
	msg.SetMessageID()
	msg.SetDate()
	msg.SetGenHeader(mail.Header("Auto-Submitted"), "auto-generated")
	msg.SetBodyString(mail.TypeTextPlain, m.Text)
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return "", Permanent(err)
		}
	}
	client, err := mail.NewClient(s.host, s.opts...)
	if err != nil {
		return "", err
	}
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		var se *mail.SendError
		if errors.As(err, &se) && se.Reason == mail.ErrSMTPRcptTo && !se.IsTemp() {
			return "", Permanent(fmt.Errorf("smtp: %w", err))
		}
		return "", fmt.Errorf("smtp: %w", err)
	}
	return msg.GetMessageID(), nil
}
