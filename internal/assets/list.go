package assets

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// Filter narrows List; the zero value lists every visible, unarchived device.
type Filter struct {
	// Q matches name, inventory number and location, case-insensitively.
	Q        string
	ClassID  int64
	TypeID   int64
	Building string
	Floor    string
	// Archived: nil hides archived devices, true shows only them, false only active.
	Archived *bool
	// AfterID continues after the last id of the previous page; Limit 1..200 (default 50).
	AfterID int64
	Limit   int
}

// Page is one page of List with the total count of matches.
type Page struct {
	Items []*Asset
	Total int
	// NextAfter is the AfterID of the next page, 0 on the last.
	NextAfter int64
}

// List returns the devices actor may see that match f. Employees get the same list
// ("can't scan? find the device") minus other people's personal devices.
func (s *Service) List(ctx context.Context, actor *users.User, f Filter) (*Page, error) {
	if err := requireUser(actor); err != nil {
		return nil, err
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	if len(f.Q) > 200 || len(f.Building) > 200 || len(f.Floor) > 200 {
		return nil, apperr.New(apperr.Invalid, "validation.search_long")
	}
	// PostgreSQL refuses invalid UTF-8 and NUL in a parameter: that is bad input, not an outage.
	for _, v := range []string{f.Q, f.Building, f.Floor} {
		if !utf8.ValidString(v) || strings.ContainsRune(v, 0) {
			return nil, apperr.New(apperr.Invalid, "validation.text_invalid")
		}
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !actor.IsStaff() {
		where = append(where, "(a.owner_id IS NULL OR a.owner_id = "+arg(actor.ID)+")")
	}
	if q := strings.ToLower(strings.TrimSpace(f.Q)); q != "" {
		for _, word := range strings.Fields(q) {
			where = append(where, "a.search LIKE "+arg("%"+escapeLike(word)+"%")+" ESCAPE '\\'")
		}
	}
	if f.TypeID != 0 {
		where = append(where, "a.type_id = "+arg(f.TypeID))
	}
	if f.ClassID != 0 {
		where = append(where, "t.class_id = "+arg(f.ClassID))
	}
	if f.Building != "" {
		where = append(where, "a.building = "+arg(f.Building))
	}
	if f.Floor != "" {
		where = append(where, "a.floor = "+arg(f.Floor))
	}
	if f.Archived == nil {
		where = append(where, "a.archived = "+arg(false))
	} else {
		where = append(where, "a.archived = "+arg(*f.Archived))
	}
	from := " FROM assets a JOIN service_types t ON t.id = a.type_id"
	cond := ""
	if len(where) > 0 {
		cond = " WHERE " + strings.Join(where, " AND ")
	}
	p := &Page{}
	if err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*)"+from+cond, args...).Scan(&p.Total); err != nil {
		return nil, fmt.Errorf("assets: unable to count: %w", err)
	}
	if f.AfterID > 0 {
		if cond == "" {
			cond = " WHERE "
		} else {
			cond += " AND "
		}
		cond += "a.id > " + arg(f.AfterID)
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+assetCols("a.")+from+cond+" ORDER BY a.id LIMIT "+arg(f.Limit+1), args...)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to list: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAsset(rows)
		if err != nil {
			return nil, err
		}
		p.Items = append(p.Items, a)
	}
	if len(p.Items) > f.Limit {
		p.Items = p.Items[:f.Limit]
		p.NextAfter = p.Items[f.Limit-1].ID
	}
	return p, rows.Err()
}

func escapeLike(s string) string {
	return strings.NewReplacer("\\", "\\\\", "%", "\\%", "_", "\\_").Replace(s)
}
