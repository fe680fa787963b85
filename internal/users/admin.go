package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
)

func requireAdmin(actor *User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !actor.IsAdmin() {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

// ListUsers lists accounts for an admin, a page at a time (Limit 1..200, default 50).
func (s *Service) ListUsers(ctx context.Context, actor *User, f UserFilter) ([]*User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if len(f.Q) > 200 {
		return nil, apperr.New(apperr.Invalid, "validation.search_long")
	}
	return listUsers(ctx, s.db.R, f)
}

// UserPatch is an admin's change to an account; nil fields stay as they are. E-mail
// and name are not here on purpose: they come from the directory.
type UserPatch struct {
	Roles         *[]Role
	DepartmentIDs *[]int64
	Active        *bool
	Available     *bool
}

// UpdateUser applies an admin's patch. Deactivation moves the account's epoch (its
// sessions and login tokens die at once) and revokes its personal tokens. Admins may
// not deactivate themselves or drop their own admin role, so an office cannot lose
// its last way in by a slip.
func (s *Service) UpdateUser(ctx context.Context, actor *User, id int64, p UserPatch) (*User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var f apperr.Fields
	if p.Roles != nil {
		if len(*p.Roles) == 0 {
			f.Add("roles", "validation.roles_empty")
		}
		for _, r := range *p.Roles {
			if _, ok := ParseRole(string(r)); !ok {
				f.Add("roles", "validation.role_unknown")
				break
			}
		}
		if id == actor.ID && !slices.Contains(*p.Roles, RoleAdmin) {
			f.Add("roles", "users.cannot_demote_self")
		}
	}
	if p.Active != nil && !*p.Active && id == actor.ID {
		f.Add("active", "users.cannot_deactivate_self")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		u, err := getUser(ctx, tx, "u.id = $1", id)
		if errors.Is(err, errNoUser) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		if p.Roles != nil {
			if err := setRolesTx(ctx, tx, id, dedupeRoles(*p.Roles)); err != nil {
				return err
			}
		}
		if p.DepartmentIDs != nil {
			for _, did := range *p.DepartmentIDs {
				if _, err := departmentByID(ctx, tx, did); errors.Is(err, sql.ErrNoRows) {
					return &apperr.Error{Code: apperr.Invalid, Key: "validation.department_unknown", Fields: []apperr.FieldError{{Field: "departments", Key: "validation.department_unknown"}}}
				} else if err != nil {
					return err
				}
			}
			if err := setDepartmentsTx(ctx, tx, id, slices.Compact(slices.Sorted(slices.Values(*p.DepartmentIDs)))); err != nil {
				return err
			}
		}
		if p.Available != nil {
			if _, err := tx.ExecContext(ctx, "UPDATE users SET available = $1, updated_at = $2 WHERE id = $3", *p.Available, now, id); err != nil {
				return fmt.Errorf("users: unable to update: %w", err)
			}
		}
		if p.Active != nil && *p.Active != u.Active {
			if err := setActiveTx(ctx, tx, id, *p.Active, now); err != nil {
				return err
			}
		} else if _, err = tx.ExecContext(ctx, "UPDATE users SET updated_at = $1 WHERE id = $2", now, id); err != nil {
			return err
		}
		after, err := getUser(ctx, tx, "u.id = $1", id)
		if err != nil {
			return err
		}
		if b, a := accessOf(u), accessOf(after); !reflect.DeepEqual(b, a) {
			return s.record(ctx, tx, actor, audit.UserUpdated, userSubject(u), b, a)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.log.Info("user updated by admin", "admin_id", actor.ID, "user_id", id)
	return getUser(ctx, s.db.R, "u.id = $1", id)
}

// setActiveTx activates or deactivates an account; deactivation kills every session
// (the epoch moves) and every token.
func setActiveTx(ctx context.Context, tx *sql.Tx, id int64, active bool, now time.Time) error {
	if active {
		_, err := tx.ExecContext(ctx, "UPDATE users SET active = $1, deactivated_at = NULL, updated_at = $2 WHERE id = $3", true, now, id)
		return err
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET active = $1, auth_epoch = auth_epoch + 1, deactivated_at = $2, updated_at = $2 WHERE id = $3",
		false, now, id); err != nil {
		return fmt.Errorf("users: unable to deactivate: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", now, id); err != nil {
		return fmt.Errorf("users: unable to revoke tokens: %w", err)
	}
	return nil
}

func dedupeRoles(rs []Role) []Role {
	out := []Role{}
	for _, r := range Roles {
		if slices.Contains(rs, r) {
			out = append(out, r)
		}
	}
	return out
}
