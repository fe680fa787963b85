package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// TestBrowserNewStaffPagesFitAPhone re-checks issue 13's "fits 360 px" on what
// came after it: the upkeep plans and their form, the service levels, the
// journal with its filters (upkeep and service-level ones among them) unfolded,
// each light and dark, checked with axe (Navigate, CheckAxe) and for sideways
// scrolling. Heights are logged:
//
//	go test -count=1 -v -run TestBrowserNewStaffPagesFitAPhone ./internal/web/ | grep height
func TestBrowserNewStaffPagesFitAPhone(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"), browser.Timeout(90*time.Second))
	b.Navigate(srv.URL + "/login")
	b.SetValue("#email", "elena.morozova@demo.office")
	b.SetValue("#password", demo.Password)
	if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	paths := []string{"/upkeep", "/upkeep/new", "/admin/service-levels", "/tickets", "/catalogue", "/admin/departments"}
	// A plan's own page, with its pause, run and delete, when the demo has one.
	var plan int64
	if err := srv.App.DB.R.QueryRow("SELECT COALESCE(MIN(id), 0) FROM upkeep_plans").Scan(&plan); err != nil {
		t.Fatal(err)
	}
	if plan != 0 {
		paths = append(paths, fmt.Sprintf("/upkeep/%d", plan))
	}
	for _, path := range paths {
		for _, dark := range []bool{false, true} {
			b.SetDarkMode(dark)
			if st := b.Navigate(srv.URL + path); st != http.StatusOK {
				t.Fatalf("%s: %d", path, st)
			}
			// Every folded part (the journal's filters, edit forms) open, as a person may leave them.
			browser.Eval[int](b, `document.querySelectorAll("details").forEach(d => d.open = true), 0`)
			b.CheckAxe()
			h := browser.Eval[int](b, `document.documentElement.scrollHeight`)
			t.Logf("%s at 360 px (dark %v): height %d px", path, dark, h)
			b.CheckNoHorizontalScroll()
			if !dark {
				t.Logf("screenshot: %s", b.Screenshot("phone"+strings.ReplaceAll(path, "/", "-")))
			}
		}
	}
}
