// Package assets owns the catalogue (service classes, service types, the shared
// vocabulary of problem types and what each type offers) and the devices behind
// every QR code: their codes, scans, visibility and labels.
package assets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Names is a name in the office's two languages; one may be empty.
type Names struct {
	EN, RU string
}

// Class is a broad area: IT equipment, kitchen and food… (an entry of
// ClassVocabulary).
type Class = Term

// Type is a kind of device or place within a class: printer, coffee machine…
type Type struct {
	ID      int64
	ClassID int64
	Names
	// Problems is what the type offers, in display order (filled by TypeWithProblems).
	Problems []Offer
}

// Problem is one entry of the shared vocabulary of problem types: "leaking",
// "out of paper"… (an entry of ProblemVocabulary).
type Problem = Term

// Offer is a problem type as one service type offers it, with that type's self-help.
type Offer struct {
	Problem
	SelfHelp Names
	// Anything marks "Something else", offered by every device after its own
	// problems (anything.go); filing it needs a comment saying what.
	Anything bool
}

// Service is the catalogue and devices domain.
type Service struct {
	db  *db.DB
	now func() time.Time
	// scans is the batch of scan counts when BatchScans runs; nil writes each scan.
	scans atomic.Pointer[scanBatch]
	// The catalogue and the devices read under the request's catalogue version
	// (internal/cache): the device page reads none of them from the database
	// while nothing changed.
	types       *cache.Map[int64, *Type]
	classes     *cache.Map[int64, classView]
	byCodeCache *cache.Map[string, *Asset]
	// The lists the journal's filter and the catalogue pages show: the
	// vocabularies by Vocabulary, the types by class (0: all).
	termLists *cache.Map[Vocabulary, []Term]
	typeLists *cache.Map[int64, []Type]
}

// Bounds of the catalogue caches: types are few; devices are many, but the map
// empties itself when full rather than grow.
const (
	maxCachedTypes   = 10_000
	maxCachedDevices = 50_000
)

// NewService returns the assets service; now is the clock (nil: time.Now).
func NewService(d *db.DB, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, now: now, types: cache.NewMap[int64, *Type](maxCachedTypes),
		classes: cache.NewMap[int64, classView](maxCachedTypes), byCodeCache: cache.NewMap[string, *Asset](maxCachedDevices),
		termLists: cache.NewMap[Vocabulary, []Term](8), typeLists: cache.NewMap[int64, []Type](maxCachedTypes)}
}

func requireAdmin(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !actor.IsAdmin() {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

func requireUser(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	return nil
}

// validNames checks a two-language name into f under the fields name_en/name_ru.
func validNames(f *apperr.Fields, n *Names, max int) {
	n.EN, n.RU = strings.TrimSpace(n.EN), strings.TrimSpace(n.RU)
	if n.EN == "" && n.RU == "" {
		f.Add("name_en", "validation.name_required")
	}
	lineField(f, "name_en", n.EN, max)
	lineField(f, "name_ru", n.RU, max)
}

// lineField checks a one-line text: valid UTF-8 without control characters (which
// PostgreSQL refuses or which break a CSV export and a label), at most max characters.
func lineField(f *apperr.Fields, field, v string, max int) {
	switch {
	case !utf8.ValidString(v) || strings.IndexFunc(v, unicode.IsControl) >= 0:
		f.Add(field, "validation.text_invalid")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "validation.name_long", "Max", max)
	}
}

// textField checks a multi-line text: valid UTF-8, no NUL (PostgreSQL refuses it),
// at most max characters.
func textField(f *apperr.Fields, field, v string, max int) {
	switch {
	case !utf8.ValidString(v) || strings.ContainsRune(v, 0):
		f.Add(field, "validation.text_invalid")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "validation.text_long", "Max", max)
	}
}

var notFound = apperr.New(apperr.NotFound, "error.not_found")

// Types lists the types, of one class when classID is not 0.
func (s *Service) Types(ctx context.Context, classID int64) ([]Type, error) {
	return cache.Kept(ctx, s.typeLists, classID, slices.Clone, func() ([]Type, error) { return s.readTypes(ctx, classID) })
}

// readTypes reads Types from the database.
func (s *Service) readTypes(ctx context.Context, classID int64) ([]Type, error) {
	q := "SELECT id, class_id, name_en, name_ru FROM service_types"
	var args []any
	if classID != 0 {
		q += " WHERE class_id = $1"
		args = append(args, classID)
	}
	rows, err := s.db.R.QueryContext(ctx, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to list types: %w", err)
	}
	defer rows.Close()
	var out []Type
	for rows.Next() {
		var t Type
		if err := rows.Scan(&t.ID, &t.ClassID, &t.EN, &t.RU); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TypeWithProblems returns a type with its offered problems in order.
func (s *Service) TypeWithProblems(ctx context.Context, id int64) (*Type, error) {
	return cache.Kept(ctx, s.types, id, (*Type).clone, func() (*Type, error) { return typeWithProblems(ctx, s.db.R, id) })
}

// clone copies t with its own list of offers.
func (t *Type) clone() *Type {
	c := *t
	c.Problems = slices.Clone(t.Problems)
	return &c
}

func typeWithProblems(ctx context.Context, q querier, id int64) (*Type, error) {
	t := &Type{}
	err := q.QueryRowContext(ctx, "SELECT id, class_id, name_en, name_ru FROM service_types WHERE id = $1", id).Scan(&t.ID, &t.ClassID, &t.EN, &t.RU)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("assets: unable to read type: %w", err)
	}
	rows, err := q.QueryContext(ctx, "SELECT p.id, p.name_en, p.name_ru, tp.self_help_en, tp.self_help_ru FROM type_problems tp "+
		"JOIN problem_types p ON p.id = tp.problem_type_id WHERE tp.type_id = $1 ORDER BY tp.position", id)
	if err != nil {
		return nil, fmt.Errorf("assets: unable to read offered problems: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var o Offer
		if err := rows.Scan(&o.ID, &o.EN, &o.RU, &o.SelfHelp.EN, &o.SelfHelp.RU); err != nil {
			return nil, err
		}
		t.Problems = append(t.Problems, o)
	}
	return t, rows.Err()
}

type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}
