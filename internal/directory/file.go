package directory

import (
	"bytes"
	"cmp"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// FileDirectory is a Directory that answers from a fixed list of employees: a file an
// office keeps by hand, or the demo's people. It never changes after it is built, so
// it is safe for concurrent use without locks; to pick up an edited file, load it
// again.
type FileDirectory struct {
	byEmail map[string]Employee
	list    []Employee // sorted by e-mail
}

var _ Directory = (*FileDirectory)(nil)

// maxFileErrors caps how many bad rows one load reports; past that the file is
// probably not an employee list at all.
const maxFileErrors = 20

// LoadFile reads employees from a .csv or .json file, chosen by the extension.
//
// CSV: a header row naming the columns, in any order: employee_id, email, full_name,
// active (required) and position, roles, departments (optional). Roles and departments
// are lists separated by ';', ',' or spaces. active is true/false, yes/no or 1/0.
// Lines starting with '#' are comments.
//
// JSON: an array of objects in the contract's format (design/DIRECTORY-API.md).
//
// Unlike an HTTP answer, a file is under the office's control, so every doubtful row
// is an error rather than something silently dropped: a missing required field, a bad
// active value or e-mail, a duplicate e-mail or employee_id, an unknown role, a
// malformed department code. The error names the file and line of every bad row.
func LoadFile(path string) (*FileDirectory, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("directory: %w", err)
	}
	data = bytes.TrimPrefix(data, []byte("\uFEFF")) // spreadsheet programs like to add a BOM
	b := newBuilder(path)
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".csv":
		b.readCSV(data)
	case ".json":
		b.readJSON(data)
	default:
		return nil, fmt.Errorf("directory: %s: unknown file type %q: use .csv or .json", path, ext)
	}
	if len(b.errs) == 0 && len(b.list) == 0 {
		b.fail(0, "no employees in the file")
	}
	if err := b.err(); err != nil {
		return nil, err
	}
	return b.directory(), nil
}

// NewStatic returns a directory of the given employees, validated and normalised as
// a file would be (e-mails lower-cased, roles defaulted). It is meant for the demo and
// tests, whose lists are part of the program, so a bad list is a programming error
// and panics.
func NewStatic(employees []Employee) *FileDirectory {
	b := newBuilder("static list")
	for i, e := range employees {
		active := e.Active
		b.add(i+1, wireEmployee{
			EmployeeID: e.EmployeeID, Email: e.Email, FullName: e.FullName, Active: &active,
			Position: e.Position, Roles: e.Roles, Departments: e.Departments,
		})
	}
	if err := b.err(); err != nil {
		panic(err)
	}
	return b.directory()
}

// Lookup finds the employee by e-mail, case-insensitively. See Directory.
func (d *FileDirectory) Lookup(_ context.Context, email string) (*Employee, error) {
	addr, err := NormalizeEmail(email)
	if err != nil {
		return nil, err
	}
	e, ok := d.byEmail[addr]
	if !ok {
		return nil, ErrNotFound
	}
	return e.clone(), nil
}

// Employees returns a copy of every employee, ordered by e-mail, for listing (the
// demo prints its logins from it).
func (d *FileDirectory) Employees() []Employee {
	out := make([]Employee, len(d.list))
	for i, e := range d.list {
		out[i] = *e.clone()
	}
	return out
}

// builder collects employees and the errors of bad rows.
type builder struct {
	source  string
	list    []Employee
	byEmail map[string]int // → line
	byID    map[string]int // → line
	errs    []error
}

func newBuilder(source string) *builder {
	return &builder{source: source, byEmail: map[string]int{}, byID: map[string]int{}}
}

// fail records a bad row; line 0 means the file as a whole.
func (b *builder) fail(line int, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		b.errs = append(b.errs, fmt.Errorf("%s:%d: %s", b.source, line, msg))
	} else {
		b.errs = append(b.errs, fmt.Errorf("%s: %s", b.source, msg))
	}
}

func (b *builder) full() bool { return len(b.errs) >= maxFileErrors }

func (b *builder) err() error {
	if len(b.errs) == 0 {
		return nil
	}
	errs := b.errs
	if len(errs) >= maxFileErrors {
		errs = append(errs[:maxFileErrors:maxFileErrors], errors.New("(stopped after this many errors)"))
	}
	return fmt.Errorf("directory: bad employee file: %w", errors.Join(errs...))
}

// add validates one employee from the given line and keeps it when it is good.
func (b *builder) add(line int, w wireEmployee) {
	e, d, err := w.normalize()
	if err != nil {
		b.fail(line, "%v", err)
		return
	}
	bad := false
	if len(d.roles) > 0 {
		b.fail(line, "unknown role %q (known: %s)", strings.Join(d.roles, " "), strings.Join(knownRoles, ", "))
		bad = true
	}
	if len(d.departments) > 0 {
		b.fail(line, "malformed department code %q (lower-case letters, digits, '-' and '_')", strings.Join(d.departments, " "))
		bad = true
	}
	if first, dup := b.byEmail[e.Email]; dup {
		b.fail(line, "duplicate e-mail %q (first on line %d)", e.Email, first)
		bad = true
	}
	if first, dup := b.byID[e.EmployeeID]; dup {
		b.fail(line, "duplicate employee_id %q (first on line %d)", e.EmployeeID, first)
		bad = true
	}
	if bad {
		return
	}
	b.byEmail[e.Email] = line
	b.byID[e.EmployeeID] = line
	b.list = append(b.list, e)
}

func (b *builder) directory() *FileDirectory {
	d := &FileDirectory{byEmail: make(map[string]Employee, len(b.list)), list: b.list}
	slices.SortFunc(d.list, func(x, y Employee) int { return cmp.Compare(x.Email, y.Email) })
	for _, e := range d.list {
		d.byEmail[e.Email] = e
	}
	return d
}

// csvColumns are the columns a CSV file may have; the first four are required.
var csvColumns = []string{"employee_id", "email", "full_name", "active", "position", "roles", "departments"}

const csvRequired = 4

func (b *builder) readCSV(data []byte) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comment = '#'
	r.FieldsPerRecord = -1 // checked below, with a clearer message
	r.TrimLeadingSpace = true

	header, err := r.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			b.fail(0, "empty file: expected a header row (%s)", strings.Join(csvColumns, ","))
		} else {
			b.fail(0, "%v", err)
		}
		return
	}
	headerLine, _ := r.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(h))
		switch {
		case !slices.Contains(csvColumns, h):
			b.fail(headerLine, "unknown column %q (known: %s)", h, strings.Join(csvColumns, ", "))
		case col[h] != 0:
			b.fail(headerLine, "column %q appears twice", h)
		default:
			col[h] = i + 1 // 0 means absent
		}
	}
	for _, h := range csvColumns[:csvRequired] {
		if col[h] == 0 {
			b.fail(headerLine, "missing column %q", h)
		}
	}
	if len(b.errs) > 0 {
		return
	}
	get := func(rec []string, name string) string {
		if i := col[name]; i > 0 {
			return strings.TrimSpace(rec[i-1])
		}
		return ""
	}

	for !b.full() {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return
		}
		if err != nil {
			// A CSV syntax error (a stray quote) makes the rest of the file unreliable.
			if pe, ok := errors.AsType[*csv.ParseError](err); ok {
				b.fail(pe.Line, "%v", pe.Err)
			} else {
				b.fail(0, "%v", err)
			}
			return
		}
		line, _ := r.FieldPos(0)
		if len(rec) != len(header) {
			b.fail(line, "%d fields, but the header has %d", len(rec), len(header))
			continue
		}
		w := wireEmployee{
			EmployeeID:  get(rec, "employee_id"),
			Email:       get(rec, "email"),
			FullName:    get(rec, "full_name"),
			Position:    get(rec, "position"),
			Roles:       splitList(get(rec, "roles")),
			Departments: splitList(get(rec, "departments")),
		}
		if v := get(rec, "active"); v != "" {
			active, ok := parseActive(v)
			if !ok {
				b.fail(line, "active must be true or false, got %q", v)
				continue
			}
			w.Active = &active
		}
		b.add(line, w)
	}
}

// splitList splits a CSV cell holding several roles or department codes.
func splitList(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' || r == ' ' || r == '\t' })
}

// parseActive accepts the spellings a spreadsheet or a person is likely to use.
func parseActive(s string) (active, ok bool) {
	switch strings.ToLower(s) {
	case "true", "yes", "y", "1":
		return true, true
	case "false", "no", "n", "0":
		return false, true
	}
	return false, false
}

func (b *builder) readJSON(data []byte) {
	dec := json.NewDecoder(bytes.NewReader(data))
	lineAt := func(off int64) int { return 1 + bytes.Count(data[:min(off, int64(len(data)))], []byte("\n")) }
	syntax := func(err error) {
		if se, ok := errors.AsType[*json.SyntaxError](err); ok {
			b.fail(lineAt(se.Offset), "%v", se)
		} else if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
			b.fail(lineAt(int64(len(data))), "unexpected end of the file")
		} else {
			b.fail(0, "%v", err)
		}
	}

	tok, err := dec.Token()
	if err != nil {
		syntax(err)
		return
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		b.fail(lineAt(dec.InputOffset()), "expected a JSON array of employees")
		return
	}
	for dec.More() && !b.full() {
		// InputOffset is just past the previous value; the object starts at the next
		// byte that is neither a space nor a comma.
		start := dec.InputOffset()
		for start < int64(len(data)) && strings.IndexByte(" \t\r\n,", data[start]) >= 0 {
			start++
		}
		line := lineAt(start)
		var w wireEmployee
		if err := dec.Decode(&w); err != nil {
			if te, ok := errors.AsType[*json.UnmarshalTypeError](err); ok {
				// The decoder has read the whole value; the next one can still be checked.
				if te.Field == "" {
					b.fail(line, "expected an object, got %s", te.Value)
				} else {
					b.fail(line, "field %q: expected %s, got %s", te.Field, te.Type, te.Value)
				}
				continue
			}
			syntax(err)
			return
		}
		b.add(line, w)
	}
	if b.full() {
		return
	}
	if _, err := dec.Token(); err != nil { // the closing ']'
		syntax(err)
		return
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		b.fail(lineAt(dec.InputOffset()), "unexpected data after the array of employees")
	}
}
