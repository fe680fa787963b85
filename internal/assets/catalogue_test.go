package assets_test

import (
	"bytes"
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

func init() {
	domainCases = append(domainCases,
		domainCase{"CatalogueCRUD", testCatalogueCRUD},
		domainCase{"Offers", testOffers},
		domainCase{"DeleteReferenced", testDeleteReferenced},
		domainCase{"FieldValidation", testFieldValidation},
		domainCase{"OnlyAdminsWrite", testOnlyAdminsWrite},
	)
}

func testCatalogueCRUD(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	classes := ok(e.svc.Classes(e.ctx))(t)
	if len(classes) != 2 || classes[0].EN != "IT equipment" || classes[1].RU != "Кухня и питание" {
		t.Fatalf("classes %+v", classes)
	}
	up := ok(e.svc.UpdateClass(e.ctx, e.admin, b.it.ID, assets.Names{EN: "  IT  ", RU: ""}))(t)
	if up.EN != "IT" || up.RU != "" {
		t.Fatalf("update trims: %+v", up)
	}
	if _, err := e.svc.UpdateClass(e.ctx, e.admin, 999999, assets.Names{EN: "x"}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("update absent class: %v", err)
	}

	// A type moves to another class; a type of an unknown class is a field error.
	moved := ok(e.svc.UpdateType(e.ctx, e.admin, b.printer.ID, assets.TypeInput{ClassID: b.kitchen.ID, Names: b.printer.Names}))(t)
	if moved.ClassID != b.kitchen.ID {
		t.Fatalf("type not moved: %+v", moved)
	}
	if ts := ok(e.svc.Types(e.ctx, b.kitchen.ID))(t); len(ts) != 2 {
		t.Fatalf("types of kitchen: %+v", ts)
	}
	_, err := e.svc.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: 999999, Names: assets.Names{EN: "Ghost"}})
	wantField(t, err, "service_class_id", "catalogue.class_unknown")
	_, err = e.svc.UpdateType(e.ctx, e.admin, b.printer.ID, assets.TypeInput{ClassID: 0, Names: assets.Names{EN: "Ghost"}})
	wantField(t, err, "service_class_id", "catalogue.class_unknown")
	if _, err := e.svc.UpdateType(e.ctx, e.admin, 999999, assets.TypeInput{ClassID: b.it.ID, Names: assets.Names{EN: "x"}}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("update absent type: %v", err)
	}
	if _, err := e.svc.TypeWithProblems(e.ctx, 999999); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("absent type: %v", err)
	}

	p := ok(e.svc.UpdateProblem(e.ctx, e.admin, b.paper.ID, assets.Names{EN: "no paper", RU: "нет бумаги"}))(t)
	if ps := ok(e.svc.Problems(e.ctx))(t); len(ps) != 3 || ps[0] != p {
		t.Fatalf("problems %+v", ps)
	}

	// Unreferenced rows delete; absent ones are NotFound.
	c := ok(e.svc.CreateClass(e.ctx, e.admin, assets.Names{RU: "Мебель"}))(t)
	if err := e.svc.DeleteClass(e.ctx, e.admin, c.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteClass(e.ctx, e.admin, c.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("delete twice: %v", err)
	}
	if err := e.svc.DeleteProblem(e.ctx, e.admin, b.jammed.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteType(e.ctx, e.admin, b.coffee.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteType(e.ctx, e.admin, b.coffee.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("delete type twice: %v", err)
	}
}

func testOffers(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	set := []assets.OfferInput{
		{ProblemID: b.jammed.ID, SelfHelp: assets.Names{EN: " Open the front cover. ", RU: "Откройте переднюю крышку."}},
		{ProblemID: b.paper.ID, SelfHelp: assets.Names{EN: "The paper is in the cabinet under the printer.", RU: "<b>Бумага</b> в шкафу под принтером."}},
	}
	typ := ok(e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, set))(t)
	if len(typ.Problems) != 2 || typ.Problems[0].ID != b.jammed.ID || typ.Problems[1].ID != b.paper.ID {
		t.Fatalf("order: %+v", typ.Problems)
	}
	if typ.Problems[0].SelfHelp.EN != "Open the front cover." || typ.Problems[1].SelfHelp.RU != "<b>Бумага</b> в шкафу под принтером." {
		t.Fatalf("self-help: %+v", typ.Problems)
	}
	if typ.Problems[1].EN != "out of paper" || typ.Problems[1].RU != "закончилась бумага" {
		t.Fatalf("problem names: %+v", typ.Problems[1])
	}
	// The same vocabulary entry serves two types.
	ok(e.svc.SetOffers(e.ctx, e.admin, b.coffee.ID, []assets.OfferInput{{ProblemID: b.leaking.ID}}))(t)
	ok(e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, []assets.OfferInput{{ProblemID: b.leaking.ID}, {ProblemID: b.paper.ID}, {ProblemID: b.jammed.ID}}))(t)
	typ = ok(e.svc.TypeWithProblems(e.ctx, b.printer.ID))(t)
	if len(typ.Problems) != 3 || typ.Problems[0].ID != b.leaking.ID || typ.Problems[2].ID != b.jammed.ID || typ.Problems[2].SelfHelp.EN != "" {
		t.Fatalf("re-ordered: %+v", typ.Problems)
	}

	// Bad sets change nothing.
	_, err := e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, []assets.OfferInput{{ProblemID: b.paper.ID}, {ProblemID: b.paper.ID}})
	wantField(t, err, "problem_types[1]", "catalogue.offer_duplicate")
	_, err = e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, []assets.OfferInput{{ProblemID: b.paper.ID}, {ProblemID: 999999}})
	wantField(t, err, "problem_types[1]", "catalogue.problem_unknown")
	_, err = e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, []assets.OfferInput{{ProblemID: b.paper.ID, SelfHelp: assets.Names{EN: strings.Repeat("x", 2001)}}})
	wantField(t, err, "problem_types[0].self_help_en", "validation.text_long")
	_, err = e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, []assets.OfferInput{{ProblemID: b.paper.ID, SelfHelp: assets.Names{RU: "a\x00b"}}})
	wantField(t, err, "problem_types[0].self_help_ru", "validation.text_invalid")
	many := make([]assets.OfferInput, 51)
	for i := range many {
		many[i].ProblemID = int64(1000 + i)
	}
	_, err = e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, many)
	wantField(t, err, "problem_types", "catalogue.offers_too_many")
	if typ := ok(e.svc.TypeWithProblems(e.ctx, b.printer.ID))(t); len(typ.Problems) != 3 {
		t.Fatalf("a refused set changed the offers: %+v", typ.Problems)
	}
	if _, err := e.svc.SetOffers(e.ctx, e.admin, 999999, nil); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("offers of an absent type: %v", err)
	}
	// An empty set clears.
	if typ := ok(e.svc.SetOffers(e.ctx, e.admin, b.coffee.ID, nil))(t); len(typ.Problems) != 0 {
		t.Fatalf("cleared: %+v", typ.Problems)
	}
}

func testDeleteReferenced(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	ok(e.svc.SetOffers(e.ctx, e.admin, b.printer.ID, []assets.OfferInput{{ProblemID: b.paper.ID}}))(t)
	dev := e.device(t, b.printer.ID, assets.AssetInput{Name: "Принтер у бухгалтерии"})

	wantCode(t, e.svc.DeleteClass(e.ctx, e.admin, b.it.ID), apperr.Conflict, "catalogue.class_in_use")
	wantCode(t, e.svc.DeleteType(e.ctx, e.admin, b.printer.ID), apperr.Conflict, "catalogue.type_in_use")
	wantCode(t, e.svc.DeleteProblem(e.ctx, e.admin, b.paper.ID), apperr.Conflict, "catalogue.problem_in_use")
	// Refusals leave everything in place.
	if typ := ok(e.svc.TypeWithProblems(e.ctx, b.printer.ID))(t); len(typ.Problems) != 1 {
		t.Fatalf("offers after refused deletes: %+v", typ.Problems)
	}

	// A device with a re-issued code still deletes (its retired codes go with it), and
	// then its type, and then the class.
	ok(e.svc.ReissueCode(e.ctx, e.admin, dev.ID))(t)
	if err := e.svc.DeleteAsset(e.ctx, e.admin, dev.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Asset(e.ctx, e.admin, dev.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("deleted device: %v", err)
	}
	if err := e.svc.DeleteAsset(e.ctx, e.admin, dev.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("delete twice: %v", err)
	}
	if err := e.svc.DeleteType(e.ctx, e.admin, b.printer.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteClass(e.ctx, e.admin, b.it.ID); err != nil {
		t.Fatal(err)
	}
	// The type's offers went with it, so the problem is free now.
	if err := e.svc.DeleteProblem(e.ctx, e.admin, b.paper.ID); err != nil {
		t.Fatal(err)
	}

	// A device that something else refers to is refused with the reason. Until the
	// tickets module exists, a row in a scratch table that refers to the device
	// stands in for a ticket.
	dev = e.device(t, b.coffee.ID, assets.AssetInput{Name: "Кофемашина"})
	if _, err := e.d.W.Exec("CREATE TABLE scratch_refs (asset_id BIGINT NOT NULL REFERENCES assets (id) ON DELETE RESTRICT)"); err != nil {
		t.Fatal(err)
	}
	defer e.d.W.Exec("DROP TABLE scratch_refs")
	if _, err := e.d.W.Exec("INSERT INTO scratch_refs (asset_id) VALUES ($1)", dev.ID); err != nil {
		t.Fatal(err)
	}
	wantCode(t, e.svc.DeleteAsset(e.ctx, e.admin, dev.ID), apperr.Conflict, "catalogue.asset_in_use")
}

func testFieldValidation(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	long := strings.Repeat("ж", 10*1024)
	for _, tc := range []struct {
		names      assets.Names
		field, key string
	}{
		{assets.Names{}, "name_en", "validation.name_required"},
		{assets.Names{EN: "   ", RU: "\t"}, "name_en", "validation.name_required"},
		{assets.Names{EN: long}, "name_en", "validation.name_long"},
		{assets.Names{RU: long}, "name_ru", "validation.name_long"},
		{assets.Names{EN: "ok", RU: "\xff\xfe"}, "name_ru", "validation.text_invalid"},
		{assets.Names{EN: "two\nlines"}, "name_en", "validation.text_invalid"},
		{assets.Names{EN: "nul\x00"}, "name_en", "validation.text_invalid"},
	} {
		_, err := e.svc.CreateClass(e.ctx, e.admin, tc.names)
		wantField(t, err, tc.field, tc.key)
		_, err = e.svc.CreateProblem(e.ctx, e.admin, tc.names)
		wantField(t, err, tc.field, tc.key)
		_, err = e.svc.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: b.it.ID, Names: tc.names})
		wantField(t, err, tc.field, tc.key)
		_, err = e.svc.UpdateClass(e.ctx, e.admin, b.it.ID, tc.names)
		wantField(t, err, tc.field, tc.key)
	}
	// HTML is data: stored and returned verbatim; the pages escape it.
	html := `<script>alert("x")</script> & <b>`
	c := ok(e.svc.CreateClass(e.ctx, e.admin, assets.Names{EN: html, RU: html}))(t)
	if cs := ok(e.svc.Classes(e.ctx))(t); cs[len(cs)-1].EN != html || c.RU != html {
		t.Fatalf("class name changed: %+v", cs)
	}
	a := e.device(t, b.printer.ID, assets.AssetInput{Name: html, Instructions: html + "\nhttps://wiki.example/printers?a=1&b=2",
		Location: assets.Location{Building: html, Floor: "-1", Room: "<i>1</i>"}})
	got := ok(e.svc.Asset(e.ctx, e.admin, a.ID))(t)
	if got.Name != html || got.Instructions != html+"\nhttps://wiki.example/printers?a=1&b=2" || got.Location.Room != "<i>1</i>" {
		t.Fatalf("device changed: %+v", got)
	}

	// Devices: every field at once, then one by one.
	_, err := e.svc.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "", TypeID: 999999, OwnerID: 999999,
		InventoryNumber: long, Location: assets.Location{Building: "\xff", Floor: "a\rb", Room: long}, Instructions: strings.Repeat("x", 10*1024)})
	for field, key := range map[string]string{"name": "validation.name_required", "service_type_id": "catalogue.type_unknown",
		"owner_id": "catalogue.owner_unknown", "inventory_number": "validation.name_long", "building": "validation.text_invalid",
		"floor": "validation.text_invalid", "room": "validation.name_long", "instructions": "validation.text_long"} {
		wantField(t, err, field, key)
	}
	_, err = e.svc.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "x", TypeID: b.printer.ID, Instructions: "zero\x00byte"})
	wantField(t, err, "instructions", "validation.text_invalid")
	_, err = e.svc.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: long, TypeID: b.printer.ID})
	wantField(t, err, "name", "validation.name_long")

	// Duplicate inventory numbers, on create and on update.
	e.device(t, b.printer.ID, assets.AssetInput{Name: "Первый", InventoryNumber: "INV-000123"})
	second := e.device(t, b.printer.ID, assets.AssetInput{Name: "Второй", InventoryNumber: " INV-000124 "})
	if second.InventoryNumber != "INV-000124" {
		t.Fatalf("inventory number not trimmed: %q", second.InventoryNumber)
	}
	_, err = e.svc.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Третий", TypeID: b.coffee.ID, InventoryNumber: "INV-000123"})
	wantField(t, err, "inventory_number", "catalogue.inventory_taken")
	_, err = e.svc.UpdateAsset(e.ctx, e.admin, second.ID, assets.AssetInput{Name: "Второй", TypeID: b.printer.ID, InventoryNumber: "INV-000123"})
	wantField(t, err, "inventory_number", "catalogue.inventory_taken")
	// Devices without a number do not collide.
	e.device(t, b.printer.ID, assets.AssetInput{Name: "Без номера 1"})
	e.device(t, b.printer.ID, assets.AssetInput{Name: "Без номера 2"})
	if _, err := e.svc.UpdateAsset(e.ctx, e.admin, 999999, assets.AssetInput{Name: "x", TypeID: b.printer.ID}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("update absent device: %v", err)
	}
}

// testOnlyAdminsWrite calls every write as an employee, an executor and nobody.
func testOnlyAdminsWrite(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	dev := e.device(t, b.printer.ID, assets.AssetInput{Name: "Принтер"})
	csvFile := "name,class,type\nПринтер 2,IT equipment,Printer or MFP\n"
	writes := map[string]func(u *users.User) error{
		"CreateClass": func(u *users.User) error { _, err := e.svc.CreateClass(e.ctx, u, assets.Names{EN: "x"}); return err },
		"UpdateClass": func(u *users.User) error {
			_, err := e.svc.UpdateClass(e.ctx, u, b.it.ID, assets.Names{EN: "x"})
			return err
		},
		"DeleteClass": func(u *users.User) error { return e.svc.DeleteClass(e.ctx, u, b.kitchen.ID) },
		"CreateType": func(u *users.User) error {
			_, err := e.svc.CreateType(e.ctx, u, assets.TypeInput{ClassID: b.it.ID, Names: assets.Names{EN: "x"}})
			return err
		},
		"UpdateType": func(u *users.User) error {
			_, err := e.svc.UpdateType(e.ctx, u, b.coffee.ID, assets.TypeInput{ClassID: b.it.ID, Names: assets.Names{EN: "x"}})
			return err
		},
		"DeleteType":    func(u *users.User) error { return e.svc.DeleteType(e.ctx, u, b.coffee.ID) },
		"CreateProblem": func(u *users.User) error { _, err := e.svc.CreateProblem(e.ctx, u, assets.Names{EN: "x"}); return err },
		"UpdateProblem": func(u *users.User) error {
			_, err := e.svc.UpdateProblem(e.ctx, u, b.paper.ID, assets.Names{EN: "x"})
			return err
		},
		"DeleteProblem": func(u *users.User) error { return e.svc.DeleteProblem(e.ctx, u, b.jammed.ID) },
		"SetOffers": func(u *users.User) error {
			_, err := e.svc.SetOffers(e.ctx, u, b.printer.ID, []assets.OfferInput{{ProblemID: b.paper.ID}})
			return err
		},
		"CreateAsset": func(u *users.User) error {
			_, err := e.svc.CreateAsset(e.ctx, u, assets.AssetInput{Name: "x", TypeID: b.printer.ID})
			return err
		},
		"UpdateAsset": func(u *users.User) error {
			_, err := e.svc.UpdateAsset(e.ctx, u, dev.ID, assets.AssetInput{Name: "x", TypeID: b.printer.ID})
			return err
		},
		"DeleteAsset": func(u *users.User) error { return e.svc.DeleteAsset(e.ctx, u, dev.ID) },
		"ReissueCode": func(u *users.User) error { _, err := e.svc.ReissueCode(e.ctx, u, dev.ID); return err },
		"LoadStarter": func(u *users.User) error { _, err := e.svc.LoadStarter(e.ctx, u); return err },
		"ImportCSV": func(u *users.User) error {
			_, err := e.svc.ImportCSV(e.ctx, u, strings.NewReader(csvFile), false)
			return err
		},
		"ImportCSVDryRun": func(u *users.User) error {
			_, err := e.svc.ImportCSV(e.ctx, u, strings.NewReader(csvFile), true)
			return err
		},
		"ExportCSV": func(u *users.User) error { return e.svc.ExportCSV(e.ctx, u, &bytes.Buffer{}, assets.Filter{}) },
	}
	for name, write := range writes {
		for _, who := range []struct {
			u    *users.User
			code apperr.Code
		}{{e.owner, apperr.Forbidden}, {e.exec, apperr.Forbidden}, {nil, apperr.Unauthenticated}} {
			if err := write(who.u); apperr.CodeOf(err) != who.code {
				t.Errorf("%s as %v: got %v, want %s", name, who.u, err, who.code)
			}
		}
	}
	// Nothing changed.
	if cs := ok(e.svc.Classes(e.ctx))(t); len(cs) != 2 || cs[0].EN != "IT equipment" {
		t.Fatalf("classes changed: %+v", cs)
	}
	if a := ok(e.svc.Asset(e.ctx, e.admin, dev.ID))(t); a.Name != "Принтер" || a.Code != dev.Code {
		t.Fatalf("device changed: %+v", a)
	}
	if p := ok(e.svc.List(e.ctx, e.admin, assets.Filter{}))(t); p.Total != 1 {
		t.Fatalf("devices: %d", p.Total)
	}
	// Reads need somebody.
	if _, err := e.svc.Asset(e.ctx, nil, dev.ID); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous Asset: %v", err)
	}
	if _, err := e.svc.Scan(e.ctx, nil, dev.Code); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous Scan: %v", err)
	}
	if _, err := e.svc.List(e.ctx, nil, assets.Filter{}); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous List: %v", err)
	}
	if a := ok(e.svc.Asset(e.ctx, e.admin, dev.ID))(t); a.ScanCount != 0 {
		t.Fatalf("an anonymous scan counted: %d", a.ScanCount)
	}
}
