package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/directory"
)

// ResetInput asks for a password reset link.
type ResetInput struct {
	Email string
	// Next is a local path the link carries, so the person lands where they were going.
	Next string
	// Addr is the client's address, for throttling.
	Addr string
}

// RequestPasswordReset mails a single-use reset link to an active account and answers
// every well-formed address alike; an address without an active account gets no mail.
// Requests are throttled per address and per e-mail (MailThrottle). Only the link's
// hash is stored; it works for ResetTTL, once, and a newer link replaces older ones.
func (s *Service) RequestPasswordReset(ctx context.Context, in ResetInput) (*MailResult, error) {
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil {
		return nil, &apperr.Error{Code: apperr.Invalid, Key: "validation.email_invalid", Fields: []apperr.FieldError{{Field: "email", Key: "validation.email_invalid"}}}
	}
	res := &MailResult{Email: email, DevMail: s.opts.DevMail}
	send, err := s.admitMail(ctx, "reset", email, in.Addr)
	if err != nil || !send {
		return res, err
	}
	u, err := getUser(ctx, s.db.R, "u.email = $1", email)
	if errors.Is(err, errNoUser) || (err == nil && !u.Active) {
		s.log.Info("password reset asked for no active account; nothing sent", "email", email)
		return res, nil
	}
	if err != nil {
		return nil, err
	}
	token, tokenHash := newSecret(32)
	now := s.now().UTC()
	m := s.mailText(u.Language, email, "reset", "Name", u.FullName, "Minutes", int(s.opts.ResetTTL.Minutes()),
		"Link", s.linkWithNext("/password-reset/confirm", url.Values{"token": {token}}, in.Next))
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL", now, u.ID); err != nil {
			return fmt.Errorf("users: unable to replace older reset links: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO password_resets (user_id, token_hash, created_at, expires_at) VALUES ($1, $2, $3, $4)",
			u.ID, tokenHash, now, now.Add(s.opts.ResetTTL)); err != nil {
			return fmt.Errorf("users: unable to keep the reset link: %w", err)
		}
		return s.queueMail(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("password reset link mailed", "user_id", u.ID)
	return res, nil
}

// ResetPassword sets a new password from a live reset link and returns the account,
// to be logged in. The link is spent, and the account's epoch moves, so every session
// and login token ends; personal API tokens survive (RevokePersonalTokens ends them).
// A bad password leaves the link unspent; a used, expired, replaced or unknown link
// gets one answer.
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*User, error) {
	bad := apperr.New(apperr.Invalid, "reset.link_invalid")
	if token == "" || len(token) > 100 {
		return nil, bad
	}
	th := hashSecret(token)
	var userID int64
	err := s.db.R.QueryRowContext(ctx, "SELECT user_id FROM password_resets WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
		th, s.now().UTC()).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("users: unable to read the reset link: %w", err)
	}
	u, err := getUser(ctx, s.db.R, "u.id = $1", userID)
	if errors.Is(err, errNoUser) || (err == nil && !u.Active) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	var f apperr.Fields
	passwordField(&f, "password", password, u.Email)
	if err := f.Err(); err != nil {
		return nil, err
	}
	hash, err := HashPassword(password, s.opts.Argon2)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE password_resets SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1", now, th)
		if err != nil {
			return fmt.Errorf("users: unable to spend the reset link: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return bad // spent by a concurrent twin
		}
		return tx.QueryRowContext(ctx, "UPDATE users SET password_hash = $1, auth_epoch = auth_epoch + 1, last_login_at = $2, updated_at = $2 "+
			"WHERE id = $3 AND active = $4 RETURNING auth_epoch", hash, now, u.ID, true).Scan(&u.AuthEpoch)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, err
	}
	u.passwordHash, u.LastLoginAt = hash, &now
	s.log.Info("password reset by mail; sessions and login tokens ended", "user_id", u.ID)
	return u, nil
}

// RevokePersonalTokens ends every live personal API token of the actor: offered
// with a password change, because those tokens survive it.
func (s *Service) RevokePersonalTokens(ctx context.Context, actor *User) (int64, error) {
	if actor == nil {
		return 0, apperr.New(apperr.Unauthenticated, "login.required")
	}
	now := s.now().UTC()
	var revoked []tokenState
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND kind = 'personal' AND revoked_at IS NULL AND expires_at > $1
		RETURNING id, name`, now, actor.ID)
		if err != nil {
			return fmt.Errorf("users: unable to revoke tokens: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			var t tokenState
			if err := rows.Scan(&t.ID, &t.Name); err != nil {
				return fmt.Errorf("users: unable to revoke tokens: %w", err)
			}
			revoked = append(revoked, t)
		}
		if err := rows.Err(); err != nil {
			return fmt.Errorf("users: unable to revoke tokens: %w", err)
		}
		rows.Close()
		// One entry per token, as RevokeToken writes, so the trail reads the same
		// whichever page ended it.
		for _, t := range revoked {
			if err := s.record(ctx, tx, actor, audit.TokenRevoked, userSubject(actor), t, nil); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return int64(len(revoked)), nil
}

// ResetTTL is how long a password reset link works, for the pages to say.
func (s *Service) ResetTTL() time.Duration { return s.opts.ResetTTL }
