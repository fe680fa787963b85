package users

import (
	"context"
	"errors"
	"fmt"
	"math"

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
// (an unknown e-mail is checked against a dummy hash). An attempt over the limits
// of Throttle gets Throttled before the password is even checked, parallel attempts
// included.
func (s *Service) Login(ctx context.Context, in LoginInput) (*User, error) {
	failed := apperr.New(apperr.Unauthenticated, "login.failed")
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil || len(in.Password) > 4*MaxPasswordLen {
		return nil, failed
	}
	if err := s.checkThrottle(ctx, email, in.Addr, noFailure); err != nil {
		return nil, err
	}
	// The attempt is recorded as a failure before the slow password check, then the
	// limits are checked again counting only the failures recorded before it: parallel
	// attempts see each other, so a burst gets no more password checks than the limits
	// allow. The record is withdrawn when the attempt is throttled or succeeds, so
	// refused attempts never count: nobody can prolong a pause by hammering it.
	id, err := s.recordFailure(ctx, email, in.Addr)
	if err != nil {
		return nil, err
	}
	if err := s.checkThrottle(ctx, email, in.Addr, id); err != nil {
		if werr := s.withdrawFailure(ctx, id); werr != nil {
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
	// The owner proved themselves from this address: its earlier typos are forgiven.
	// Failures from other addresses stay, so a success does not reset a guesser.
	if _, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE email = $1 AND addr = $2", email, in.Addr); err != nil {
		return nil, fmt.Errorf("users: unable to reset failures: %w", err)
	}
	u.LastLoginAt = &now
	return u, nil
}

// noFailure stands for "no failure recorded" where a login_failures id is expected;
// as an upper bound it counts every failure.
const noFailure = int64(math.MaxInt64)

// checkThrottle refuses a login over the limits of Throttle, counting the failures
// within the window recorded before the row before (noFailure counts them all).
// The limits are on the pair (account, address) first, so a guesser's address is
// refused and the owner's is not; a busy account or a busy address only lowers that
// pair limit to one, so an address with no recent failure for the account — the
// owner's, or a colleague's behind the same NAT — always gets its attempt checked.
func (s *Service) checkThrottle(ctx context.Context, email, addr string, before int64) error {
	t := s.opts.Throttle
	since := s.now().UTC().Add(-t.Window)
	var pair, account, address int
	err := s.db.R.QueryRowContext(ctx, "SELECT "+
		"COALESCE(SUM(CASE WHEN email = $1 AND addr = $2 THEN 1 ELSE 0 END), 0), "+
		"COALESCE(SUM(CASE WHEN email = $1 THEN 1 ELSE 0 END), 0), "+
		"COALESCE(SUM(CASE WHEN addr = $2 THEN 1 ELSE 0 END), 0) "+
		"FROM login_failures WHERE (email = $1 OR addr = $2) AND at > $3 AND id < $4",
		email, addr, since, before).Scan(&pair, &account, &address)
	if err != nil {
		return fmt.Errorf("users: unable to check throttling: %w", err)
	}
	limit := t.PairLimit
	if account >= t.AccountLimit || address >= t.AddressLimit {
		limit = 1
	}
	if pair >= limit {
		s.log.Warn("login throttled", "email", email, "addr", addr, "pair_failures", pair, "account_failures", account, "address_failures", address)
		return apperr.New(apperr.Throttled, "login.throttled")
	}
	return nil
}

// recordFailure records a failed login of the account from the address and returns
// the row's id.
func (s *Service) recordFailure(ctx context.Context, email, addr string) (id int64, err error) {
	if err := s.db.W.QueryRowContext(ctx, "INSERT INTO login_failures (email, addr, at) VALUES ($1, $2, $3) RETURNING id",
		email, addr, s.now().UTC()).Scan(&id); err != nil {
		return 0, fmt.Errorf("users: unable to record a failed login: %w", err)
	}
	return id, nil
}

// withdrawFailure deletes a failure recorded by recordFailure.
func (s *Service) withdrawFailure(ctx context.Context, id int64) error {
	if _, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE id = $1", id); err != nil {
		return fmt.Errorf("users: unable to withdraw a failed login: %w", err)
	}
	return nil
}

// PruneLoginFailures deletes failed logins older than the throttling window and mail
// requests older than their window; a periodic job calls it.
func (s *Service) PruneLoginFailures(ctx context.Context) error {
	now := s.now().UTC()
	if _, err := s.db.W.ExecContext(ctx, "DELETE FROM login_failures WHERE at < $1", now.Add(-s.opts.Throttle.Window)); err != nil {
		return err
	}
	_, err := s.db.W.ExecContext(ctx, "DELETE FROM mail_requests WHERE at < $1", now.Add(-s.opts.MailThrottle.Window))
	return err
}
