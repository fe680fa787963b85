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
)

// RegisterInput is what a person types on the registration form: the e-mail alone.
type RegisterInput struct {
	Email    string
	Language string
	// Next is a local path the mailed link carries, so the person lands where they
	// were going: the device they scanned.
	Next string
	// Addr is the client's address, for throttling.
	Addr string
}

// Register answers every well-formed address alike and lets the mail say what
// applies: to an active employee of the directory without an account, a link to set
// the password and finish; to an existing account, "you already have an account"
// with links to log in and to reset the password; to anyone else, nothing. The
// password is set only from the link, by whoever reads the mailbox, so nobody can
// register a colleague's address with a password of their own. A new request for
// the same address replaces an older pending one. Requests are throttled per
// address and per e-mail (MailThrottle). The directory is asked for every address,
// before any transaction, so the answer takes alike long whoever it is about.
func (s *Service) Register(ctx context.Context, in RegisterInput) (*MailResult, error) {
	var f apperr.Fields
	email, err := directory.NormalizeEmail(in.Email)
	if err != nil {
		f.Add("email", "validation.email_invalid")
	}
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
	res := &MailResult{Email: email, DevMail: s.opts.DevMail}
	send, err := s.admitMail(ctx, "register", email, in.Addr)
	if err != nil || !send {
		return res, err
	}

	emp, err := s.opts.Directory.Lookup(ctx, email)
	switch {
	case errors.Is(err, directory.ErrNotFound), errors.Is(err, directory.ErrInvalidEmail):
		emp = nil
	case err != nil:
		s.log.Warn("registration: the employee directory is unavailable", "err", err)
		return nil, apperr.Wrap(apperr.Unavailable, "register.directory_unavailable", err)
	}

	u, err := getUser(ctx, s.db.R, "u.email = $1", email)
	switch {
	case err == nil && u.Active:
		s.log.Info("registration asked for an existing account; told so by mail", "email", email)
		m := s.mailText(u.Language, email, "account_exists", "Name", u.FullName,
			"LoginLink", s.linkWithNext("/login", nil, in.Next), "ResetLink", s.linkWithNext("/password-reset", nil, in.Next))
		return res, s.sendMail(ctx, m)
	case err == nil:
		s.log.Info("registration asked for a deactivated account; nothing sent", "email", email)
		return res, nil
	case !errors.Is(err, errNoUser):
		return nil, err
	}
	if emp == nil || !emp.Active {
		s.log.Info("registration asked for someone the directory does not list as active; nothing sent", "email", email)
		return res, nil
	}

	empJSON, err := json.Marshal(emp)
	if err != nil {
		return nil, err
	}
	token, tokenHash := newSecret(32)
	now := s.now().UTC()
	m := s.mailText(lang, email, "register", "Name", emp.FullName, "Hours", int(s.opts.ConfirmTTL.Hours()),
		"Link", s.linkWithNext("/register/confirm", url.Values{"token": {token}}, in.Next))
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, "DELETE FROM registrations WHERE email = $1 AND used_at IS NULL", email); err != nil {
			return fmt.Errorf("users: unable to replace a pending registration: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO registrations (email, language, employee, token_hash, created_at, expires_at) "+
			"VALUES ($1, $2, $3, $4, $5, $6)", email, lang, string(empJSON), tokenHash, now, now.Add(s.opts.ConfirmTTL)); err != nil {
			return fmt.Errorf("users: unable to keep the registration: %w", err)
		}
		return s.queueMail(ctx, tx, m)
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("registration confirmed by the directory; link mailed", "email", email)
	return res, nil
}

// CompleteRegistration turns a registration into an account with password when token
// is a live link from the registration mail, and returns the account, to be logged
// in. A bad password leaves the link unspent; an expired, used, replaced or unknown
// link gets one answer.
func (s *Service) CompleteRegistration(ctx context.Context, token, password string) (*User, error) {
	bad := apperr.New(apperr.Invalid, "register.link_invalid")
	if token == "" || len(token) > 100 {
		return nil, bad
	}
	th := hashSecret(token)
	var email string
	err := s.db.R.QueryRowContext(ctx, "SELECT email FROM registrations WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
		th, s.now().UTC()).Scan(&email)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, bad
	}
	if err != nil {
		return nil, fmt.Errorf("users: unable to read the registration: %w", err)
	}
	var f apperr.Fields
	passwordField(&f, "password", password, email)
	if err := f.Err(); err != nil {
		return nil, err
	}
	// Hashed outside the transaction: SQLite's one writer would wait for argon2.
	hash, err := HashPassword(password, s.opts.Argon2)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var u *User
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		var lang, empJSON string
		err := tx.QueryRowContext(ctx, "UPDATE registrations SET used_at = $1 WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 "+
			"RETURNING id, language, employee", now, th).Scan(&id, &lang, &empJSON)
		if errors.Is(err, sql.ErrNoRows) {
			return bad // spent by a concurrent twin, or replaced meanwhile
		}
		if err != nil {
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
		// Setting the password logs the person in: that is their first login.
		if _, err := tx.ExecContext(ctx, "UPDATE users SET last_login_at = $1 WHERE id = $2", now, u.ID); err != nil {
			return fmt.Errorf("users: unable to record the login: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	u.LastLoginAt = &now
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
