package notify

import (
	"context"
	"fmt"
	"log/slog"
)

// DeliveryConfig says how e-mail and SMS leave the server. A channel whose
// URL is empty is printed to the log instead (the embedded default).
type DeliveryConfig struct {
	Mail   MailConfig
	SMS    SMSConfig
	Logger *slog.Logger
}

// Delivery is the production Notifier: e-mail over SMTP and SMS through an
// HTTP gateway, each falling back to the log when not configured. Safe for
// concurrent use.
type Delivery struct {
	email Sender
	sms   Sender
}

// NewDelivery checks cfg and builds the senders.
func NewDelivery(cfg DeliveryConfig) (*Delivery, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	logged := LogNotifier{Log: cfg.Logger}
	d := &Delivery{email: logged, sms: logged}
	if cfg.Mail.URL != "" {
		m, err := NewSMTPSender(cfg.Mail)
		if err != nil {
			return nil, err
		}
		d.email = m
	}
	if cfg.SMS.URL != "" {
		g, err := NewSMSGateway(cfg.SMS)
		if err != nil {
			return nil, err
		}
		d.sms = g
	}
	return d, nil
}

// Notify implements Notifier.
func (d *Delivery) Notify(ctx context.Context, m Message) error {
	_, err := d.Send(ctx, m)
	return err
}

// Send implements Sender.
func (d *Delivery) Send(ctx context.Context, m Message) (string, error) {
	switch m.Channel {
	case ChannelEmail:
		return d.email.Send(ctx, m)
	case ChannelSMS:
		return d.sms.Send(ctx, m)
	}
	return "", Permanent(fmt.Errorf("notify: no sender for channel %q", m.Channel))
}
