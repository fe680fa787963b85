package api_test

import (
	"context"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestReportSummary: GET /api/v1/reports/summary answers heads and admins with
// the documented fields (every answer is checked against openapi.json), refuses
// everyone else, and explains bad input. The figures themselves are checked
// against a straightforward computation in internal/reports.
func TestReportSummary(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		root := e.user("root@example.com", admin)
		it, err := e.acc.CreateDepartment(ctx, root, users.DepartmentInput{Code: "it", NameEN: "IT support"})
		if err != nil {
			t.Fatal(err)
		}
		fac, err := e.acc.CreateDepartment(ctx, root, users.DepartmentInput{Code: "fac", NameEN: "Facilities"})
		if err != nil {
			t.Fatal(err)
		}
		e.user("head@example.com", []users.Role{users.RoleEmployee, users.RoleHead}, "it")
		ex := e.user("ex@example.com", []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
		emp := e.user("emp@example.com", employee)
		cls, _ := e.assets.CreateClass(ctx, root, assets.Names{EN: "IT equipment"})
		typ, _ := e.assets.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Printer"}})
		jam, _ := e.assets.CreateProblem(ctx, root, assets.Names{EN: "Paper jam"})
		if _, err := e.assets.SetOffers(ctx, root, typ.ID, []assets.OfferInput{{ProblemID: jam.ID}}); err != nil {
			t.Fatal(err)
		}
		pr, err := e.assets.CreateAsset(ctx, root, assets.AssetInput{Name: "Printer", TypeID: typ.ID})
		if err != nil {
			t.Fatal(err)
		}
		rules := tickets.NewRules(d, nil)
		if _, err := rules.Create(ctx, root, tickets.RuleInput{ClassID: cls.ID, DepartmentID: it.ID}); err != nil {
			t.Fatal(err)
		}
		svc := tickets.NewService(d, rules, e.assets, nil)
		for range 3 {
			if _, err := svc.File(ctx, emp, tickets.FileInput{AssetID: pr.ID, ProblemID: jam.ID}); err != nil {
				t.Fatal(err)
			}
		}
		tk, err := svc.File(ctx, emp, tickets.FileInput{AssetID: pr.ID, ProblemID: jam.ID})
		if err != nil || tk.AssigneeID != ex.ID {
			t.Fatalf("file: %v %+v", err, tk)
		}
		if _, err := svc.Start(ctx, ex, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Complete(ctx, ex, tk.ID, "fixed"); err != nil {
			t.Fatal(err)
		}
		rootTok, headTok, exTok, empTok := e.login("root@example.com"), e.login("head@example.com"), e.login("ex@example.com"), e.login("emp@example.com")

		res := e.do("GET", "/api/v1/reports/summary", rootTok, nil).want(200)
		if res.num("created") != 4 || res.num("completed") != 1 || res.num("cancelled") != 0 || res.num("open_at_end") != 3 {
			t.Errorf("figures: %s", res.body)
		}
		days, _ := res.obj["per_day"].([]any)
		today := time.Now().In(e.cfg.Location).Format("2006-01-02")
		if len(days) != 7 || res.str("to") != today {
			t.Fatalf("per_day: %d days, to %s", len(days), res.str("to"))
		}
		last := days[6].(map[string]any)
		if last["date"] != today || last["created"] != float64(4) || last["completed"] != float64(1) {
			t.Errorf("today: %v", last)
		}
		execs, _ := res.obj["by_executor"].([]any)
		if len(execs) != 1 || execs[0].(map[string]any)["completed"] != float64(1) {
			t.Errorf("by_executor: %v", execs)
		}

		head := e.do("GET", path("/api/v1/reports/summary?from=%s&to=%s", today, today), headTok, nil).want(200)
		if head.num("created") != 4 || head.obj["department"] != nil {
			t.Errorf("head: %s", head.body)
		}
		one := e.do("GET", path("/api/v1/reports/summary?department_id=%d", it.ID), headTok, nil).want(200)
		if dep, _ := one.obj["department"].(map[string]any); dep == nil || dep["name"] != "IT support" {
			t.Errorf("head, own department: %s", one.body)
		}
		e.do("GET", path("/api/v1/reports/summary?department_id=%d", fac.ID), headTok, nil).want(404)
		e.do("GET", "/api/v1/reports/summary?department_id=999999", headTok, nil).want(404)
		e.do("GET", "/api/v1/reports/summary?department_id=999999", rootTok, nil).want(404)
		fr := e.do("GET", path("/api/v1/reports/summary?department_id=%d", fac.ID), rootTok, nil).want(200)
		if fr.num("created") != 0 || fr.num("median_completion_seconds") != 0 {
			t.Errorf("facilities: %s", fr.body)
		}
		e.do("GET", "/api/v1/reports/summary", exTok, nil).want(403)
		e.do("GET", "/api/v1/reports/summary", empTok, nil).want(403)
		e.do("GET", "/api/v1/reports/summary", "", nil).want(401)

		for _, c := range []struct{ query, field string }{
			{"from=yesterday", "from"},
			{"to=2026-02-30", "to"},
			{"from=2026-03-10&to=2026-03-01", "to"},
			{"from=2020-01-01&to=2023-01-01", "to"},
			{"department_id=x", "department_id"},
		} {
			e.do("GET", "/api/v1/reports/summary?"+c.query, rootTok, nil).want(422).wantFieldError(c.field)
		}
		empty := e.do("GET", "/api/v1/reports/summary?from=2021-02-01&to=2021-02-28", rootTok, nil).want(200)
		if d, _ := empty.obj["per_day"].([]any); len(d) != 28 || empty.num("created") != 0 {
			t.Errorf("empty period: %s", empty.body)
		}
	})
}
