package users

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/directory"
)

// CreateInput is an account made by an operator (the CLI) or by the one-time setup page.
type CreateInput struct {
	Email           string
	FullName        string
	Roles           []Role
	DepartmentCodes []string
	Password        string
	Language        string
	// EmployeeID links the account to a directory record (the demo office does);
	// empty for operator-made accounts, which the leavers check leaves alone.
	EmployeeID string
	Position   string
}

// CreateUser makes an account without asking the directory. Only trusted faces call
// it: the CLI (an operator on the server) and the setup page (which checks the one-time
// secret first). An executor made so is available; an unknown department is an error.
// The audit entry names no account: the operator at the server's console (the CLI,
// the demo loader) is none.
func (s *Service) CreateUser(ctx context.Context, in CreateInput) (*User, error) {
	return s.createUser(ctx, in, false)
}

// createUser makes the account and its audit entry in one transaction; selfMade
// names the new account as the one who made it (the setup page: the first
// administrator has no one above them).
func (s *Service) createUser(ctx context.Context, in CreateInput, selfMade bool) (*User, error) {
	var f apperr.Fields
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "validation.email_invalid")
	}
	name := strings.TrimSpace(in.FullName)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200 {
		f.Add("full_name", "validation.full_name")
	}
	if len(in.Roles) == 0 {
		f.Add("roles", "validation.roles_empty")
	}
	for _, r := range in.Roles {
		if _, ok := ParseRole(string(r)); !ok {
			f.Add("roles", "validation.role_unknown")
			break
		}
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
	hash, err := HashPassword(in.Password, s.opts.Argon2)
	if err != nil {
		return nil, err
	}
	u := &User{Email: email, FullName: name, Language: lang, Available: true, Roles: dedupeRoles(in.Roles),
		EmployeeID: strings.TrimSpace(in.EmployeeID), Position: strings.TrimSpace(in.Position)}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		for _, code := range in.DepartmentCodes {
			d, err := departmentByCode(ctx, tx, strings.ToLower(strings.TrimSpace(code)))
			if errors.Is(err, sql.ErrNoRows) {
				return &apperr.Error{Code: apperr.Invalid, Key: "validation.department_unknown", Args: []any{"Code", code},
					Fields: []apperr.FieldError{{Field: "departments", Key: "validation.department_unknown", Args: []any{"Code", code}}}}
			}
			if err != nil {
				return err
			}
			u.Departments = append(u.Departments, d)
		}
		if err := insertUserTx(ctx, tx, u, hash, s.now().UTC()); err != nil {
			if errors.Is(err, errDuplicateEmail) {
				return &apperr.Error{Code: apperr.Conflict, Key: "register.email_taken", Fields: []apperr.FieldError{{Field: "email", Key: "register.email_taken"}}}
			}
			return err
		}
		var by *User
		if selfMade {
			by = u
		}
		return s.record(ctx, tx, by, audit.UserCreated, userSubject(u), nil, accessOf(u))
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("account created by an operator", "user_id", u.ID, "email", u.Email, "roles", u.Roles)
	return u, nil
}

// UserByEmail returns an account for the operator's CLI.
func (s *Service) UserByEmail(ctx context.Context, email string) (*User, error) {
	e, err := directory.NormalizeEmail(email)
	if err != nil {
		return nil, apperr.New(apperr.Invalid, "validation.email_invalid")
	}
	u, err := getUser(ctx, s.db.R, "u.email = $1", e)
	if errors.Is(err, errNoUser) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return u, err
}
