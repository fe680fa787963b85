package users

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/directory"
	"smartservice/internal/mail"
)

// RegisterInput is what a person types on the registration form.
type RegisterInput struct {
	Email    string
	Password string
	Language string
	// Next is a local path (checked by the face) the confirmation link carries, so the
	// person lands where they were going: the device they scanned.
	Next string
}

// RegisterResult tells the face what happened after a successful registration.
type RegisterResult struct {
	Email string
	// DevMail is true when the link went to the server log (no SMTP configured).
	DevMail bool
}

// Register asks the employee directory about the e-mail and, for an active employee,
// keeps the registration and mails a single-use confirmation link. Nothing is stored
// otherwise. The directory is asked before any transaction opens.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*RegisterResult, error) {
	var f apperr.Fields
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "validation.email_invalid")
	}
	passwordField(&f, "password", in.Password, email)
	lang := in.Language
	if lang == "" {
		lang = s.opts.DefaultLanguage
	}
	if lang != "ru" && lang != "en" {
		f.Add("language", "validation.language_invalid")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	if _, err := getUser(ctx, s.db.R, "u.email = $1", email); err == nil {
		return nil, &apperr.Error{Code: apperr.Invalid, Key: "register.email_taken", Fields: []apperr.FieldError{{Field: "email", Key: "register.email_taken"}}}
	} else if !errors.Is(err, errNoUser) {
		return nil, err
	}

	emp, err := s.opts.Directory.Lookup(ctx, email)
	switch {
	case errors.Is(err, directory.ErrNotFound), err == nil && !emp.Active:
		s.log.Info("registration refused: not an active employee", "email", email)
		return nil, &apperr.Error{Code: apperr.Invalid, Key: "register.not_employee", Fields: []apperr.FieldError{{Field: "email", Key: "register.not_employee"}}}
	case errors.Is(err, directory.ErrInvalidEmail):
		return nil, &apperr.Error{Code: apperr.Invalid, Key: "validation.email_invalid", Fields: []apperr.FieldError{{Field: "email", Key: "validation.email_invalid"}}}
	case err != nil:
		s.log.Warn("registration: the employee directory is unavailable", "err", err)
		return nil, apperr.Wrap(apperr.Unavailable, "register.directory_unavailable", err)
	}

	hash, err := HashPassword(in.Password, s.opts.Argon2)
	if err != nil {
		return nil, err
	}
	empJSON, err := json.Marshal(emp)
	if err != nil {
		return nil, err
	}
	token, tokenHash := newSecret(32)
	now := s.now().UTC()
	q := url.Values{"token": {token}}
	if strings.HasPrefix(in.Next, "/") && !strings.HasPrefix(in.Next, "//") && !strings.Contains(in.Next, "\\") {
		q.Set("next", in.Next)
	}
	msg := s.confirmationMail(lang, email, emp.FullName, s.link("/register/confirm", q))
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "INSERT INTO registrations (email, password_hash, language, employee, token_hash, created_at, expires_at) "+
			"VALUES ($1, $2, $3, $4, $5, $6, $7)", email, hash, lang, string(empJSON), tokenHash, now, now.Add(s.opts.ConfirmTTL)); err != nil {
			return fmt.Errorf("users: unable to keep the registration: %w", err)
		}
		return s.opts.Jobs.InsertTx(ctx, tx, mail.SendArgs{Message: msg}, nil)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("registration confirmed by the directory; confirmation mail queued", "email", email)
	return &RegisterResult{Email: email, DevMail: s.opts.DevMail}, nil
}

func (s *Service) confirmationMail(lang, email, name, link string) mail.Message {
	hours := int(s.opts.ConfirmTTL.Hours())
	if lang == "en" {
		return mail.Message{To: email, Subject: "Confirm your Smart Service account",
			Body: fmt.Sprintf("Hello, %s!\n\nTo finish registering with Smart Service, open this link within %d hours:\n\n%s\n\nIf you did not register, ignore this mail.\n", name, hours, link)}
	}
	return mail.Message{To: email, Subject: "Подтвердите учётную запись Smart Service",
		Body: fmt.Sprintf("Здравствуйте, %s!\n\nЧтобы завершить регистрацию в Smart Service, откройте ссылку в течение %d ч:\n\n%s\n\nЕсли вы не регистрировались, просто проигнорируйте это письмо.\n", name, hours, link)}
}

// ConfirmEmail turns a registration into an account when token is a live link.
// A link works once; an expired, used or unknown one gets the same answer.
func (s *Service) ConfirmEmail(ctx context.Context, token string) (*User, error) {
	bad := apperr.New(apperr.Invalid, "register.link_invalid")
	if token == "" || len(token) > 100 {
		return nil, bad
	}
	now := s.now().UTC()
	var u *User
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var email, hash, lang, empJSON string
		err := tx.QueryRowContext(ctx, "SELECT id, email, password_hash, language, employee FROM registrations "+
			"WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2", hashSecret(token), now).Scan(&id, &email, &hash, &lang, &empJSON)
		if errors.Is(err, sql.ErrNoRows) {
			return bad
		}
		if err != nil {
			return fmt.Errorf("users: unable to read the registration: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE registrations SET used_at = $1 WHERE email = $2 AND used_at IS NULL", now, email); err != nil {
			return fmt.Errorf("users: unable to use the registration: %w", err)
		}
		var emp directory.Employee
		if err := json.Unmarshal([]byte(empJSON), &emp); err != nil {
			return fmt.Errorf("users: stored registration does not parse: %w", err)
		}
		u = &User{Email: email, FullName: clip(emp.FullName, 200), Position: clip(emp.Position, 200), EmployeeID: clip(emp.EmployeeID, 100), Language: lang, Available: true}
		if u.Roles, u.Departments, err = s.membershipsFromDirectory(ctx, tx, emp); err != nil {
			return err
		}
		if err := insertUserTx(ctx, tx, u, hash, now); err != nil {
			if errors.Is(err, errDuplicateEmail) {
				return apperr.New(apperr.Conflict, "register.already_confirmed")
			}
			return err
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("account created", "user_id", u.ID, "email", u.Email, "roles", u.Roles)
	return u, nil
}

// membershipsFromDirectory maps the directory's role names and department codes to
// ours; unknown ones are ignored and logged, as the directory contract says.
func (s *Service) membershipsFromDirectory(ctx context.Context, q querier, emp directory.Employee) ([]Role, []Department, error) {
	roles := []Role{}
	for _, name := range emp.Roles {
		if r, ok := ParseRole(name); ok {
			roles = append(roles, r)
		} else {
			s.log.Warn("directory named an unknown role; ignored", "email", emp.Email, "role", name)
		}
	}
	if len(roles) == 0 {
		roles = []Role{RoleEmployee}
	}
	var deps []Department
	for _, code := range emp.Departments {
		d, err := departmentByCode(ctx, q, strings.ToLower(code))
		if errors.Is(err, sql.ErrNoRows) {
			s.log.Warn("directory named an unknown department; ignored", "email", emp.Email, "department", code)
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		deps = append(deps, d)
	}
	return roles, deps, nil
}

// clip bounds text the directory sends: it is trusted as to who someone is, not as to
// how much of it a page has to show.
func clip(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max])
}
