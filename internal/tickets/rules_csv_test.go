package tickets_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

const rulesHeader = "service_class,service_type,problem_type,department\n"

// TestRulesCSV runs every case on SQLite and on PostgreSQL, each on an emptied database.
func TestRulesCSV(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range []struct {
			name string
			fn   func(t *testing.T, e *env)
		}{
			{"RoundTrip", testRulesCSVRoundTrip},
			{"BadLines", testRulesCSVBadLines},
			{"Refusals", testRulesCSVRefusals},
		} {
			t.Run(c.name, func(t *testing.T) {
				emptyDB(t, d)
				c.fn(t, newEnv(t, d, acc))
			})
		}
	})
}

// ruleKeys is the table as (class, type, problem, department) ids, sorted.
func ruleKeys(t *testing.T, e *env) []string {
	t.Helper()
	list, err := e.rules.List(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range list {
		out = append(out, fmt.Sprint(r.ClassID, r.TypeID, r.ProblemID, r.DepartmentID))
	}
	slices.Sort(out)
	return out
}

func testRulesCSVRoundTrip(t *testing.T, e *env) {
	e.starter(t)
	before := ruleKeys(t, e)
	var buf bytes.Buffer
	if err := e.rules.ExportCSV(e.ctx, e.exec, &buf); err != nil { // staff may read
		t.Fatal(err)
	}
	csv := buf.String()
	if !strings.HasPrefix(csv, rulesHeader) || strings.Count(csv, "\n") != len(before)+1 || !strings.Contains(csv, ",any,") {
		t.Fatalf("export:\n%s", csv)
	}
	if _, err := e.d.W.Exec("DELETE FROM routing_rules"); err != nil {
		t.Fatal(err)
	}
	rep, err := e.rules.ImportCSV(e.ctx, e.admin, strings.NewReader(csv))
	if err != nil || rep.Imported != len(before) || rep.Rows != len(before) {
		t.Fatalf("import: %+v %v", rep, err)
	}
	if after := ruleKeys(t, e); !slices.Equal(before, after) {
		t.Errorf("round trip:\n%v\nwant\n%v", after, before)
	}
	// The same file again: every row duplicates a stored rule, nothing is added.
	rep, err = e.rules.ImportCSV(e.ctx, e.admin, strings.NewReader(csv))
	if apperr.CodeOf(err) != apperr.Invalid || rep == nil || len(rep.Errors) != len(before) || rep.Errors[0].Key != "rulescsv.duplicate_existing" {
		t.Fatalf("re-import: %+v %v", rep, err)
	}

	// Russian names, "любой", an empty cell, a BOM and semicolons; a formula-looking
	// name survives the export's guard.
	if _, err := e.d.W.Exec("DELETE FROM routing_rules"); err != nil {
		t.Fatal(err)
	}
	odd, err := e.cat.CreateClass(e.ctx, e.admin, assets.Names{EN: "=Odd", RU: "Странное"})
	if err != nil {
		t.Fatal(err)
	}
	var classRU, typeRU string
	if err := e.d.R.QueryRow("SELECT c.name_ru, t.name_ru FROM service_types t JOIN service_classes c ON c.id = t.class_id WHERE t.name_en = 'Fridge'").Scan(&classRU, &typeRU); err != nil {
		t.Fatal(err)
	}
	in := "\ufeffservice_class;service_type;problem_type;department\n" + classRU + ";" + typeRU + ";любой;it\nСтранное;;ANY;security\n"
	if rep, err := e.rules.ImportCSV(e.ctx, e.admin, strings.NewReader(in)); err != nil || rep.Imported != 2 {
		t.Fatalf("russian import: %+v %v", rep, err)
	}
	buf.Reset()
	if err := e.rules.ExportCSV(e.ctx, e.admin, &buf); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "'=Odd,any,any,security") {
		t.Errorf("formula not guarded:\n%s", buf.String())
	}
	before = ruleKeys(t, e)
	if _, err := e.d.W.Exec("DELETE FROM routing_rules"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rules.ImportCSV(e.ctx, e.admin, &buf); err != nil {
		t.Fatal(err)
	}
	if after := ruleKeys(t, e); !slices.Equal(before, after) || !strings.Contains(strings.Join(after, "|"), fmt.Sprint(odd.ID, 0, 0, e.dept["security"])) {
		t.Errorf("guarded round trip: %v want %v", after, before)
	}
}

func testRulesCSVBadLines(t *testing.T, e *env) {
	e.starter(t)
	other, err := e.cat.CreateClass(e.ctx, e.admin, assets.Names{EN: "Other things", RU: "Прочее"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.cat.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: other.ID, Names: assets.Names{EN: "Gadget", RU: "Штука"}}); err != nil {
		t.Fatal(err)
	}
	var laptopClass, fridgeClass string
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	q := "SELECT c.name_en FROM service_types t JOIN service_classes c ON c.id = t.class_id WHERE t.name_en = $1"
	must(e.d.R.QueryRow(q, "Laptop").Scan(&laptopClass))
	must(e.d.R.QueryRow(q, "Fridge").Scan(&fridgeClass))
	fridge, _ := e.typ(t, "Fridge")
	var offered int
	must(e.d.R.QueryRow("SELECT COUNT(*) FROM type_problems WHERE type_id = $1 AND problem_type_id = $2", fridge, e.problem(t, "paper jam")).Scan(&offered))
	if offered != 0 || laptopClass == fridgeClass {
		t.Fatalf("fixture: fridge offers paper jam %d; classes %q %q", offered, laptopClass, fridgeClass)
	}
	var first bytes.Buffer
	must(e.rules.ExportCSV(e.ctx, e.admin, &first))
	existing := strings.SplitN(first.String(), "\n", 3)[1]

	before := ruleKeys(t, e)
	in := rulesHeader +
		"Nope,any,any,it\n" + // 2
		fridgeClass + ",Nope,any,it\n" + // 3
		laptopClass + ",Fridge,any,it\n" + // 4
		fridgeClass + ",Fridge,paper jam,it\n" + // 5
		"any,any,Nope,it\n" + // 6
		"Other things,Gadget,any,nodept\n" + // 7
		existing + "\n" + // 8
		"Other things,Gadget,any,security\n" + // 9: fine on its own
		"\n" +
		"Прочее,Штука,любой,security\n" + // 11: the same as line 9
		"any,Gadget,any,security\n" + // 12
		"a,b,c\n" // 13
	rep, err := e.rules.ImportCSV(e.ctx, e.admin, strings.NewReader(in))
	if apperr.CodeOf(err) != apperr.Invalid || rep == nil || rep.Imported != 0 {
		t.Fatalf("bad import: %+v %v", rep, err)
	}
	want := []struct {
		line int
		key  string
	}{
		{2, "rulescsv.class_unknown"}, {3, "rulescsv.type_unknown"}, {4, "rulescsv.type_other_class"},
		{5, "rulescsv.problem_not_offered"}, {6, "rulescsv.problem_unknown"}, {7, "rulescsv.department_unknown"},
		{8, "rulescsv.duplicate_existing"}, {11, "rulescsv.duplicate_in_file"}, {12, "rulescsv.class_required"},
	}
	got := map[string]bool{}
	for _, e := range rep.Errors {
		got[fmt.Sprint(e.Line, e.Key)] = true
	}
	for _, w := range want {
		if !got[fmt.Sprint(w.line, w.key)] {
			t.Errorf("line %d: no %s in %+v", w.line, w.key, rep.Errors)
		}
	}
	// Line 13 has the wrong number of cells; the errors are sorted by line.
	if len(rep.Errors) != len(want)+1 || rep.Errors[len(rep.Errors)-1].Line != 13 || rep.Errors[len(rep.Errors)-1].Key != "rulescsv.columns" {
		t.Errorf("errors: %+v", rep.Errors)
	}
	if after := ruleKeys(t, e); !slices.Equal(before, after) {
		t.Errorf("a refused import wrote rules: %d -> %d", len(before), len(after))
	}
}

func testRulesCSVRefusals(t *testing.T, e *env) {
	e.departments(t, "it")
	good := rulesHeader + "any,any,any,it\n"
	for _, u := range []struct {
		name string
		err  error
	}{
		{"executor import", func() error { _, err := e.rules.ImportCSV(e.ctx, e.exec, strings.NewReader(good)); return err }()},
		{"head import", func() error { _, err := e.rules.ImportCSV(e.ctx, e.head, strings.NewReader(good)); return err }()},
		{"employee export", e.rules.ExportCSV(e.ctx, e.emp, &bytes.Buffer{})},
	} {
		if apperr.CodeOf(u.err) != apperr.Forbidden {
			t.Errorf("%s: %v", u.name, u.err)
		}
	}
	bad := []struct {
		name, body string
		code       apperr.Code
		key        string
	}{
		{"header", "class,type,problem,department\nany,any,any,it\n", apperr.Invalid, "rulescsv.bad_header"},
		{"empty", "", apperr.Invalid, "rulescsv.bad_header"},
		{"utf8", rulesHeader + "any,any,\xff\xfe,it\n", apperr.Invalid, "rulescsv.not_utf8"},
		{"too large", rulesHeader + strings.Repeat("#", tickets.MaxRulesImportBytes), apperr.TooLarge, "rulescsv.too_large"},
		{"too many rows", rulesHeader + strings.Repeat("any,any,any,it\n", tickets.MaxRulesImportRows+1), apperr.TooLarge, "rulescsv.too_many_rows"},
	}
	for _, c := range bad {
		_, err := e.rules.ImportCSV(e.ctx, e.admin, strings.NewReader(c.body))
		if ae := apperr.As(err); ae == nil || ae.Code != c.code || ae.Key != c.key {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if n := ruleKeys(t, e); len(n) != 0 {
		t.Errorf("refused files wrote %d rules", len(n))
	}
	// The limit itself is allowed.
	rep, err := e.rules.ImportCSV(e.ctx, e.admin, strings.NewReader(good))
	if err != nil || rep.Imported != 1 {
		t.Errorf("good import: %+v %v", rep, err)
	}
}
