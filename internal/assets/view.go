package assets

import (
	"context"
	"database/sql"
	"fmt"

	"smartservice/internal/users"
)

// View is what the device page and GET /api/v1/assets/by-code show: the device,
// its type and class, and the problems it offers.
type View struct {
	Asset *Asset
	Type  *Type
	Class Class
}

// ViewByCode resolves a scanned code for actor and counts the scan.
func (s *Service) ViewByCode(ctx context.Context, actor *users.User, code string) (*View, error) {
	a, err := s.Scan(ctx, actor, code)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a)
}

// ViewByID is the view of a device by id, without counting a scan.
func (s *Service) ViewByID(ctx context.Context, actor *users.User, id int64) (*View, error) {
	a, err := s.Asset(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	return s.view(ctx, a)
}

func (s *Service) view(ctx context.Context, a *Asset) (*View, error) {
	t, err := s.TypeWithProblems(ctx, a.TypeID)
	if err != nil {
		return nil, err
	}
	v := &View{Asset: a, Type: t}
	// The class and "Something else" (anything.go) in one read.
	var other struct {
		id     sql.NullInt64
		en, ru sql.NullString
	}
	err = s.db.R.QueryRowContext(ctx, `SELECT c.id, c.name_en, c.name_ru, p.id, p.name_en, p.name_ru FROM service_classes c
	LEFT JOIN problem_types p ON p.id = (SELECT MIN(e.id) FROM problem_types e WHERE e.everywhere = $2) WHERE c.id = $1`, t.ClassID, true).
		Scan(&v.Class.ID, &v.Class.EN, &v.Class.RU, &other.id, &other.en, &other.ru)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to read class: %w", err)
	}
	if other.id.Valid {
		offerAnything(t, Offer{Problem: Problem{ID: other.id.Int64, Names: Names{EN: other.en.String, RU: other.ru.String}}})
	}
	return v, nil
}

// Offers reports whether the device's type offers the problem type; filing checks it.
func (v *View) Offers(problemID int64) (Offer, bool) {
	for _, o := range v.Type.Problems {
		if o.ID == problemID {
			return o, true
		}
	}
	return Offer{}, false
}
