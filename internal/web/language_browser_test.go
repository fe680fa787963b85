package web_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// TestBrowserLanguageSwitchKeepsTheForm is issue 13's item 9 at 360×740: on a
// form refused for its input (a comment over 2,000 characters, an address that is
// not one), switching the language comes back to the same form in the other
// language with what was typed still there, and sends nothing.
func TestBrowserLanguageSwitchKeepsTheForm(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	cat := browserCatalog(t)
	var code string
	if err := srv.App.DB.R.QueryRow("SELECT code FROM assets WHERE owner_id IS NULL AND archived = $1 ORDER BY id LIMIT 1", false).Scan(&code); err != nil {
		t.Fatal(err)
	}
	tickets := func() (n int) {
		t.Helper()
		if err := srv.App.DB.R.QueryRow("SELECT COUNT(*) FROM tickets").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	lang := func(b *browser.Browser) string { v, _ := b.Attribute("html", "lang"); return v }
	english := `header form.langs button[value="en"]`

	t.Run("filing", func(t *testing.T) {
		b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
		b.Navigate(srv.URL + "/login?next=/a/" + code)
		b.SetValue("#email", "anna.petrova@demo.office")
		b.SetValue("#password", demo.Password)
		if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("login: %d", st)
		}
		if st := b.ClickAndWait("ul.problems li:first-child a.problem"); st != http.StatusOK {
			t.Fatalf("open the form: %d", st)
		}
		formURL := b.URL()
		before := tickets()
		long := strings.Repeat("Бумага застряла. ", 125) // 2,125 characters
		b.SetValue("#comment", long)
		if st := b.ClickAndWait(".filing-form button[type=submit]"); st != http.StatusUnprocessableEntity {
			t.Fatalf("a comment over 2,000 characters: status %d, want 422", st)
		}
		if b.Text("#comment-err") == "" {
			t.Fatal("the refused form shows no error at the comment")
		}
		// What is typed after the refusal is what the switch keeps.
		typed := long[:len("Бумага застряла. ")*100] + "И горит красная лампа."
		b.SetValue("#comment", typed)
		if st := b.ClickAndWait(english); st != http.StatusOK {
			t.Fatalf("the switch: status %d", st)
		}
		if got := b.URL(); got != formURL {
			t.Errorf("after the switch the browser is at %s, want the form at %s", got, formURL)
		}
		if got := lang(b); got != "en" {
			t.Errorf("after the switch the page is in %q", got)
		}
		if got := browser.Eval[string](b, `document.querySelector("#comment").value`); got != typed {
			t.Errorf("after the switch the comment holds %d characters %q…, want what was typed", len([]rune(got)), got[:min(len(got), 40)])
		}
		if got, want := b.Text(".filing-form button[type=submit]"), cat.For("en").T("filing.send"); got != want {
			t.Errorf("the form's button reads %q, want %q", got, want)
		}
		if n := tickets(); n != before {
			t.Errorf("the switch filed a ticket: %d tickets, were %d", n, before)
		}
		b.CheckNoHorizontalScroll()
		t.Logf("screenshot: %s", b.Screenshot("filing-after-switch"))
		// The kept form is used once: the same page again starts empty.
		b.Navigate(formURL)
		if got := browser.Eval[string](b, `document.querySelector("#comment").value`); got != "" {
			t.Errorf("the draft came back twice: %q", got)
		}
	})

	t.Run("rules", func(t *testing.T) {
		// The demo's rules page is long: axe and the answers take a while on a busy machine.
		b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"), browser.Timeout(60*time.Second))
		b.Navigate(srv.URL + "/login?next=/rules")
		b.SetValue("#email", "elena.morozova@demo.office")
		b.SetValue("#password", demo.Password)
		if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
			t.Fatalf("login: %d", st)
		}
		class := browser.Eval[string](b, `document.querySelector("#rule-new-class option:nth-child(3)").value`)
		b.SetValue("#rule-new-class", class)
		if st := b.ClickAndWait(`#rule-new-form button[type=submit]`); st != http.StatusUnprocessableEntity {
			t.Fatalf("a rule without a department: status %d, want 422", st)
		}
		if st := b.ClickAndWait(english); st != http.StatusOK {
			t.Fatalf("the switch: status %d", st)
		}
		if got := urlPath(t, b.URL()); got != "/rules" || lang(b) != "en" {
			t.Errorf("after the switch: %s in %q", got, lang(b))
		}
		if got := browser.Eval[string](b, `document.querySelector("#rule-new-class").value`); got != class {
			t.Errorf("after the switch the new rule's class is %q, want %q", got, class)
		}
	})

	t.Run("registration", func(t *testing.T) {
		b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
		b.Navigate(srv.URL + "/register?next=/a/" + code)
		b.SetValue("#email", "anna at demo office")
		if st := b.ClickAndWait(`form[action="/register"] button[type=submit]`); st != http.StatusUnprocessableEntity {
			t.Fatalf("a malformed address: status %d, want 422", st)
		}
		if st := b.ClickAndWait(english); st != http.StatusOK {
			t.Fatalf("the switch: status %d", st)
		}
		if got := urlPath(t, b.URL()); got != "/register" {
			t.Errorf("after the switch the browser is at %s", got)
		}
		if got := lang(b); got != "en" {
			t.Errorf("after the switch the page is in %q", got)
		}
		if got := browser.Eval[string](b, `document.querySelector("#email").value`); got != "anna at demo office" {
			t.Errorf("after the switch the address reads %q", got)
		}
		if got := browser.Eval[string](b, `document.querySelector('#register-form input[name="next"]').value`); got != "/a/"+code {
			t.Errorf("after the switch the form leads to %q, want /a/%s", got, code)
		}
	})
}
