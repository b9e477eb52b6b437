package notify

import (
	"context"
	"errors"
	"log/slog"
)

// Notification channels: how one message reaches one person.
const (
	ChannelEmail = "email"
	ChannelSMS   = "sms"
	ChannelInApp = "in_app"
)

// Message is one rendered notification to one person over one channel
// (e-mail or SMS; in-app notifications are stored and published by the
// worker itself).
type Message struct {
	ID          string // the outbox message ID (the same for every channel of it)
	Kind        string // e.g. "case.created", "employee.credentials"
	Channel     string // ChannelEmail or ChannelSMS
	Email       string // for e-mail
	Mobile      string // for SMS, E.164
	Subject     string // e-mail only
	Text        string
	Attachments []Attachment // e-mail only (a meeting's .ics)
}

// Attachment is a file sent with an e-mail.
type Attachment struct {
	Name        string
	ContentType string // e.g. "text/calendar; method=REQUEST; charset=UTF-8"
	Data        []byte
}

// Notifier delivers one message. The notifications worker calls it for each
// e-mail and SMS of an outbox message; Delivery (SMTP and an HTTP SMS
// gateway) is the production one, LogNotifier the embedded default, and
// tests record messages with their own.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// Sender is a Notifier that also reports the provider's message ID (an SMTP
// Message-ID, a gateway's message ID), which the outbox records.
type Sender interface {
	Send(ctx context.Context, m Message) (providerID string, err error)
}

// send delivers m through n, with the provider's ID when n tells it.
func Send(ctx context.Context, n Notifier, m Message) (string, error) {
	if s, ok := n.(Sender); ok {
		return s.Send(ctx, m)
	}
	return "", n.Notify(ctx, m)
}

// permanentError is a delivery refused for good (a 4xx from the SMS gateway,
// a recipient the SMTP server rejects): trying again cannot help.
type permanentError struct{ err error }

func (e *permanentError) Error() string { return e.err.Error() }
func (e *permanentError) Unwrap() error { return e.err }

// Permanent marks err as a refusal that retrying cannot change. Errors not
// marked are retried with backoff.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return &permanentError{err}
}

// IsPermanent reports whether err was marked with Permanent.
func IsPermanent(err error) bool {
	var p *permanentError
	return errors.As(err, &p)
}

// LogNotifier prints messages to the log: the embedded default, where there
// is no SMTP server or SMS gateway. Messages still go through the outbox.
type LogNotifier struct{ Log *slog.Logger }

// Notify implements Notifier.
func (n LogNotifier) Notify(ctx context.Context, m Message) error {
	_, err := n.Send(ctx, m)
	return err
}

// Send implements Sender; the provider ID is "log".
func (n LogNotifier) Send(ctx context.Context, m Message) (string, error) {
	attrs := []any{slog.String("id", m.ID), slog.String("kind", m.Kind), slog.String("channel", m.Channel),
		slog.String("text", m.Text)}
	if m.Channel == ChannelSMS {
		attrs = append(attrs, slog.String("mobile", m.Mobile))
	} else {
		attrs = append(attrs, slog.String("email", m.Email), slog.String("subject", m.Subject),
			slog.Int("attachments", len(m.Attachments)))
	}
	n.Log.InfoContext(ctx, "notification (printed: no SMTP/SMS configured)", attrs...)
	return "log", nil
}
