package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
)

// browserOffice is a small office made through the domain on a running server:
// a printer anyone sees, Olga's laptop, and the people who scan them.
type browserOffice struct {
	printer, laptop *assets.Asset
	laptopType      *assets.Type
	problems        []string // the printer's, in order, in Russian
}

func newBrowserOffice(t *testing.T, srv *testserver.Server) *browserOffice {
	t.Helper()
	ctx := context.Background()
	mk := func(email, name string, roles ...users.Role) *users.User {
		u, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: name, Roles: roles, Password: acctPassword, Language: "ru"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	admin := mk("admin@office.example", "Алла Админова", users.RoleEmployee, users.RoleAdmin)
	mk("emp@office.example", "Эмиль Сотрудников", users.RoleEmployee)
	owner := mk("owner@office.example", "Ольга Владелец", users.RoleEmployee)
	svc := srv.App.Assets
	check := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	it, err := svc.CreateClass(ctx, admin, assets.Names{EN: "IT equipment", RU: "ИТ-оборудование"})
	check(err)
	printer, err := svc.CreateType(ctx, admin, assets.TypeInput{ClassID: it.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})
	check(err)
	laptop, err := svc.CreateType(ctx, admin, assets.TypeInput{ClassID: it.ID, Names: assets.Names{EN: "Laptop", RU: "Ноутбук"}})
	check(err)
	o := &browserOffice{laptopType: laptop}
	var offers []assets.OfferInput
	for _, n := range []assets.Names{{EN: "Out of paper", RU: "Закончилась бумага"}, {EN: "Paper jam", RU: "Замялась бумага"},
		{EN: "Poor print quality", RU: "Плохо печатает: полосы, бледная печать"}, {EN: "How do I…?", RU: "Как сделать…?"}} {
		p, err := svc.CreateProblem(ctx, admin, n)
		check(err)
		offers = append(offers, assets.OfferInput{ProblemID: p.ID, SelfHelp: assets.Names{RU: "Бумага — в шкафу под принтером."}})
		o.problems = append(o.problems, n.RU)
	}
	_, err = svc.SetOffers(ctx, admin, printer.ID, offers)
	check(err)
	o.printer, err = svc.CreateAsset(ctx, admin, assets.AssetInput{Name: "Принтер HP LaserJet M428, 3-й этаж", TypeID: printer.ID,
		InventoryNumber: "ИНВ-000123", Location: assets.Location{Building: "Корпус А", Floor: "3 этаж", Room: "Опенспейс у окна"},
		Instructions: "Двусторонняя печать: Файл → Печать → «С двух сторон».\nИнструкция: https://wiki.office.example/printers/hp-m428"})
	check(err)
	o.laptop, err = svc.CreateAsset(ctx, admin, assets.AssetInput{Name: "Ноутбук ThinkPad T14 (Ольга)", TypeID: laptop.ID,
		InventoryNumber: "NB-0042", Location: assets.Location{Building: "Корпус А", Floor: "2 этаж"}, OwnerID: owner.ID})
	check(err)
	return o
}

// login fills the login form the browser is on and sends it.
func browserLogin(t *testing.T, b *browser.Browser, email string) {
	t.Helper()
	b.SetValue("#email", email)
	b.SetValue("#password", acctPassword)
	if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK && st != http.StatusNotFound {
		t.Fatalf("login as %s: status %d", email, st)
	}
}

// TestBrowserDevicePageAtPhoneWidth is the catalogue issue's done-when at 360×740:
// logged out, a scan leads to the login and back to the device page with its
// problem buttons; the owner sees their laptop and a colleague gets the 404; an
// admin adds a device from the list and prints labels.
func TestBrowserDevicePageAtPhoneWidth(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	ru := cat.For("ru")
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite})
	o := newBrowserOffice(t, srv)
	scan := srv.URL + "/a/" + o.printer.Code

	// An employee scans the printer while logged out.
	emp := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
	emp.Navigate(scan)
	u, _ := url.Parse(emp.URL())
	if u.Path != "/login" || u.Query().Get("next") != "/a/"+o.printer.Code {
		t.Fatalf("a logged-out scan went to %s", emp.URL())
	}
	browserLogin(t, emp, "emp@office.example")
	if emp.URL() != scan || emp.Status() != http.StatusOK {
		t.Fatalf("after login: %d at %s, want the device page", emp.Status(), emp.URL())
	}
	if got := emp.Text("main h1"); got != o.printer.Name {
		t.Errorf("heading %q", got)
	}
	if got := emp.Texts("a.problem"); !slices.Equal(got, o.problems) {
		t.Errorf("problem buttons %q, want %q", got, o.problems)
	}
	// Big touch targets: every button at least 48 px tall and most of the width.
	small := browser.Eval[int](emp, `Array.from(document.querySelectorAll("a.problem")).filter(a => { const r = a.getBoundingClientRect(); return r.height < 48 || r.width < 280; }).length`)
	if small > 0 {
		t.Errorf("%d problem buttons are smaller than a thumb", small)
	}
	if href, _ := emp.Attribute(".instructions a", "href"); href != "https://wiki.office.example/printers/hp-m428" {
		t.Errorf("the instructions' link: %q", href)
	}
	if errs := emp.ConsoleErrors(); len(errs) > 0 {
		t.Errorf("the device page reported errors: %q", errs)
	}
	emp.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", emp.Screenshot("device-phone"))
	if st := emp.ClickAndWait("a.problem"); st != http.StatusOK {
		t.Fatalf("a problem button: %d", st)
	}
	if got := emp.Text("main h1"); got != o.problems[0] {
		t.Errorf("the problem page's heading %q", got)
	}
	emp.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", emp.Screenshot("device-report-phone"))

	// The owner sees the laptop; the colleague gets the same 404 as an unknown code.
	owner := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
	owner.Navigate(srv.URL + "/a/" + o.laptop.Code)
	browserLogin(t, owner, "owner@office.example")
	if owner.Status() != http.StatusOK || owner.Text("main h1") != o.laptop.Name {
		t.Fatalf("the owner: %d %q", owner.Status(), owner.Text("main h1"))
	}
	if st := emp.Navigate(srv.URL + "/a/" + o.laptop.Code); st != http.StatusNotFound {
		t.Fatalf("the colleague: %d, want 404", st)
	}
	if got, want := emp.Text("main h1"), ru.T("device.page_missing_title"); got != want {
		t.Errorf("the colleague's page: %q, want %q", got, want)
	}
	emp.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", emp.Screenshot("device-missing-phone"))

	// An admin adds a device from the list and prints labels.
	admin := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
	admin.Navigate(srv.URL + "/login?next=/assets")
	browserLogin(t, admin, "admin@office.example")
	if urlPath(t, admin.URL()) != "/assets" {
		t.Fatalf("the admin landed on %s", admin.URL())
	}
	admin.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", admin.Screenshot("list-phone"))
	if st := admin.ClickAndWait(`a[href="/assets/new"]`); st != http.StatusOK {
		t.Fatalf("Add: %d", st)
	}
	admin.SetValue("#name", "Ноутбук для гостей")
	admin.SetValue("#service_type_id", fmt.Sprint(o.laptopType.ID))
	admin.SetValue("#inventory_number", "NB-0099")
	admin.SetValue("#building", "Корпус Б")
	admin.SetValue("#floor", "1 этаж")
	admin.SetValue("#room", "Ресепшн")
	admin.SetValue("#instructions", "Пароль Wi-Fi у администратора ресепшн.")
	admin.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", admin.Screenshot("new-phone"))
	if st := admin.ClickAndWait(`form.asset-form button[type=submit]`); st != http.StatusOK {
		t.Fatalf("save: %d: %s", st, admin.Text("main"))
	}
	if !strings.HasSuffix(urlPath(t, admin.URL()), "/edit") || admin.Text("main h1") != "Ноутбук для гостей" {
		t.Fatalf("after save: %s %q", admin.URL(), admin.Text("main h1"))
	}
	admin.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", admin.Screenshot("edit-phone"))

	admin.Navigate(srv.URL + "/assets?q=ноутбук")
	if got := admin.Texts(".table.assets tbody tr"); len(got) != 2 {
		t.Fatalf("the search found %d rows", len(got))
	}
	browser.Eval[bool](admin, `(document.querySelectorAll("input.pick").forEach(c => c.click()), true)`)
	// The form's own address, fetched as the browser would on "print".
	got := browser.Eval[string](admin, `(() => {
		const f = document.getElementById("labels-form");
		const u = f.action + "?" + new URLSearchParams(new FormData(f)).toString();
		const x = new XMLHttpRequest(); x.open("GET", u, false); x.send();
		return x.status + " " + x.getResponseHeader("Content-Type") + " " + u;
	})()`)
	if !strings.HasPrefix(got, "200 application/pdf ") || strings.Count(got, "ids=") != 2 {
		t.Fatalf("print the selected labels: %s", got)
	}
}

// TestBrowserDevicePagesScreenshots takes the desktop screenshots of the same
// pages, in the demo office (its starter catalogue and devices) plus ours.
func TestBrowserDevicePagesScreenshots(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	o := newBrowserOffice(t, srv)
	// A full-page screenshot of the demo's catalogue takes a while on a busy machine.
	b := browser.New(t, browser.Desktop, browser.AcceptLanguage("ru"), browser.Timeout(60*time.Second))
	b.Navigate(srv.URL + "/login?next=/a/" + o.printer.Code)
	browserLogin(t, b, "admin@office.example")
	for _, p := range []struct{ name, path string }{
		{"device-desktop", "/a/" + o.printer.Code},
		{"list-desktop", "/assets"},
		{"new-desktop", "/assets/new"},
		{"edit-desktop", fmt.Sprintf("/assets/%d/edit", o.printer.ID)},
		{"catalogue-desktop", "/catalogue"},
		{"offers-desktop", fmt.Sprintf("/catalogue/types/%d", o.printer.TypeID)},
	} {
		if st := b.Navigate(srv.URL + p.path); st != http.StatusOK {
			t.Fatalf("%s: %d", p.path, st)
		}
		if errs := b.ConsoleErrors(); len(errs) > 0 {
			t.Errorf("%s reported errors: %q", p.path, errs)
		}
		b.CheckNoHorizontalScroll()
		t.Logf("screenshot: %s", b.Screenshot(p.name))
	}
}
