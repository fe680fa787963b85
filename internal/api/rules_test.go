package api_test

import (
	"context"
	"log/slog"
	"testing"

	"smartservice/internal/api"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// withRules serves e's API again with the routing rules table wired in.
func withRules(t *testing.T, e *env) {
	t.Helper()
	cat, err := i18n.New(e.cfg.DefaultLanguage, nil)
	if err != nil {
		t.Fatal(err)
	}
	e.h = api.New(api.Deps{Config: e.cfg, Logger: slog.New(slog.DiscardHandler), Catalog: cat, Accounts: e.acc,
		Users: users.NewStore(e.d, nil), Assets: e.assets, Rules: tickets.NewRules(e.d, nil)})
}

func TestRulesAPI(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		withRules(t, e)
		ctx := context.Background()
		rootUser := e.user("root@example.com", admin)
		it, err := e.acc.CreateDepartment(ctx, rootUser, users.DepartmentInput{Code: "itsup", NameEN: "IT support", NameRU: "ИТ-поддержка"})
		if err != nil {
			t.Fatal(err)
		}
		fac, err := e.acc.CreateDepartment(ctx, rootUser, users.DepartmentInput{Code: "facil", NameEN: "Facilities"})
		if err != nil {
			t.Fatal(err)
		}
		e.user("exec@example.com", []users.Role{users.RoleEmployee, users.RoleExecutor}, "itsup")
		e.user("ann@example.com", employee)
		root, exec, ann := e.login("root@example.com"), e.login("exec@example.com"), e.login("ann@example.com")

		// A small catalogue and a printer, through the assets domain.
		cls, err := e.assets.CreateClass(ctx, rootUser, assets.Names{EN: "IT equipment"})
		if err != nil {
			t.Fatal(err)
		}
		kitchen, _ := e.assets.CreateClass(ctx, rootUser, assets.Names{EN: "Kitchen"})
		printer, err := e.assets.CreateType(ctx, rootUser, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Printer"}})
		if err != nil {
			t.Fatal(err)
		}
		jam, _ := e.assets.CreateProblem(ctx, rootUser, assets.Names{EN: "Paper jam"})
		paper, _ := e.assets.CreateProblem(ctx, rootUser, assets.Names{EN: "Out of paper"})
		if _, err := e.assets.SetOffers(ctx, rootUser, printer.ID, []assets.OfferInput{{ProblemID: jam.ID}, {ProblemID: paper.ID}}); err != nil {
			t.Fatal(err)
		}
		pr, err := e.assets.CreateAsset(ctx, rootUser, assets.AssetInput{Name: "Printer 3rd floor", TypeID: printer.ID, Location: assets.Location{Building: "A"}})
		if err != nil {
			t.Fatal(err)
		}

		// Create: a concrete row and a class-wide one.
		res := e.do("POST", "/api/v1/routing-rules", root, map[string]any{"service_class_id": cls.ID, "service_type_id": printer.ID,
			"problem_type_id": jam.ID, "department_id": fac.ID}).want(201)
		jamRule := res.num("id")
		if res.header.Get("Location") != path("/api/v1/routing-rules/%d", jamRule) || res.obj["problem_type"].(map[string]any)["name"] != "Paper jam" {
			t.Errorf("created: %s", res.body)
		}
		classRule := e.do("POST", "/api/v1/routing-rules", root, map[string]any{"service_class_id": cls.ID, "service_type_id": nil,
			"department_id": it.ID}).want(201)
		if classRule.obj["service_type_id"] != nil || classRule.obj["problem_type"] != nil {
			t.Errorf("any: %s", classRule.body)
		}

		// Refusals: duplicate 409; invalid 422 with the API's field names; writes admin only.
		e.do("POST", "/api/v1/routing-rules", root, map[string]any{"service_class_id": cls.ID, "department_id": fac.ID}).want(409)
		e.do("POST", "/api/v1/routing-rules", root, map[string]any{"service_type_id": printer.ID, "department_id": it.ID}).wantFieldError("service_class_id")
		e.do("POST", "/api/v1/routing-rules", root, map[string]any{"service_class_id": kitchen.ID, "service_type_id": printer.ID, "department_id": it.ID}).wantFieldError("service_type_id")
		e.do("POST", "/api/v1/routing-rules", root, map[string]any{"service_class_id": cls.ID}).wantFieldError("department_id")
		e.do("POST", "/api/v1/routing-rules", root, map[string]any{"department_id": it.ID, "colour": "red"}).wantFieldError("colour")
		e.do("POST", "/api/v1/routing-rules", exec, map[string]any{"department_id": it.ID}).want(403)
		e.do("POST", "/api/v1/routing-rules", ann, map[string]any{"department_id": it.ID}).want(403)

		// Read: executors and admins, most specific first; employees are refused.
		list := e.do("GET", "/api/v1/routing-rules", exec, nil).want(200)
		if items := list.items(); len(items) != 2 || int64(items[0]["id"].(float64)) != jamRule {
			t.Errorf("list: %s", list.body)
		}
		e.do("GET", "/api/v1/routing-rules", ann, nil).want(403)
		e.do("GET", "/api/v1/routing-rules", "", nil).want(401)

		// Resolve.
		q := func(problem int64) string {
			return path("/api/v1/routing-rules/resolve?asset_id=%d&problem_type_id=%d", pr.ID, problem)
		}
		got := e.do("GET", q(jam.ID), root, nil).want(200)
		if got.num("department_id") != fac.ID || got.num("rule_id") != jamRule {
			t.Errorf("resolve jam: %s", got.body)
		}
		got = e.do("GET", q(paper.ID), root, nil).want(200)
		if got.num("department_id") != it.ID || got.num("rule_id") != classRule.num("id") {
			t.Errorf("resolve paper: %s", got.body)
		}
		e.do("GET", "/api/v1/routing-rules/resolve?asset_id=x", root, nil).wantFieldError("problem_type_id")
		e.do("GET", path("/api/v1/routing-rules/resolve?asset_id=999999&problem_type_id=%d", jam.ID), root, nil).want(404)
		e.do("GET", q(jam.ID), ann, nil).want(403)

		// Update and delete.
		upd := e.do("PUT", path("/api/v1/routing-rules/%d", jamRule), root, map[string]any{"service_class_id": cls.ID, "service_type_id": printer.ID,
			"problem_type_id": jam.ID, "department_id": it.ID}).want(200)
		if upd.num("department_id") != it.ID {
			t.Errorf("update: %s", upd.body)
		}
		e.do("PUT", path("/api/v1/routing-rules/%d", jamRule), root, map[string]any{"service_class_id": cls.ID, "department_id": it.ID}).want(409)
		e.do("PUT", "/api/v1/routing-rules/999999", root, map[string]any{"department_id": it.ID}).want(404)
		e.do("PUT", path("/api/v1/routing-rules/%d", jamRule), exec, map[string]any{"department_id": it.ID}).want(403)
		e.do("DELETE", path("/api/v1/routing-rules/%d", classRule.num("id")), exec, nil).want(403)
		e.do("DELETE", path("/api/v1/routing-rules/%d", classRule.num("id")), root, nil).want(204)
		e.do("DELETE", path("/api/v1/routing-rules/%d", classRule.num("id")), root, nil).want(404)
		got = e.do("GET", q(paper.ID), root, nil).want(200)
		if got.obj["department_id"] != nil || got.obj["rule_id"] != nil {
			t.Errorf("unrouted: %s", got.body)
		}
	})
}
