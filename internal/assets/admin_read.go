package assets

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// AdminAsset returns any device (personal and archived ones too) to an admin: for
// the edit form, its QR images and its label.
func (s *Service) AdminAsset(ctx context.Context, actor *users.User, id int64) (*Asset, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return getAsset(ctx, s.db.R, "id = $1", id)
}

// AdminAssets returns the devices with ids to an admin, in the order given and
// without repeats, for a sheet of labels: at most MaxLabels, and NotFound when one
// of them does not exist.
func (s *Service) AdminAssets(ctx context.Context, actor *users.User, ids []int64) ([]*Asset, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var uniq []int64
	for _, id := range ids {
		if !slices.Contains(uniq, id) {
			uniq = append(uniq, id)
		}
	}
	if len(uniq) == 0 {
		return nil, apperr.New(apperr.Invalid, "labels.none_chosen")
	}
	if len(uniq) > MaxLabels {
		return nil, apperr.New(apperr.Invalid, "labels.too_many", "Max", MaxLabels)
	}
	marks := make([]string, len(uniq))
	args := make([]any, len(uniq))
	for i, id := range uniq {
		marks[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+assetColumns+" FROM assets WHERE id IN ("+strings.Join(marks, ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to read devices: %w", err)
	}
	defer rows.Close()
	byID := make(map[int64]*Asset, len(uniq))
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, err
		}
		byID[a.ID] = a
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]*Asset, 0, len(uniq))
	for _, id := range uniq {
		a, ok := byID[id]
		if !ok {
			return nil, notFound
		}
		out = append(out, a)
	}
	return out, nil
}

// Catalogue is the whole catalogue as the admin pages show it.
type Catalogue struct {
	Classes  []Class
	Types    []Type
	Problems []Problem
}

// AdminCatalogue returns the classes, types and problem types to an admin.
func (s *Service) AdminCatalogue(ctx context.Context, actor *users.User) (*Catalogue, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.catalogue(ctx)
}

func (s *Service) catalogue(ctx context.Context) (*Catalogue, error) {
	c := &Catalogue{}
	var err error
	if c.Classes, err = s.Classes(ctx); err != nil {
		return nil, err
	}
	if c.Types, err = s.Types(ctx, 0); err != nil {
		return nil, err
	}
	if c.Problems, err = s.Problems(ctx); err != nil {
		return nil, err
	}
	return c, nil
}

// AdminType returns a service type with its offered problems, in order, to an admin.
func (s *Service) AdminType(ctx context.Context, actor *users.User, id int64) (*Type, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	return s.TypeWithProblems(ctx, id)
}
