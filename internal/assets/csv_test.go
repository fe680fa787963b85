package assets_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/testkit"
)

func init() {
	domainCases = append(domainCases,
		domainCase{"ImportReportsEveryBadRow", testImportReportsEveryBadRow},
		domainCase{"ImportCreatesCatalogueWhenAllowed", testImportCreatesCatalogue},
		domainCase{"ImportFileShape", testImportFileShape},
		domainCase{"ExportNeutralisesFormulasAndReadsBack", testExportRoundTrip},
	)
}

const csvHeader = "name,class,type,inventory_number,building,floor,room,instructions,owner_email,archived\n"

// rowErr is a RowError without its arguments, for comparing reports.
type rowErr struct {
	line       int
	field, key string
}

func rowErrs(r *assets.ImportReport) []rowErr {
	var out []rowErr
	for _, e := range r.Errors {
		out = append(out, rowErr{e.Line, e.Field, e.Key})
	}
	return out
}

func (e *assetsEnv) countDevices(t *testing.T) int {
	t.Helper()
	var n int
	if err := e.d.R.QueryRow("SELECT COUNT(*) FROM assets").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func testImportReportsEveryBadRow(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	e.device(t, b.printer.ID, assets.AssetInput{Name: "Уже есть", InventoryNumber: "INV-000900"})
	file := csvHeader +
		"Принтер у ресепшн,IT equipment,Printer or MFP,INV-000001,БЦ,1,Ресепшн,,,\n" + // 2
		"Тостер,Kitchen and food,Toaster,,,,,,,\n" + // 3
		"Кофе-принтер,Kitchen and food,Printer or MFP,,,,,,,\n" + // 4
		"Ещё принтер,IT equipment,Printer or MFP,INV-000001,,,,,,\n" + // 5
		"Старый,IT equipment,Printer or MFP,INV-000900,,,,,,\n" + // 6
		",IT equipment,Printer or MFP,,,,,,,\n" + // 7
		"Bad \xff\xfe,IT equipment,Printer or MFP,,,,,,,\n" + // 8
		"Ноутбук,IT equipment,Printer or MFP,,,,,,nobody@example.test,\n" + // 9
		"Многострочная,кухня и питание,КОФЕМАШИНА,,,,,\"Line one, \"\"quoted\"\"\nline two\",OWNER@example.test,да\n" + // 10–11
		"Архив?,IT equipment,Printer or MFP,,,,,,,maybe\n" + // 12
		"Мало,IT equipment\n" + // 13
		"Кресло,Furniture,Chair,,,,,,,\n" + // 14
		"Без класса,,coffee machine,,,,,,,\n" + // 15
		"'=1+2,IT equipment,Printer or MFP,,,-1,,,,\n" + // 16
		",,,,,,,,,\n" + // 17: blank, skipped
		strings.Repeat("д", 201) + ",IT equipment,Printer or MFP,,,,,,,\n" + // 18
		"<script>alert(1)</script>,IT equipment,Printer or MFP,,,,,,,0\r\n" // 19
	want := []rowErr{
		{3, "type", "catalogue.import_type_unknown"},
		{4, "type", "catalogue.import_type_other_class"},
		{5, "inventory_number", "catalogue.import_inventory_repeated"},
		{6, "inventory_number", "catalogue.inventory_taken"},
		{7, "name", "validation.name_required"},
		{8, "name", "catalogue.import_not_utf8"},
		{9, "owner_email", "catalogue.import_owner_unknown"},
		{12, "archived", "catalogue.import_archived_invalid"},
		{13, "", "catalogue.import_columns"},
		{14, "class", "catalogue.import_class_unknown"},
		{18, "name", "validation.name_long"},
	}
	for _, dry := range []bool{true, false} {
		rep, err := e.svc.ImportCSV(e.ctx, e.admin, strings.NewReader(file), dry)
		if dry && err != nil {
			t.Fatalf("dry run: %v", err)
		}
		if !dry {
			wantCode(t, err, apperr.Invalid, "catalogue.import_invalid")
		}
		if rep == nil {
			t.Fatal("no report")
		}
		if got := rowErrs(rep); !reflect.DeepEqual(got, want) {
			t.Fatalf("dry %t: errors\n%v\nwant\n%v", dry, got, want)
		}
		if rep.Rows != 16 || rep.Valid != 5 || rep.Imported != 0 || rep.DryRun != dry {
			t.Fatalf("dry %t: %+v", dry, rep)
		}
		if args := rep.Errors[2].Args; !reflect.DeepEqual(args, []any{"Line", 2}) {
			t.Fatalf("repeated inventory number args: %v", args)
		}
		if n := e.countDevices(t); n != 1 {
			t.Fatalf("dry %t: %d devices after a refused import", dry, n)
		}
	}

	// The good rows alone import, all of them, with what the file said.
	var good bytes.Buffer
	good.WriteString(csvHeader)
	for i, line := range strings.SplitAfter(file, "\n") {
		if n := i + 1; n == 2 || n == 10 || n == 11 || n == 15 || n == 16 || n == 19 {
			good.WriteString(line)
		}
	}
	rep, err := e.svc.ImportCSV(e.ctx, e.admin, &good, false)
	if err != nil || rep.Imported != 5 || len(rep.Errors) != 0 || len(rep.NewClasses)+len(rep.NewTypes) != 0 {
		t.Fatalf("good rows: %+v, %v", rep, err)
	}
	page := ok(e.svc.List(e.ctx, e.admin, assets.Filter{Archived: nil}))(t)
	byName := map[string]*assets.Asset{}
	for _, a := range page.Items {
		byName[a.Name] = a
	}
	archivedPage := ok(e.svc.List(e.ctx, e.admin, assets.Filter{Archived: new(true)}))(t)
	for _, a := range archivedPage.Items {
		byName[a.Name] = a
	}
	p := byName["Принтер у ресепшн"]
	if p == nil || p.TypeID != b.printer.ID || p.InventoryNumber != "INV-000001" || p.Location != (assets.Location{Building: "БЦ", Floor: "1", Room: "Ресепшн"}) || !assets.ValidCode(p.Code) {
		t.Fatalf("printer: %+v", p)
	}
	m := byName["Многострочная"]
	if m == nil || m.TypeID != b.coffee.ID || m.Instructions != "Line one, \"quoted\"\nline two" || m.OwnerID != e.owner.ID || !m.Archived {
		t.Fatalf("multi-line row: %+v", m)
	}
	if c := byName["Без класса"]; c == nil || c.TypeID != b.coffee.ID {
		t.Fatalf("class from the type: %+v", c)
	}
	if f := byName["=1+2"]; f == nil || f.Location.Floor != "-1" {
		t.Fatalf("guarded cells read back: %+v", f)
	}
	if s := byName["<script>alert(1)</script>"]; s == nil || s.Archived {
		t.Fatalf("HTML name: %+v", s)
	}
	if e.countDevices(t) != 6 {
		t.Fatalf("%d devices", e.countDevices(t))
	}
	// Importing the same file again: every inventory number is taken now.
	good.Reset()
	good.WriteString(csvHeader + "Принтер у ресепшн,IT equipment,Printer or MFP,INV-000001,,,,,,\n")
	rep, err = e.svc.ImportCSV(e.ctx, e.admin, &good, false)
	if apperr.CodeOf(err) != apperr.Invalid || !reflect.DeepEqual(rowErrs(rep), []rowErr{{2, "inventory_number", "catalogue.inventory_taken"}}) {
		t.Fatalf("second import: %+v, %v", rep, err)
	}
}

func testImportCreatesCatalogue(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	file := csvHeader +
		"Кресло у окна,Мебель,Кресло,,,,,,,\n" +
		"Кресло у двери,мебель,кресло,,,,,,,\n" +
		"Сканер,IT equipment,Scanner,,,,,,,\n" +
		"Принтер,IT equipment,Printer or MFP,,,,,,,\n"
	rep, err := e.svc.ImportCSV(e.ctx, e.admin, strings.NewReader(file), true)
	if err != nil {
		t.Fatal(err)
	}
	want := []rowErr{{2, "class", "catalogue.import_class_unknown"}, {3, "class", "catalogue.import_class_unknown"}, {4, "type", "catalogue.import_type_unknown"}}
	if !reflect.DeepEqual(rowErrs(rep), want) {
		t.Fatalf("without the flag: %v", rowErrs(rep))
	}
	opts := assets.ImportOptions{DryRun: true, CreateCatalogue: true}
	rep, err = e.svc.ImportCSVWith(e.ctx, e.admin, strings.NewReader(file), opts)
	if err != nil || len(rep.Errors) != 0 || rep.Valid != 4 || rep.Imported != 0 ||
		!slices.Equal(rep.NewClasses, []string{"Мебель"}) || !slices.Equal(rep.NewTypes, []string{"Мебель / Кресло", "IT equipment / Scanner"}) {
		t.Fatalf("dry run with the flag: %+v, %v", rep, err)
	}
	if cs := ok(e.svc.Classes(e.ctx))(t); len(cs) != 2 {
		t.Fatalf("a dry run created classes: %+v", cs)
	}
	opts.DryRun = false
	rep, err = e.svc.ImportCSVWith(e.ctx, e.admin, strings.NewReader(file), opts)
	if err != nil || rep.Imported != 4 {
		t.Fatalf("import with the flag: %+v, %v", rep, err)
	}
	cs := ok(e.svc.Classes(e.ctx))(t)
	if len(cs) != 3 || cs[2].RU != "Мебель" || cs[2].EN != "" {
		t.Fatalf("classes: %+v", cs)
	}
	chairs := ok(e.svc.Types(e.ctx, cs[2].ID))(t)
	scanners := ok(e.svc.Types(e.ctx, b.it.ID))(t)
	if len(chairs) != 1 || chairs[0].RU != "Кресло" || len(scanners) != 2 || scanners[1].EN != "Scanner" {
		t.Fatalf("types: %+v, %+v", chairs, scanners)
	}
	if p := ok(e.svc.List(e.ctx, e.admin, assets.Filter{TypeID: chairs[0].ID}))(t); p.Total != 2 {
		t.Fatalf("%d chairs", p.Total)
	}
	// A type that exists in another class is still an error, flag or not.
	rep, err = e.svc.ImportCSVWith(e.ctx, e.admin, strings.NewReader(csvHeader+"x,Kitchen and food,Scanner,,,,,,,\n"), opts)
	if apperr.CodeOf(err) != apperr.Invalid || !reflect.DeepEqual(rowErrs(rep), []rowErr{{2, "type", "catalogue.import_type_other_class"}}) {
		t.Fatalf("foreign type with the flag: %+v, %v", rep, err)
	}
}

func testImportFileShape(t *testing.T, e *assetsEnv) {
	e.basics(t)
	dry := func(file string) *assets.ImportReport {
		t.Helper()
		rep, err := e.svc.ImportCSV(e.ctx, e.admin, strings.NewReader(file), true)
		if err != nil {
			t.Fatalf("%.40q: %v", file, err)
		}
		return rep
	}
	for file, want := range map[string][]rowErr{
		"":                           {{1, "", "catalogue.import_empty"}},
		"name,class,colour\nx,y,z\n": {{1, "", "catalogue.import_column_unknown"}, {1, "", "catalogue.import_column_missing"}},
		"name,class,type,name\n":     {{1, "", "catalogue.import_column_duplicate"}},
		"name,class,type\na,\"b,c\n": {{2, "", "catalogue.import_syntax"}},
		"name,class,type\nx,,Coffee machine\n\"unclosed,IT equipment,Printer or MFP\ny,,Coffee machine\n": {{3, "", "catalogue.import_syntax"}},
	} {
		if got := rowErrs(dry(file)); !reflect.DeepEqual(got, want) {
			t.Errorf("%.40q: %v, want %v", file, got, want)
		}
	}
	// A spreadsheet's file: BOM, semicolons, CRLF, columns in its own order, extra case.
	rep := dry("\ufeffType; Name ;CLASS\r\nКофемашина;Кофемашина на 2 этаже;Кухня и питание\r\nPrinter or MFP;Принтер;IT equipment\r\n")
	if len(rep.Errors) != 0 || rep.Valid != 2 {
		t.Fatalf("spreadsheet file: %+v", rep)
	}
	// Size limits refuse the file before any row is read.
	big := csvHeader + strings.Repeat("x", assets.MaxImportBytes)
	_, err := e.svc.ImportCSV(e.ctx, e.admin, strings.NewReader(big), true)
	wantCode(t, err, apperr.TooLarge, "catalogue.import_too_large")
	var rows strings.Builder
	rows.WriteString("name,type\n")
	for i := range assets.MaxImportRows {
		fmt.Fprintf(&rows, "Кофемашина %d,Coffee machine\n", i)
	}
	if rep := dry(rows.String()); len(rep.Errors) != 1 || rep.Errors[0].Key != "catalogue.import_column_missing" {
		t.Fatalf("want only the missing class column: %v", rowErrs(rep))
	}
	file := strings.Replace(rows.String(), "name,type", "name,type,class", 1)
	file = strings.ReplaceAll(file, ",Coffee machine\n", ",Coffee machine,\n")
	if rep := dry(file); len(rep.Errors) != 0 || rep.Valid != assets.MaxImportRows {
		t.Fatalf("%d rows: %d valid, %v", assets.MaxImportRows, rep.Valid, rowErrs(rep)[:1])
	}
	_, err = e.svc.ImportCSV(e.ctx, e.admin, strings.NewReader(file+"one more,Coffee machine,\n"), true)
	wantCode(t, err, apperr.TooLarge, "catalogue.import_too_many_rows")
	if e.countDevices(t) != 0 {
		t.Fatal("a dry run wrote")
	}
}

func testExportRoundTrip(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	ins := []assets.AssetInput{
		{Name: "=HYPERLINK(\"http://evil.example\",\"click\")", TypeID: b.printer.ID, InventoryNumber: "+7-495", Location: assets.Location{Building: "@home", Floor: "-1", Room: "Комната, с запятой"}},
		{Name: "Кофемашина «Байкал»", TypeID: b.coffee.ID, Instructions: "Line 1\n=cmd|' /C calc'!A0\nhttps://wiki.example/coffee", OwnerID: e.owner.ID},
		{Name: "<script>alert(1)</script>", TypeID: b.printer.ID, Archived: true},
		{Name: "Обычный принтер", TypeID: b.printer.ID, InventoryNumber: "INV-000042", Location: assets.Location{Building: "БЦ", Floor: "3", Room: "301"}},
		// Formulas behind a separator: a spreadsheet splitting on ';' or tab finds them.
		{Name: "Течёт;=1+2;", TypeID: b.coffee.ID, InventoryNumber: "x,+1", Location: assets.Location{Building: "@SUM(1)", Floor: "б; -2", Room: "к\"=1"},
			Instructions: "a\t=cmd|' /C calc'!A0\n-см."},
	}
	for _, in := range ins {
		e.device(t, in.TypeID, in)
	}
	var out bytes.Buffer
	yes := true
	if err := e.svc.ExportCSV(e.ctx, e.admin, &out, assets.Filter{}); err != nil {
		t.Fatal(err)
	}
	raw := out.String()
	if !strings.HasPrefix(raw, "\ufeff"+strings.Join(assets.CSVColumns, ",")+"\r\n") {
		t.Fatalf("export starts %.80q", raw)
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(raw, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if bad := testkit.FormulaCells(raw); len(bad) > 0 {
		t.Errorf("formulas %q in\n%s", bad, raw)
	}
	if len(recs) != 5 {
		t.Fatalf("%d records (archived ones are left out by the default filter)", len(recs))
	}
	for _, rec := range recs[1:] {
		for _, cell := range rec {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("formula cell %q", cell)
			}
		}
	}
	want := []string{"'=HYPERLINK(\"http://evil.example\",\"click\")", "IT equipment", "Printer or MFP", "'+7-495", "'@home", "'-1", "Комната, с запятой", "", "", "false"}
	if !slices.Equal(recs[1], want) {
		t.Fatalf("first row %q", recs[1])
	}
	if r := recs[2]; r[1] != "Kitchen and food" || r[7] != "Line 1\n'=cmd|' /C calc'!A0\nhttps://wiki.example/coffee" || r[8] != "owner@example.test" {
		t.Fatalf("second row %q", r)
	}
	// Everything, archived included, reads back into an empty office unchanged.
	out.Reset()
	var all bytes.Buffer
	if err := e.svc.ExportCSV(e.ctx, e.admin, &all, assets.Filter{}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.ExportCSV(e.ctx, e.admin, &out, assets.Filter{Archived: &yes}); err != nil {
		t.Fatal(err)
	}
	archived := strings.SplitN(out.String(), "\r\n", 2)[1]
	if !strings.Contains(archived, "<script>alert(1)</script>") || !strings.HasSuffix(archived, ",true\r\n") {
		t.Fatalf("archived export %q", archived)
	}
	before := devicesByName(t, e)
	for _, a := range before {
		if err := e.svc.DeleteAsset(e.ctx, e.admin, a.ID); err != nil {
			t.Fatal(err)
		}
	}
	rep, err := e.svc.ImportCSV(e.ctx, e.admin, strings.NewReader(all.String()+archived), false)
	if err != nil || rep.Imported != 5 {
		t.Fatalf("import of the export: %+v, %v", rep, err)
	}
	after := devicesByName(t, e)
	for name, a := range before {
		z := after[name]
		if z == nil || z.TypeID != a.TypeID || z.InventoryNumber != a.InventoryNumber || z.Location != a.Location ||
			z.Instructions != a.Instructions || z.OwnerID != a.OwnerID || z.Archived != a.Archived {
			t.Errorf("%q: before %+v, after %+v", name, a, z)
		}
	}
}

func devicesByName(t *testing.T, e *assetsEnv) map[string]*assets.Asset {
	t.Helper()
	out := map[string]*assets.Asset{}
	for _, archived := range []bool{false, true} {
		for _, a := range ok(e.svc.List(e.ctx, e.admin, assets.Filter{Archived: &archived}))(t).Items {
			out[a.Name] = a
		}
	}
	return out
}
