package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// TestKeptDevicePageIsThePage: a device page written from its kept skeleton and
// parts (device_page.go, device_parts.go) is byte for byte the page html/template
// executes in full, for every kind of viewer in both languages and with every
// section shown or not: an employee with nothing reported, a colleague offered
// "me too", the reporter who follows, the executor with the history, the
// administrator with the facts and the upkeep link; a personal and a retired
// device.
func TestKeptDevicePageIsThePage(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			ctx := context.Background()
			w := o.srv.App.Web
			t.Cleanup(func() { web.SetKeptDevicePages(w, true) })
			mine, err := o.srv.App.Assets.CreateAsset(ctx, o.admin, assets.AssetInput{Name: "Emil's <laptop>", TypeID: o.printerType.ID,
				OwnerID: o.emp.ID, Instructions: "Charger: https://wiki.office.example/chargers"})
			if err != nil {
				t.Fatal(err)
			}
			cookies := map[string]string{}
			for _, email := range []string{"admin@office.example", "emp@office.example", "emp2@office.example", "ivan@office.example"} {
				cookies[email] = sessionOf(t, o.login(t, email))
			}
			// compare fetches every page each viewer may see both ways; the kept
			// way twice, so that the second comes from what the first kept.
			compare := func(what string, want string) {
				t.Helper()
				shown := false
				for email, cookie := range cookies {
					for _, code := range []string{o.printer.Code, o.old.Code, mine.Code} {
						// ?from=list: no scan is counted, so the admin's facts stay.
						page := "/a/" + code + "?from=list"
						web.SetKeptDevicePages(w, false)
						st, full := sessionGet(t, o.srv.URL, page, cookie)
						if st == http.StatusNotFound {
							continue // someone else's device
						}
						web.SetKeptDevicePages(w, true)
						for range 2 {
							_, kept := sessionGet(t, o.srv.URL, page, cookie)
							if kept != full {
								t.Errorf("%s: %s's page of %s kept differs from the one executed in full:\n%s", what, email, code, firstDifference(kept, full))
							}
						}
						shown = shown || strings.Contains(full, want)
					}
				}
				if !shown {
					t.Errorf("%s: no page shows %q", what, want)
				}
			}

			compare("nothing reported", `class="card device-admin"`)
			tk, err := o.srv.App.Tickets.File(ctx, o.emp, tickets.FileInput{AssetID: o.printer.ID, ProblemID: o.paper.ID, Comment: "<b>empty</b>"})
			if err != nil {
				t.Fatal(err)
			}
			compare("a ticket open", `/tickets/`+strconv.FormatInt(tk.ID, 10)+`/follow"`)
			compare("a ticket open", `class="history"`)
			for _, u := range []*users.User{o.emp, o.emp2, o.ivan} {
				if err := o.srv.App.Accounts.SetLanguage(ctx, u, "ru"); err != nil {
					t.Fatal(err)
				}
			}
			compare("in Russian", `lang="ru"`)
			if _, err := o.srv.App.Accounts.UpdateUser(ctx, o.admin, o.ivan.ID, users.UserPatch{Roles: &[]users.Role{users.RoleEmployee}}); err != nil {
				t.Fatal(err)
			}
			compare("the executor no longer one", `class="following"`)
		})
	}
}

// firstDifference shows where a and b part, with some context.
func firstDifference(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-80)
	return "kept: …" + a[from:min(len(a), i+80)] + "\nfull: …" + b[from:min(len(b), i+80)]
}
