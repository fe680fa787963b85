package assets_test

import (
	"slices"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func init() {
	domainCases = append(domainCases, domainCase{"ListsFollowEveryChange", testListsFollowEveryChange})
}

// testListsFollowEveryChange: the lists a journal page shows in its filter (the
// classes, the types, the problem types, the departments) are kept under the
// catalogue version a GET read (cache.Check). One instance reads them; another
// changes each; the next read of the first must show the change.
func testListsFollowEveryChange(t *testing.T, e *assetsEnv) {
	reader, other := e.svc, assets.NewService(e.d, e.clock.Now)
	deps := users.NewStore(e.d, e.clock.Now)
	acc := testkit.Accounts(t, e.d)
	get := func() (classes, problems []assets.Term, types []assets.Type, departments []users.Department) {
		t.Helper()
		ctx := cache.Check(e.ctx, e.d.R, true) // a GET
		classes = ok(reader.Classes(ctx))(t)
		problems = ok(reader.Problems(ctx))(t)
		types = ok(reader.Types(ctx, 0))(t)
		departments = ok(deps.ListDepartments(ctx))(t)
		return
	}
	names := func(ts []assets.Term) []string {
		var out []string
		for _, x := range ts {
			out = append(out, x.EN)
		}
		return out
	}
	get()
	class := ok(other.CreateClass(e.ctx, e.admin, assets.Names{EN: "Kitchen", RU: "Кухня"}))(t)
	classes, _, _, _ := get()
	if !slices.Contains(names(classes), "Kitchen") {
		t.Fatalf("a new class is not listed: %v", names(classes))
	}
	classes[0].EN = "changed by a caller" // a caller's copy, not the kept list
	if classes, _, _, _ = get(); classes[0].EN == "changed by a caller" {
		t.Fatal("a caller's change reached the kept list")
	}

	ok(other.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Kettle", RU: "Чайник"}}))(t)
	if _, _, types, _ := get(); !slices.ContainsFunc(types, func(x assets.Type) bool { return x.EN == "Kettle" }) {
		t.Errorf("a new type is not listed: %+v", types)
	}
	p := ok(other.CreateProblem(e.ctx, e.admin, assets.Names{EN: "Leaks", RU: "Течёт"}))(t)
	get()
	ok(other.UpdateProblem(e.ctx, e.admin, p.ID, assets.Names{EN: "Drips", RU: "Капает"}))(t)
	if _, problems, _, _ := get(); !slices.Contains(names(problems), "Drips") || slices.Contains(names(problems), "Leaks") {
		t.Errorf("a renamed problem type is listed as %v", names(problems))
	}
	ok(acc.CreateDepartment(e.ctx, e.admin, users.DepartmentInput{Code: "kitchen", NameEN: "Kitchen crew"}))(t)
	if _, _, _, departments := get(); !slices.ContainsFunc(departments, func(d users.Department) bool { return d.Code == "kitchen" }) {
		t.Errorf("a new department is not listed: %+v", departments)
	}
}
