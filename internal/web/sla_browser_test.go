package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// TestBrowserServiceLevels: the demo office's admin opens the service-levels page
// at phone and desktop width, is refused a nonsense target with a message on the
// field, saves a good one, and reads the journal of breached tickets, each with
// its state in words. Screenshots: SMARTSERVICE_TEST_ARTIFACTS=/tmp/sla-shots
// go test -count=1 -run TestBrowserServiceLevels ./internal/web/
func TestBrowserServiceLevels(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	if _, err := demo.History(context.Background(), srv.App.DB, demo.HistoryOptions{Location: srv.App.Config.Location, Seed: 2, Days: 30}); err != nil {
		t.Fatal(err)
	}
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			b := browser.New(t, vp, browser.Timeout(time.Minute))
			shot := func(name string) {
				t.Helper()
				b.CheckNoHorizontalScroll()
				if errs := b.ConsoleErrors(); len(errs) > 0 && name != "sla-refused" { // the 422 is the point there
					t.Errorf("%s: the page reported errors: %q", name, errs)
				}
				t.Logf("screenshot: %s", b.Screenshot(name+"-"+vp.Name))
			}
			b.Navigate(srv.URL + "/login")
			b.SetValue("#email", "elena.morozova@demo.office")
			b.SetValue("#password", demo.Password)
			if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("login: %d", st)
			}
			if st := b.Navigate(srv.URL + "/admin/service-levels"); st != http.StatusOK {
				t.Fatalf("service levels: %d", st)
			}
			if v, _ := b.Attribute(`input[name="monday_opens"]`, "value"); v != "09:00" {
				t.Errorf("Monday opens at %q, want the demo's 09:00", v)
			}
			shot("sla-admin")
			if vp.Name == "desktop" {
				// The refusal and the save, once (the phone page is long: forty
				// problem types).
				form := `form.sla-target:first-of-type`
				b.SetValue(form+` input[name="take"]`, "0")
				if st := b.ClickAndWait(form + ` button[type=submit]`); st != http.StatusUnprocessableEntity {
					t.Fatalf("a zero target: %d, want 422", st)
				}
				if msg := b.Text(`.sla-target .field-error`); !strings.Contains(msg, "minute") && !strings.Contains(msg, "минуты") {
					t.Errorf("the refusal says %q", msg)
				}
				shot("sla-refused")
				b.SetValue(form+` input[name="take"]`, "45m")
				if st := b.ClickAndWait(form + ` button[type=submit]`); st != http.StatusOK {
					t.Fatalf("a good target: %d", st)
				}
				if n := b.Text(`.alert.ok`); n == "" {
					t.Errorf("no notice after saving")
				}
			}
			if st := b.Navigate(srv.URL + "/tickets?sla=breached&status=done"); st != http.StatusOK {
				t.Fatalf("journal: %d", st)
			}
			chips := b.Texts(`.sla-breached`)
			if len(chips) == 0 || chips[0] != "Breached" && chips[0] != "Просрочена" {
				t.Errorf("breached chips: %q", chips)
			}
			shot("sla-journal")
			if st := b.ClickAndWait(`table a[href^="/tickets/"]`); st != http.StatusOK {
				t.Fatalf("a breached ticket: %d", st)
			}
			if len(b.Texts(`.facts .sla-breached`)) != 1 {
				t.Errorf("the ticket page does not say breached")
			}
			shot("sla-ticket")
		})
	}
}
