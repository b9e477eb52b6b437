package server_test

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// mailbox is the receiving side: a real SMTP server (emersion/go-smtp) on
// loopback that keeps every message.
type mailbox struct {
	mu   sync.Mutex // guards msgs
	msgs []received
	user string // the login it requires ("" for none)
	pass string
}

type received struct {
	from string
	to   []string
	data []byte
	tls  bool   // the message came over TLS
	user string // the authenticated login
}

func (b *mailbox) NewSession(c *smtp.Conn) (smtp.Session, error) {
	_, secure := c.TLSConnectionState()
	return &mailSession{box: b, cur: received{tls: secure}}, nil
}

func (b *mailbox) to(addr string) []received {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []received
	for _, m := range b.msgs {
		for _, t := range m.to {
			if t == addr {
				out = append(out, m)
			}
		}
	}
	return out
}

type mailSession struct {
	box  *mailbox
	cur  received
	auth string
}

func (s *mailSession) AuthMechanisms() []string { return []string{sasl.Plain} }

func (s *mailSession) Auth(string) (sasl.Server, error) {
	return sasl.NewPlainServer(func(_, user, pass string) error {
		if user != s.box.user || pass != s.box.pass {
			return errors.New("bad credentials")
		}
		s.auth = user
		return nil
	}), nil
}

func (s *mailSession) Mail(from string, _ *smtp.MailOptions) error {
	if s.box.user != "" && s.auth == "" {
		return &smtp.SMTPError{Code: 530, Message: "authentication required"}
	}
	s.cur.from = from
	return nil
}

func (s *mailSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.cur.to = append(s.cur.to, to)
	return nil
}

func (s *mailSession) Data(r io.Reader) error {
	b, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.cur.data, s.cur.user = b, s.auth
	s.box.mu.Lock()
	s.box.msgs = append(s.box.msgs, s.cur)
	s.box.mu.Unlock()
	s.cur = received{tls: s.cur.tls}
	return nil
}

func (s *mailSession) Reset()        { s.cur = received{tls: s.cur.tls} }
func (s *mailSession) Logout() error { return nil }

// startMailbox serves SMTP on loopback: plain, STARTTLS or implicit TLS
// (with a certificate for 127.0.0.1 that tlsClient trusts).
func startMailbox(t *testing.T, mode, user, pass string) (box *mailbox, addr string, tlsClient *tls.Config) {
	t.Helper()
	cert, pool := selfSigned(t)
	box = &mailbox{user: user, pass: pass}
	srv := smtp.NewServer(box)
	srv.Domain = "mx.jihat.test"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	srv.EnableSMTPUTF8 = true
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	switch mode {
	case "starttls":
		srv.TLSConfig = tc
	case "implicit":
		srv.TLSConfig = tc
		ln = tls.NewListener(ln, tc)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return box, ln.Addr().String(), &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// selfSigned makes a certificate for 127.0.0.1 and the pool that trusts it.
func selfSigned(t *testing.T) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, pool
}

// parsedMail is a received message decoded as a mail client would.
type parsedMail struct {
	from, subject, text string
	files               map[string]mailFile
}

type mailFile struct {
	contentType string
	data        []byte
}

// parseMail decodes the headers (RFC 2047), the text part and the
// attachments (quoted-printable or base64) of a raw message.
func parseMail(t *testing.T, raw []byte) parsedMail {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("read message: %v\n%s", err, raw)
	}
	dec := new(mime.WordDecoder)
	var p parsedMail
	if p.subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("subject: %v", err)
	}
	if p.from, err = dec.DecodeHeader(msg.Header.Get("From")); err != nil {
		t.Fatalf("from: %v", err)
	}
	p.files = map[string]mailFile{}
	mt, params, err := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatalf("content type: %v", err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		p.text = strings.ReplaceAll(decodeBody(t, msg.Header.Get("Content-Transfer-Encoding"), params["charset"], msg.Body), "\r\n", "\n")
		return p
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("part: %v", err)
		}
		ct := part.Header.Get("Content-Type")
		pt, pp, _ := mime.ParseMediaType(ct)
		body := decodeBody(t, part.Header.Get("Content-Transfer-Encoding"), pp["charset"], part)
		if name := part.FileName(); name != "" {
			p.files[name] = mailFile{contentType: ct, data: []byte(body)}
		} else if pt == "text/plain" {
			p.text = strings.ReplaceAll(body, "\r\n", "\n")
		}
	}
	return p
}

func decodeBody(t *testing.T, encoding, charset string, r io.Reader) string {
	t.Helper()
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(r)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, r)
	}
	b, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("decode %s body: %v", encoding, err)
	}
	if charset != "" && !strings.EqualFold(charset, "utf-8") {
		t.Errorf("charset %q, want UTF-8", charset)
	}
	return string(b)
}

// TestSMTPArabicMail: a real SMTP server on loopback receives the e-mails of
// a case in Arabic with a readable subject and body, and a meeting
// invitation with its .ics attachment — over plain SMTP, STARTTLS with a
// login, and implicit TLS.
func TestSMTPArabicMail(t *testing.T) {
	for _, mode := range []struct{ name, scheme, user, pass string }{
		{"plain", "smtp", "", ""},
		{"starttls", "smtp", "jihat", "s3cret pass"},
		{"implicit", "smtps", "jihat", "s3cret"},
	} {
		t.Run(mode.name, func(t *testing.T) {
			box, addr, tc := startMailbox(t, mode.name, mode.user, mode.pass)
			u := mode.scheme + "://" + addr
			if mode.user != "" {
				u = mode.scheme + "://" + mode.user + ":" + strings.ReplaceAll(mode.pass, " ", "%20") + "@" + addr
			}
			delivery, err := notify.NewDelivery(notify.DeliveryConfig{Mail: notify.MailConfig{URL: u,
				From: "منصة جهات <noreply@jihat.test>", TLS: tc}})
			if err != nil {
				t.Fatal(err)
			}
			ts := testserver.Start(t, withNotifier(delivery))
			cs := ts.NewCaseSetup("")
			ts.Staff(cs, "employee", 10)
			citizen := registerPerson(t, ts, "ar")
			const subject = "انقطاع المياه عن حي النخيل"
			c := ts.OpenCase(citizen.Token, cs, subject, "لا توجد مياه منذ يومين")
			number := testserver.Str(c, "number")
			flush(t, ts.Server)

			got := box.to(citizen.Email)
			if len(got) != 2 { // case.created and case.assigned_requester
				t.Fatalf("%d e-mails to the citizen, want 2", len(got))
			}
			if mode.name != "plain" && (!got[0].tls || got[0].user != mode.user) {
				t.Errorf("tls = %v, user = %q; want TLS and %q", got[0].tls, got[0].user, mode.user)
			}
			m := parseMail(t, got[0].data)
			if want := "تم استلام معاملتك رقم " + number; m.subject != want {
				t.Errorf("subject = %q, want %q", m.subject, want)
			}
			if !strings.Contains(m.from, "منصة جهات") {
				t.Errorf("from = %q", m.from)
			}
			for _, want := range []string{"مرحباً مواطن الإشعارات،", "«" + subject + "»", number, "منصة جهات"} {
				if !strings.Contains(m.text, want) {
					t.Errorf("body lacks %q:\n%s", want, m.text)
				}
			}
			if strings.Contains(string(got[0].data), subject) {
				t.Error("the Arabic text travels unencoded (8-bit) instead of quoted-printable")
			}
			// The outbox keeps the Message-ID as the provider's ID.
			msgs := outboxOf(t, ts.Store, citizen.ID)
			if !strings.Contains(msgs[0].ProviderID, "email=<") {
				t.Errorf("provider ID %q", msgs[0].ProviderID)
			}

			// A meeting invitation carries its .ics.
			title := "اجتماع مجلس الإدارة الدوري لمناقشة الميزانية السنوية والخطة الاستراتيجية"
			start := time.Date(2026, 3, 1, 7, 0, 0, 0, time.UTC)
			ics, err := notify.ICS(notify.ICSEvent{UID: "meeting-1@jihat", Summary: title, Start: start, End: start.Add(time.Hour),
				Stamp: start.Add(-time.Hour), Attendees: []notify.ICSPerson{{Name: "مواطن", Email: citizen.Email}}})
			if err != nil {
				t.Fatal(err)
			}
			if err := ts.Store.Enqueue(context.Background(), store.Notice{Kind: "meeting.invitation", RecipientID: citizen.ID,
				Data: map[string]any{"title": title, "starts_at": start, "ends_at": start.Add(time.Hour), "ics": string(ics)}}); err != nil {
				t.Fatal(err)
			}
			flush(t, ts.Server)
			got = box.to(citizen.Email)
			if len(got) != 3 {
				t.Fatalf("%d e-mails, want 3", len(got))
			}
			inv := parseMail(t, got[2].data)
			if inv.subject != "دعوة إلى اجتماع: "+title {
				t.Errorf("invitation subject = %q", inv.subject)
			}
			if !strings.Contains(inv.text, "2026-03-01 10:00") { // Riyadh time
				t.Errorf("invitation body lacks the local start time:\n%s", inv.text)
			}
			f, ok := inv.files["invite.ics"]
			if !ok {
				t.Fatalf("no invite.ics among %v", inv.files)
			}
			if !strings.HasPrefix(f.contentType, "text/calendar") || !strings.Contains(f.contentType, "method=REQUEST") {
				t.Errorf("ics content type %q", f.contentType)
			}
			if !bytes.Equal(f.data, ics) {
				t.Errorf("the .ics changed on the way:\n%q\nwant\n%q", f.data, ics)
			}
			if summary, _ := icsValue(unfoldICS(t, f.data), "SUMMARY"); summary != title {
				t.Errorf("SUMMARY = %q", summary)
			}
		})
	}
}

// TestSMTPConfig: bad settings are refused at start, not at the first send.
func TestSMTPConfig(t *testing.T) {
	for _, cfg := range []notify.MailConfig{
		{URL: "http://mail.example.com", From: "a@b.c"},
		{URL: "smtp://", From: "a@b.c"},
		{URL: "smtp://mail.example.com:port", From: "a@b.c"},
		{URL: "smtp://mail.example.com"},
		{URL: "smtp://mail.example.com", From: "not an address"},
	} {
		if _, err := notify.NewSMTPSender(cfg); err == nil {
			t.Errorf("%+v was accepted", cfg)
		}
	}
	if _, err := notify.NewSMTPSender(notify.MailConfig{URL: "smtps://u:p@mail.example.com", From: "Jihat <noreply@jihat.test>"}); err != nil {
		t.Errorf("a good config: %v", err)
	}
}

// TestSMTPRecipientRefused: a recipient the server refuses for good fails
// the e-mail at once (no retries); an unreachable server is retried.
func TestSMTPRecipientRefused(t *testing.T) {
	box, addr, _ := startMailbox(t, "plain", "", "")
	_ = box
	s, err := notify.NewSMTPSender(notify.MailConfig{URL: "smtp://" + addr, From: "noreply@jihat.test"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Send(context.Background(), notify.Message{Channel: notify.ChannelEmail, Email: "not-an-address", Subject: "x", Text: "y"}); !notify.IsPermanent(err) {
		t.Errorf("a malformed address: err = %v, want permanent", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := ln.Addr().String()
	ln.Close()
	down, _ := notify.NewSMTPSender(notify.MailConfig{URL: "smtp://" + closed, From: "noreply@jihat.test", Timeout: 2 * time.Second})
	if _, err := down.Send(context.Background(), notify.Message{Channel: notify.ChannelEmail, Email: "a@jihat.test", Subject: "x", Text: "y"}); err == nil || notify.IsPermanent(err) {
		t.Errorf("an unreachable server: err = %v, want a retryable error", err)
	}
}
