package directory_test

import (
	"context"
	"errors"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"smartservice/internal/directory"
)

// office is what testdata/employees.csv and testdata/employees.json both describe,
// after normalisation.
var office = []directory.Employee{
	{EmployeeID: "E-0001", Email: "admin@example.com", FullName: "Office Admin", Active: true, Roles: []string{"admin"}},
	{EmployeeID: "E-1042", Email: "anna.petrova@example.com", FullName: "Anna Petrova", Position: "Accountant", Active: true, Roles: []string{"employee"}},
	{EmployeeID: "E-1043", Email: "ivan.sidorov@example.com", FullName: "Ivan Sidorov", Position: "Engineer, IT support", Active: true, Roles: []string{"employee", "executor"}, Departments: []string{"it-support"}},
	{EmployeeID: "E-0999", Email: "left@example.com", FullName: "Former Employee", Position: "Courier", Active: false, Roles: []string{"employee"}},
	{EmployeeID: "E-1044", Email: "maria.ivanova@example.com", FullName: "Мария Иванова", Position: "Head of IT", Active: true, Roles: []string{"executor", "head"}, Departments: []string{"facilities", "it-support"}},
}

func TestLoadFileGood(t *testing.T) {
	for _, name := range []string{"employees.csv", "employees.json"} {
		t.Run(name, func(t *testing.T) {
			d, err := directory.LoadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if got := d.Employees(); !reflect.DeepEqual(got, office) {
				t.Errorf("employees:\n got %+v\nwant %+v", got, office)
			}
			ctx := context.Background()

			// Case-insensitive, trimmed, even though the file spells it in mixed case.
			e, err := d.Lookup(ctx, "  ANNA.petrova@EXAMPLE.com ")
			if err != nil {
				t.Fatalf("lookup: %v", err)
			}
			if e.EmployeeID != "E-1042" || !e.Active || e.Email != "anna.petrova@example.com" {
				t.Errorf("lookup: got %+v", e)
			}

			e, err = d.Lookup(ctx, "left@example.com")
			if err != nil || e.Active {
				t.Errorf("inactive employee: got %+v, %v; want Active=false and no error", e, err)
			}
			if _, err := d.Lookup(ctx, "stranger@example.com"); !errors.Is(err, directory.ErrNotFound) {
				t.Errorf("unknown: got %v, want ErrNotFound", err)
			}
			if _, err := d.Lookup(ctx, "not an address"); !errors.Is(err, directory.ErrInvalidEmail) {
				t.Errorf("malformed: got %v, want ErrInvalidEmail", err)
			}
		})
	}
}

func TestLoadFileBadRows(t *testing.T) {
	tests := []struct {
		file string
		want []string // each must appear in the error
		not  []string // rows that are fine must not be blamed
	}{
		{"bad_rows.csv", []string{
			`bad_rows.csv:3: duplicate e-mail "anna@example.com" (first on line 2)`,
			`bad_rows.csv:4: missing employee_id`,
			`bad_rows.csv:5: missing full_name`,
			`bad_rows.csv:6: missing active`,
			`bad_rows.csv:7: active must be true or false, got "perhaps"`,
			`bad_rows.csv:8: email: directory: invalid e-mail address`,
			`bad_rows.csv:9: unknown role "wizard"`,
			`bad_rows.csv:10: malformed department code "it/support"`,
			`bad_rows.csv:11: duplicate employee_id "E-1" (first on line 2)`,
			`bad_rows.csv:12: 3 fields, but the header has 7`,
		}, []string{"bad_rows.csv:2:", "bad_rows.csv:13:"}},
		{"bad_rows.json", []string{
			`bad_rows.json:3: duplicate e-mail "anna@example.com" (first on line 2)`,
			`bad_rows.json:4: missing active`,
			`bad_rows.json:5: missing active`,
			`bad_rows.json:6: field "active": expected bool, got string`,
			`bad_rows.json:7: missing full_name`,
			`bad_rows.json:8: unknown role "root"`,
			`bad_rows.json:9: expected an object, got number`,
		}, []string{"bad_rows.json:2:", "bad_rows.json:10:"}},
		{"bad_header.csv", []string{`bad_header.csv:1: unknown column "e-mail"`, `bad_header.csv:1: missing column "email"`}, nil},
		{"bad_quote.csv", []string{`bad_quote.csv:3: extraneous or missing " in quoted-field`}, nil},
		{"header_only.csv", []string{`header_only.csv: no employees in the file`}, nil},
		{"bad_syntax.json", []string{`bad_syntax.json:3: invalid character '"' after object key:value pair`}, nil},
		{"not_array.json", []string{`not_array.json:1: expected a JSON array of employees`}, nil},
		{"trailing.json", []string{`trailing.json:4: unexpected data after the array of employees`}, nil},
		{"empty.json", []string{`empty.json: no employees in the file`}, nil},
		{"employees.yaml", []string{`unknown file type ".yaml": use .csv or .json`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			d, err := directory.LoadFile(filepath.Join("testdata", tt.file))
			if err == nil {
				t.Fatalf("loaded %d employees, want an error", len(d.Employees()))
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not say %q:\n%v", w, err)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("error blames a good row (%q):\n%v", n, err)
				}
			}
		})
	}
}

func TestLoadFileMissing(t *testing.T) {
	_, err := directory.LoadFile(filepath.Join(t.TempDir(), "nope.csv"))
	if !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("got %v, want fs.ErrNotExist", err)
	}
}

func TestNewStatic(t *testing.T) {
	d := directory.NewStatic([]directory.Employee{
		{EmployeeID: "D-1", Email: " Boss@Demo.Example ", FullName: "Boss", Active: true, Roles: []string{"Admin", "head"}, Departments: []string{"IT"}},
		{EmployeeID: "D-2", Email: "worker@demo.example", FullName: "Worker", Active: true},
	})
	e, err := d.Lookup(context.Background(), "boss@demo.example")
	if err != nil {
		t.Fatal(err)
	}
	want := directory.Employee{EmployeeID: "D-1", Email: "boss@demo.example", FullName: "Boss", Active: true, Roles: []string{"head", "admin"}, Departments: []string{"it"}}
	if !reflect.DeepEqual(*e, want) {
		t.Errorf("got %+v, want %+v", *e, want)
	}
	// The caller's copy is its own: changing it does not change the directory.
	e.Roles[0] = "employee"
	e.Departments = append(e.Departments, "x")
	again, _ := d.Lookup(context.Background(), "boss@demo.example")
	if !reflect.DeepEqual(*again, want) {
		t.Errorf("directory changed through a returned value: %+v", *again)
	}
	w, _ := d.Lookup(context.Background(), "WORKER@demo.example")
	if w == nil || !reflect.DeepEqual(w.Roles, []string{"employee"}) {
		t.Errorf("default role: got %+v", w)
	}
}

func TestNewStaticPanicsOnBadList(t *testing.T) {
	defer func() {
		r := recover()
		if r == nil || !strings.Contains(fmtAny(r), `static list:2: duplicate e-mail "a@example.com"`) {
			t.Errorf("recovered %v, want a duplicate e-mail panic naming entry 2", r)
		}
	}()
	directory.NewStatic([]directory.Employee{
		{EmployeeID: "1", Email: "a@example.com", FullName: "A", Active: true},
		{EmployeeID: "2", Email: "A@example.com", FullName: "A again", Active: true},
	})
}

func fmtAny(v any) string {
	if err, ok := v.(error); ok {
		return err.Error()
	}
	s, _ := v.(string)
	return s
}

func TestFileDirectoryConcurrent(t *testing.T) {
	d, err := directory.LoadFile(filepath.Join("testdata", "employees.csv"))
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			for range 200 {
				e, err := d.Lookup(context.Background(), office[i%len(office)].Email)
				if err != nil {
					t.Error(err)
					return
				}
				e.Roles[0] = "mutated" // must not race with other readers
			}
		})
	}
	wg.Wait()
}
