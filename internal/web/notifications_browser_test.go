package web_test

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// fileDemoTickets files n tickets by Anna Petrova on the demo office's first
// device with a comment full of markup, and returns the device's name.
func fileDemoTickets(t *testing.T, srv *testserver.Server, n int) string {
	t.Helper()
	ctx := context.Background()
	anna, err := srv.App.Accounts.UserByEmail(ctx, "anna.petrova@demo.office")
	if err != nil {
		t.Fatal(err)
	}
	var code, name string
	var problem int64
	if err := srv.App.DB.R.QueryRow(`SELECT a.code, a.name, tp.problem_type_id FROM assets a JOIN type_problems tp ON tp.type_id = a.type_id
	WHERE a.owner_id IS NULL ORDER BY a.id, tp.position LIMIT 1`).Scan(&code, &name, &problem); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		if _, err := srv.App.Tickets.File(ctx, anna, tickets.FileInput{AssetCode: code, ProblemID: problem, Comment: "<script>alert(1)</script> не печатает"}); err != nil {
			t.Fatal(err)
		}
	}
	return name
}

// The notifications box on the profile and /admin/notifications, in Chromium at a
// phone's and a desktop's width: without a Telegram token the Telegram messages
// are previews with their text (escaped), mail is delivered by the job; a failed
// one is sent again with its button; a channel that is down is an alert with a
// resume button, on the page and on the home page; the box saves the choices and
// refuses malformed quiet hours with a message on the field.
func TestBrowserNotifications(t *testing.T) {
	t.Parallel()
	cat := browserCatalog(t)
	ru := cat.For("ru")
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	device := fileDemoTickets(t, srv, 2)
	// The mail (development mode: the log) is delivered by the job.
	deadline := time.Now().Add(10 * time.Second)
	for {
		var pending int
		if err := srv.App.DB.R.QueryRow("SELECT COUNT(*) FROM notifications WHERE channel = 'mail' AND state = 'pending'").Scan(&pending); err != nil {
			t.Fatal(err)
		}
		if pending == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d mails still pending", pending)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var failed int64
	if err := srv.App.DB.W.QueryRow(`UPDATE notifications SET state = 'failed', last_error = 'smtp: 451 try again later'
	WHERE id = (SELECT MIN(id) FROM notifications WHERE channel = 'mail') RETURNING id`).Scan(&failed); err != nil {
		t.Fatal(err)
	}
	// Telegram refused every message (its token was revoked).
	if _, err := srv.App.DB.W.Exec(`INSERT INTO notification_channels (channel, down, down_reason, updated_at) VALUES ('telegram', $1, $2, $3)`,
		true, "401 Unauthorized", time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	// One after the other: the phone resumes the channel the desktop then finds resumed.
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			ctx := context.Background()
			email := "notify-admin-" + vp.Name + "@demo.office"
			if _, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Администратор Уведомлений",
				Roles: []users.Role{users.RoleEmployee, users.RoleExecutor, users.RoleHead, users.RoleAdmin}, DepartmentCodes: []string{"it"},
				Password: demo.Password, Language: "ru"}); err != nil {
				t.Fatal(err)
			}
			// The phone's admin page is a long one to screenshot on a busy machine.
			b := browser.New(t, vp, browser.AcceptLanguage(browserAcceptLanguage["ru"]), browser.Timeout(time.Minute))
			b.Navigate(srv.URL + "/login")
			b.SetValue("#email", email)
			b.SetValue("#password", demo.Password)
			if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("login: %d", st)
			}
			page := func(name string) {
				t.Helper()
				for _, e := range b.ConsoleErrors() {
					if !strings.Contains(e, "status of 422") {
						t.Errorf("%s: the page reported an error: %s", name, e)
					}
				}
				b.CheckNoHorizontalScroll()
				t.Logf("screenshot: %s", b.Screenshot(name))
			}

			// The alert on the home page, then on the admin page.
			phone := vp.Name == browser.Phone.Name
			b.Navigate(srv.URL + "/")
			if shown := browser.Eval[bool](b, `!!document.querySelector('[data-notify-alert="telegram"]')`); shown != phone {
				t.Errorf("the home page's alert shown: %v, want %v", shown, phone)
			}

			// The admin page: previews with their text, the failed mail with its reason.
			if st := b.Navigate(srv.URL + "/admin/notifications"); st != http.StatusOK {
				t.Fatalf("/admin/notifications: %d", st)
			}
			if h := b.Text("main h1"); h != ru.T("notify.admin.title") {
				t.Errorf("heading %q", h)
			}
			texts := strings.Join(b.Texts(".notify-text"), "\n")
			if !strings.Contains(texts, device) || !strings.Contains(texts, "<script>alert(1)</script> не печатает") {
				t.Errorf("the previews lack the device or the escaped comment:\n%s", texts)
			}
			if n := len(b.Texts(`tr[data-notification] .badge`)); n < 4 {
				t.Errorf("%d notifications listed, want at least 4", n)
			}
			page("admin-notifications")
			if phone {
				if got := b.Text(`div[data-notify-alert="telegram"] p`); !strings.Contains(got, "401 Unauthorized") {
					t.Errorf("the alert says %q", got)
				}
				if st := b.ClickAndWait(`form[action="/admin/notifications/channels/telegram/resume"] button`); st != http.StatusOK {
					t.Fatalf("resume: %d", st)
				}
				if got := b.Text(`p[role=status]`); got != ru.T("notify.admin.resumed") {
					t.Errorf("after resume: %q", got)
				}
				// The failed one, sent again.
				sel := `tr[data-notification="` + strconv.FormatInt(failed, 10) + `"] form button`
				if st := b.ClickAndWait(sel); st != http.StatusOK {
					t.Fatalf("retry: %d", st)
				}
				if got := b.Text(`p[role=status]`); got != ru.T("notify.admin.retried") {
					t.Errorf("after retry: %q", got)
				}
			}

			// The filters.
			b.Navigate(srv.URL + "/admin/notifications?state=preview")
			for _, s := range b.Texts(`tr[data-notification] .badge`) {
				if s != ru.T("notify.admin.state.preview") {
					t.Errorf("the preview filter shows %q", s)
				}
			}

			// The profile's box: save, then a malformed quiet hour.
			b.Navigate(srv.URL + "/profile")
			// The box is folded until its summary is pressed.
			if browser.Eval[bool](b, `document.querySelector('#notify-prefs').open`) {
				t.Error("the notification settings are unfolded on arrival")
			}
			b.Click("#notify-prefs > summary")
			b.SetValue(`select[name="kinds.done"]`, "mail")
			b.SetValue("#quiet-from", "22:00")
			b.SetValue("#quiet-to", "7:00")
			if st := b.ClickAndWait(`form[action="/profile/notifications"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("save: %d", st)
			}
			if got := b.Text(`p[role=status]`); got != ru.T("notify.prefs.saved") {
				t.Errorf("after save: %q", got)
			}
			if v, _ := b.Attribute("#quiet-to", "value"); v != "07:00" {
				t.Errorf("quiet to shows %q", v)
			}
			if got := browser.Eval[string](b, `document.querySelector('select[name="kinds.done"]').value`); got != "mail" {
				t.Errorf("done shows %q", got)
			}
			b.Click("#notify-prefs > summary")
			b.SetValue("#quiet-from", "25:00")
			if st := b.ClickAndWait(`form[action="/profile/notifications"] button[type=submit]`); st != http.StatusUnprocessableEntity {
				t.Fatalf("malformed quiet hours: %d", st)
			}
			if got := b.Text("#quiet-from-err"); got != ru.T("notify.quiet_format") {
				t.Errorf("the field says %q", got)
			}
			if !browser.Eval[bool](b, `document.querySelector('#notify-prefs').open`) {
				t.Error("the notification settings are folded over an error")
			}
			page("profile-notifications")
		})
	}
}
