package web_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// cyrillic finds a Russian letter: an error said in English has none.
var cyrillic = regexp.MustCompile(`\p{Cyrillic}`)

// refusedForm is one form refused for its input: the page that shows it, what is
// typed into it (selector → value), and its submit button.
type refusedForm struct {
	page   string
	typed  [][2]string
	submit string
}

// TestBrowserLanguageSwitchKeepsEveryForm is issue 13's item 9 for the admin and
// head forms at 360×740 (catalogue, device, upkeep plan, service levels): a form
// refused in Russian, the switch to English, and the browser is back on the same
// page with what was typed still there and every refusal said again, in English.
func TestBrowserLanguageSwitchKeepsEveryForm(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	var problemID string
	if err := srv.App.DB.R.QueryRow("SELECT CAST(MIN(id) AS TEXT) FROM problem_types").Scan(&problemID); err != nil {
		t.Fatal(err)
	}
	cases := map[string]refusedForm{
		// A class's name is at most 100 characters.
		"catalogue": {"/catalogue", [][2]string{{"#new-classes-name_ru", "Кулеры и пурифайеры"}, {"#new-classes-name_en", strings.Repeat("Water coolers ", 9)}},
			"#cat-classes-new-form button[type=submit]"},
		// A device needs a name and a service type.
		"device": {"/assets/new", [][2]string{{"#inventory_number", "INV-777"}, {"#room", "Переговорная 512"}}, "#asset-form button[type=submit]"},
		// A plan for a service type needs the type and the problem.
		"upkeep": {"/upkeep/new", [][2]string{{"#name", "Проверка огнетушителей"}, {"#note", "Проверить пломбу и давление"}}, "#upkeep-form button[type=submit]"},
		// A target is a duration.
		"service levels": {"/admin/service-levels", [][2]string{{"#problem-" + problemID + "-take", "полчаса"}}, "#problem-" + problemID + " button[type=submit]"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"), browser.Timeout(60*time.Second))
			b.Navigate(srv.URL + "/login?next=" + c.page)
			b.SetValue("#email", "elena.morozova@demo.office")
			b.SetValue("#password", demo.Password)
			if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("login: %d", st)
			}
			// The account keeps the language last switched to (by the case before).
			if st := b.ClickAndWait(`header form.langs button[value="ru"]`); st != http.StatusOK {
				t.Fatalf("the switch to Russian: %d", st)
			}
			checkSwitchKeeps(t, b, c)
		})
	}
}

// checkSwitchKeeps types c into its form, sends it, expects the refusal, then
// switches to English and checks the form, its values and its messages.
func checkSwitchKeeps(t *testing.T, b *browser.Browser, c refusedForm) {
	t.Helper()
	for _, tv := range c.typed {
		b.SetValue(tv[0], tv[1])
	}
	if st := b.ClickAndWait(c.submit); st != http.StatusUnprocessableEntity {
		t.Fatalf("the refused form: status %d, want 422", st)
	}
	const said = ".field-error, [role=alert]:not(.ok)"
	before := b.Texts(said)
	if len(before) == 0 {
		t.Fatal("the refused form shows no error")
	}
	for _, m := range before {
		if !cyrillic.MatchString(m) {
			t.Errorf("before the switch an error reads %q, not in Russian", m)
		}
	}
	if st := b.ClickAndWait(`header form.langs button[value="en"]`); st != http.StatusOK {
		t.Fatalf("the switch: status %d", st)
	}
	if got := urlPath(t, b.URL()); got != c.page {
		t.Errorf("after the switch the browser is at %s, want %s", got, c.page)
	}
	if lang, _ := b.Attribute("html", "lang"); lang != "en" {
		t.Errorf("after the switch the page is in %q", lang)
	}
	for _, tv := range c.typed {
		if got := browser.Eval[string](b, `document.querySelector("`+tv[0]+`").value`); got != tv[1] {
			t.Errorf("after the switch %s holds %q, want %q", tv[0], got, tv[1])
		}
	}
	after := b.Texts(said)
	if len(after) != len(before) {
		t.Errorf("after the switch the form says %q, before %q", after, before)
	}
	for _, m := range after {
		if m == "" || cyrillic.MatchString(m) {
			t.Errorf("after the switch an error reads %q, not in English", m)
		}
	}
	b.CheckNoHorizontalScroll()
}
