package server

import (
	"context"
	"log/slog"
)

// Message is one notification to one person (e-mail and/or SMS).
type Message struct {
	Kind    string // e.g. "employee.credentials"
	Email   string
	Mobile  string
	Subject string
	Text    string
}

// Notifier delivers messages. The durable outbox of the notifications issue
// replaces the default LogNotifier; callers do not change.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// LogNotifier prints messages to the log: the embedded default, where there is
// no SMTP server or SMS gateway.
type LogNotifier struct{ Log *slog.Logger }

// Notify implements Notifier.
func (n LogNotifier) Notify(ctx context.Context, m Message) error {
	n.Log.InfoContext(ctx, "notification (printed: no SMTP/SMS configured)", slog.String("kind", m.Kind),
		slog.String("email", m.Email), slog.String("mobile", m.Mobile), slog.String("subject", m.Subject),
		slog.String("text", m.Text))
	return nil
}
