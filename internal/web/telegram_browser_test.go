package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestBrowserTelegramLink connects Telegram from the profile at phone and
// desktop width against the fake Bot API: the Connect button shows a one-time
// deep link, /start with its token (pushed to the fake, polled by the real
// server) links the chat, the profile shows it; when Telegram then refuses
// delivery (403) the profile says so, and Unlink removes it.
func TestBrowserTelegramLink(t *testing.T) {
	t.Parallel()
	const token = "4242:browser-test-token"
	fake := testkit.NewFakeTelegram(t, token)
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true, Configure: func(c *config.Config) {
		c.TelegramToken, c.TelegramAPIURL = token, fake.URL
	}})
	ctx := context.Background()
	var assetID, problemID int64
	if err := srv.App.DB.R.QueryRow(`SELECT a.id, tp.problem_type_id FROM assets a JOIN type_problems tp ON tp.type_id = a.type_id
WHERE a.archived = 0 ORDER BY a.id, tp.problem_type_id LIMIT 1`).Scan(&assetID, &problemID); err != nil {
		t.Fatal(err)
	}
	for i, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			email := "tg-" + vp.Name + "@demo.office"
			u, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Иван Телеграмов",
				Roles: []users.Role{users.RoleEmployee, users.RoleAdmin}, Password: acctPassword, Language: "en"})
			if err != nil {
				t.Fatal(err)
			}
			tk, err := srv.App.Tickets.File(ctx, u, tickets.FileInput{AssetID: assetID, ProblemID: problemID, Comment: "<b>jammed</b>"})
			if err != nil {
				t.Fatal(err)
			}
			b := browser.New(t, vp, browser.AcceptLanguage("en"))
			b.Navigate(srv.URL + "/login")
			b.SetValue("#email", email)
			b.SetValue("#password", acctPassword)
			if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
				t.Fatalf("login: %d", st)
			}
			b.Navigate(srv.URL + "/profile")
			if st := b.ClickAndWait("#telegram-connect"); st != http.StatusOK {
				t.Fatalf("connect: %d", st)
			}
			link := b.Text("#telegram-url")
			if !strings.HasPrefix(link, "https://t.me/"+fake.BotUsername+"?start=") {
				t.Fatalf("the deep link is %q", link)
			}
			b.CheckNoHorizontalScroll()
			t.Logf("screenshot: %s", b.Screenshot("telegram-deep-link"))

			chat := int64(8800 + i)
			fake.PushText(chat, chat, "ivan_"+vp.Name, "en", "/start "+link[strings.Index(link, "start=")+6:], 0)
			testkit.Eventually(t, "the bot's welcome", func() bool { return len(fake.SentTo(chat)) == 1 })
			b.Navigate(srv.URL + "/profile")
			if got := b.Text("#telegram-linked"); !strings.Contains(got, "@ivan_"+vp.Name) {
				t.Errorf("the profile shows %q", got)
			}
			b.CheckNoHorizontalScroll()
			t.Logf("screenshot: %s", b.Screenshot("telegram-linked"))

			fake.Block(chat, 403)
			_, err = telegram.NewChannel(srv.App.Telegram).Deliver(ctx, notify.Notification{ID: int64(100 + i), Kind: notify.KindUnrouted, UserID: u.ID, TicketID: tk.ID, Lang: "en"})
			if !errors.Is(err, notify.ErrRecipientGone) {
				t.Fatalf("a blocked chat: %v", err)
			}
			b.Navigate(srv.URL + "/profile")
			if got := b.Text("#telegram-dead"); !strings.Contains(got, "the bot was blocked in Telegram") {
				t.Errorf("the profile shows %q for a blocked chat", got)
			}
			t.Logf("screenshot: %s", b.Screenshot("telegram-dead"))
			if st := b.ClickAndWait("#telegram-unlink"); st != http.StatusOK {
				t.Fatalf("unlink: %d", st)
			}
			if _, ok := b.Attribute("#telegram-connect", "id"); !ok {
				t.Error("after Unlink the profile offers no Connect")
			}

			// The departments page: a group code for the first department.
			b.Navigate(srv.URL + "/admin/departments")
			if st := b.ClickAndWait(`form[action$="/telegram-code"] button`); st != http.StatusOK {
				t.Fatalf("group code: %d", st)
			}
			if code := b.Text(`code[id$="-telegram-code"]`); !strings.HasPrefix(code, "/link ") {
				t.Errorf("the group code shown is %q", code)
			}
			b.CheckNoHorizontalScroll()
			t.Logf("screenshot: %s", b.Screenshot("telegram-department-code"))
		})
	}
}
