package assets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"smartservice/internal/cache"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/users"
)

// Vocabulary names one of the catalogue's two flat lists of two-language names:
// the service classes and the shared problem types. They are read, written and
// refused by the same code below; a Vocabulary says which table, and which key
// refuses deleting an entry still in use.
type Vocabulary int

// The catalogue's vocabularies.
const (
	// ClassVocabulary is the service classes (a type belongs to one).
	ClassVocabulary Vocabulary = iota + 1
	// ProblemVocabulary is the problem types (types offer them).
	ProblemVocabulary
)

// Term is an entry of a vocabulary: its id and its names.
type Term struct {
	ID int64
	Names
}

// vocabularySpec is what differs between the vocabularies. table is a constant
// of this file, never input, so building SQL with it is safe.
type vocabularySpec struct {
	table, what, inUseKey string
}

func (v Vocabulary) spec() vocabularySpec {
	switch v {
	case ClassVocabulary:
		return vocabularySpec{table: "service_classes", what: "class", inUseKey: "catalogue.class_in_use"}
	case ProblemVocabulary:
		return vocabularySpec{table: "problem_types", what: "problem type", inUseKey: "catalogue.problem_in_use"}
	}
	panic(fmt.Sprintf("assets: unknown vocabulary %d", int(v)))
}

// Terms lists every entry of v, by id.
func (s *Service) Terms(ctx context.Context, v Vocabulary) ([]Term, error) {
	return cache.Kept(ctx, s.termLists, v, slices.Clone, func() ([]Term, error) { return s.readTerms(ctx, v) })
}

// readTerms reads Terms from the database.
func (s *Service) readTerms(ctx context.Context, v Vocabulary) ([]Term, error) {
	sp := v.spec()
	rows, err := s.db.R.QueryContext(ctx, "SELECT id, name_en, name_ru FROM "+sp.table+" ORDER BY id")
	if err != nil {
		return nil, fmt.Errorf("assets: unable to list %ss: %w", sp.what, err)
	}
	defer rows.Close()
	var out []Term
	for rows.Next() {
		var t Term
		if err := rows.Scan(&t.ID, &t.EN, &t.RU); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Term returns the entry of v with id, or NotFound.
func (s *Service) Term(ctx context.Context, v Vocabulary, id int64) (Term, error) {
	sp := v.spec()
	t := Term{ID: id}
	err := s.db.R.QueryRowContext(ctx, "SELECT name_en, name_ru FROM "+sp.table+" WHERE id = $1", id).Scan(&t.EN, &t.RU)
	if errors.Is(err, sql.ErrNoRows) {
		return Term{}, notFound
	}
	if err != nil {
		return Term{}, fmt.Errorf("assets: unable to read a %s: %w", sp.what, err)
	}
	return t, nil
}

// CreateTerm adds an entry to v (admin).
func (s *Service) CreateTerm(ctx context.Context, actor *users.User, v Vocabulary, n Names) (Term, error) {
	sp := v.spec()
	if err := requireAdmin(actor); err != nil {
		return Term{}, err
	}
	var f apperr.Fields
	validNames(&f, &n, 100)
	if err := f.Err(); err != nil {
		return Term{}, err
	}
	t := Term{Names: n}
	id, err := s.audited(ctx, actor, audit.CatalogueCreated, sp.what, 0, readTerm(sp.table), func(tx *sql.Tx) (int64, error) {
		var id int64
		err := tx.QueryRowContext(ctx, "INSERT INTO "+sp.table+" (name_en, name_ru, created_at) VALUES ($1, $2, $3) RETURNING id",
			n.EN, n.RU, s.now().UTC()).Scan(&id)
		if err != nil {
			return 0, fmt.Errorf("assets: unable to create a %s: %w", sp.what, err)
		}
		return id, nil
	})
	if err != nil {
		return Term{}, err
	}
	t.ID = id
	return t, nil
}

// RenameTerm renames an entry of v (admin).
func (s *Service) RenameTerm(ctx context.Context, actor *users.User, v Vocabulary, id int64, n Names) (Term, error) {
	sp := v.spec()
	if err := requireAdmin(actor); err != nil {
		return Term{}, err
	}
	var f apperr.Fields
	validNames(&f, &n, 100)
	if err := f.Err(); err != nil {
		return Term{}, err
	}
	_, err := s.audited(ctx, actor, audit.CatalogueUpdated, sp.what, id, readTerm(sp.table), func(tx *sql.Tx) (int64, error) {
		return id, affected(tx.ExecContext(ctx, "UPDATE "+sp.table+" SET name_en = $1, name_ru = $2 WHERE id = $3", n.EN, n.RU, id))
	})
	return Term{ID: id, Names: n}, err
}

// DeleteTerm removes an entry of v that nothing refers to (admin); one in use is a
// Conflict (a class with types, a problem type a type offers).
func (s *Service) DeleteTerm(ctx context.Context, actor *users.User, v Vocabulary, id int64) error {
	sp := v.spec()
	if err := requireAdmin(actor); err != nil {
		return err
	}
	_, err := s.audited(ctx, actor, audit.CatalogueDeleted, sp.what, id, readTerm(sp.table), func(tx *sql.Tx) (int64, error) {
		return id, deleted(tx.ExecContext(ctx, "DELETE FROM "+sp.table+" WHERE id = $1", id))(sp.inUseKey)
	})
	return err
}

// Classes lists every service class, by id.
func (s *Service) Classes(ctx context.Context) ([]Class, error) { return s.Terms(ctx, ClassVocabulary) }

// Problems lists the shared vocabulary of problem types, by id.
func (s *Service) Problems(ctx context.Context) ([]Problem, error) {
	return s.Terms(ctx, ProblemVocabulary)
}

// CreateClass adds a service class (admin).
func (s *Service) CreateClass(ctx context.Context, actor *users.User, n Names) (Class, error) {
	return s.CreateTerm(ctx, actor, ClassVocabulary, n)
}

// UpdateClass renames a service class (admin).
func (s *Service) UpdateClass(ctx context.Context, actor *users.User, id int64, n Names) (Class, error) {
	return s.RenameTerm(ctx, actor, ClassVocabulary, id, n)
}

// DeleteClass removes a class no type belongs to (admin).
func (s *Service) DeleteClass(ctx context.Context, actor *users.User, id int64) error {
	return s.DeleteTerm(ctx, actor, ClassVocabulary, id)
}

// CreateProblem adds a problem type to the shared vocabulary (admin).
func (s *Service) CreateProblem(ctx context.Context, actor *users.User, n Names) (Problem, error) {
	return s.CreateTerm(ctx, actor, ProblemVocabulary, n)
}

// UpdateProblem renames a problem type (admin).
func (s *Service) UpdateProblem(ctx context.Context, actor *users.User, id int64, n Names) (Problem, error) {
	return s.RenameTerm(ctx, actor, ProblemVocabulary, id, n)
}

// DeleteProblem removes a problem type no type offers (admin).
func (s *Service) DeleteProblem(ctx context.Context, actor *users.User, id int64) error {
	return s.DeleteTerm(ctx, actor, ProblemVocabulary, id)
}
