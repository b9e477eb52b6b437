package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jihat/jihat/client"
)

// load is one run: its accounts, its channels and the HTTP transport every
// client shares.
type load struct {
	cfg      *config
	log      io.Writer
	hc       *http.Client
	dial     func(ctx context.Context, network, addr string) (net.Conn, error) // hc's, for sockets read frame by frame
	users    []*user
	channels []*channel

	stormChannels []*channel // -storm's quiet channels
}

// user is an account the run acts as.
type user struct {
	c    *client.Client
	pub  *client.Client // c's session on -publish-url (c itself when it is -url)
	id   string
	jobs chan *channel // comments to publish as this user
}

// channel is a case channel of the run, owned (opened) by one user.
type channel struct {
	caseID    string
	name      string
	owner     *user
	subs      []*user      // who subscribes to it: the owner, and the watchers who may see it
	since     int64        // the last seq before the run: subscriptions start after it
	published atomic.Int64 // comments acknowledged on it
}

func newLoad(cfg *config, log io.Writer) *load {
	var next atomic.Uint64
	dialer := &net.Dialer{Timeout: cfg.Timeout, KeepAlive: 30 * time.Second}
	tr := &http.Transport{
		MaxIdleConns: 256, MaxIdleConnsPerHost: 256, IdleConnTimeout: 90 * time.Second,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			if len(cfg.SourceIPs) == 0 {
				return dialer.DialContext(ctx, network, addr)
			}
			d := *dialer
			ip := cfg.SourceIPs[next.Add(1)%uint64(len(cfg.SourceIPs))]
			d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(ip)}
			return d.DialContext(ctx, network, addr)
		},
	}
	return &load{cfg: cfg, log: log, hc: &http.Client{Transport: tr}, dial: tr.DialContext}
}

func (l *load) logf(format string, args ...any) {
	fmt.Fprintf(l.log, "jihat-load: "+format+"\n", args...)
}

// newClient returns an SDK client of the server.
func (l *load) newClient(opts ...client.Option) *client.Client {
	return l.clientOf(l.cfg.URL, opts...)
}

// publisherOf returns u's client for publishing: the same session on
// -publish-url (the nodes share the database, so a token of one is valid
// on the other).
func (l *load) publisherOf(u *user) *client.Client {
	if l.cfg.PublishURL == l.cfg.URL {
		return u.c
	}
	return l.clientOf(l.cfg.PublishURL, client.WithToken(u.c.Token()))
}

// clientOf returns an SDK client of the server at base.
func (l *load) clientOf(base string, opts ...client.Option) *client.Client {
	opts = append([]client.Option{client.WithHTTPClient(l.hc), client.WithLanguage(l.cfg.Lang),
		client.WithUserAgent("jihat-load")}, opts...)
	if l.cfg.Origin != "" {
		opts = append(opts, client.WithOrigin(l.cfg.Origin))
	}
	return client.New(base, opts...)
}

// setupUsers logs in the given accounts, or registers and logs in fresh
// citizens.
func (l *load) setupUsers(ctx context.Context) error {
	add := func(c *client.Client, id string) {
		// A short queue: publishers that fall behind slow the pacer down
		// instead of piling up comments to send after the run's time.
		l.users = append(l.users, &user{c: c, id: id, jobs: make(chan *channel, 16)})
	}
	for _, tok := range l.cfg.Tokens {
		c := l.newClient(client.WithToken(tok))
		u, err := c.Me(ctx)
		if err != nil {
			return fmt.Errorf("token %s…: %w", tok[:min(6, len(tok))], err)
		}
		add(c, u.ID)
	}
	for _, lp := range l.cfg.Logins {
		login, pw, _ := strings.Cut(lp, ":")
		c := l.newClient()
		u, err := c.Login(ctx, login, pw)
		if err != nil {
			return fmt.Errorf("login %s: %w", login, err)
		}
		add(c, u.ID)
	}
	if len(l.users) > 0 {
		return nil
	}
	pw := randomHex(12)
	stamp := time.Now().UnixNano()
	for i := range l.cfg.Users {
		email := fmt.Sprintf("load-%d-%d@load.jihat.test", stamp, i)
		c := l.newClient()
		if _, err := c.Register(ctx, client.RegisterRequest{Name: fmt.Sprintf("مستخدم حمل %d", i+1), Email: email, Password: "Load-" + pw}); err != nil {
			return fmt.Errorf("register %s: %w", email, err)
		}
		u, err := c.Login(ctx, email, "Load-"+pw)
		if err != nil {
			return fmt.Errorf("login %s: %w", email, err)
		}
		add(c, u.ID)
	}
	l.logf("%d citizens registered (load-%d-*@load.jihat.test)", len(l.users), stamp)
	return nil
}

// setupChannels opens the run's cases (or takes -cases) and finds where
// each channel's sequence stands.
func (l *load) setupChannels(ctx context.Context) error {
	if len(l.cfg.Cases) > 0 {
		for _, id := range l.cfg.Cases {
			owner, err := l.ownerOf(ctx, id)
			if err != nil {
				return err
			}
			l.channels = append(l.channels, &channel{caseID: id, name: "case:" + id, owner: owner})
		}
	} else {
		chs, err := l.createCases(ctx, l.cfg.Channels)
		if err != nil {
			return err
		}
		l.channels = chs
		l.logf("%d cases opened", len(l.channels))
	}
	var watchers []*user
	for _, lp := range l.cfg.Watchers {
		login, pw, _ := strings.Cut(lp, ":")
		c := l.newClient()
		u, err := c.Login(ctx, login, pw)
		if err != nil {
			return fmt.Errorf("watcher %s: %w", login, err)
		}
		watchers = append(watchers, &user{c: c, id: u.ID})
	}
	for _, ch := range l.channels {
		seq, err := lastSeq(ctx, ch.owner.c, ch.caseID)
		if err != nil {
			return fmt.Errorf("events of %s: %w", ch.caseID, err)
		}
		ch.since = seq
		ch.subs = []*user{ch.owner}
		for _, w := range watchers {
			if _, err := w.c.Case(ctx, ch.caseID); err == nil {
				ch.subs = append(ch.subs, w)
			}
		}
		if len(watchers) > 0 && len(ch.subs) == 1 {
			l.logf("no watcher may see case %s: only its owner subscribes", ch.caseID)
		}
	}
	return nil
}

// createCases opens n cases, owned by the run's users in turn.
func (l *load) createCases(ctx context.Context, n int) ([]*channel, error) {
	entity, typ, err := l.caseType(ctx)
	if err != nil {
		return nil, err
	}
	var out []*channel
	for i := range n {
		owner := l.users[i%len(l.users)]
		cs, err := owner.c.CreateCase(ctx, client.CaseRequest{EntityID: entity, CaseTypeID: typ,
			Subject: fmt.Sprintf("اختبار حمل %d", i+1), Body: "حالة أنشأها jihat-load لقياس الأداء", Priority: "normal"})
		if err != nil {
			return nil, fmt.Errorf("create case: %w", err)
		}
		out = append(out, &channel{caseID: cs.ID, name: "case:" + cs.ID, owner: owner, subs: []*user{owner}})
	}
	return out, nil
}

// subscriber returns who holds subscriber connection i (of channel i mod K):
// the channel's owner and watchers in turn.
func (l *load) subscriber(i int) (*channel, *user) {
	k := len(l.channels)
	ch := l.channels[i%k]
	return ch, ch.subs[(i/k)%len(ch.subs)]
}

// ownerOf returns the first user who may see the case.
func (l *load) ownerOf(ctx context.Context, caseID string) (*user, error) {
	var last error
	for _, u := range l.users {
		if _, err := u.c.Case(ctx, caseID); err == nil {
			return u, nil
		} else {
			last = err
		}
	}
	return nil, fmt.Errorf("case %s: no account of the run may see it: %w", caseID, last)
}

// caseType returns -entity/-case-type, or the first entity that has a case type.
func (l *load) caseType(ctx context.Context) (string, string, error) {
	c := l.users[0].c
	if l.cfg.EntityID != "" && l.cfg.CaseTypeID != "" {
		return l.cfg.EntityID, l.cfg.CaseTypeID, nil
	}
	var entities []string
	if l.cfg.EntityID != "" {
		entities = []string{l.cfg.EntityID}
	} else {
		es, err := c.Entities(ctx)
		if err != nil {
			return "", "", err
		}
		for _, e := range es {
			entities = append(entities, e.ID)
		}
	}
	for _, e := range entities {
		types, err := c.CaseTypes(ctx, e)
		if err != nil {
			return "", "", err
		}
		if len(types) > 0 {
			return e, types[0].ID, nil
		}
	}
	return "", "", errors.New("no entity with a case type: pass -entity and -case-type, or run the server with its demo")
}

// lastSeq returns the last public seq of a case.
func lastSeq(ctx context.Context, c *client.Client, caseID string) (int64, error) {
	var last int64
	for {
		evs, err := c.CaseEvents(ctx, caseID, last, 0)
		if err != nil {
			return 0, err
		}
		n := 0
		for _, e := range evs {
			if e.Channel == "case:"+caseID && e.Seq > last {
				last = e.Seq
				n++
			}
		}
		if n == 0 || len(evs) < 1000 {
			return last, nil
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
