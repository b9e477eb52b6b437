package server

import (
	"context"
	"log/slog"
	"time"

	"github.com/jihat/jihat"
)

// ThrottleConfig holds the budgets beside the login limits of Config. Zero
// values take the defaults in brackets.
type ThrottleConfig struct {
	// LoginPerAccountAll bounds failed logins to one account from addresses
	// that never logged in to it (100 per LoginWindow): a distributed guess
	// is slowed, while the owner's known addresses keep their own budget.
	LoginPerAccountAll int
	// LoginSlowAfter is the number of failed logins from one address after
	// which each further attempt from it waits (20): the wait grows by
	// LoginSlowStep (250 ms) per failure, up to LoginSlowMax (5 s), before
	// LoginPerIP refuses.
	LoginSlowAfter int
	LoginSlowStep  time.Duration
	LoginSlowMax   time.Duration
	// KnownFor is how long a successful login makes its address known for
	// its account (30 days).
	KnownFor time.Duration
	// Registrations per client address (20) and per identifier (e-mail,
	// mobile or national ID: 5), per RegisterWindow (1 h).
	RegisterPerIP         int
	RegisterPerIdentifier int
	RegisterWindow        time.Duration
	// Writes (comments, files, voice notes) per user per WriteWindow, over
	// REST and the socket together (30 per 10 s).
	WritesPerUser int
	WriteWindow   time.Duration
	// Sleep waits d unless ctx ends first; nil: a timer. Tests record it.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (t *ThrottleConfig) setDefaults() {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&t.LoginPerAccountAll, 100)
	def(&t.LoginSlowAfter, 20)
	defd(&t.LoginSlowStep, 250*time.Millisecond)
	defd(&t.LoginSlowMax, 5*time.Second)
	defd(&t.KnownFor, 30*24*time.Hour)
	def(&t.RegisterPerIP, 20)
	def(&t.RegisterPerIdentifier, 5)
	defd(&t.RegisterWindow, time.Hour)
	def(&t.WritesPerUser, 30)
	defd(&t.WriteWindow, 10*time.Second)
	if t.Sleep == nil {
		t.Sleep = func(ctx context.Context, d time.Duration) error {
			tm := time.NewTimer(d)
			defer tm.Stop()
			select {
			case <-tm.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		}
	}
}

// limiterRetry is the Retry-After when the shared counter cannot be asked.
const limiterRetry = 30 * time.Second

// limiterDown is the answer when the limiter's store (Redis) cannot be
// asked: refuse (fail closed), 503 with Retry-After.
func (s *Server) limiterDown(ctx context.Context, err error) error {
	s.metrics.logins.WithLabelValues("limiter_down").Inc()
	s.log.WarnContext(ctx, "refused: rate limiter unavailable", slog.Any("err", err))
	return &jihat.Error{Code: jihat.EUNAVAILABLE, Key: "unavailable", RetryAfter: limiterRetry}
}

// rateLimited is ERATELIMIT with the time until the window resets.
func rateLimited(reset time.Duration) error {
	return &jihat.Error{Code: jihat.ERATELIMIT, Key: "rate_limited", RetryAfter: max(reset, time.Second)}
}

// loginKeys are the counters of one login attempt.
type loginKeys struct{ ip, acctIP, acct, known string }

func newLoginKeys(account, ip string) loginKeys {
	return loginKeys{ip: "login:fail:ip:" + ip, acctIP: "login:fail:acct:" + account + "|" + ip,
		acct: "login:fail:acct:" + account, known: "login:known:" + account + "|" + ip}
}

// loginGate decides, before the password is checked, whether this attempt
// may go on: not when its account has failed LoginPerAccount times from this
// address, nor LoginPerAccountAll times from everywhere while this address
// never logged in to it, nor when this address has failed LoginPerIP times;
// past LoginSlowAfter failures from the address, it waits first. Successful
// logins count nowhere.
func (s *Server) loginGate(ctx context.Context, k loginKeys) error {
	l, t := s.cfg.Limiter, s.cfg.Throttle
	n, reset, err := l.Count(ctx, k.acctIP)
	if err != nil {
		return s.limiterDown(ctx, err)
	}
	if n >= s.cfg.LoginPerAccount {
		s.metrics.logins.WithLabelValues("throttled").Inc()
		return rateLimited(reset)
	}
	known, _, err := l.Count(ctx, k.known)
	if err != nil {
		return s.limiterDown(ctx, err)
	}
	if known == 0 {
		if n, reset, err = l.Count(ctx, k.acct); err != nil {
			return s.limiterDown(ctx, err)
		}
		if n >= t.LoginPerAccountAll {
			s.metrics.logins.WithLabelValues("throttled").Inc()
			return rateLimited(reset)
		}
	}
	if n, reset, err = l.Count(ctx, k.ip); err != nil {
		return s.limiterDown(ctx, err)
	}
	if n >= s.cfg.LoginPerIP {
		s.metrics.logins.WithLabelValues("throttled").Inc()
		return rateLimited(reset)
	}
	if n >= t.LoginSlowAfter {
		d := min(time.Duration(n-t.LoginSlowAfter+1)*t.LoginSlowStep, t.LoginSlowMax)
		if err := t.Sleep(ctx, d); err != nil {
			return err
		}
	}
	return nil
}

// loginFailed counts a failed login against the address, the account from
// the address, and the account.
func (s *Server) loginFailed(ctx context.Context, k loginKeys) {
	for _, key := range []string{k.ip, k.acctIP, k.acct} {
		if _, _, err := s.cfg.Limiter.Allow(ctx, key, 1<<30, s.cfg.LoginWindow); err != nil {
			s.log.WarnContext(ctx, "count failed login", slog.Any("err", err))
		}
	}
}

// loginSucceeded clears the account's failures from this address and
// makes the address known for the account.
func (s *Server) loginSucceeded(ctx context.Context, k loginKeys) {
	if err := s.cfg.Limiter.Reset(ctx, k.acctIP); err != nil {
		s.log.WarnContext(ctx, "reset login failures", slog.Any("err", err))
	}
	if _, _, err := s.cfg.Limiter.Allow(ctx, k.known, 1<<30, s.cfg.Throttle.KnownFor); err != nil {
		s.log.WarnContext(ctx, "remember login address", slog.Any("err", err))
	}
}

// spend counts one attempt of key against limit per window: ERATELIMIT
// over it, EUNAVAILABLE when the limiter cannot be asked.
func (s *Server) spend(ctx context.Context, key string, limit int, window time.Duration) error {
	ok, retry, err := s.cfg.Limiter.Allow(ctx, key, limit, window)
	if err != nil {
		return s.limiterDown(ctx, err)
	}
	if !ok {
		return rateLimited(retry)
	}
	return nil
}

// spendWrite takes one write (a comment, a file, a voice note) from u's
// budget: the same budget over REST and the socket.
func (s *Server) spendWrite(ctx context.Context, u *jihat.User) error {
	return s.spend(ctx, "write:user:"+u.ID, s.cfg.Throttle.WritesPerUser, s.cfg.Throttle.WriteWindow)
}

// registerGate counts a registration against the client address and each
// identifier it names, so that answers which tell whether an identifier is
// taken come no faster than login guesses.
func (s *Server) registerGate(ctx context.Context, ip string, u *jihat.User) error {
	t := s.cfg.Throttle
	if err := s.spend(ctx, "register:ip:"+ip, t.RegisterPerIP, t.RegisterWindow); err != nil {
		return err
	}
	for _, id := range []string{u.NationalID, u.Email, u.Mobile} {
		if id == "" {
			continue
		}
		if err := s.spend(ctx, "register:id:"+id, t.RegisterPerIdentifier, t.RegisterWindow); err != nil {
			return err
		}
	}
	return nil
}
