package users

import (
	"context"
	"errors"
	"fmt"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/directory"
)

// LoginInput is a login attempt; Addr is the client's address for throttling.
type LoginInput struct {
	Email    string
	Password string
	Addr     string
}

// Login checks the e-mail and password. Every failure — unknown e-mail, wrong
// password, deactivated account — gets the same error after about the same time
// (an unknown e-mail is checked against a dummy hash). Too many failures for the
// account or from the address get Throttled before the password is even checked.
func (s *Service) Login(ctx context.Context, in LoginInput) (*User, error) {
	failed := apperr.New(apperr.Unauthenticated, "login.failed")
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil || len(in.Password) > 4*MaxPasswordLen {
		return nil, failed
	}
	if err := s.checkThrottle(ctx, email, in.Addr); err != nil {
		return nil, err
	}
	u, err := getUser(ctx, s.db.R, "u.email = $1", email)
	if err != nil && !errors.Is(err, errNoUser) {
		return nil, err
	}
	hash := s.dummyHash
	if u != nil {
		hash = u.passwordHash
	}
	ok, verr := VerifyPassword(in.Password, hash)
	if verr != nil {
		s.log.Error("stored password hash is malformed", "user_id", u.ID, "err", verr)
	}
	if u == nil || !ok || !u.Active {
		if err := s.recordFailure(ctx, email, in.Addr); err != nil {
			return nil, err
		}
		s.log.Info("login failed", "email", email, "addr", in.Addr)
		return nil, failed
	}
	now := s.now().UTC()
	if _, err := s.db.W.ExecContext(ctx, "UPDATE users SET last_login_at = $1 WHERE id = $2", now, u.ID); err != nil {
		return nil, fmt.Errorf("users: unable to record the login: %w", err)
	}
	if _, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE scope = 'account' AND key = $1", email); err != nil {
		return nil, fmt.Errorf("users: unable to reset failures: %w", err)
	}
	u.LastLoginAt = &now
	return u, nil
}

func (s *Service) checkThrottle(ctx context.Context, email, addr string) error {
	t := s.opts.Throttle
	since := s.now().UTC().Add(-t.Window)
	var n int
	var last *time.Time
	var lastS nullTime
	if err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*), MAX(at) FROM login_failures WHERE scope = 'account' AND key = $1 AND at > $2",
		email, since).Scan(&n, &lastS); err != nil {
		return fmt.Errorf("users: unable to check throttling: %w", err)
	}
	last = lastS.ptr()
	if n >= t.AccountLimit && last != nil && s.now().Before(last.Add(t.AccountPause)) {
		s.log.Warn("login throttled for the account", "email", email, "failures", n)
		return apperr.New(apperr.Throttled, "login.throttled")
	}
	if addr != "" {
		if err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE scope = 'address' AND key = $1 AND at > $2",
			addr, since).Scan(&n); err != nil {
			return fmt.Errorf("users: unable to check throttling: %w", err)
		}
		if n >= t.AddressLimit {
			s.log.Warn("login throttled for the address", "addr", addr, "failures", n)
			return apperr.New(apperr.Throttled, "login.throttled")
		}
	}
	return nil
}

func (s *Service) recordFailure(ctx context.Context, email, addr string) error {
	now := s.now().UTC()
	q := "INSERT INTO login_failures (scope, key, at) VALUES ($1, $2, $3)"
	if _, err := s.db.W.ExecContext(ctx, q, "account", email, now); err != nil {
		return fmt.Errorf("users: unable to record a failed login: %w", err)
	}
	if addr != "" {
		if _, err := s.db.W.ExecContext(ctx, q, "address", addr, now); err != nil {
			return fmt.Errorf("users: unable to record a failed login: %w", err)
		}
	}
	return nil
}

// PruneLoginFailures deletes failures older than the throttling window; a periodic job calls it.
func (s *Service) PruneLoginFailures(ctx context.Context) error {
	_, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", s.now().UTC().Add(-s.opts.Throttle.Window))
	return err
}
