package web_test

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
)

// TestBrowserAccountPages logs an administrator in through the login form at a
// phone and a desktop width, walks the profile and the admin pages, and saves a
// screenshot of each; none may scroll sideways or report an error.
func TestBrowserAccountPages(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	ru, en := cat.For("ru"), cat.For("en")
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	ctx := context.Background()
	if _, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: "xss@demo.office", FullName: "<script>alert(1)</script> Ева",
		Roles: []users.Role{users.RoleEmployee}, Password: acctPassword}); err != nil {
		t.Fatal(err)
	}
	sergey, err := srv.App.Accounts.UserByEmail(ctx, "sergey.volkov@demo.office")
	if err != nil {
		t.Fatal(err)
	}
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			// One administrator per viewport, with a long name for the header to cope with.
			email := "admin-" + vp.Name + "@demo.office"
			if _, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Александра Константинопольская",
				Roles: []users.Role{users.RoleEmployee, users.RoleHead, users.RoleAdmin}, DepartmentCodes: []string{"office", "facilities"},
				Password: acctPassword, Position: "Руководитель административно-хозяйственного отдела", Language: "ru"}); err != nil {
				t.Fatal(err)
			}
			b := browser.New(t, vp, browser.AcceptLanguage(browserAcceptLanguage["ru"]))
			check := func(name, headingKey string, loc *i18n.Localizer) {
				t.Helper()
				if want, got := loc.T(headingKey), b.Text("main h1"); got != want {
					t.Errorf("%s: heading %q, want %q", name, got, want)
				}
				for _, e := range b.ConsoleErrors() {
					// A refusal page reports its own status; anything else is a fault.
					if !strings.Contains(e, fmt.Sprintf("status of %d", b.Status())) {
						t.Errorf("%s: the page reported an error: %s", name, e)
					}
				}
				b.CheckNoHorizontalScroll()
				t.Logf("screenshot: %s", b.Screenshot(name))
			}

			b.Navigate(srv.URL + "/profile")
			if p := urlPath(t, b.URL()); p != "/login" {
				t.Fatalf("logged out, /profile went to %s", b.URL())
			}
			b.SetValue("#email", email)
			b.SetValue("#password", acctPassword)
			if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK || urlPath(t, b.URL()) != "/profile" {
				t.Fatalf("after login: %d at %s", st, b.URL())
			}
			if href, ok := b.Attribute(`header a[href="/admin/users"]`, "href"); !ok || href != "/admin/users" {
				t.Error("the header has no admin link for an administrator")
			}
			check("profile", "profile.title", ru)

			b.SetValue("#token-name", "Скрипт отчётов")
			if st := b.ClickAndWait(`form[action="/profile/tokens"] button[type=submit]`); st != http.StatusCreated {
				t.Fatalf("create a token: status %d", st)
			}
			if secret := b.Text("#new-token"); !strings.HasPrefix(secret, users.TokenPrefix) {
				t.Fatalf("the new token shown is %q", secret)
			}
			check("profile-new-token", "profile.title", ru)
			b.ClickAndWait(`form[action$="/revoke"] button[type=submit]`)
			if got, want := b.Text(`main p[role="status"]`), ru.T("profile.token_revoked_notice"); got != want {
				t.Errorf("after revoking: notice %q, want %q", got, want)
			}
			if strings.Contains(b.Text("main"), users.TokenPrefix) {
				t.Error("the token's secret is shown again")
			}
			check("profile-token-revoked", "profile.title", ru)

			if st := b.Navigate(srv.URL + "/admin/users"); st != http.StatusOK {
				t.Fatalf("admin users: %d", st)
			}
			if got := b.Texts("table.table tbody th a"); !slices.Contains(got, "<script>alert(1)</script> Ева") {
				t.Errorf("the list should show the name as text: %q", got)
			}
			check("admin-users", "admin.users.title", ru)

			b.ClickAndWait(fmt.Sprintf(`table.table tbody th a[href="/admin/users/%d"]`, sergey.ID))
			if want, got := "Сергей Волков", b.Text("main h1"); got != want {
				t.Errorf("user page heading %q, want %q", got, want)
			}
			b.CheckNoHorizontalScroll()
			t.Logf("screenshot: %s", b.Screenshot("admin-user"))

			b.Navigate(srv.URL + "/admin/departments")
			check("admin-departments", "admin.departments.title", ru)
			b.Click(`li.department details.edit summary`)
			b.WaitVisible(`li.department details.edit[open] button.danger`)
			b.ClickAndWait(`li.department details.edit[open] button.danger`)
			if st := b.Status(); st != http.StatusConflict {
				t.Errorf("deleting a department in use: %d, want 409", st)
			}
			if got, want := b.Text("li.department details.edit[open]"), ""; got == want {
				t.Error("the refused department's form should be open")
			}
			check("admin-departments-in-use", "admin.departments.title", ru)

			// The profile in English, switched with its own form.
			b.Navigate(srv.URL + "/profile")
			b.Click(`input[name="language"][value="en"]`)
			b.ClickAndWait(`form[action="/profile/language"] button[type=submit]`)
			if got, _ := b.Attribute("html", "lang"); got != "en" {
				t.Fatalf("after choosing English the page is in %q", got)
			}
			check("profile-en", "profile.title", en)
			b.Navigate(srv.URL + "/admin/users?role=executor")
			check("admin-users-en", "admin.users.title", en)
		})
	}
}

// TestBrowserSetup creates the first administrator through the setup page.
func TestBrowserSetup(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite})
	// A fresh secret replaces the one the server logged at start.
	secret, err := srv.App.Accounts.PrepareSetup(context.Background())
	if err != nil || secret == "" {
		t.Fatalf("setup secret: %v", err)
	}
	b := browser.New(t, browser.Phone, browser.AcceptLanguage(browserAcceptLanguage["en"]))
	if st := b.Navigate(srv.URL + "/setup"); st != http.StatusOK {
		t.Fatalf("setup page: %d", st)
	}
	checkPageLanguage(t, b, cat, "en", "setup.title")
	b.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", b.Screenshot("setup"))
	b.SetValue("#secret", "wrong")
	b.SetValue("#email", "first@office.example")
	b.SetValue("#full_name", "First Admin")
	b.SetValue("#password", acctPassword)
	if st := b.ClickAndWait(`form[action="/setup"] button[type=submit]`); st != http.StatusUnprocessableEntity {
		t.Fatalf("wrong secret: %d", st)
	}
	if got, want := b.Text("#secret-err"), cat.For("en").T("setup.secret_wrong"); got != want {
		t.Errorf("secret error %q, want %q", got, want)
	}
	t.Logf("screenshot: %s", b.Screenshot("setup-wrong-secret"))
	b.SetValue("#secret", secret)
	b.SetValue("#password", acctPassword)
	b.ClickAndWait(`form[action="/setup"] button[type=submit]`)
	if p := urlPath(t, b.URL()); p != "/" {
		t.Fatalf("after setup: at %s", b.URL())
	}
	if got := b.Text("header .who"); got != "First Admin" {
		t.Errorf("the header names %q", got)
	}
	if st := b.Navigate(srv.URL + "/setup"); st != http.StatusNotFound {
		t.Errorf("setup after: %d, want 404", st)
	}
}
