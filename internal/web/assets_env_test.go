package web_test

import (
	"context"
	"fmt"
	"html"
	"log/slog"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// assetsEnv is the web server over a fresh database with the accounts and assets
// domains, a small catalogue and a few devices, made through the domain as an
// administrator would.
type assetsEnv struct {
	t      testing.TB
	url    string
	srv    *web.Server
	cfg    *config.Config
	svc    *assets.Service
	accts  *users.Service
	en, ru *i18n.Localizer

	admin, emp, owner, staff *users.User
	it, kitchen              assets.Class
	printer, laptop, coffee  *assets.Type
	paper, jam, leak         assets.Problem
	// Devices: a printer anyone sees, the owner's laptop, a retired coffee machine.
	pr, lt, old *assets.Asset
}

func newAssetsEnv(t testing.TB, d *db.DB) *assetsEnv {
	t.Helper()
	cat, err := i18n.New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.OfficeName = "Офис на Тверской"
	accts := testkit.Accounts(t, d)
	svc := assets.NewService(d, nil)
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	s, err := web.New(web.Deps{Config: cfg, Logger: logger, Catalog: cat, DB: d, Users: users.NewStore(d, nil), Accounts: accts,
		Assets: svc, Jobs: &fakeJobs{running: true}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(hosted(t, s, cfg))
	t.Cleanup(ts.Close)
	e := &assetsEnv{t: t, url: ts.URL, srv: s, cfg: cfg, svc: svc, accts: accts, en: cat.For("en"), ru: cat.For("ru")}
	e.admin = e.user("admin@example.com", "Ada Admin", users.RoleEmployee, users.RoleAdmin)
	e.emp = e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
	e.owner = e.user("owner@example.com", "Olga Owner", users.RoleEmployee)
	e.staff = e.user("staff@example.com", "Stas Staff", users.RoleEmployee, users.RoleExecutor)
	e.seed()
	return e
}

func (e *assetsEnv) user(email, name string, roles ...users.Role) *users.User {
	e.t.Helper()
	u, err := e.accts.CreateUser(context.Background(), users.CreateInput{Email: email, FullName: name, Roles: roles, Password: acctPassword, Language: "en"})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// seed makes the catalogue and the devices through the domain.
func (e *assetsEnv) seed() {
	t, ctx, a := e.t, context.Background(), e.admin
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var err error
	e.it, err = e.svc.CreateClass(ctx, a, assets.Names{EN: "IT equipment", RU: "ИТ-оборудование"})
	must(err)
	e.kitchen, err = e.svc.CreateClass(ctx, a, assets.Names{EN: "Kitchen", RU: "Кухня"})
	must(err)
	e.printer, err = e.svc.CreateType(ctx, a, assets.TypeInput{ClassID: e.it.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})
	must(err)
	e.laptop, err = e.svc.CreateType(ctx, a, assets.TypeInput{ClassID: e.it.ID, Names: assets.Names{EN: "Laptop", RU: "Ноутбук"}})
	must(err)
	e.coffee, err = e.svc.CreateType(ctx, a, assets.TypeInput{ClassID: e.kitchen.ID, Names: assets.Names{EN: "Coffee machine", RU: "Кофемашина"}})
	must(err)
	e.paper, err = e.svc.CreateProblem(ctx, a, assets.Names{EN: "Out of paper", RU: "Закончилась бумага"})
	must(err)
	e.jam, err = e.svc.CreateProblem(ctx, a, assets.Names{EN: "Paper jam", RU: "Замялась бумага"})
	must(err)
	e.leak, err = e.svc.CreateProblem(ctx, a, assets.Names{EN: "Leaking", RU: "Протекает"})
	must(err)
	e.printer, err = e.svc.SetOffers(ctx, a, e.printer.ID, []assets.OfferInput{
		{ProblemID: e.paper.ID, SelfHelp: assets.Names{EN: "Paper is in the cupboard under the printer, see https://wiki.example/paper.", RU: "Бумага в шкафу под принтером."}},
		{ProblemID: e.jam.ID}})
	must(err)
	e.coffee, err = e.svc.SetOffers(ctx, a, e.coffee.ID, []assets.OfferInput{{ProblemID: e.leak.ID}})
	must(err)
	e.pr, err = e.svc.CreateAsset(ctx, a, assets.AssetInput{Name: "Printer <b>HP</b> 3rd floor", TypeID: e.printer.ID, InventoryNumber: "INV-001",
		Location:     assets.Location{Building: "A", Floor: "3", Room: "301"},
		Instructions: "Manual: https://wiki.example/hp?x=1&y=2.\n<script>alert(1)</script> javascript:alert(2)"})
	must(err)
	e.lt, err = e.svc.CreateAsset(ctx, a, assets.AssetInput{Name: "Olga's laptop", TypeID: e.laptop.ID, InventoryNumber: "NB-7",
		Location: assets.Location{Building: "A", Floor: "2"}, OwnerID: e.owner.ID})
	must(err)
	e.old, err = e.svc.CreateAsset(ctx, a, assets.AssetInput{Name: "Old coffee machine", TypeID: e.coffee.ID,
		Location: assets.Location{Building: "B", Floor: "1", Room: "Kitchen"}, Archived: true})
	must(err)
}

// asset reads a device afresh.
func (e *assetsEnv) asset(id int64) *assets.Asset {
	e.t.Helper()
	a, err := e.svc.AdminAsset(context.Background(), e.admin, id)
	if err != nil {
		e.t.Fatal(err)
	}
	return a
}

// client is a browser of its own; tests only (benchmarks log in by hand).
func (e *assetsEnv) client() *browserClient { return newBrowserClient(e.t.(*testing.T), e.url) }

// T is the English text of key as it appears in a page's HTML.
func (e *assetsEnv) T(key string, args ...any) string { return html.EscapeString(e.en.T(key, args...)) }

// nextField is the language switch's hidden field, the one part of a page that
// repeats the address it was asked for.
var nextField = regexp.MustCompile(`<input type="hidden" name="next" value="[^"]*">`)

// samePage strips what legitimately differs between two answers of one page.
func samePage(body string) string { return nextField.ReplaceAllString(body, "") }

// deviceHref is the device page's address.
func deviceHref(a *assets.Asset) string { return "/a/" + a.Code }

func wantNotContains(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if strings.Contains(body, p) {
			t.Errorf("%s: the page should not contain %q", what, p)
		}
	}
}

// idPath is /assets/{id} plus suffix.
func idPath(id int64, suffix string) string { return fmt.Sprintf("/assets/%d%s", id, suffix) }
