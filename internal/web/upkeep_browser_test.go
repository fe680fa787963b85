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

// TestBrowserUpkeepPlan: the head of facilities, at phone width (and desktop),
// creates a plan descaling the kettles weekly on Mondays without any script of
// ours, files it now, and finds its first ticket in the journal's upkeep filter
// with the upkeep badge and a link back to the plan; the kettle's page shows
// the upkeep box.
func TestBrowserUpkeepPlan(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			b := browser.New(t, vp, browser.Timeout(time.Minute))
			shot := func(name string) {
				t.Helper()
				b.CheckNoHorizontalScroll()
				if errs := b.ConsoleErrors(); len(errs) > 0 {
					t.Errorf("%s: the page reported errors: %q", name, errs)
				}
				t.Logf("screenshot: %s", b.Screenshot(name+"-"+vp.Name))
			}
			b.Navigate(srv.URL + "/login")
			b.SetValue("#email", "sergey.volkov@demo.office")
			b.SetValue("#password", demo.Password)
			if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("login: %d", st)
			}
			if _, ok := b.Attribute(`nav.account a[href="/upkeep"]`, "href"); !ok {
				t.Fatal("no upkeep link in the header for a head")
			}
			if st := b.Navigate(srv.URL + "/upkeep"); st != http.StatusOK {
				t.Fatalf("/upkeep: %d", st)
			}
			if st := b.ClickAndWait(`a[href="/upkeep/new"]`); st != http.StatusOK {
				t.Fatalf("new plan: %d", st)
			}
			name := "Kettles " + vp.Name
			b.SetValue("#name", name)
			pick := func(sel, pattern string) {
				t.Helper()
				if !browser.Eval[bool](b, `(() => { const s = document.querySelector('`+sel+`');
					const o = [...s.options].find(o => /`+pattern+`/.test(o.text)); if (!o) return false; s.value = o.value; return true })()`) {
					t.Fatalf("no %s option in %s", pattern, sel)
				}
			}
			pick("#type_id", "Kettle|Чайник")
			pick("#problem_type_id", "descaling|накип")
			b.Click(`input[name="wd_mon"]`)
			b.SetValue("#note", "Citric acid, rinse twice")
			shot("upkeep-form")
			if st := b.ClickAndWait(`form[action="/upkeep"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("save: %d (%s)", st, b.Text("main"))
			}
			if !strings.Contains(b.URL(), "/upkeep/") {
				t.Fatalf("after saving: %s: %s", b.URL(), b.Text("main"))
			}
			if st := b.ClickAndWait(`form[action$="/run"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("file now: %d", st)
			}
			// The viewports run one after the other on one office: the second plan
			// finds the first one's ticket still open and skips the kettle.
			want := "filed=1&skipped=0"
			if vp != browser.Viewports[0] {
				want = "filed=0&skipped=1"
			}
			if !strings.Contains(b.URL(), want) {
				t.Fatalf("file now filed: %s: %s", b.URL(), b.Text("main"))
			}
			shot("upkeep-plan")
			if st := b.Navigate(srv.URL + "/tickets?upkeep=1"); st != http.StatusOK {
				t.Fatalf("journal: %d", st)
			}
			if len(b.Texts(".journal-table .upkeep-mark")) == 0 {
				t.Fatalf("no upkeep ticket in the journal's filter: %s", b.Text("main"))
			}
			if st := b.ClickAndWait(`.journal-table tbody tr:first-child th a`); st != http.StatusOK {
				t.Fatalf("open the ticket: %d", st)
			}
			if b.Text(".ticket-meta .upkeep-mark") == "" {
				t.Fatal("the ticket page does not say it is upkeep")
			}
			if _, ok := b.Attribute(`.ticket-meta a[href^="/upkeep/"]`, "href"); !ok {
				t.Fatal("no link from the ticket to its plan")
			}
			shot("upkeep-ticket")
			if st := b.ClickAndWait(`.device-where a`); st != http.StatusOK {
				t.Fatalf("device page: %d", st)
			}
			if !strings.Contains(b.Text(".upkeep-box"), "Kettles "+browser.Viewports[0].Name) {
				t.Fatalf("the device page's upkeep box: %q", b.Text(".upkeep-box"))
			}
			shot("upkeep-device")
		})
	}
}
