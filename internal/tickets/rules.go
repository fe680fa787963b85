// Package tickets owns tickets and their routing. This file is the routing rules
// table: rows of (service class, service type, problem type) -> department, where any
// of the three may be the wildcard "any", plus the default department that catches
// what no row matches (PRODUCT.md "Routing rules").
package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// defaultDepartmentKey is the settings row holding the default department's id.
const defaultDepartmentKey = "default_department_id"

// Rules reads and edits the routing rules table and resolves where a ticket goes.
type Rules struct {
	db  *db.DB
	now func() time.Time
}

// NewRules returns the rules table on d; now is the clock (time.Now when nil).
func NewRules(d *db.DB, now func() time.Time) *Rules {
	if now == nil {
		now = time.Now
	}
	return &Rules{db: d, now: now}
}

// Rule is one row of the table. A zero ClassID, TypeID or ProblemID is "any", and
// its names are then empty.
type Rule struct {
	ID                         int64
	ClassID, TypeID, ProblemID int64
	Class, Type, Problem       assets.Names
	DepartmentID               int64
	DepartmentCode             string
	Department                 assets.Names
	CreatedAt                  time.Time
}

// Concrete is how many of the rule's three columns are not "any".
func (r Rule) Concrete() int { return concrete(r.ClassID, r.TypeID, r.ProblemID) }

func concrete(ids ...int64) int {
	n := 0
	for _, id := range ids {
		if id != 0 {
			n++
		}
	}
	return n
}

// RuleInput is a rule as an admin creates or edits it; 0 is "any".
type RuleInput struct {
	ClassID, TypeID, ProblemID int64
	DepartmentID               int64
}

// Route is where a ticket goes.
type Route struct {
	// DepartmentID is 0 when the ticket is unrouted.
	DepartmentID int64
	// RuleID is the matching rule; 0 when the default department caught the ticket.
	RuleID int64
	// Default: no rule matched and the default department took the ticket.
	Default bool
	// Unrouted: no rule matched and there is no default department.
	Unrouted bool
	// DepartmentEN and DepartmentRU are the department's names, read with the
	// route (and kept with it under the catalogue's version), so a filing can
	// answer with its ticket's row without reading it back.
	DepartmentEN, DepartmentRU string
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

var notFound = apperr.New(apperr.NotFound, "error.not_found")

func requireAdmin(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !actor.IsAdmin() {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

// requireStaff lets executors, heads and admins read the table.
func requireStaff(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !actor.IsStaff() {
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

const ruleSelect = `SELECT r.id, COALESCE(r.service_class_id, 0), COALESCE(r.service_type_id, 0), COALESCE(r.problem_type_id, 0),
	COALESCE(c.name_en, ''), COALESCE(c.name_ru, ''), COALESCE(t.name_en, ''), COALESCE(t.name_ru, ''),
	COALESCE(p.name_en, ''), COALESCE(p.name_ru, ''), r.department_id, d.code, d.name_en, d.name_ru, r.created_at
FROM routing_rules r
LEFT JOIN service_classes c ON c.id = r.service_class_id
LEFT JOIN service_types t ON t.id = r.service_type_id
LEFT JOIN problem_types p ON p.id = r.problem_type_id
JOIN departments d ON d.id = r.department_id`

func scanRule(row interface{ Scan(...any) error }) (Rule, error) {
	var r Rule
	err := row.Scan(&r.ID, &r.ClassID, &r.TypeID, &r.ProblemID, &r.Class.EN, &r.Class.RU, &r.Type.EN, &r.Type.RU,
		&r.Problem.EN, &r.Problem.RU, &r.DepartmentID, &r.DepartmentCode, &r.Department.EN, &r.Department.RU, &r.CreatedAt)
	return r, err
}

// List returns every rule, most specific first (the order they are tried in), then
// by id. Executors, heads and admins may read it.
func (s *Rules) List(ctx context.Context, actor *users.User) ([]Rule, error) {
	if err := requireStaff(actor); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, ruleSelect+" ORDER BY "+specificity("r.")+", r.id")
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list rules: %w", err)
	}
	defer rows.Close()
	var out []Rule
	for rows.Next() {
		r, err := scanRule(rows)
		if err != nil {
			return nil, fmt.Errorf("tickets: unable to read a rule: %w", err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Rule returns one rule (staff).
func (s *Rules) Rule(ctx context.Context, actor *users.User, id int64) (Rule, error) {
	if err := requireStaff(actor); err != nil {
		return Rule{}, err
	}
	return s.rule(ctx, s.db.R, id)
}

func (s *Rules) rule(ctx context.Context, q querier, id int64) (Rule, error) {
	r, err := scanRule(q.QueryRowContext(ctx, ruleSelect+" WHERE r.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return Rule{}, notFound
	}
	if err != nil {
		return Rule{}, fmt.Errorf("tickets: unable to read rule %d: %w", id, err)
	}
	return r, nil
}

// specificity is the ORDER BY that puts the most specific row first: more concrete
// columns first; on a tie the concrete problem type beats the concrete service type,
// which beats the concrete class. p is the table prefix ("r." or "").
func specificity(p string) string {
	nn := func(col string) string { return "CASE WHEN " + p + col + " IS NULL THEN 0 ELSE 1 END" }
	c, t, pr := nn("service_class_id"), nn("service_type_id"), nn("problem_type_id")
	return "(" + c + " + " + t + " + " + pr + ") DESC, " + pr + " DESC, " + t + " DESC, " + c + " DESC"
}

// validRule checks in against the catalogue and the departments, field by field.
// A concrete type needs its own class in the class column; a concrete problem next
// to a concrete type must be one that type offers.
func validRule(ctx context.Context, q querier, in RuleInput) error {
	var f apperr.Fields
	if in.ClassID < 0 || in.TypeID < 0 || in.ProblemID < 0 {
		f.Add("class_id", "rules.class_unknown")
		return f.Err()
	}
	exists := func(query string, args ...any) (bool, error) {
		var one int
		err := q.QueryRowContext(ctx, query, args...).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	}
	check := func(field, key, query string, args ...any) error {
		ok, err := exists(query, args...)
		if err != nil {
			return fmt.Errorf("tickets: unable to check a rule: %w", err)
		}
		if !ok {
			f.Add(field, key)
		}
		return nil
	}
	classOK := true
	if in.ClassID != 0 {
		n := len(f)
		if err := check("class_id", "rules.class_unknown", "SELECT 1 FROM service_classes WHERE id = $1", in.ClassID); err != nil {
			return err
		}
		classOK = len(f) == n
	}
	typeOK := false
	if in.TypeID != 0 {
		var classID int64
		err := q.QueryRowContext(ctx, "SELECT class_id FROM service_types WHERE id = $1", in.TypeID).Scan(&classID)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			f.Add("type_id", "rules.type_unknown")
		case err != nil:
			return fmt.Errorf("tickets: unable to check a rule's type: %w", err)
		case in.ClassID == 0:
			f.Add("class_id", "rules.class_required")
		case classOK && classID != in.ClassID:
			f.Add("type_id", "rules.type_other_class")
		default:
			typeOK = true
		}
	}
	if in.ProblemID != 0 {
		n := len(f)
		if err := check("problem_id", "rules.problem_unknown", "SELECT 1 FROM problem_types WHERE id = $1", in.ProblemID); err != nil {
			return err
		}
		if len(f) == n && typeOK {
			if err := check("problem_id", "rules.problem_not_offered",
				"SELECT 1 FROM type_problems WHERE type_id = $1 AND problem_type_id = $2", in.TypeID, in.ProblemID); err != nil {
				return err
			}
		}
	}
	if in.DepartmentID == 0 {
		f.Add("department_id", "rules.department_required")
	} else if err := check("department_id", "rules.department_unknown", "SELECT 1 FROM departments WHERE id = $1", in.DepartmentID); err != nil {
		return err
	}
	return f.Err()
}

// writeErr turns a failed INSERT or UPDATE into the user's answer.
func writeErr(err error) error {
	switch {
	case db.IsUniqueViolation(err):
		return apperr.Wrap(apperr.Conflict, "rules.duplicate", err)
	case db.IsForeignKeyViolation(err):
		// Something was deleted between the check and the write.
		var f apperr.Fields
		f.Add("department_id", "rules.department_unknown")
		return f.Err()
	default:
		return fmt.Errorf("tickets: unable to save a rule: %w", err)
	}
}

// Create adds a rule (admin). A row with the same three columns is a Conflict
// (rules.duplicate).
func (s *Rules) Create(ctx context.Context, actor *users.User, in RuleInput) (Rule, error) {
	if err := requireAdmin(actor); err != nil {
		return Rule{}, err
	}
	if err := validRule(ctx, s.db.W, in); err != nil {
		return Rule{}, err
	}
	var r Rule
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRowContext(ctx, `INSERT INTO routing_rules (service_class_id, service_type_id, problem_type_id, department_id, created_at)
		VALUES ($1, $2, $3, $4, $5) RETURNING id`,
			nullID(in.ClassID), nullID(in.TypeID), nullID(in.ProblemID), in.DepartmentID, s.now().UTC()).Scan(&id)
		if err != nil {
			return writeErr(err)
		}
		if r, err = s.rule(ctx, tx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.RuleCreated, ruleSubject(id), nil, r)
	})
	return r, err
}

// Update changes a rule's columns and department (admin).
func (s *Rules) Update(ctx context.Context, actor *users.User, id int64, in RuleInput) (Rule, error) {
	if err := requireAdmin(actor); err != nil {
		return Rule{}, err
	}
	if err := validRule(ctx, s.db.W, in); err != nil {
		return Rule{}, err
	}
	var after Rule
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.rule(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE routing_rules SET service_class_id = $1, service_type_id = $2, problem_type_id = $3, department_id = $4
		WHERE id = $5`, nullID(in.ClassID), nullID(in.TypeID), nullID(in.ProblemID), in.DepartmentID, id); err != nil {
			return writeErr(err)
		}
		if after, err = s.rule(ctx, tx, id); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.RuleUpdated, ruleSubject(id), before, after)
	})
	return after, err
}

// Delete removes a rule (admin).
func (s *Rules) Delete(ctx context.Context, actor *users.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := s.rule(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM routing_rules WHERE id = $1", id); err != nil {
			return fmt.Errorf("tickets: unable to delete rule %d: %w", id, err)
		}
		return s.record(ctx, tx, actor, audit.RuleDeleted, ruleSubject(id), before, nil)
	})
}

// SetDefaultDepartment sets the department that catches what no rule matches
// (admin); 0 removes it, and unmatched tickets then wait as unrouted.
func (s *Rules) SetDefaultDepartment(ctx context.Context, actor *users.User, departmentID int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		var before int64
		if err := tx.QueryRowContext(ctx, "SELECT COALESCE(MAX(CAST(d.id AS BIGINT)), 0) "+defaultJoin).Scan(&before); err != nil {
			return fmt.Errorf("tickets: unable to read the default department: %w", err)
		}
		if err := setDefault(ctx, tx, departmentID); err != nil {
			return err
		}
		if before == departmentID {
			return nil
		}
		return s.record(ctx, tx, actor, audit.DefaultDepartment, "setting default_department_id",
			map[string]int64{"department_id": before}, map[string]int64{"department_id": departmentID})
	})
}

type execQuerier interface {
	querier
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func setDefault(ctx context.Context, q execQuerier, departmentID int64) error {
	if departmentID == 0 {
		if _, err := q.ExecContext(ctx, "DELETE FROM settings WHERE key = $1", defaultDepartmentKey); err != nil {
			return fmt.Errorf("tickets: unable to clear the default department: %w", err)
		}
		return nil
	}
	var one int
	err := q.QueryRowContext(ctx, "SELECT 1 FROM departments WHERE id = $1", departmentID).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		var f apperr.Fields
		f.Add("department_id", "rules.department_unknown")
		return f.Err()
	}
	if err != nil {
		return fmt.Errorf("tickets: unable to check the default department: %w", err)
	}
	_, err = q.ExecContext(ctx, `INSERT INTO settings (key, value) VALUES ($1, $2)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, defaultDepartmentKey, strconv.FormatInt(departmentID, 10))
	if err != nil {
		return fmt.Errorf("tickets: unable to set the default department: %w", err)
	}
	return nil
}

// defaultJoin joins the settings row to the department it names, so a default
// whose department is gone counts as none.
const defaultJoin = `FROM settings s JOIN departments d ON d.id = CAST(s.value AS BIGINT) WHERE s.key = 'default_department_id'`

// DefaultDepartment returns the default department's id, 0 when there is none.
func (s *Rules) DefaultDepartment(ctx context.Context) (int64, error) {
	var id int64
	err := s.db.R.QueryRowContext(ctx, "SELECT d.id "+defaultJoin).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("tickets: unable to read the default department: %w", err)
	}
	return id, nil
}

// Resolve says where a ticket about a device of (classID, typeID) with problemID
// goes: the most specific matching rule, else the default department, else
// unrouted. One query: the candidate rows (at most eight) and the default, best first.
func (s *Rules) Resolve(ctx context.Context, classID, typeID, problemID int64) (Route, error) {
	return resolve(ctx, s.db.R, classID, typeID, problemID)
}

func resolve(ctx context.Context, q querier, classID, typeID, problemID int64) (Route, error) {
	nn := func(col string) string { return "CASE WHEN " + col + " IS NULL THEN 0 ELSE 1 END" }
	query := `SELECT r.id, r.department_id, d.name_en, d.name_ru FROM (
	SELECT id, department_id, ` + nn("service_class_id") + ` + ` + nn("service_type_id") + ` + ` + nn("problem_type_id") + ` AS n,
		` + nn("problem_type_id") + ` AS p, ` + nn("service_type_id") + ` AS t, ` + nn("service_class_id") + ` AS c
	FROM routing_rules
	WHERE (service_class_id IS NULL OR service_class_id = $1)
	  AND (service_type_id IS NULL OR service_type_id = $2)
	  AND (problem_type_id IS NULL OR problem_type_id = $3)
	UNION ALL
	SELECT 0, d.id, -1, 0, 0, 0 ` + defaultJoin + `
	ORDER BY n DESC, p DESC, t DESC, c DESC
	LIMIT 1) r
	JOIN departments d ON d.id = r.department_id`
	var ruleID, deptID int64
	var en, ru string
	err := q.QueryRowContext(ctx, query, classID, typeID, problemID).Scan(&ruleID, &deptID, &en, &ru)
	if errors.Is(err, sql.ErrNoRows) {
		return Route{Unrouted: true}, nil
	}
	if err != nil {
		return Route{}, fmt.Errorf("tickets: unable to resolve a route: %w", err)
	}
	return Route{DepartmentID: deptID, RuleID: ruleID, Default: ruleID == 0, DepartmentEN: en, DepartmentRU: ru}, nil
}

// ResolveFor answers "where would this go?" for a device and a problem type: staff
// (executor, head, admin) may ask, as API.md says; staff see every device anyway.
func (s *Rules) ResolveFor(ctx context.Context, actor *users.User, assetID, problemID int64) (Route, error) {
	if err := requireStaff(actor); err != nil {
		return Route{}, err
	}
	var typeID, classID int64
	err := s.db.R.QueryRowContext(ctx, "SELECT a.type_id, t.class_id FROM assets a JOIN service_types t ON t.id = a.type_id WHERE a.id = $1", assetID).
		Scan(&typeID, &classID)
	if errors.Is(err, sql.ErrNoRows) {
		return Route{}, notFound
	}
	if err != nil {
		return Route{}, fmt.Errorf("tickets: unable to read device %d: %w", assetID, err)
	}
	return s.Resolve(ctx, classID, typeID, problemID)
}

// StarterRulesSummary is what LoadStarterRules did.
type StarterRulesSummary struct {
	Created int
	// Skipped lists the starter rows not loaded, with the reason's message key
	// (rules.starter_department_missing, rules.starter_catalogue_missing, or a
	// validation key).
	Skipped []SkippedStarterRule
	// DefaultDepartmentID is the default department set, 0 when its code is missing.
	DefaultDepartmentID int64
}

// SkippedStarterRule is a starter row that was not loaded, and why.
type SkippedStarterRule struct {
	assets.StarterRule
	Key string
}

// LoadStarterRules loads the starter rules table (OFFICE-CATALOGUE.md) into an
// empty rules table in one transaction (admin), matching the catalogue by English
// names and departments by code, and sets the starter default department when it
// exists. Rows whose department or catalogue entries are missing are skipped and
// reported. A table that already has rules is refused (Conflict rules.not_empty).
func (s *Rules) LoadStarterRules(ctx context.Context, actor *users.User) (*StarterRulesSummary, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	sum := &StarterRulesSummary{}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if s.db.Dialect == db.Postgres {
			if _, err := tx.ExecContext(ctx, "LOCK TABLE routing_rules IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return fmt.Errorf("tickets: unable to lock the rules: %w", err)
			}
		}
		var n int
		if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM routing_rules").Scan(&n); err != nil {
			return fmt.Errorf("tickets: unable to count the rules: %w", err)
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "rules.not_empty")
		}
		// lookup returns the id named, 0 for "" (any), -1 when there is no such row.
		lookup := func(name, query string, args ...any) (int64, error) {
			if name == "" {
				return 0, nil
			}
			var id int64
			err := tx.QueryRowContext(ctx, query, args...).Scan(&id)
			if errors.Is(err, sql.ErrNoRows) {
				return -1, nil
			}
			return id, err
		}
		for _, sr := range assets.StarterRules() {
			skip := func(key string) { sum.Skipped = append(sum.Skipped, SkippedStarterRule{StarterRule: sr, Key: key}) }
			dept, err := lookup(sr.Department, "SELECT id FROM departments WHERE code = $1", sr.Department)
			if err != nil {
				return fmt.Errorf("tickets: unable to find department %q: %w", sr.Department, err)
			}
			if dept <= 0 {
				skip("rules.starter_department_missing")
				continue
			}
			class, err := lookup(sr.Class, "SELECT id FROM service_classes WHERE name_en = $1 ORDER BY id LIMIT 1", sr.Class)
			if err != nil {
				return fmt.Errorf("tickets: unable to find class %q: %w", sr.Class, err)
			}
			typ, err := lookup(sr.Type, "SELECT id FROM service_types WHERE class_id = $1 AND name_en = $2 ORDER BY id LIMIT 1", class, sr.Type)
			if err != nil {
				return fmt.Errorf("tickets: unable to find type %q: %w", sr.Type, err)
			}
			prob, err := lookup(sr.Problem, "SELECT id FROM problem_types WHERE name_en = $1 ORDER BY id LIMIT 1", sr.Problem)
			if err != nil {
				return fmt.Errorf("tickets: unable to find problem type %q: %w", sr.Problem, err)
			}
			if class < 0 || typ < 0 || prob < 0 {
				skip("rules.starter_catalogue_missing")
				continue
			}
			in := RuleInput{ClassID: class, TypeID: typ, ProblemID: prob, DepartmentID: dept}
			if err := validRule(ctx, tx, in); err != nil {
				if ae := apperr.As(err); ae != nil && len(ae.Fields) > 0 {
					skip(ae.Fields[0].Key)
					continue
				}
				return err
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO routing_rules (service_class_id, service_type_id, problem_type_id, department_id, created_at)
				VALUES ($1, $2, $3, $4, $5)`, nullID(class), nullID(typ), nullID(prob), dept, now); err != nil {
				return writeErr(err)
			}
			sum.Created++
		}
		def, err := lookup(assets.StarterDefaultDepartment, "SELECT id FROM departments WHERE code = $1", assets.StarterDefaultDepartment)
		if err != nil {
			return fmt.Errorf("tickets: unable to find the default department: %w", err)
		}
		if def > 0 {
			if err := setDefault(ctx, tx, def); err != nil {
				return err
			}
			sum.DefaultDepartmentID = def
		}
		return s.record(ctx, tx, actor, audit.RulesImported, "routing rules: the starter table", nil,
			map[string]any{"imported": sum.Created, "default_department_id": sum.DefaultDepartmentID})
	})
	if err != nil {
		return nil, err
	}
	return sum, nil
}
