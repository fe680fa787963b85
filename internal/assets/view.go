package assets

import (
	"context"
	"database/sql"
	"fmt"

	"smartservice/internal/cache"
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
	cv, versioned := cache.CatalogueVersion(ctx)
	c, ok := s.classes.Get(t.ClassID, cv)
	if !versioned || !ok {
		if c, err = s.readClassView(ctx, t.ClassID); err != nil {
			return nil, err
		}
		if versioned {
			s.classes.Put(t.ClassID, cv, c)
		}
	}
	v.Class = c.Class
	if c.anything != nil {
		offerAnything(t, *c.anything)
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

// classView is a class as the device page needs it, cached as one: the class and
// the catch-all problem type ("Something else", anything.go), if the office has one.
type classView struct {
	Class
	anything *Offer
}

// readClassView reads the class and "Something else" in one query.
func (s *Service) readClassView(ctx context.Context, classID int64) (classView, error) {
	var c classView
	var other struct {
		id     sql.NullInt64
		en, ru sql.NullString
	}
	err := s.db.R.QueryRowContext(ctx, `SELECT c.id, c.name_en, c.name_ru, p.id, p.name_en, p.name_ru FROM service_classes c
	LEFT JOIN problem_types p ON p.id = (SELECT MIN(e.id) FROM problem_types e WHERE e.everywhere = $2) WHERE c.id = $1`, classID, true).
		Scan(&c.ID, &c.EN, &c.RU, &other.id, &other.en, &other.ru)
	if err != nil {
		return c, fmt.Errorf("assets: unable to read class: %w", err)
	}
	if other.id.Valid {
		c.anything = &Offer{Problem: Problem{ID: other.id.Int64, Names: Names{EN: other.en.String, RU: other.ru.String}}}
	}
	return c, nil
}
