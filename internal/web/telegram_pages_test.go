package web_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"testing"

	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
)

// TestTelegramPages: the profile says Telegram is off without a token; with one,
// an admin makes a department's one-time group code on the departments page,
// "/link CODE" in a group binds it, the page shows the group and unbinds it;
// nobody else may make codes.
func TestTelegramPages(t *testing.T) {
	t.Parallel()
	off := testserver.Start(t, testserver.Options{Dialect: db.SQLite})
	ctx := context.Background()
	mk := func(srv *testserver.Server, email string, roles ...users.Role) {
		if _, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: "T " + email, Roles: roles, Password: acctPassword, Language: "en"}); err != nil {
			t.Fatal(err)
		}
	}
	mk(off, "emp@example.com", users.RoleEmployee)
	c := newBrowserClient(t, off.URL).login("emp@example.com")
	_, body := c.get("/profile")
	wantContains(t, "profile without a bot", body, `id="telegram-off"`, "not set up on this server")
	res, body := c.post("/profile/telegram/link", nil)
	wantStatus(t, "connect without a bot", res, body, http.StatusServiceUnavailable)

	const token = "99:pages-test"
	fake := testkit.NewFakeTelegram(t, token)
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Configure: func(c *config.Config) { c.TelegramToken, c.TelegramAPIURL = token, fake.URL }})
	mk(srv, "admin@example.com", users.RoleEmployee, users.RoleAdmin)
	mk(srv, "head@example.com", users.RoleEmployee, users.RoleHead)
	adminUser, _ := srv.App.Accounts.UserByEmail(ctx, "admin@example.com")
	dep, err := srv.App.Accounts.CreateDepartment(ctx, adminUser, users.DepartmentInput{Code: "it", NameEN: "IT <desk>", NameRU: "ИТ"})
	if err != nil {
		t.Fatal(err)
	}
	admin, head := newBrowserClient(t, srv.URL).login("admin@example.com"), newBrowserClient(t, srv.URL).login("head@example.com")
	codePath := fmt.Sprintf("/admin/departments/%d/telegram-code", dep.ID)
	res, body = head.post(codePath, nil)
	wantStatus(t, "a head's code", res, body, http.StatusNotFound)
	res, body = admin.post(fmt.Sprintf("/admin/departments/%d/telegram-code", dep.ID+100), nil)
	wantStatus(t, "an absent department's code", res, body, http.StatusNotFound)

	res, body = admin.post(codePath, nil)
	wantStatus(t, "the admin's code", res, body, http.StatusOK)
	m := regexp.MustCompile(`id="d\d+-telegram-code">/link ([A-Z0-9]+)<`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no code on the page:\n%s", body)
	}
	if res.Header.Get("Cache-Control") != "no-store" {
		t.Error("the page with a code may be cached")
	}
	fake.PushText(-1001, 5, "admin", "en", "/link "+m[1], 0)
	testkit.Eventually(t, "the group's confirmation", func() bool { return len(fake.SentTo(-1001)) == 1 })
	_, body = admin.get("/admin/departments")
	wantContains(t, "a bound group", body, "Group 1001", "/telegram-unbind", "Unbind the group of IT &lt;desk&gt;")
	res, body = head.post(fmt.Sprintf("/admin/departments/%d/telegram-unbind", dep.ID), nil)
	wantStatus(t, "a head's unbind", res, body, http.StatusNotFound)
	res, _ = admin.post(fmt.Sprintf("/admin/departments/%d/telegram-unbind", dep.ID), nil)
	wantRedirect(t, "unbind", res, fmt.Sprintf("/admin/departments#d%d", dep.ID))
	_, body = admin.get("/admin/departments")
	wantContains(t, "after unbind", body, "The group chat is unbound.", "No group chat.")
}
