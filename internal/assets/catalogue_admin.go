package assets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// maxSelfHelp bounds a self-help text.
const maxSelfHelp = 2000

// TypeInput is a service type as an admin creates or edits it.
type TypeInput struct {
	ClassID int64
	Names
}

// CreateType adds a service type to a class (admin).
func (s *Service) CreateType(ctx context.Context, actor *users.User, in TypeInput) (*Type, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := s.validType(ctx, &in); err != nil {
		return nil, err
	}
	id, err := s.audited(ctx, actor, audit.CatalogueCreated, "type", 0, readType, func(tx *sql.Tx) (int64, error) {
		var id int64
		err := tx.QueryRowContext(ctx, "INSERT INTO service_types (class_id, name_en, name_ru, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
			in.ClassID, in.EN, in.RU, s.now().UTC()).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("assets: unable to create type: %w", err)
		}
		return id, nil
	})
	if err != nil {
		return nil, err
	}
	return s.TypeWithProblems(ctx, id)
}

// UpdateType renames a type or moves it to another class (admin).
func (s *Service) UpdateType(ctx context.Context, actor *users.User, id int64, in TypeInput) (*Type, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if err := s.validType(ctx, &in); err != nil {
		return nil, err
	}
	if _, err := s.audited(ctx, actor, audit.CatalogueUpdated, "type", id, readType, func(tx *sql.Tx) (int64, error) {
		return id, affected(tx.ExecContext(ctx, "UPDATE service_types SET class_id = $1, name_en = $2, name_ru = $3 WHERE id = $4", in.ClassID, in.EN, in.RU, id))
	}); err != nil {
		return nil, err
	}
	return s.TypeWithProblems(ctx, id)
}

func (s *Service) validType(ctx context.Context, in *TypeInput) error {
	var f apperr.Fields
	validNames(&f, &in.Names, 100)
	var one int
	if err := s.db.R.QueryRowContext(ctx, "SELECT 1 FROM service_classes WHERE id = $1", in.ClassID).Scan(&one); errors.Is(err, sql.ErrNoRows) {
		f.Add("service_class_id", "catalogue.class_unknown")
	} else if err != nil {
		return err
	}
	return f.Err()
}

// DeleteType removes a type no device has (admin).
func (s *Service) DeleteType(ctx context.Context, actor *users.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	_, err := s.audited(ctx, actor, audit.CatalogueDeleted, "type", id, readType, func(tx *sql.Tx) (int64, error) {
		return id, deleted(tx.ExecContext(ctx, "DELETE FROM service_types WHERE id = $1", id))("catalogue.type_in_use")
	})
	return err
}

// OfferInput is one offered problem of a type, in the order given.
type OfferInput struct {
	ProblemID int64
	SelfHelp  Names
}

// SetOffers replaces what a type offers, in display order (admin).
func (s *Service) SetOffers(ctx context.Context, actor *users.User, typeID int64, offers []OfferInput) (*Type, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	var f apperr.Fields
	seen := []int64{}
	for i, o := range offers {
		field := fmt.Sprintf("problem_types[%d]", i)
		if slices.Contains(seen, o.ProblemID) {
			f.Add(field, "catalogue.offer_duplicate")
		}
		seen = append(seen, o.ProblemID)
		offers[i].SelfHelp.EN = strings.TrimSpace(o.SelfHelp.EN)
		offers[i].SelfHelp.RU = strings.TrimSpace(o.SelfHelp.RU)
		textField(&f, field+".self_help_en", offers[i].SelfHelp.EN, maxSelfHelp)
		textField(&f, field+".self_help_ru", offers[i].SelfHelp.RU, maxSelfHelp)
	}
	if len(offers) > 50 {
		f.Add("problem_types", "catalogue.offers_too_many")
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	_, err := s.audited(ctx, actor, audit.CatalogueOffers, "type", typeID, readType, func(tx *sql.Tx) (int64, error) {
		return typeID, setOffersTx(ctx, tx, typeID, offers)
	})
	if err != nil {
		return nil, err
	}
	return s.TypeWithProblems(ctx, typeID)
}

// setOffersTx replaces what the type offers, in order.
func setOffersTx(ctx context.Context, tx *sql.Tx, typeID int64, offers []OfferInput) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM type_problems WHERE type_id = $1", typeID); err != nil {
		return err
	}
	for i, o := range offers {
		_, err := tx.ExecContext(ctx, "INSERT INTO type_problems (type_id, problem_type_id, position, self_help_en, self_help_ru) VALUES ($1, $2, $3, $4, $5)",
			typeID, o.ProblemID, i, o.SelfHelp.EN, o.SelfHelp.RU)
		if db.IsForeignKeyViolation(err) {
			return &apperr.Error{Code: apperr.Invalid, Key: "catalogue.problem_unknown",
				Fields: []apperr.FieldError{{Field: fmt.Sprintf("problem_types[%d]", i), Key: "catalogue.problem_unknown"}}}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// affected turns an UPDATE's result into NotFound when no row matched.
func affected(res sql.Result, err error) error {
	if err != nil {
		return fmt.Errorf("assets: unable to update: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound
	}
	return nil
}

// deleted turns a DELETE's result into NotFound, or Conflict with inUseKey when
// something still refers to the row.
func deleted(res sql.Result, err error) func(inUseKey string) error {
	return func(inUseKey string) error {
		if db.IsForeignKeyViolation(err) {
			return apperr.New(apperr.Conflict, inUseKey)
		}
		return affected(res, err)
	}
}
