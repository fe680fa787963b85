package assets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// "Something else": the problem type marked everywhere (migration 00014, the
// starter catalogue) ends every device's list, so a problem no type lists can
// still be reported from the QR page. It is not a row of type_problems: a type
// created tomorrow offers it too, and the catalogue's offer editor, which edits
// what a type lists itself, neither shows nor can drop it.

// SomethingElse is the name of the catch-all problem type the starter catalogue
// (and migration 00014, for an office without one) adds.
var SomethingElse = Names{EN: "Something else", RU: "Другое"}

// offerAnything appends the catch-all problem type to t's offers, marked
// Anything, unless there is none or t lists it itself.
func (s *Service) offerAnything(ctx context.Context, t *Type) error {
	var o Offer
	err := s.db.R.QueryRowContext(ctx, "SELECT id, name_en, name_ru FROM problem_types WHERE everywhere = $1 ORDER BY id LIMIT 1", true).
		Scan(&o.ID, &o.EN, &o.RU)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("assets: unable to read the catch-all problem type: %w", err)
	}
	for i := range t.Problems {
		if t.Problems[i].ID == o.ID {
			t.Problems[i].Anything = true
			return nil
		}
	}
	o.Anything = true
	t.Problems = append(t.Problems, o)
	return nil
}
