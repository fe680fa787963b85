package web_test

import (
	"context"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
)

// TestAdminAuditPage: a change made through the pages is on /admin/audit with the
// client's address, the filters narrow it, the CSV carries it, and only an
// administrator may open either (both databases).
func TestAdminAuditPage(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			srv := testserver.Start(t, testserver.Options{Dialect: dialect})
			ctx := context.Background()
			for _, in := range []users.CreateInput{
				{Email: "boss@example.com", FullName: "Boss", Roles: []users.Role{users.RoleEmployee, users.RoleAdmin}, Password: acctPassword, Language: "en"},
				{Email: "emp@example.com", FullName: "Emp", Roles: []users.Role{users.RoleEmployee}, Password: acctPassword, Language: "en"},
			} {
				if _, err := srv.App.Accounts.CreateUser(ctx, in); err != nil {
					t.Fatal(err)
				}
			}
			login := func(email string) *loginClient {
				c := newLoginClient(t, srv.URL)
				if res := c.post(t, "/login", url.Values{"email": {email}, "password": {acctPassword}}); res.StatusCode != http.StatusSeeOther {
					t.Fatalf("login %s: %d", email, res.StatusCode)
				}
				return c
			}
			boss := login("boss@example.com")
			if res := boss.post(t, "/admin/departments", url.Values{"code": {"plumbing"}, "name_en": {"Plumbing"}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("create a department: %d", res.StatusCode)
			}
			res, page := boss.get(t, "/admin/audit")
			if res.StatusCode != 200 || !strings.Contains(page, "department plumbing") || !strings.Contains(page, "127.0.0.1") ||
				!strings.Contains(page, "boss@example.com") || !strings.Contains(page, "Department created") {
				t.Fatalf("the audit page does not show the change: %d\n%s", res.StatusCode, page)
			}
			if _, page := boss.get(t, "/admin/audit?kind=rule."); strings.Contains(page, "department plumbing") {
				t.Error("the rules filter shows a department change")
			}
			if _, page := boss.get(t, "/admin/audit?to=2000-01-01"); strings.Contains(page, "department plumbing") {
				t.Error("a period before the change shows it")
			}
			res, csv := boss.get(t, "/admin/audit/export.csv?kind=department.")
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(csv, "department.created") {
				t.Fatalf("CSV: %d %s\n%s", res.StatusCode, res.Header.Get("Content-Type"), csv)
			}
			emp := login("emp@example.com")
			for _, p := range []string{"/admin/audit", "/admin/audit/export.csv"} {
				if res, body := emp.get(t, p); res.StatusCode != http.StatusForbidden || strings.Contains(body, "plumbing") {
					t.Errorf("an employee at %s: %d", p, res.StatusCode)
				}
			}
		})
	}
}

// TestBrowserAdminAudit shows the audit page with a failed backup's alert at a
// phone's and a desktop's width: no sideways scrolling, no errors.
func TestBrowserAdminAudit(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	ctx := context.Background()
	if _, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: "audit-admin@demo.office", FullName: "Александра Константинопольская",
		Roles: []users.Role{users.RoleEmployee, users.RoleAdmin}, Password: acctPassword, Language: "ru"}); err != nil {
		t.Fatal(err)
	}
	admin, err := srv.App.Accounts.UserByEmail(ctx, "audit-admin@demo.office")
	if err != nil {
		t.Fatal(err)
	}
	ann, err := srv.App.Accounts.UserByEmail(ctx, "anna.petrova@demo.office")
	if err != nil {
		t.Fatal(err)
	}
	roles := []users.Role{users.RoleEmployee, users.RoleExecutor}
	all, err := srv.App.Users.ListDepartments(ctx)
	if err != nil || len(all) == 0 {
		t.Fatalf("demo departments: %v", err)
	}
	deps := []int64{all[0].ID}
	if _, err := srv.App.Accounts.UpdateUser(ctx, admin, ann.ID, users.UserPatch{Roles: &roles, DepartmentIDs: &deps}); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Scheduled(ctx, srv.App.DB, t.TempDir(), 3, time.Now().Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if _, err := backup.Scheduled(ctx, srv.App.DB, filepath.Join("/proc/self/status", "x"), 3, time.Now()); err == nil {
		t.Fatal("a backup under /proc succeeded")
	}
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			b := browser.New(t, vp, browser.AcceptLanguage("ru"))
			b.Navigate(srv.URL + "/login")
			b.SetValue("#email", "audit-admin@demo.office")
			b.SetValue("#password", acctPassword)
			b.ClickAndWait(`form[action="/login"] button[type=submit]`)
			if st := b.Navigate(srv.URL + "/admin/audit"); st != 200 {
				t.Fatalf("/admin/audit: %d", st)
			}
			if alert := b.Text(".alert"); !strings.Contains(alert, "не создана") {
				t.Errorf("no alert for the failed backup: %q", alert)
			}
			if rows := b.Texts("table.audit tbody tr"); len(rows) == 0 {
				t.Error("no entries shown")
			}
			for _, e := range b.ConsoleErrors() {
				t.Errorf("the page reported an error: %s", e)
			}
			b.CheckNoHorizontalScroll()
			// The four admin tabs wrap inside their bar: each is wholly on screen.
			if cut := browser.Eval[[]string](b, `Array.from(document.querySelectorAll("nav.tabs a"), a => [a, a.getBoundingClientRect()]).
				filter(([a, r]) => r.left < 0 || r.right > document.documentElement.clientWidth).map(([a]) => a.textContent)`); len(cut) > 0 {
				t.Errorf("admin tabs cut off at %s: %q", vp.Name, cut)
			}
			h := browser.Eval[float64](b, "document.documentElement.scrollHeight")
			t.Logf("page height %v", h)
			// 25 entries, each a card of three lines with its changes folded (it
			// was 10,500 px with every change spelled out).
			if vp == browser.Phone && h > 7000 {
				t.Errorf("/admin/audit is %v px tall at 360 px for one page of entries", h)
			}
			if n := len(b.Texts("table.audit details.changes-fold[open]")); n != 0 {
				t.Errorf("%d entries show their changes unfolded", n)
			}
			t.Logf("screenshot: %s", b.Screenshot("admin-audit"))
		})
	}
}
