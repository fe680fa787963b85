package tickets

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/csvsafe"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// RulesCSVColumns is the header of the rules CSV, exactly as ExportCSV writes it and
// ImportCSV requires it.
var RulesCSVColumns = []string{"service_class", "service_type", "problem_type", "department"}

// Limits of one rules import: a bigger file is refused as a whole (TooLarge).
const (
	MaxRulesImportBytes = 1 << 20
	MaxRulesImportRows  = 2000
)

// RulesImportError is one reason a line of the file is refused.
type RulesImportError struct {
	// Line is the file's line; the header is line 1.
	Line int
	// Key is the translation key of the reason, with its template arguments.
	Key  string
	Args []any
}

// RulesImportReport is what a rules import found and did.
type RulesImportReport struct {
	// Rows counts the data rows read; Imported the rules written (0 when any is bad).
	Rows, Imported int
	Errors         []RulesImportError
}

// anyWords are what a cell may say for "any" (NULL), lower-cased.
var anyWords = map[string]bool{"": true, "any": true, "любой": true}

// ExportCSV writes every rule as CSV in List's order (staff, like List): English
// catalogue names, "any" for a wildcard, the department's code. Cells a spreadsheet
// would run as a formula are neutralised (csvsafe), which ImportCSV undoes.
func (s *Rules) ExportCSV(ctx context.Context, actor *users.User, w io.Writer) error {
	rules, err := s.List(ctx, actor)
	if err != nil {
		return err
	}
	cw := csvsafe.NewWriter(w)
	if err := cw.Write(RulesCSVColumns); err != nil {
		return fmt.Errorf("tickets: unable to write the rules CSV: %w", err)
	}
	name := func(id int64, en string) string {
		if id == 0 {
			return "any"
		}
		return en
	}
	for _, r := range rules {
		rec := []string{name(r.ClassID, r.Class.EN), name(r.TypeID, r.Type.EN), name(r.ProblemID, r.Problem.EN), r.DepartmentCode}
		if err := cw.Write(rec); err != nil {
			return fmt.Errorf("tickets: unable to write the rules CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("tickets: unable to write the rules CSV: %w", err)
	}
	return nil
}

var errRulesImportRefused = errors.New("tickets: rules import refused")

// ruleCatalogue is the catalogue and departments as an import matches names against.
type ruleCatalogue struct {
	classes  map[string]int64           // lower-cased EN or RU name -> id
	types    map[int64]map[string]int64 // class id -> name -> type id
	anyType  map[string]bool            // a type of that name exists in some class
	problems map[string]int64           // name -> id
	offers   map[[2]int64]bool          // (type, problem)
	depts    map[string]int64           // code -> id
	existing map[[3]int64]bool          // (class, type, problem) of the stored rules
}

func key(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func loadRuleCatalogue(ctx context.Context, tx *sql.Tx) (*ruleCatalogue, error) {
	c := &ruleCatalogue{classes: map[string]int64{}, types: map[int64]map[string]int64{}, anyType: map[string]bool{},
		problems: map[string]int64{}, offers: map[[2]int64]bool{}, depts: map[string]int64{}, existing: map[[3]int64]bool{}}
	each := func(query string, scan func(*sql.Rows) error) error {
		rows, err := tx.QueryContext(ctx, query)
		if err != nil {
			return fmt.Errorf("tickets: unable to read for the rules import: %w", err)
		}
		defer rows.Close()
		for rows.Next() {
			if err := scan(rows); err != nil {
				return fmt.Errorf("tickets: unable to read for the rules import: %w", err)
			}
		}
		return rows.Err()
	}
	// Ordered by id so that, should two share a name, the oldest wins, as in LoadStarterRules.
	put := func(m map[string]int64, id int64, names ...string) {
		for _, n := range names {
			if k := key(n); k != "" {
				if _, ok := m[k]; !ok {
					m[k] = id
				}
			}
		}
	}
	var id, other int64
	var en, ru string
	if err := each("SELECT id, name_en, name_ru FROM service_classes ORDER BY id", func(r *sql.Rows) error {
		if err := r.Scan(&id, &en, &ru); err != nil {
			return err
		}
		put(c.classes, id, en, ru)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each("SELECT id, class_id, name_en, name_ru FROM service_types ORDER BY id", func(r *sql.Rows) error {
		if err := r.Scan(&id, &other, &en, &ru); err != nil {
			return err
		}
		if c.types[other] == nil {
			c.types[other] = map[string]int64{}
		}
		put(c.types[other], id, en, ru)
		c.anyType[key(en)], c.anyType[key(ru)] = true, true
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each("SELECT id, name_en, name_ru FROM problem_types ORDER BY id", func(r *sql.Rows) error {
		if err := r.Scan(&id, &en, &ru); err != nil {
			return err
		}
		put(c.problems, id, en, ru)
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each("SELECT type_id, problem_type_id FROM type_problems", func(r *sql.Rows) error {
		if err := r.Scan(&id, &other); err != nil {
			return err
		}
		c.offers[[2]int64{id, other}] = true
		return nil
	}); err != nil {
		return nil, err
	}
	if err := each("SELECT id, code FROM departments", func(r *sql.Rows) error {
		if err := r.Scan(&id, &en); err != nil {
			return err
		}
		c.depts[key(en)] = id
		return nil
	}); err != nil {
		return nil, err
	}
	var p int64
	if err := each("SELECT COALESCE(service_class_id, 0), COALESCE(service_type_id, 0), COALESCE(problem_type_id, 0) FROM routing_rules", func(r *sql.Rows) error {
		if err := r.Scan(&id, &other, &p); err != nil {
			return err
		}
		c.existing[[3]int64{id, other, p}] = true
		return nil
	}); err != nil {
		return nil, err
	}
	return c, nil
}

// ImportCSV adds the rules of a CSV file (admin), in one transaction: one bad line
// writes nothing, and the report, listing every bad line with its reason, comes with
// an Invalid error. The header must be RulesCSVColumns; names match the English or
// Russian catalogue name case-insensitively, "any", "любой" or an empty cell is the
// wildcard, and the department is its code. A row repeating another row of the file
// or a stored rule is refused, as are files over MaxRulesImportBytes or
// MaxRulesImportRows (TooLarge) and files that are not UTF-8 or lack the header.
func (s *Rules) ImportCSV(ctx context.Context, actor *users.User, r io.Reader) (*RulesImportReport, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	buf, err := io.ReadAll(io.LimitReader(r, MaxRulesImportBytes+1))
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to read the rules import: %w", err)
	}
	if len(buf) > MaxRulesImportBytes {
		return nil, apperr.New(apperr.TooLarge, "rulescsv.too_large", "MaxMB", MaxRulesImportBytes>>20)
	}
	if !utf8.Valid(buf) {
		return nil, apperr.New(apperr.Invalid, "rulescsv.not_utf8")
	}
	buf = bytes.TrimPrefix(buf, []byte("\ufeff"))
	cr := csv.NewReader(bytes.NewReader(buf))
	first, _, _ := bytes.Cut(buf, []byte("\n"))
	if !bytes.ContainsRune(first, ',') && bytes.ContainsRune(first, ';') {
		cr.Comma = ';' // a spreadsheet set to Russian
	}
	header, err := cr.Read()
	if err != nil || len(header) != len(RulesCSVColumns) {
		return nil, apperr.New(apperr.Invalid, "rulescsv.bad_header", "Header", strings.Join(RulesCSVColumns, ","))
	}
	for i, h := range header {
		if key(h) != RulesCSVColumns[i] {
			return nil, apperr.New(apperr.Invalid, "rulescsv.bad_header", "Header", strings.Join(RulesCSVColumns, ","))
		}
	}
	type line struct {
		n     int
		cells []string
	}
	var lines []line
	rep := &RulesImportReport{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		var pe *csv.ParseError
		if err != nil && !(errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)) {
			n := 0
			if pe != nil {
				n = pe.StartLine
			}
			rep.Errors = append(rep.Errors, RulesImportError{Line: n, Key: "rulescsv.syntax"})
			break
		}
		n, _ := cr.FieldPos(0)
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if rep.Rows++; rep.Rows > MaxRulesImportRows {
			return nil, apperr.New(apperr.TooLarge, "rulescsv.too_many_rows", "Max", MaxRulesImportRows)
		}
		if err != nil {
			rep.Errors = append(rep.Errors, RulesImportError{Line: n, Key: "rulescsv.columns", Args: []any{"Want", len(RulesCSVColumns), "Got", len(rec)}})
			continue
		}
		lines = append(lines, line{n: n, cells: rec})
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if s.db.Dialect == db.Postgres {
			if _, err := tx.ExecContext(ctx, "LOCK TABLE routing_rules IN SHARE ROW EXCLUSIVE MODE"); err != nil {
				return fmt.Errorf("tickets: unable to lock the rules: %w", err)
			}
		}
		cat, err := loadRuleCatalogue(ctx, tx)
		if err != nil {
			return err
		}
		inFile := map[[3]int64]int{}
		var ins []RuleInput
		for _, l := range lines {
			bad := func(k string, args ...any) {
				rep.Errors = append(rep.Errors, RulesImportError{Line: l.n, Key: k, Args: args})
			}
			cls, typ, prob, dep := key(csvsafe.Unescape(l.cells[0])), key(csvsafe.Unescape(l.cells[1])), key(csvsafe.Unescape(l.cells[2])), key(csvsafe.Unescape(l.cells[3]))
			var in RuleInput
			ok := true
			if !anyWords[cls] {
				if in.ClassID = cat.classes[cls]; in.ClassID == 0 {
					bad("rulescsv.class_unknown", "Name", l.cells[0])
					ok = false
				}
			}
			if !anyWords[typ] {
				switch {
				case !cat.anyType[typ]:
					bad("rulescsv.type_unknown", "Name", l.cells[1])
					ok = false
				case anyWords[cls]:
					bad("rulescsv.class_required", "Name", l.cells[1])
					ok = false
				case in.ClassID != 0:
					if in.TypeID = cat.types[in.ClassID][typ]; in.TypeID == 0 {
						bad("rulescsv.type_other_class", "Name", l.cells[1], "Class", l.cells[0])
						ok = false
					}
				}
			}
			if !anyWords[prob] {
				if in.ProblemID = cat.problems[prob]; in.ProblemID == 0 {
					bad("rulescsv.problem_unknown", "Name", l.cells[2])
					ok = false
				} else if in.TypeID != 0 && !cat.offers[[2]int64{in.TypeID, in.ProblemID}] {
					bad("rulescsv.problem_not_offered", "Name", l.cells[2], "Type", l.cells[1])
					ok = false
				}
			}
			if in.DepartmentID = cat.depts[dep]; in.DepartmentID == 0 {
				bad("rulescsv.department_unknown", "Code", l.cells[3])
				ok = false
			}
			if !ok {
				continue
			}
			k := [3]int64{in.ClassID, in.TypeID, in.ProblemID}
			switch {
			case cat.existing[k]:
				bad("rulescsv.duplicate_existing")
				continue
			case inFile[k] != 0:
				bad("rulescsv.duplicate_in_file", "Other", inFile[k])
				continue
			}
			inFile[k] = l.n
			ins = append(ins, in)
		}
		if len(rep.Errors) > 0 {
			return errRulesImportRefused
		}
		for _, in := range ins {
			if _, err := tx.ExecContext(ctx, `INSERT INTO routing_rules (service_class_id, service_type_id, problem_type_id, department_id, created_at)
				VALUES ($1, $2, $3, $4, $5)`, nullID(in.ClassID), nullID(in.TypeID), nullID(in.ProblemID), in.DepartmentID, now); err != nil {
				return writeErr(err)
			}
		}
		rep.Imported = len(ins)
		return s.record(ctx, tx, actor, audit.RulesImported, "routing rules", nil, map[string]int{"imported": rep.Imported})
	})
	if errors.Is(err, errRulesImportRefused) {
		// Shape errors were found while reading, the rest after: report in file order.
		slices.SortStableFunc(rep.Errors, func(a, b RulesImportError) int { return a.Line - b.Line })
		rep.Imported = 0
		return rep, apperr.New(apperr.Invalid, "rulescsv.invalid")
	}
	if err != nil {
		return nil, err
	}
	return rep, nil
}
