package api_test

import (
	"context"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

func TestUpkeepPlans(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		rootUser := e.user("root@example.com", admin)
		fac, err := e.acc.CreateDepartment(ctx, rootUser, users.DepartmentInput{Code: "fac", NameEN: "Facilities"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.acc.CreateDepartment(ctx, rootUser, users.DepartmentInput{Code: "it", NameEN: "IT"}); err != nil {
			t.Fatal(err)
		}
		e.user("head@example.com", []users.Role{users.RoleEmployee, users.RoleHead}, "fac")
		e.user("ithead@example.com", []users.Role{users.RoleEmployee, users.RoleHead}, "it")
		e.user("ex@example.com", []users.Role{users.RoleEmployee, users.RoleExecutor}, "fac")
		e.user("emp@example.com", employee)
		cls, _ := e.assets.CreateClass(ctx, rootUser, assets.Names{EN: "Kitchen"})
		typ, _ := e.assets.CreateType(ctx, rootUser, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Coffee machine"}})
		descale, _ := e.assets.CreateProblem(ctx, rootUser, assets.Names{EN: "Descaling"})
		paper, _ := e.assets.CreateProblem(ctx, rootUser, assets.Names{EN: "Out of paper"})
		if _, err := e.assets.SetOffers(ctx, rootUser, typ.ID, []assets.OfferInput{{ProblemID: descale.ID}}); err != nil {
			t.Fatal(err)
		}
		if _, err := tickets.NewRules(d, nil).Create(ctx, rootUser, tickets.RuleInput{ProblemID: descale.ID, DepartmentID: fac.ID}); err != nil {
			t.Fatal(err)
		}
		root, head, ithead, ex, emp := e.login("root@example.com"), e.login("head@example.com"), e.login("ithead@example.com"),
			e.login("ex@example.com"), e.login("emp@example.com")
		plan := map[string]any{"name": "Descale", "target": "type", "type_id": typ.ID, "problem_type_id": descale.ID, "note": "Descale and rinse",
			"schedule": map[string]any{"every": "months", "n": 1, "month_day": 31, "at": "09:00", "start": "2026-01-01", "end": nil}}
		res := e.do("POST", "/api/v1/upkeep-plans", head, plan).want(201)
		id := res.num("id")
		if res.header.Get("Location") != path("/api/v1/upkeep-plans/%d", id) || res.str("next_due") == "" || res.str("schedule_text") == "" {
			t.Fatalf("created: %s", res.body)
		}
		e.do("GET", path("/api/v1/upkeep-plans/%d", id), root, nil).want(200)
		if items := e.do("GET", "/api/v1/upkeep-plans?active=active", head, nil).want(200).items(); len(items) != 1 {
			t.Fatalf("head lists %d plans", len(items))
		}
		// Refusals, by field.
		bad := func(mut func(m map[string]any)) map[string]any {
			m := map[string]any{}
			for k, v := range plan {
				m[k] = v
			}
			s := map[string]any{}
			for k, v := range plan["schedule"].(map[string]any) {
				s[k] = v
			}
			m["schedule"] = s
			mut(m)
			return m
		}
		e.do("POST", "/api/v1/upkeep-plans", root, bad(func(m map[string]any) { m["schedule"].(map[string]any)["n"] = 0 })).wantFieldError("schedule.n")
		e.do("POST", "/api/v1/upkeep-plans", root, bad(func(m map[string]any) {
			m["schedule"].(map[string]any)["every"], m["schedule"].(map[string]any)["weekdays"] = "weeks", []string{}
		})).wantFieldError("schedule.weekdays")
		e.do("POST", "/api/v1/upkeep-plans", root, bad(func(m map[string]any) { m["schedule"].(map[string]any)["end"] = "2025-12-01" })).wantFieldError("schedule.end")
		e.do("POST", "/api/v1/upkeep-plans", root, bad(func(m map[string]any) { m["schedule"].(map[string]any)["at"] = "25:00" })).wantFieldError("schedule.at")
		e.do("POST", "/api/v1/upkeep-plans", root, bad(func(m map[string]any) { m["problem_type_id"] = paper.ID })).wantFieldError("problem_type_id")
		e.do("POST", "/api/v1/upkeep-plans", ithead, plan).wantFieldError("problem_type_id")
		// Who may not: an executor and an employee are refused; another head's plan is
		// the same 404 as an absent one.
		e.do("GET", "/api/v1/upkeep-plans", ex, nil).want(403)
		e.do("POST", "/api/v1/upkeep-plans", emp, plan).want(403)
		for _, tok := range []string{ex, emp, ithead} {
			e.do("GET", path("/api/v1/upkeep-plans/%d", id), tok, nil).want(404)
			e.do("PUT", path("/api/v1/upkeep-plans/%d", id), tok, plan).want(404)
			e.do("DELETE", path("/api/v1/upkeep-plans/%d", id), tok, nil).want(404)
		}
		e.do("GET", path("/api/v1/upkeep-plans/%d", id+100), root, nil).want(404)
		paused := bad(func(m map[string]any) {
			m["active"] = false
			m["schedule"].(map[string]any)["every"], m["schedule"].(map[string]any)["weekdays"] = "weeks", []string{"mon", "thu"}
		})
		if got := e.do("PUT", path("/api/v1/upkeep-plans/%d", id), head, paused).want(200); got.body == nil || e.do("GET", path("/api/v1/upkeep-plans/%d", id), head, nil).want(200).str("schedule_text") == res.str("schedule_text") {
			t.Fatalf("update: %s", got.body)
		}
		e.do("DELETE", path("/api/v1/upkeep-plans/%d", id), head, nil).want(204)
		e.do("GET", path("/api/v1/upkeep-plans/%d", id), head, nil).want(404)
	})
}
