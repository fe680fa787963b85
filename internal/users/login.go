package users

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
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
// account or from the address get Throttled before the password is even checked,
// parallel attempts included.
func (s *Service) Login(ctx context.Context, in LoginInput) (*User, error) {
	failed := apperr.New(apperr.Unauthenticated, "login.failed")
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil || len(in.Password) > 4*MaxPasswordLen {
		return nil, failed
	}
	if err := s.checkThrottle(ctx, email, in.Addr, noFailure, noFailure); err != nil {
		return nil, err
	}
	// The attempt is recorded as a failure before the slow password check, then the
	// limits are checked again counting only the failures recorded before it: parallel
	// attempts see each other, so a burst gets no more password checks than the limits
	// allow. The record is withdrawn when the attempt is throttled or succeeds, so
	// attempts refused while throttled do not prolong the pause.
	acctID, addrID, err := s.recordFailure(ctx, email, in.Addr)
	if err != nil {
		return nil, err
	}
	if err := s.checkThrottle(ctx, email, in.Addr, acctID, addrID); err != nil {
		if werr := s.withdrawFailure(ctx, acctID, addrID); werr != nil {
			return nil, werr
		}
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
		s.log.Error("stored password hash is malformed", "email", email, "err", verr)
	}
	if u == nil || !ok || !u.Active {
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
	if err := s.withdrawFailure(ctx, noFailure, addrID); err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
	return u, nil
}

// noFailure stands for "no failure recorded" where a login_failures id is expected;
// as an upper bound it counts every failure.
const noFailure = int64(math.MaxInt64)

// checkThrottle refuses a login when the account or the address has too many
// failures within the window among those recorded before acctBefore and addrBefore
// (ids of login_failures rows; noFailure counts them all).
func (s *Service) checkThrottle(ctx context.Context, email, addr string, acctBefore, addrBefore int64) error {
	t := s.opts.Throttle
	since := s.now().UTC().Add(-t.Window)
	var n int
	var last *time.Time
	var lastS db.NullTime
	if err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*), MAX(at) FROM login_failures WHERE scope = 'account' AND key = $1 AND at > $2 AND id < $3",
		email, since, acctBefore).Scan(&n, &lastS); err != nil {
		return fmt.Errorf("users: unable to check throttling: %w", err)
	}
	last = lastS.Ptr()
	if n >= t.AccountLimit && last != nil && s.now().Before(last.Add(t.AccountPause)) {
		s.log.Warn("login throttled for the account", "email", email, "failures", n)
		return apperr.New(apperr.Throttled, "login.throttled")
	}
	if addr != "" {
		if err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM login_failures WHERE scope = 'address' AND key = $1 AND at > $2 AND id < $3",
			addr, since, addrBefore).Scan(&n); err != nil {
			return fmt.Errorf("users: unable to check throttling: %w", err)
		}
		if n >= t.AddressLimit {
			s.log.Warn("login throttled for the address", "addr", addr, "failures", n)
			return apperr.New(apperr.Throttled, "login.throttled")
		}
	}
	return nil
}

// recordFailure records a failed login for the account and, when known, the
// address, and returns the ids of the rows (noFailure for none).
func (s *Service) recordFailure(ctx context.Context, email, addr string) (acctID, addrID int64, err error) {
	now := s.now().UTC()
	q := "INSERT INTO login_failures (scope, key, at) VALUES ($1, $2, $3) RETURNING id"
	if err := s.db.W.QueryRowContext(ctx, q, "account", email, now).Scan(&acctID); err != nil {
		return 0, 0, fmt.Errorf("users: unable to record a failed login: %w", err)
	}
	addrID = noFailure
	if addr != "" {
		if err := s.db.W.QueryRowContext(ctx, q, "address", addr, now).Scan(&addrID); err != nil {
			return 0, 0, fmt.Errorf("users: unable to record a failed login: %w", err)
		}
	}
	return acctID, addrID, nil
}

// withdrawFailure deletes failures recorded by recordFailure (noFailure ids are skipped).
func (s *Service) withdrawFailure(ctx context.Context, ids ...int64) error {
	for _, id := range ids {
		if id == noFailure {
			continue
		}
		if _, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE id = $1", id); err != nil {
			return fmt.Errorf("users: unable to withdraw a failed login: %w", err)
		}
	}
	return nil
}

// PruneLoginFailures deletes failures older than the throttling window; a periodic job calls it.
func (s *Service) PruneLoginFailures(ctx context.Context) error {
	_, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", s.now().UTC().Add(-s.opts.Throttle.Window))
	return err
}
