package web_test

import (
	"net/http"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// TestBrowserStaffPagesAtPhoneWidth is issue 13's "a staff view that fits a
// phone": at 360×740 the administrator of the demo office opens the journal, the
// devices, the import page and the rules: none scrolls sideways (scrollWidth), the
// header is one row with the current page marked. The pages' heights are logged
// (screenshots in the artifacts directory) to compare before and after:
//
//	go test -count=1 -v -run TestBrowserStaffPagesAtPhoneWidth ./internal/web/ | grep height
func TestBrowserStaffPagesAtPhoneWidth(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	// A full-page screenshot of a long list takes a while on a busy machine.
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"), browser.Timeout(90*time.Second))
	b.Navigate(srv.URL + "/login")
	b.SetValue("#email", "elena.morozova@demo.office")
	b.SetValue("#password", demo.Password)
	if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	type metrics struct {
		ScrollWidth  int `json:"scrollWidth"`
		ScrollHeight int `json:"scrollHeight"`
		Header       int `json:"header"`
	}
	for _, p := range []struct{ name, path, current string }{
		{"journal", "/tickets", "/tickets"},
		{"assets", "/assets", "/assets"},
		{"import", "/assets/import", "/assets"},
		{"rules", "/rules", "/rules"},
	} {
		if st := b.Navigate(srv.URL + p.path); st != http.StatusOK {
			t.Fatalf("%s: %d", p.path, st)
		}
		m := browser.Eval[metrics](b, `({scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight,
			header: Math.round(document.querySelector("header.top").getBoundingClientRect().height)})`)
		t.Logf("%s at 360 px: height %d px, scrollWidth %d px, header %d px", p.path, m.ScrollHeight, m.ScrollWidth, m.Header)
		if m.ScrollWidth > 360 {
			t.Errorf("%s is %d px wide at 360", p.path, m.ScrollWidth)
		}
		b.CheckNoHorizontalScroll()
		t.Logf("screenshot: %s", b.Screenshot("phone-"+p.name))
		if m.Header > 72 {
			t.Errorf("%s: the header is %d px tall: more than one row", p.path, m.Header)
		}
		if got := browser.Eval[string](b, `document.querySelector('header.top a[aria-current="page"]')?.getAttribute("href") ?? ""`); got != p.current {
			t.Errorf("%s: the header marks %q as the current page, want %q", p.path, got, p.current)
		}
		// The menu unfolds under the row, the current section marked in it too.
		openMenu(b)
		b.WaitVisible(`header nav.account a[aria-current="page"]`)
		b.CheckNoHorizontalScroll()
		if errs := b.ConsoleErrors(); len(errs) > 0 {
			t.Errorf("%s reported errors: %q", p.path, errs)
		}
		if p.name == "journal" {
			t.Logf("screenshot: %s", b.Screenshot("phone-"+p.name+"-menu"))
		}
	}
}

// openMenu unfolds the header's menu when the page shows it folded (a phone).
func openMenu(b *browser.Browser) {
	folded := browser.Eval[bool](b, `(() => { const m = document.querySelector("label.menu-button"), c = document.querySelector("#menu-toggle");
		return !!m && getComputedStyle(m).display !== "none" && !c.checked; })()`)
	if folded {
		b.Click("label.menu-button")
		b.WaitVisible(`header nav.account form[action="/logout"] button`)
	}
}

// browserLogout logs out with the header's button, through the menu on a phone.
func browserLogout(t *testing.T, b *browser.Browser) {
	t.Helper()
	openMenu(b)
	if st := b.ClickAndWait(`form[action="/logout"] button`); st != http.StatusOK {
		t.Fatalf("log out: %d", st)
	}
}
