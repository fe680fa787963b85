package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"smartservice/internal/db"
)

// querier is what *sql.DB and *sql.Tx share, so one helper serves reads outside
// and inside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

const userColumns = "u.id, u.email, u.full_name, u.position, COALESCE(u.employee_id, ''), u.password_hash, u.language, " +
	"u.active, u.available, u.auth_epoch, u.created_at, u.updated_at, u.last_login_at"

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	u := &User{}
	var last sql.NullTime
	if err := row.Scan(&u.ID, &u.Email, &u.FullName, &u.Position, &u.EmployeeID, &u.passwordHash, &u.Language,
		&u.Active, &u.Available, &u.AuthEpoch, &u.CreatedAt, &u.UpdatedAt, &last); err != nil {
		return nil, err
	}
	if last.Valid {
		t := last.Time
		u.LastLoginAt = &t
	}
	return u, nil
}

// errNoUser is the store's "no such row"; the service turns it into apperr.NotFound.
var errNoUser = errors.New("users: no such user")

func getUser(ctx context.Context, q querier, where string, arg any) (*User, error) {
	u, err := scanUser(q.QueryRowContext(ctx, "SELECT "+userColumns+" FROM users u WHERE "+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoUser
	}
	if err != nil {
		return nil, fmt.Errorf("users: unable to read user: %w", err)
	}
	if err := loadMemberships(ctx, q, []*User{u}); err != nil {
		return nil, err
	}
	return u, nil
}

// loadMemberships fills Roles and Departments of us with two queries.
func loadMemberships(ctx context.Context, q querier, us []*User) error {
	if len(us) == 0 {
		return nil
	}
	byID := make(map[int64]*User, len(us))
	ph := make([]string, len(us))
	args := make([]any, len(us))
	for i, u := range us {
		byID[u.ID] = u
		u.Roles, u.Departments = nil, nil
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = u.ID
	}
	in := strings.Join(ph, ", ")
	rows, err := q.QueryContext(ctx, "SELECT user_id, role FROM user_roles WHERE user_id IN ("+in+") ORDER BY user_id, role", args...)
	if err != nil {
		return fmt.Errorf("users: unable to read roles: %w", err)
	}
	for rows.Next() {
		var id int64
		var r string
		if err := rows.Scan(&id, &r); err != nil {
			rows.Close()
			return fmt.Errorf("users: unable to read roles: %w", err)
		}
		byID[id].Roles = append(byID[id].Roles, Role(r))
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, "SELECT ud.user_id, d.id, d.code, d.name_en, d.name_ru, COALESCE(d.telegram_chat_id, ''), d.created_at "+
		"FROM user_departments ud JOIN departments d ON d.id = ud.department_id WHERE ud.user_id IN ("+in+") ORDER BY ud.user_id, d.code", args...)
	if err != nil {
		return fmt.Errorf("users: unable to read departments: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var d Department
		if err := rows.Scan(&id, &d.ID, &d.Code, &d.NameEN, &d.NameRU, &d.TelegramChatID, &d.CreatedAt); err != nil {
			return fmt.Errorf("users: unable to read departments: %w", err)
		}
		byID[id].Departments = append(byID[id].Departments, d)
	}
	return rows.Err()
}

func searchText(email, name string) string { return strings.ToLower(email + " " + name) }

// insertUserTx creates the account with its roles and departments.
func insertUserTx(ctx context.Context, tx *sql.Tx, u *User, hash string, now time.Time) error {
	var empID any
	if u.EmployeeID != "" {
		empID = u.EmployeeID
	}
	err := tx.QueryRowContext(ctx, "INSERT INTO users (email, full_name, position, employee_id, password_hash, language, active, available, "+
		"auth_epoch, search, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 1, $9, $10, $10) RETURNING id",
		u.Email, u.FullName, u.Position, empID, hash, u.Language, true, u.Available, searchText(u.Email, u.FullName), now).Scan(&u.ID)
	if err != nil {
		if db.IsUniqueViolation(err) {
			return errDuplicateEmail
		}
		return fmt.Errorf("users: unable to create user: %w", err)
	}
	u.Active, u.AuthEpoch, u.CreatedAt, u.UpdatedAt, u.passwordHash = true, 1, now, now, hash
	if err := setRolesTx(ctx, tx, u.ID, u.Roles); err != nil {
		return err
	}
	return setDepartmentsTx(ctx, tx, u.ID, u.DepartmentIDs())
}

var errDuplicateEmail = errors.New("users: e-mail already registered")

func setRolesTx(ctx context.Context, tx *sql.Tx, userID int64, roles []Role) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_roles WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("users: unable to set roles: %w", err)
	}
	for _, r := range roles {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", userID, string(r)); err != nil {
			return fmt.Errorf("users: unable to set roles: %w", err)
		}
	}
	return nil
}

func setDepartmentsTx(ctx context.Context, tx *sql.Tx, userID int64, ids []int64) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM user_departments WHERE user_id = $1", userID); err != nil {
		return fmt.Errorf("users: unable to set departments: %w", err)
	}
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, "INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)", userID, id); err != nil {
			return fmt.Errorf("users: unable to set departments: %w", err)
		}
	}
	return nil
}

// UserFilter narrows ListUsers.
type UserFilter struct {
	// Q matches e-mail or name, case-insensitively (Cyrillic too).
	Q            string
	Role         Role
	DepartmentID int64
	Active       *bool
	// AfterID continues a list after the last id of the previous page.
	AfterID int64
	Limit   int
}

func listUsers(ctx context.Context, q querier, f UserFilter) ([]*User, error) {
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if s := strings.TrimSpace(strings.ToLower(f.Q)); s != "" {
		where = append(where, "u.search LIKE "+arg("%"+escapeLike(s)+"%")+" ESCAPE '\\'")
	}
	if f.Role != "" {
		where = append(where, "EXISTS (SELECT 1 FROM user_roles r WHERE r.user_id = u.id AND r.role = "+arg(string(f.Role))+")")
	}
	if f.DepartmentID != 0 {
		where = append(where, "EXISTS (SELECT 1 FROM user_departments ud WHERE ud.user_id = u.id AND ud.department_id = "+arg(f.DepartmentID)+")")
	}
	if f.Active != nil {
		where = append(where, "u.active = "+arg(*f.Active))
	}
	if f.AfterID > 0 {
		where = append(where, "u.id > "+arg(f.AfterID))
	}
	query := "SELECT " + userColumns + " FROM users u"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	query += " ORDER BY u.id LIMIT " + arg(f.Limit)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("users: unable to list users: %w", err)
	}
	var out []*User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("users: unable to list users: %w", err)
		}
		out = append(out, u)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, loadMemberships(ctx, q, out)
}

// escapeLike makes s match literally inside a LIKE pattern.
func escapeLike(s string) string {
	return strings.NewReplacer("\\", "\\\\", "%", "\\%", "_", "\\_").Replace(s)
}
