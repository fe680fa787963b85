package users

import (
	"context"
	"fmt"

	"smartservice/internal/apperr"
)

const setupSecretKey = "setup_secret_hash"

// HasAdmin reports whether an active administrator exists.
func (s *Service) HasAdmin(ctx context.Context) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM users u JOIN user_roles r ON r.user_id = u.id WHERE r.role = 'admin' AND u.active = $1", true).Scan(&n)
	return n > 0, err
}

// PrepareSetup makes a fresh one-time setup secret while no administrator exists and
// returns it for the server log ("" when an admin exists). Only its hash is stored;
// each start replaces it.
func (s *Service) PrepareSetup(ctx context.Context) (string, error) {
	has, err := s.HasAdmin(ctx)
	if err != nil || has {
		return "", err
	}
	plain, hash := newSecret(18)
	_, err = s.db.W.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value", setupSecretKey, hash)
	if err != nil {
		return "", fmt.Errorf("users: unable to store the setup secret: %w", err)
	}
	return plain, nil
}

// SetupAdmin creates the first administrator from the setup page when the secret
// from the server log matches; the secret is then spent. Once an admin exists the
// page is closed for good (NotFound).
func (s *Service) SetupAdmin(ctx context.Context, secret string, in CreateInput) (*User, error) {
	has, err := s.HasAdmin(ctx)
	if err != nil {
		return nil, err
	}
	if has {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	// Claim the secret by deleting it: of requests that race, only one can, so the
	// secret makes one administrator. It goes back when the account cannot be made
	// (a weak password, say), so the person can correct the form.
	hash := hashSecret(secret)
	res, err := s.db.W.ExecContext(ctx, "DELETE FROM settings WHERE key = $1 AND value = $2", setupSecretKey, hash)
	if err != nil {
		return nil, fmt.Errorf("users: unable to check the setup secret: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, &apperr.Error{Code: apperr.Invalid, Key: "setup.secret_wrong", Fields: []apperr.FieldError{{Field: "secret", Key: "setup.secret_wrong"}}}
	}
	in.Roles = []Role{RoleEmployee, RoleAdmin}
	u, err := s.createUser(ctx, in, true)
	if err != nil {
		// A new start may have replaced the secret meanwhile; that one stays.
		if _, rerr := s.db.W.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING", setupSecretKey, hash); rerr != nil {
			s.log.Error("unable to put the setup secret back", "err", rerr)
		}
		return nil, err
	}
	return u, nil
}
