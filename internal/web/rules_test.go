package web_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// rulesEnv is the assets environment served again with the rules table wired in,
// plus two departments and a head.
type rulesEnv struct {
	*assetsEnv
	rules    *tickets.Rules
	it, fac  users.Department
	head     *users.User
	rulesURL string
}

func newRulesEnv(t *testing.T, d *db.DB) *rulesEnv {
	t.Helper()
	e := &rulesEnv{assetsEnv: newAssetsEnv(t, d), rules: tickets.NewRules(d, nil)}
	ctx := context.Background()
	var err error
	if e.it, err = e.accts.CreateDepartment(ctx, e.admin, users.DepartmentInput{Code: "itsup", NameEN: "IT support", NameRU: "ИТ-поддержка"}); err != nil {
		t.Fatal(err)
	}
	if e.fac, err = e.accts.CreateDepartment(ctx, e.admin, users.DepartmentInput{Code: "facil", NameEN: "Facilities", NameRU: "Хозслужба"}); err != nil {
		t.Fatal(err)
	}
	e.head = e.user("head@example.com", "Hanna Head", users.RoleEmployee, users.RoleHead)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	s, err := web.New(web.Deps{Config: e.cfg, Logger: logger, Catalog: e.srv.Catalog, DB: d, Users: users.NewStore(d, nil), Accounts: e.accts,
		Assets: e.svc, Rules: e.rules, Jobs: &fakeJobs{running: true}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(hosted(t, s, e.cfg))
	t.Cleanup(ts.Close)
	e.rulesURL = ts.URL
	return e
}

func (e *rulesEnv) client() *browserClient { return newBrowserClient(e.t.(*testing.T), e.rulesURL) }

func TestRulesPage(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newRulesEnv(t, d)
		admin := e.client().login("admin@example.com")
		id := func(n int64) string { return fmt.Sprint(n) }

		// An empty table offers the starter rules to the admin.
		res, body := admin.get("/rules")
		wantStatus(t, "empty", res, body, http.StatusOK)
		wantContains(t, "empty", body, e.T("rulespage.empty"), `action="/rules/starter"`, `action="/rules"`, `action="/rules/default"`, `href="/rules"`)

		// Add: a printer jam goes to IT; any kitchen problem to facilities.
		res, _ = admin.post("/rules", url.Values{"service_class_id": {id(e.assetsEnv.it.ID)}, "service_type_id": {id(e.printer.ID)},
			"problem_type_id": {id(e.jam.ID)}, "department_id": {id(e.it.ID)}})
		wantRedirect(t, "create", res, "/rules")
		res, _ = admin.post("/rules", url.Values{"service_class_id": {id(e.kitchen.ID)}, "department_id": {id(e.fac.ID)}})
		wantRedirect(t, "create a wider one", res, "/rules")
		_, body = admin.get("/rules")
		wantContains(t, "after create", body, e.T("rulespage.created"), "Paper jam", "IT support", "Facilities", ">"+e.T("rulespage.any")+"<")
		wantNotContains(t, "after create", body, `action="/rules/starter"`)

		// Refusals: the same three columns (409), a type without its class and no department (422).
		res, body = admin.post("/rules", url.Values{"service_class_id": {id(e.kitchen.ID)}, "department_id": {id(e.it.ID)}})
		wantStatus(t, "duplicate", res, body, http.StatusConflict)
		wantContains(t, "duplicate", body, e.T("rules.duplicate"))
		res, body = admin.post("/rules", url.Values{"service_type_id": {id(e.printer.ID)}})
		wantStatus(t, "invalid", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "invalid", body, `id="rule-new-class-err"`, `id="rule-new-dept-err"`, e.T("rules.class_required"), e.T("rules.department_required"))

		list, err := e.rules.List(context.Background(), e.admin)
		if err != nil || len(list) != 2 || list[0].ProblemID != e.jam.ID {
			t.Fatalf("rules, most specific first: %+v %v", list, err)
		}
		jamRule, kitchenRule := list[0], list[1]

		// Edit with a refusal shown on the row, then for real.
		res, body = admin.post("/rules/"+id(jamRule.ID), url.Values{"service_class_id": {id(e.kitchen.ID)}, "service_type_id": {id(e.printer.ID)}, "department_id": {id(e.it.ID)}})
		wantStatus(t, "edit refused", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "edit refused", body, `<details class="edit" open>`, e.T("rules.type_other_class"))
		res, _ = admin.post("/rules/"+id(jamRule.ID), url.Values{"service_class_id": {id(e.assetsEnv.it.ID)}, "service_type_id": {id(e.printer.ID)},
			"problem_type_id": {id(e.jam.ID)}, "department_id": {id(e.fac.ID)}})
		wantRedirect(t, "edit", res, "/rules")

		// Where would this go? By id and by code; then the default department.
		_, body = admin.get("/rules?device=" + id(e.pr.ID) + "&problem_type_id=" + id(e.jam.ID))
		wantContains(t, "where by id", body, e.T("rulespage.where_rule", "Department", "Facilities", "Rule", "IT equipment · Printer · Paper jam"))
		_, body = admin.get("/rules?device=" + e.pr.Code + "&problem_type_id=" + id(e.paper.ID))
		wantContains(t, "where unrouted", body, e.T("rulespage.where_unrouted"))
		_, body = admin.get("/rules?device=nonsense&problem_type_id=")
		wantContains(t, "where nothing", body, e.T("rulespage.where_no_device"), e.T("rulespage.where_no_problem"))
		res, _ = admin.post("/rules/default", url.Values{"department_id": {id(e.it.ID)}})
		wantRedirect(t, "default", res, "/rules")
		_, body = admin.get("/rules?device=" + e.pr.Code + "&problem_type_id=" + id(e.paper.ID))
		wantContains(t, "where default", body, e.T("rulespage.where_default", "Department", "IT support"),
			e.T("rulespage.default_is", "Department", "IT support"))

		// Staff read, without forms; employees are refused; anonymous go to log in.
		for _, who := range []string{"staff@example.com", "head@example.com"} {
			res, body = e.client().login(who).get("/rules")
			wantStatus(t, who, res, body, http.StatusOK)
			wantContains(t, who, body, "Paper jam", "Facilities", `href="/rules"`)
			wantNotContains(t, who, body, `action="/rules`, `<details class="edit"`)
			res, body = e.client().login(who).post("/rules/"+id(kitchenRule.ID)+"/delete", nil)
			wantStatus(t, who+" delete", res, body, http.StatusForbidden)
		}
		emp := e.client().login("emp@example.com")
		res, body = emp.get("/rules")
		wantStatus(t, "employee", res, body, http.StatusForbidden)
		_, body = emp.get("/")
		wantNotContains(t, "employee nav", body, `href="/rules"`)
		res, _ = emp.post("/rules", url.Values{"department_id": {id(e.it.ID)}})
		if res.StatusCode != http.StatusForbidden {
			t.Errorf("employee create: %d", res.StatusCode)
		}

		// Delete.
		res, _ = admin.post("/rules/"+id(kitchenRule.ID)+"/delete", nil)
		wantRedirect(t, "delete", res, "/rules")
		if list, _ := e.rules.List(context.Background(), e.admin); len(list) != 1 {
			t.Errorf("after delete: %d rules", len(list))
		}
		res, body = admin.post("/rules/999999/delete", nil)
		wantStatus(t, "delete a missing one", res, body, http.StatusNotFound)
	})
}

// TestBrowserRulesAtPhoneWidth loads the starter catalogue and rules into the demo
// office as an admin would, and looks at the table at 360 px: cards, no sideways scroll.
func TestBrowserRulesAtPhoneWidth(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	if _, err := srv.App.Accounts.CreateUser(context.Background(), users.CreateInput{Email: "rules-admin@office.example", FullName: "Алла Админова",
		Roles: []users.Role{users.RoleEmployee, users.RoleAdmin}, Password: acctPassword, Language: "ru"}); err != nil {
		t.Fatal(err)
	}
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
	b.Navigate(srv.URL + "/login?next=/catalogue")
	browserLogin(t, b, "rules-admin@office.example")
	if browser.Eval[bool](b, `!!document.querySelector('form[action="/catalogue/starter"]')`) {
		b.ClickAndWait(`form[action="/catalogue/starter"] button`)
	}
	if st := b.Navigate(srv.URL + "/rules"); st != http.StatusOK {
		t.Fatalf("GET /rules = %d", st)
	}
	if browser.Eval[bool](b, `!!document.querySelector('form[action="/rules/starter"]')`) {
		if st := b.ClickAndWait(`form[action="/rules/starter"] button`); st != http.StatusOK {
			t.Fatalf("starter rules: %d", st)
		}
	}
	if rows := b.Texts("table.rules tbody tr"); len(rows) == 0 {
		t.Fatal("no rules shown after loading the starter rules")
	}
	if errs := b.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("the page reported errors: %q", errs)
	}
	b.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", b.Screenshot("rules-phone"))
}
