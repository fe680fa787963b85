package tickets_test

import (
	"bytes"
	"slices"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// TestExportsCarryNoFormula writes the real exports — the tickets journal, the
// devices and the routing rules — of an office whose texts hide formulas behind
// separators, and reads each as spreadsheets split it (on ',', ';' or tab): no
// cell may start a formula. The rules export also reads back unchanged.
func TestExportsCarryNoFormula(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		hostile := func(n string) assets.Names { return assets.Names{EN: n, RU: n + " ру"} }
		must(e.cat.UpdateClass(e.ctx, e.admin, e.classID, hostile("Течёт;=1+2;")))(t)
		must(e.cat.UpdateType(e.ctx, e.admin, e.typeID, assets.TypeInput{ClassID: e.classID, Names: hostile("x,+1")}))(t)
		must(e.cat.UpdateProblem(e.ctx, e.admin, e.paper, hostile("-2")))(t)
		must(e.cat.UpdateProblem(e.ctx, e.admin, e.jam, hostile("@SUM(1)")))(t)
		must(e.cat.UpdateAsset(e.ctx, e.admin, e.printer.ID, assets.AssetInput{Name: "Принтер;-1", TypeID: e.typeID, InventoryNumber: "=2",
			Location: assets.Location{Building: "A;=1", Floor: "-1", Room: "к, @x"}, Instructions: "a\t=cmd|' /C calc'!A0"}))(t)
		done, cancelled := e.file(t, e.paper), e.file(t, e.jam)
		must(e.svc.Complete(e.ctx, e.boss, done.ID, "ok\r=1;+2\n-3\ta\t=cmd|' /C calc'!A0"))(t)
		must(e.svc.Cancel(e.ctx, e.admin, cancelled.ID, "\"x\";\"=1\""))(t)
		if _, err := d.W.Exec("UPDATE tickets SET comment = $1 WHERE id = $2", "Течёт;=1+2;\r=1", done.ID); err != nil {
			t.Fatal(err)
		}

		var journal, devices, rules bytes.Buffer
		must(0, e.svc.ExportCSV(e.ctx, e.admin, tickets.Filter{}, &journal))(t)
		must(0, e.cat.ExportCSV(e.ctx, e.admin, &devices, assets.Filter{}))(t)
		must(0, e.rules.ExportCSV(e.ctx, e.admin, &rules))(t)
		for name, out := range map[string]*bytes.Buffer{"journal": &journal, "devices": &devices, "rules": &rules} {
			if bad := testkit.FormulaCells(out.String()); len(bad) > 0 {
				t.Errorf("%s export: formulas %q in\n%s", name, bad, out)
			}
		}
		if !bytes.Contains(journal.Bytes(), []byte("Течёт;'=1+2;")) || !bytes.Contains(rules.Bytes(), []byte("Течёт;'=1+2;,\"x,'+1\"")) {
			t.Errorf("not the texts expected:\n%s\n%s", journal.String(), rules.String())
		}

		// The rules file reads back into the same table.
		before := must(e.rules.List(e.ctx, e.admin))(t)
		if _, err := d.W.Exec("DELETE FROM routing_rules"); err != nil {
			t.Fatal(err)
		}
		if rep, err := e.rules.ImportCSV(e.ctx, e.admin, &rules); err != nil || rep.Imported != len(before) {
			t.Fatalf("import of the export: %+v %v", rep, err)
		}
		key := func(r tickets.Rule) [4]int64 { return [4]int64{r.ClassID, r.TypeID, r.ProblemID, r.DepartmentID} }
		var want, got [][4]int64
		for _, r := range before {
			want = append(want, key(r))
		}
		for _, r := range must(e.rules.List(e.ctx, e.admin))(t) {
			got = append(got, key(r))
		}
		slices.SortFunc(want, func(a, b [4]int64) int { return slices.Compare(a[:], b[:]) })
		slices.SortFunc(got, func(a, b [4]int64) int { return slices.Compare(a[:], b[:]) })
		if !slices.Equal(want, got) {
			t.Errorf("rules read back %v, want %v", got, want)
		}
	})
}
