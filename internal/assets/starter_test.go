package assets_test

import (
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

func init() {
	domainCases = append(domainCases,
		domainCase{"LoadStarter", testLoadStarter},
		domainCase{"LoadStarterRefusesAFilledCatalogue", testLoadStarterRefusesFilled},
	)
}

// TestStarterMatchesTheDesign compares the embedded copy of OFFICE-CATALOGUE.md
// with the design document when the repository sits beside the shared folder.
func TestStarterMatchesTheDesign(t *testing.T) {
	design, err := os.ReadFile(filepath.Join("..", "..", "..", "shared", "design", "OFFICE-CATALOGUE.md"))
	if err != nil {
		t.Skip("the design folder is not beside the repository")
	}
	embedded, err := os.ReadFile(filepath.Join("starter", "office-catalogue.md"))
	if err != nil {
		t.Fatal(err)
	}
	if string(design) != string(embedded) {
		t.Fatal("internal/assets/starter/office-catalogue.md differs from shared/design/OFFICE-CATALOGUE.md: copy it again")
	}
}

func TestStarterCatalogue(t *testing.T) {
	cat := assets.StarterCatalogue()
	if len(cat) != 7 {
		t.Fatalf("%d classes", len(cat))
	}
	types := map[string]assets.StarterType{}
	classOf := map[string]string{}
	ntypes := 0
	for _, c := range cat {
		if c.EN == "" || c.RU == "" || len(c.Types) == 0 {
			t.Errorf("class %+v", c.Names)
		}
		for _, ty := range c.Types {
			ntypes++
			if ty.EN == "" || ty.RU == "" || len(ty.Problems) == 0 {
				t.Errorf("type %+v", ty.Names)
			}
			types[ty.EN], classOf[ty.EN] = ty, c.EN
		}
	}
	if ntypes != 34 || len(types) != 34 {
		t.Fatalf("%d types, %d distinct", ntypes, len(types))
	}
	// Order as in the document, names of the shared vocabulary.
	printer := types["Printer or MFP"]
	want := []string{"out of paper", "out of toner", "paper jam", "does not print", "scanner does not send", "how do I…?"}
	if len(printer.Problems) != len(want) || printer.RU != "Принтер, МФУ" {
		t.Fatalf("printer: %+v", printer)
	}
	for i, p := range printer.Problems {
		if p.EN != want[i] {
			t.Fatalf("printer's problem %d: %q, want %q", i, p.EN, want[i])
		}
	}
	if classOf["Printer or MFP"] != "IT equipment" || classOf["Restroom"] != "Premises and cleaning" {
		t.Fatal("types in the wrong class")
	}
	// One vocabulary: each English name once, with the most used Russian name.
	vocab := assets.StarterProblems()
	byEN := map[string]assets.Names{}
	for _, p := range vocab {
		if _, dup := byEN[p.EN]; dup || p.EN == "" || p.RU == "" {
			t.Fatalf("vocabulary entry %+v", p)
		}
		byEN[p.EN] = p
	}
	for en, ru := range map[string]string{"leaking": "протекает", "needs cleaning": "нужна уборка", "out of milk": "закончилось молоко",
		"does not turn on": "не включается", "flickers": "мерцает", "out of paper": "закончилась бумага"} {
		if byEN[en].RU != ru {
			t.Errorf("%q is %q, want %q", en, byEN[en].RU, ru)
		}
	}
	offeredBy := map[string][]string{}
	for ten, ty := range types {
		for _, p := range ty.Problems {
			if byEN[p.EN] != p {
				t.Errorf("%s offers %+v, not the vocabulary's %+v", ten, p, byEN[p.EN])
			}
			offeredBy[p.EN] = append(offeredBy[p.EN], ten)
		}
	}
	slices.Sort(offeredBy["leaking"])
	if !slices.Equal(offeredBy["leaking"], []string{"Air conditioning", "Coffee machine", "Fridge", "Heating", "Restroom", "Water cooler"}) {
		t.Errorf("leaking offered by %v", offeredBy["leaking"])
	}
	if len(offeredBy["needs cleaning"]) != 7 {
		t.Errorf("needs cleaning offered by %v", offeredBy["needs cleaning"])
	}

	// The rules name what the catalogue has, and departments the demo has.
	rules := assets.StarterRules()
	if len(rules) != 17 || assets.StarterDefaultDepartment != "office" {
		t.Fatalf("%d rules", len(rules))
	}
	classes := map[string]bool{}
	for _, c := range cat {
		classes[c.EN] = true
	}
	deps := map[string]bool{"office": true, "it": true, "facilities": true, "cleaning": true, "security": true}
	for _, r := range rules {
		if !deps[r.Department] || (r.Class != "" && !classes[r.Class]) || (r.Problem != "" && byEN[r.Problem].EN == "") {
			t.Errorf("rule %+v", r)
		}
		if r.Type != "" {
			ty, found := types[r.Type]
			if !found || classOf[r.Type] != r.Class || (r.Problem != "" && !slices.ContainsFunc(ty.Problems, func(p assets.Names) bool { return p.EN == r.Problem })) {
				t.Errorf("rule %+v names a type or problem the catalogue does not pair", r)
			}
		}
	}
	if rules[0] != (assets.StarterRule{Class: "IT equipment", Department: "it"}) ||
		rules[15] != (assets.StarterRule{Problem: "needs cleaning", Department: "cleaning"}) ||
		rules[16] != (assets.StarterRule{Problem: "Something else", Department: "office"}) {
		t.Fatalf("first and last rules: %+v, %+v, %+v", rules[0], rules[15], rules[16])
	}
	if byEN["Something else"] != assets.SomethingElse {
		t.Fatalf("the vocabulary lacks %+v", assets.SomethingElse)
	}
	// Callers get copies.
	rules[0].Department = "x"
	cat[0].Types[0].Problems[0].EN = "x"
	if assets.StarterRules()[0].Department != "it" || assets.StarterCatalogue()[0].Types[0].Problems[0].EN == "x" {
		t.Fatal("the starter data can be changed through a returned slice")
	}
}

func testLoadStarter(t *testing.T, e *assetsEnv) {
	// Two admins at once: one loads, the other is told the catalogue is not empty.
	var wg sync.WaitGroup
	results := make([]error, 2)
	sums := make([]*assets.StarterSummary, 2)
	for i := range 2 {
		wg.Go(func() { sums[i], results[i] = e.svc.LoadStarter(e.ctx, e.admin) })
	}
	wg.Wait()
	var sum *assets.StarterSummary
	for i, err := range results {
		switch {
		case err == nil && sum == nil:
			sum = sums[i]
		case apperr.CodeOf(err) == apperr.Conflict && apperr.As(err).Key == "catalogue.not_empty":
		default:
			t.Fatalf("concurrent loads: %v", results)
		}
	}
	if sum == nil {
		t.Fatalf("no load succeeded: %v", results)
	}
	offers := 0
	for _, c := range assets.StarterCatalogue() {
		for _, ty := range c.Types {
			offers += len(ty.Problems)
		}
	}
	if *sum != (assets.StarterSummary{Classes: 7, Types: 34, Problems: len(assets.StarterProblems()), Offers: offers}) {
		t.Fatalf("summary %+v", sum)
	}
	if n := len(ok(e.svc.Classes(e.ctx))(t)); n != 7 {
		t.Fatalf("%d classes", n)
	}
	ps := ok(e.svc.Problems(e.ctx))(t)
	if len(ps) != sum.Problems {
		t.Fatalf("%d problems", len(ps))
	}
	leaking := 0
	for _, p := range ps {
		if p.EN == "leaking" {
			leaking++
		}
	}
	if leaking != 1 {
		t.Fatalf("%d problem types named leaking", leaking)
	}
	types := ok(e.svc.Types(e.ctx, 0))(t)
	if len(types) != 34 {
		t.Fatalf("%d types", len(types))
	}
	for _, ty := range types {
		full := ok(e.svc.TypeWithProblems(e.ctx, ty.ID))(t)
		if len(full.Problems) == 0 || full.RU == "" || full.EN == "" {
			t.Errorf("type %+v", full)
		}
		if ty.EN == "Coffee machine" {
			if len(full.Problems) != 7 || full.Problems[0].EN != "out of coffee beans" || full.Problems[6].EN != "needs cleaning" || full.Problems[6].RU != "нужна уборка" {
				t.Errorf("coffee machine offers %+v", full.Problems)
			}
		}
	}
	_, err := e.svc.LoadStarter(e.ctx, e.admin)
	wantCode(t, err, apperr.Conflict, "catalogue.not_empty")
}

func testLoadStarterRefusesFilled(t *testing.T, e *assetsEnv) {
	ok(e.svc.CreateProblem(e.ctx, e.admin, assets.Names{EN: "mine"}))(t)
	_, err := e.svc.LoadStarter(e.ctx, e.admin)
	wantCode(t, err, apperr.Conflict, "catalogue.not_empty")
	if cs := ok(e.svc.Classes(e.ctx))(t); len(cs) != 0 {
		t.Fatalf("a refused load added %d classes", len(cs))
	}
	if ps := ok(e.svc.Problems(e.ctx))(t); len(ps) != 1 {
		t.Fatalf("a refused load changed the problems: %+v", ps)
	}
}
