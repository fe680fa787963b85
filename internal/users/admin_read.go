package users

import (
	"context"
	"errors"

	"smartservice/internal/apperr"
)

// AdminUser returns any account for an admin's edit page; others get Forbidden.
func (s *Service) AdminUser(ctx context.Context, actor *User, id int64) (*User, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	u, err := getUser(ctx, s.db.R, "u.id = $1", id)
	if errors.Is(err, errNoUser) {
		return nil, apperr.New(apperr.NotFound, "error.not_found")
	}
	return u, err
}

// AdminDepartments lists the departments for an admin's management page; others
// get Forbidden (everyone may read departments through Store.ListDepartments).
func (s *Service) AdminDepartments(ctx context.Context, actor *User) ([]Department, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.store.ListDepartments(ctx)
}
