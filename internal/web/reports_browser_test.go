package web_test

import (
	"context"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// TestBrowserReport: a head of the demo office (90 days of history) opens the
// report from the home page at phone and desktop width, switches to last month
// and to one department, and reads the chart and its table; the page fits the
// screen without horizontal scrolling. The screenshots are the closing
// pictures; to make them again:
//
//	SMARTSERVICE_TEST_ARTIFACTS=/tmp/report-shots go test -count=1 -run TestBrowserReport ./internal/web/
//
// SMARTSERVICE_TEST_REPORT_DIALECT=postgres runs it on PostgreSQL instead of SQLite.
func TestBrowserReport(t *testing.T) {
	t.Parallel()
	dialect := db.SQLite
	if os.Getenv("SMARTSERVICE_TEST_REPORT_DIALECT") == "postgres" {
		dialect = db.Postgres
	}
	srv := testserver.Start(t, testserver.Options{Dialect: dialect, Demo: true})
	if _, err := demo.History(context.Background(), srv.App.DB, demo.HistoryOptions{Location: srv.App.Config.Location, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			// Full-page screenshots of a long page at 2× take a while on a busy machine.
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
			if st := b.ClickAndWait(`section[aria-labelledby="reports-title"] a[href="/reports"]`); st != http.StatusOK {
				t.Fatalf("open the report from home: %d", st)
			}
			if n := browser.Eval[int](b, `document.querySelectorAll('.chart rect').length`); n == 0 {
				t.Errorf("the week's chart has no bars")
			}
			shot("report-week")
			// Last month: every day of it in the table, the figures beside the month before.
			if st := b.ClickAndWait(`.report-presets a:nth-child(4)`); st != http.StatusOK {
				t.Fatalf("last month: %d", st)
			}
			rows := b.Texts(".day-table tbody tr")
			if len(rows) < 28 || len(rows) > 31 {
				t.Errorf("last month's table has %d days", len(rows))
			}
			if title := browser.Eval[string](b, `document.querySelector('.chart title').textContent`); !strings.Contains(title, "–") {
				t.Errorf("the chart's title is %q", title)
			}
			shot("report-last-month")
			// One department, kept in the URL with the period.
			if !browser.Eval[bool](b, `(() => { const s = document.querySelector('#r-dep'); s.selectedIndex = 1; return s.value !== ''; })()`) {
				t.Fatal("no department to choose")
			}
			if st := b.ClickAndWait(`.report-filter button[type=submit]`); st != http.StatusOK {
				t.Fatalf("one department: %d", st)
			}
			if u := b.URL(); !strings.Contains(u, "department_id=") || !strings.Contains(u, "from=") {
				t.Errorf("the query is not in the URL: %s", u)
			}
			if len(b.Texts(".breakdown table")) < 4 {
				t.Errorf("the breakdowns are missing")
			}
			shot("report-department")
		})
	}
}
