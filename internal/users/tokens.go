package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
)

// TokenPrefix starts every API token, so a leaked one is easy to recognise in a scan.
const TokenPrefix = "sst_"

// MaxTokenTTL bounds a personal token's life.
const MaxTokenTTL = 366 * 24 * time.Hour

// Token is an API token as its owner sees it (never the secret after creation).
type Token struct {
	ID         int64
	Name       string
	Kind       string
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// IssueLoginToken makes the token POST /api/v1/auth/login answers with: it lives as
// long as a web session of u and dies with the account's epoch.
func (s *Service) IssueLoginToken(ctx context.Context, u *User) (string, time.Time, error) {
	plain, t, err := s.insertToken(ctx, u, "login", "API login", s.SessionTTL(u))
	if err != nil {
		return "", time.Time{}, err
	}
	return plain, t.ExpiresAt, nil
}

// CreateToken makes a personal API token for the actor, shown once.
func (s *Service) CreateToken(ctx context.Context, actor *User, name string, ttl time.Duration) (string, *Token, error) {
	if actor == nil {
		return "", nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	var f apperr.Fields
	name = strings.TrimSpace(name)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 100 {
		f.Add("name", "validation.token_name")
	}
	if ttl < time.Hour || ttl > MaxTokenTTL {
		f.Add("expires_in_days", "validation.token_ttl")
	}
	if err := f.Err(); err != nil {
		return "", nil, err
	}
	var plain string
	var t *Token
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if plain, t, err = s.insertTokenTx(ctx, tx, actor, "personal", name, ttl); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.TokenCreated, userSubject(actor), nil, tokenState{ID: t.ID, Name: t.Name, ExpiresAt: t.ExpiresAt.UTC().Format(time.RFC3339)})
	})
	if err != nil {
		return "", nil, err
	}
	return plain, t, nil
}

func (s *Service) insertToken(ctx context.Context, u *User, kind, name string, ttl time.Duration) (string, *Token, error) {
	var plain string
	var t *Token
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		plain, t, err = s.insertTokenTx(ctx, tx, u, kind, name, ttl)
		return err
	})
	return plain, t, err
}

// insertTokenTx is insertToken inside the caller's transaction.
func (s *Service) insertTokenTx(ctx context.Context, tx *sql.Tx, u *User, kind, name string, ttl time.Duration) (string, *Token, error) {
	secret, _ := newSecret(32)
	plain := TokenPrefix + secret
	now := s.now().UTC()
	t := &Token{Name: name, Kind: kind, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if err := tx.QueryRowContext(ctx, "INSERT INTO api_tokens (user_id, kind, name, token_hash, auth_epoch, created_at, expires_at) "+
		"VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id", u.ID, kind, name, hashSecret(plain), u.AuthEpoch, now, t.ExpiresAt).Scan(&t.ID); err != nil {
		return "", nil, fmt.Errorf("users: unable to create a token: %w", err)
	}
	return plain, t, nil
}

// AuthenticateToken returns the active owner of a live token. Revoked, expired,
// unknown tokens, tokens of deactivated users and login tokens from before a
// password change all get Unauthenticated.
func (s *Service) AuthenticateToken(ctx context.Context, plain string) (*User, error) {
	dead := apperr.New(apperr.Unauthenticated, "login.required")
	if !strings.HasPrefix(plain, TokenPrefix) || len(plain) > 100 {
		return nil, dead
	}
	var id, userID, epoch int64
	var kind string
	var exp time.Time
	var revoked, lastUsed sql.NullTime
	err := s.db.R.QueryRowContext(ctx, "SELECT id, user_id, kind, auth_epoch, expires_at, revoked_at, last_used_at FROM api_tokens WHERE token_hash = $1",
		hashSecret(plain)).Scan(&id, &userID, &kind, &epoch, &exp, &revoked, &lastUsed)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, dead
	}
	if err != nil {
		return nil, fmt.Errorf("users: unable to read a token: %w", err)
	}
	now := s.now().UTC()
	if revoked.Valid || !now.Before(exp) {
		return nil, dead
	}
	u, err := s.account(ctx, userID) // the token row above is always read: revocation is instant
	if errors.Is(err, errNoUser) {
		return nil, dead
	}
	if err != nil {
		return nil, err
	}
	if !u.Active || (kind == "login" && epoch != u.AuthEpoch) {
		return nil, dead
	}
	// Record use at most once a minute: a write per API call would make every read a write.
	if !lastUsed.Valid || now.Sub(lastUsed.Time) > time.Minute {
		if _, err := s.db.W.ExecContext(ctx, "UPDATE api_tokens SET last_used_at = $1 WHERE id = $2", now, id); err != nil {
			s.log.Warn("unable to record token use", "err", err)
		}
	}
	return u, nil
}

// ListTokens lists the actor's personal tokens, newest first.
func (s *Service) ListTokens(ctx context.Context, actor *User) ([]Token, error) {
	if actor == nil {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT id, name, kind, created_at, expires_at, last_used_at, revoked_at FROM api_tokens "+
		"WHERE user_id = $1 AND kind = 'personal' ORDER BY id DESC", actor.ID)
	if err != nil {
		return nil, fmt.Errorf("users: unable to list tokens: %w", err)
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		var used, revoked db.NullTime
		if err := rows.Scan(&t.ID, &t.Name, &t.Kind, &t.CreatedAt, &t.ExpiresAt, &used, &revoked); err != nil {
			return nil, fmt.Errorf("users: unable to list tokens: %w", err)
		}
		t.LastUsedAt, t.RevokedAt = used.Ptr(), revoked.Ptr()
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken ends one of the actor's tokens; another person's token is NotFound.
func (s *Service) RevokeToken(ctx context.Context, actor *User, id int64) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var name string
		err := tx.QueryRowContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL RETURNING name",
			s.now().UTC(), id, actor.ID).Scan(&name)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return fmt.Errorf("users: unable to revoke a token: %w", err)
		}
		return s.record(ctx, tx, actor, audit.TokenRevoked, userSubject(actor), tokenState{ID: id, Name: name}, nil)
	})
}

// RevokeLoginToken ends the login token the caller authenticated with (API logout).
func (s *Service) RevokeLoginToken(ctx context.Context, plain string) error {
	_, err := s.db.W.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE token_hash = $2 AND revoked_at IS NULL",
		s.now().UTC(), hashSecret(plain))
	return err
}
