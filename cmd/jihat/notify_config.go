package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"

	"github.com/jihat/jihat/notify"
)

// notifyConfig is how notifications leave the server, read from the
// environment only (it holds credentials, which flags would show in ps).
type notifyConfig struct {
	SMTPURL    string // SMTP_URL: smtp://user:pass@host:port or smtps://...
	SMTPFrom   string // SMTP_FROM
	SMSURL     string // SMS_URL
	SMSMethod  string // SMS_METHOD, default POST
	SMSHeaders string // SMS_HEADERS, a JSON object of header → value
	SMSBody    string // SMS_BODY, a text/template with .To and .Text
	SMSIDField string // SMS_ID_FIELD, the provider's message ID in its JSON answer
}

func notifyFromEnv() notifyConfig {
	return notifyConfig{
		SMTPURL: os.Getenv("SMTP_URL"), SMTPFrom: os.Getenv("SMTP_FROM"),
		SMSURL: os.Getenv("SMS_URL"), SMSMethod: os.Getenv("SMS_METHOD"), SMSHeaders: os.Getenv("SMS_HEADERS"),
		SMSBody: os.Getenv("SMS_BODY"), SMSIDField: os.Getenv("SMS_ID_FIELD"),
	}
}

// delivery builds the e-mail and SMS senders; what is not configured is
// printed to the log.
func (n notifyConfig) delivery(log *slog.Logger) (*notify.Delivery, error) {
	var headers map[string]string
	if n.SMSHeaders != "" {
		if err := json.Unmarshal([]byte(n.SMSHeaders), &headers); err != nil {
			return nil, fmt.Errorf(`SMS_HEADERS must be a JSON object such as {"Authorization": "Bearer ..."}: %w`, err)
		}
	}
	d, err := notify.NewDelivery(notify.DeliveryConfig{
		Mail: notify.MailConfig{URL: n.SMTPURL, From: n.SMTPFrom},
		SMS: notify.SMSConfig{URL: n.SMSURL, Method: n.SMSMethod, Headers: headers, Body: n.SMSBody,
			IDField: n.SMSIDField},
		Logger: log,
	})
	if err != nil {
		return nil, err
	}
	if n.SMTPURL == "" {
		log.Info("SMTP_URL is not set: e-mail is printed to the log")
	}
	if n.SMSURL == "" {
		log.Info("SMS_URL is not set: SMS is printed to the log")
	}
	return d, nil
}
