package users

import (
	"context"
	"fmt"

	"smartservice/internal/apperr"
)

// SetLanguage changes the actor's own language.
func (s *Service) SetLanguage(ctx context.Context, actor *User, lang string) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if lang != "ru" && lang != "en" {
		return &apperr.Error{Code: apperr.Invalid, Key: "validation.language_invalid", Fields: []apperr.FieldError{{Field: "language", Key: "validation.language_invalid"}}}
	}
	_, err := s.db.W.ExecContext(ctx, "UPDATE users SET language = $1, updated_at = $2 WHERE id = $3", lang, s.now().UTC(), actor.ID)
	if err != nil {
		return fmt.Errorf("users: unable to set language: %w", err)
	}
	actor.Language = lang
	return nil
}

// ChangePassword replaces the actor's password after checking the current one. The
// account's epoch moves, so every session and login token dies; the caller renews
// its own session with the returned epoch, which ends only the others.
func (s *Service) ChangePassword(ctx context.Context, actor *User, current, next string) (newEpoch int64, err error) {
	if actor == nil {
		return 0, apperr.New(apperr.Unauthenticated, "login.required")
	}
	u, err := getUser(ctx, s.db.R, "u.id = $1", actor.ID)
	if err != nil {
		return 0, err
	}
	var f apperr.Fields
	if ok, _ := VerifyPassword(current, u.passwordHash); !ok {
		f.Add("current_password", "profile.current_password_wrong")
	}
	passwordField(&f, "new_password", next, u.Email)
	if err := f.Err(); err != nil {
		return 0, err
	}
	hash, err := HashPassword(next, s.opts.Argon2)
	if err != nil {
		return 0, err
	}
	err = s.db.W.QueryRowContext(ctx, "UPDATE users SET password_hash = $1, auth_epoch = auth_epoch + 1, updated_at = $2 WHERE id = $3 RETURNING auth_epoch",
		hash, s.now().UTC(), actor.ID).Scan(&newEpoch)
	if err != nil {
		return 0, fmt.Errorf("users: unable to change password: %w", err)
	}
	actor.AuthEpoch = newEpoch
	s.log.Info("password changed; other sessions ended", "user_id", actor.ID)
	return newEpoch, nil
}
