package tickets_test

import (
	"context"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestRules runs every case on SQLite and on PostgreSQL, each on an emptied database.
func TestRules(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range []struct {
			name string
			fn   func(t *testing.T, e *env)
		}{
			{"Precedence", testPrecedence},
			{"Validation", testValidation},
			{"Roles", testRoles},
			{"UpdateDeleteDefault", testUpdateDeleteDefault},
			{"DepartmentInUse", testDepartmentInUse},
			{"StarterSkipsMissingDepartments", testStarterSkips},
		} {
			t.Run(c.name, func(t *testing.T) {
				emptyDB(t, d)
				c.fn(t, newEnv(t, d, acc))
			})
		}
	})
}

func emptyDB(t *testing.T, d *db.DB) {
	t.Helper()
	if _, err := d.W.Exec("DELETE FROM settings WHERE key = 'default_department_id'"); err != nil {
		t.Fatal(err)
	}
	for _, table := range []string{"routing_rules", "retired_codes", "assets", "type_problems", "service_types", "problem_types", "service_classes",
		"login_failures", "api_tokens", "registrations", "sessions", "user_departments", "user_roles", "users", "departments"} {
		if _, err := d.W.Exec("DELETE FROM " + table); err != nil {
			t.Fatalf("empty %s: %v", table, err)
		}
	}
}

type env struct {
	ctx                    context.Context
	d                      *db.DB
	acc                    *users.Service
	rules                  *tickets.Rules
	cat                    *assets.Service
	admin, exec, head, emp *users.User
	dept                   map[string]int64
}

func newEnv(t *testing.T, d *db.DB, acc *users.Service) *env {
	t.Helper()
	ctx := context.Background()
	now := func() time.Time { return time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC) }
	e := &env{ctx: ctx, d: d, acc: acc, rules: tickets.NewRules(d, now), cat: assets.NewService(d, now), dept: map[string]int64{}}
	mk := func(email string, roles ...users.Role) *users.User {
		u, err := acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Test " + email, Roles: roles, Password: "correct-horse-battery-9", Language: "en"})
		if err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	e.admin = mk("admin@example.test", users.RoleEmployee, users.RoleAdmin)
	e.exec = mk("exec@example.test", users.RoleEmployee, users.RoleExecutor)
	e.head = mk("head@example.test", users.RoleEmployee, users.RoleHead)
	e.emp = mk("emp@example.test", users.RoleEmployee)
	return e
}

// departments creates the departments of the given codes.
func (e *env) departments(t *testing.T, codes ...string) {
	t.Helper()
	for _, c := range codes {
		dep, err := e.acc.CreateDepartment(e.ctx, e.admin, users.DepartmentInput{Code: c, NameEN: "Dept " + c})
		if err != nil {
			t.Fatalf("department %s: %v", c, err)
		}
		e.dept[c] = dep.ID
	}
}

// starter loads the starter catalogue, the five departments and the starter rules.
func (e *env) starter(t *testing.T) {
	t.Helper()
	if _, err := e.cat.LoadStarter(e.ctx, e.admin); err != nil {
		t.Fatal(err)
	}
	e.departments(t, "office", "it", "facilities", "cleaning", "security")
	sum, err := e.rules.LoadStarterRules(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	if len(sum.Skipped) != 0 || sum.Created != len(assets.StarterRules()) || sum.DefaultDepartmentID != e.dept["office"] {
		t.Fatalf("starter rules: %+v", sum)
	}
}

func (e *env) id(t *testing.T, query string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := e.d.R.QueryRow(query, args...).Scan(&id); err != nil {
		t.Fatalf("%s %v: %v", query, args, err)
	}
	return id
}

func (e *env) class(t *testing.T, name string) int64 {
	return e.id(t, "SELECT id FROM service_classes WHERE name_en = $1", name)
}

// typ returns the type's id and its class's id.
func (e *env) typ(t *testing.T, name string) (int64, int64) {
	return e.id(t, "SELECT id FROM service_types WHERE name_en = $1", name),
		e.id(t, "SELECT class_id FROM service_types WHERE name_en = $1", name)
}

func (e *env) problem(t *testing.T, name string) int64 {
	return e.id(t, "SELECT id FROM problem_types WHERE name_en = $1", name)
}

func testPrecedence(t *testing.T, e *env) {
	e.starter(t)
	// A class the rules table does not know: only the default catches it.
	other, err := e.cat.CreateClass(e.ctx, e.admin, assets.Names{EN: "Other things", RU: "Прочее"})
	if err != nil {
		t.Fatal(err)
	}
	gadget, err := e.cat.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: other.ID, Names: assets.Names{EN: "Gadget", RU: "Штука"}})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		typ, problem string
		dept         string // "" = unrouted
		byDefault    bool
	}{
		{"Coffee machine", "needs cleaning", "cleaning", false}, // tie of one column each: the problem wins
		{"Coffee machine", "shows an error", "facilities", false},
		{"Coffee machine", "out of milk", "office", false}, // Kitchen and food | any | any
		{"Fridge", "not cold", "facilities", false},        // three concrete columns
		{"Fridge", "needs cleaning", "cleaning", false},
		{"Printer or MFP", "out of paper", "office", false},
		{"Printer or MFP", "paper jam", "it", false},
		{"Laptop", "no network", "it", false},
		{"Restroom", "clogged", "facilities", false},
		{"Restroom", "out of soap", "cleaning", false},
		{"Gadget", "leaking", "office", true}, // unknown combination: the default
	}
	for _, c := range cases {
		typeID, classID := e.typ(t, c.typ)
		if c.typ == "Gadget" {
			typeID, classID = gadget.ID, other.ID
		}
		got, err := e.rules.Resolve(e.ctx, classID, typeID, e.problem(t, c.problem))
		if err != nil {
			t.Fatal(err)
		}
		if got.DepartmentID != e.dept[c.dept] || got.Default != c.byDefault || got.Unrouted || (got.RuleID == 0) != c.byDefault {
			t.Errorf("%s / %s: got %+v, want %s (default %v)", c.typ, c.problem, got, c.dept, c.byDefault)
		}
	}
	// "Where would this go?" for a device.
	fridgeType, _ := e.typ(t, "Fridge")
	dev, err := e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Fridge 2nd floor", TypeID: fridgeType})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := e.rules.ResolveFor(e.ctx, e.admin, dev.ID, e.problem(t, "not cold")); err != nil || got.DepartmentID != e.dept["facilities"] {
		t.Errorf("ResolveFor: %+v %v", got, err)
	}
	if got, err := e.rules.ResolveFor(e.ctx, e.exec, dev.ID, e.problem(t, "not cold")); err != nil || got.DepartmentID != e.dept["facilities"] {
		t.Errorf("ResolveFor by an executor: %+v %v", got, err)
	}
	if _, err := e.rules.ResolveFor(e.ctx, e.emp, dev.ID, e.problem(t, "not cold")); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("ResolveFor by employee: %v", err)
	}
	if _, err := e.rules.ResolveFor(e.ctx, e.admin, dev.ID+1000, 1); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("ResolveFor unknown device: %v", err)
	}
	// Without a default the unknown combination is unrouted.
	if err := e.rules.SetDefaultDepartment(e.ctx, e.admin, 0); err != nil {
		t.Fatal(err)
	}
	if got, err := e.rules.Resolve(e.ctx, other.ID, gadget.ID, e.problem(t, "leaking")); err != nil || got != (tickets.Route{Unrouted: true}) {
		t.Errorf("no default: %+v %v", got, err)
	}
	// A catch-all row beats "unrouted" but loses to anything more concrete.
	if _, err := e.rules.Create(e.ctx, e.admin, tickets.RuleInput{DepartmentID: e.dept["security"]}); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.rules.Resolve(e.ctx, other.ID, gadget.ID, e.problem(t, "leaking")); got.DepartmentID != e.dept["security"] || got.Default {
		t.Errorf("catch-all: %+v", got)
	}
	fridge, kitchen := e.typ(t, "Fridge")
	if got, _ := e.rules.Resolve(e.ctx, kitchen, fridge, e.problem(t, "not cold")); got.DepartmentID != e.dept["facilities"] {
		t.Errorf("catch-all beat a concrete row: %+v", got)
	}
	// Loading again is refused.
	if _, err := e.rules.LoadStarterRules(e.ctx, e.admin); apperr.CodeOf(err) != apperr.Conflict {
		t.Errorf("second load: %v", err)
	}
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	ae := apperr.As(err)
	if ae == nil || ae.Code != apperr.Invalid {
		t.Fatalf("got %v, want invalid %s: %s", err, field, key)
	}
	for _, f := range ae.Fields {
		if f.Field == field && f.Key == key {
			return
		}
	}
	t.Fatalf("got %v, want field %s: %s", err, field, key)
}

func testValidation(t *testing.T, e *env) {
	e.starter(t)
	it, kitchen := e.class(t, "IT equipment"), e.class(t, "Kitchen and food")
	printer, _ := e.typ(t, "Printer or MFP")
	fridge, _ := e.typ(t, "Fridge")
	paper, notCold := e.problem(t, "out of paper"), e.problem(t, "not cold")
	office := e.dept["office"]
	cases := []struct {
		name       string
		in         tickets.RuleInput
		field, key string
		conflict   bool
	}{
		{"type of another class", tickets.RuleInput{ClassID: kitchen, TypeID: printer, DepartmentID: office}, "type_id", "rules.type_other_class", false},
		{"type without its class", tickets.RuleInput{TypeID: printer, DepartmentID: office}, "class_id", "rules.class_required", false},
		{"problem the type does not offer", tickets.RuleInput{ClassID: it, TypeID: printer, ProblemID: notCold, DepartmentID: office}, "problem_id", "rules.problem_not_offered", false},
		{"unknown class", tickets.RuleInput{ClassID: 99999, DepartmentID: office}, "class_id", "rules.class_unknown", false},
		{"unknown type", tickets.RuleInput{ClassID: it, TypeID: 99999, DepartmentID: office}, "type_id", "rules.type_unknown", false},
		{"unknown problem", tickets.RuleInput{ProblemID: 99999, DepartmentID: office}, "problem_id", "rules.problem_unknown", false},
		{"unknown department", tickets.RuleInput{ClassID: it, TypeID: printer, ProblemID: e.problem(t, "paper jam"), DepartmentID: 99999}, "department_id", "rules.department_unknown", false},
		{"no department", tickets.RuleInput{ClassID: it, TypeID: printer, ProblemID: e.problem(t, "paper jam")}, "department_id", "rules.department_required", false},
		{"duplicate of a starter row", tickets.RuleInput{ClassID: it, TypeID: printer, ProblemID: paper, DepartmentID: e.dept["it"]}, "", "", true},
		{"duplicate with wildcards", tickets.RuleInput{ClassID: kitchen, DepartmentID: e.dept["it"]}, "", "", true},
		{"duplicate problem-only row", tickets.RuleInput{ProblemID: e.problem(t, "needs cleaning"), DepartmentID: office}, "", "", true},
	}
	for _, c := range cases {
		_, err := e.rules.Create(e.ctx, e.admin, c.in)
		if c.conflict {
			if ae := apperr.As(err); ae == nil || ae.Code != apperr.Conflict || ae.Key != "rules.duplicate" {
				t.Errorf("%s: got %v, want duplicate", c.name, err)
			}
			continue
		}
		wantField(t, err, c.field, c.key)
	}
	// The all-"any" row exists once at most.
	if _, err := e.rules.Create(e.ctx, e.admin, tickets.RuleInput{DepartmentID: office}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.rules.Create(e.ctx, e.admin, tickets.RuleInput{DepartmentID: e.dept["it"]}); apperr.As(err) == nil || apperr.As(err).Key != "rules.duplicate" {
		t.Errorf("second all-any row: %v", err)
	}
	// A concrete type with its own class and a problem it offers is fine; a concrete
	// problem with "any" type is not checked against types.
	r, err := e.rules.Create(e.ctx, e.admin, tickets.RuleInput{ClassID: kitchen, TypeID: fridge, ProblemID: e.problem(t, "needs cleaning"), DepartmentID: e.dept["cleaning"]})
	if err != nil {
		t.Fatal(err)
	}
	if r.Concrete() != 3 || r.Type.EN != "Fridge" || r.DepartmentCode != "cleaning" || r.Class.RU == "" {
		t.Errorf("created rule: %+v", r)
	}
	if _, err := e.rules.Create(e.ctx, e.admin, tickets.RuleInput{ClassID: it, ProblemID: notCold, DepartmentID: office}); err != nil {
		t.Errorf("class + problem: %v", err)
	}
	if err := e.rules.SetDefaultDepartment(e.ctx, e.admin, 99999); apperr.CodeOf(err) != apperr.Invalid {
		t.Errorf("unknown default department: %v", err)
	}
}

func testRoles(t *testing.T, e *env) {
	e.starter(t)
	in := tickets.RuleInput{ProblemID: e.problem(t, "leaking"), DepartmentID: e.dept["facilities"]}
	if _, err := e.rules.List(e.ctx, e.emp); apperr.CodeOf(err) != apperr.Forbidden {
		t.Errorf("employee List: %v", err)
	}
	if _, err := e.rules.List(e.ctx, nil); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Errorf("anonymous List: %v", err)
	}
	for _, u := range []*users.User{e.exec, e.head, e.admin} {
		rs, err := e.rules.List(e.ctx, u)
		if err != nil || len(rs) != len(assets.StarterRules()) {
			t.Errorf("List by %s: %d %v", u.Email, len(rs), err)
		}
	}
	for _, u := range []*users.User{e.emp, e.exec, e.head} {
		if _, err := e.rules.Create(e.ctx, u, in); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Create by %s: %v", u.Email, err)
		}
		if _, err := e.rules.Update(e.ctx, u, 1, in); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Update by %s: %v", u.Email, err)
		}
		if err := e.rules.Delete(e.ctx, u, 1); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("Delete by %s: %v", u.Email, err)
		}
		if err := e.rules.SetDefaultDepartment(e.ctx, u, 0); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("SetDefaultDepartment by %s: %v", u.Email, err)
		}
		if _, err := e.rules.LoadStarterRules(e.ctx, u); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("LoadStarterRules by %s: %v", u.Email, err)
		}
	}
	if _, err := e.rules.Create(e.ctx, e.admin, in); err != nil {
		t.Errorf("admin Create: %v", err)
	}
}

func testUpdateDeleteDefault(t *testing.T, e *env) {
	e.starter(t)
	rs, err := e.rules.List(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	// Most specific first.
	for i := 1; i < len(rs); i++ {
		if rs[i].Concrete() > rs[i-1].Concrete() {
			t.Fatalf("List order: %+v before %+v", rs[i-1], rs[i])
		}
	}
	fridge, kitchen := e.typ(t, "Fridge")
	notCold := e.problem(t, "not cold")
	var fridgeRule tickets.Rule
	for _, r := range rs {
		if r.TypeID == fridge && r.ProblemID == notCold {
			fridgeRule = r
		}
	}
	if fridgeRule.ID == 0 {
		t.Fatal("no fridge rule")
	}
	up, err := e.rules.Update(e.ctx, e.admin, fridgeRule.ID, tickets.RuleInput{ClassID: kitchen, TypeID: fridge, ProblemID: notCold, DepartmentID: e.dept["it"]})
	if err != nil || up.DepartmentCode != "it" {
		t.Fatalf("update: %+v %v", up, err)
	}
	if got, _ := e.rules.Resolve(e.ctx, kitchen, fridge, notCold); got.RuleID != fridgeRule.ID || got.DepartmentID != e.dept["it"] {
		t.Errorf("after update: %+v", got)
	}
	// Updating into another row's columns is a duplicate.
	if _, err := e.rules.Update(e.ctx, e.admin, fridgeRule.ID, tickets.RuleInput{ClassID: kitchen, DepartmentID: e.dept["it"]}); apperr.As(err) == nil || apperr.As(err).Key != "rules.duplicate" {
		t.Errorf("update into a duplicate: %v", err)
	}
	if _, err := e.rules.Update(e.ctx, e.admin, 99999, tickets.RuleInput{ClassID: kitchen, TypeID: fridge, DepartmentID: e.dept["it"]}); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("update unknown: %v", err)
	}
	if err := e.rules.Delete(e.ctx, e.admin, fridgeRule.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.rules.Delete(e.ctx, e.admin, fridgeRule.ID); apperr.CodeOf(err) != apperr.NotFound {
		t.Errorf("second delete: %v", err)
	}
	if got, _ := e.rules.Resolve(e.ctx, kitchen, fridge, notCold); got.DepartmentID != e.dept["office"] || got.Default {
		t.Errorf("after delete, Kitchen | any | any: %+v", got)
	}
	// The default department.
	if id, err := e.rules.DefaultDepartment(e.ctx); err != nil || id != e.dept["office"] {
		t.Errorf("default: %d %v", id, err)
	}
	if err := e.rules.SetDefaultDepartment(e.ctx, e.admin, e.dept["it"]); err != nil {
		t.Fatal(err)
	}
	if id, _ := e.rules.DefaultDepartment(e.ctx); id != e.dept["it"] {
		t.Errorf("default after change: %d", id)
	}
	if err := e.rules.SetDefaultDepartment(e.ctx, e.admin, 0); err != nil {
		t.Fatal(err)
	}
	if id, _ := e.rules.DefaultDepartment(e.ctx); id != 0 {
		t.Errorf("default after clearing: %d", id)
	}
}

func testDepartmentInUse(t *testing.T, e *env) {
	e.starter(t)
	// Every starter department is used by a rule: the foreign key refuses the delete.
	for _, code := range []string{"it", "cleaning", "security"} {
		_, err := e.d.W.Exec("DELETE FROM departments WHERE id = $1", e.dept[code])
		if !db.IsForeignKeyViolation(err) {
			t.Errorf("delete department %s: %v", code, err)
		}
		if err := e.acc.DeleteDepartment(e.ctx, e.admin, e.dept[code]); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("DeleteDepartment %s: %v", code, err)
		}
	}
	// So are the catalogue rows a rule names.
	if err := e.cat.DeleteClass(e.ctx, e.admin, e.class(t, "Safety and access")); err == nil {
		t.Error("a class a rule names was deleted")
	}
	// A department no rule uses goes.
	e.departments(t, "spare")
	if err := e.acc.DeleteDepartment(e.ctx, e.admin, e.dept["spare"]); err != nil {
		t.Errorf("delete unused department: %v", err)
	}
}

func testStarterSkips(t *testing.T, e *env) {
	if _, err := e.cat.LoadStarter(e.ctx, e.admin); err != nil {
		t.Fatal(err)
	}
	e.departments(t, "it", "facilities") // no office, cleaning, security
	sum, err := e.rules.LoadStarterRules(e.ctx, e.admin)
	if err != nil {
		t.Fatal(err)
	}
	want := 0
	for _, r := range assets.StarterRules() {
		if r.Department == "it" || r.Department == "facilities" {
			want++
		}
	}
	if sum.Created != want || len(sum.Skipped) != len(assets.StarterRules())-want || sum.DefaultDepartmentID != 0 {
		t.Fatalf("summary: %+v", sum)
	}
	for _, s := range sum.Skipped {
		if s.Key != "rules.starter_department_missing" {
			t.Errorf("skipped %+v", s)
		}
	}
	if id, _ := e.rules.DefaultDepartment(e.ctx); id != 0 {
		t.Errorf("default set to %d", id)
	}
	// Unknown combination with no default: unrouted.
	got, err := e.rules.Resolve(e.ctx, e.class(t, "Office supplies"), 0, 0)
	if err != nil || got != (tickets.Route{Unrouted: true}) {
		t.Errorf("office supplies without office: %+v %v", got, err)
	}
}
