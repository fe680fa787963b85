package assets

import (
	"context"
	"fmt"

	"smartservice/internal/users"
)

// LookupByCode resolves a code for actor as ViewByCode does (the same NotFound for
// unknown, malformed and hidden codes, ErrReplaced for a re-issued one) but counts
// no scan: for the pages a scan leads on to, and for links from the list, which are
// not scans of the label.
func (s *Service) LookupByCode(ctx context.Context, actor *users.User, code string) (*View, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	if !ValidCode(code) {
		return nil, notFound
	}
	a, err := s.byCode(ctx, actor, code)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a)
}

// Locations lists the buildings and the floors of the devices actor may see,
// sorted, for the list's filters.
func (s *Service) Locations(ctx context.Context, actor *users.User) (buildings, floors []string, err error) {
	if err := requireUser(actor); err != nil {
		return nil, nil, err
	}
	where, args := "", []any{}
	if !actor.IsStaff() {
		where, args = " AND (owner_id IS NULL OR owner_id = $1)", []any{actor.ID}
	}
	for _, col := range []string{"building", "floor"} {
		rows, err := s.db.R.QueryContext(ctx, "SELECT DISTINCT "+col+" FROM assets WHERE "+col+" <> ''"+where+" ORDER BY "+col+" LIMIT 500", args...)
		if err != nil {
			return nil, nil, fmt.Errorf("assets: unable to list locations: %w", err)
		}
		var vals []string
		for rows.Next() {
			var v string
			if err := rows.Scan(&v); err != nil {
				rows.Close()
				return nil, nil, err
			}
			vals = append(vals, v)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
		if col == "building" {
			buildings = vals
		} else {
			floors = vals
		}
	}
	return buildings, floors, nil
}
