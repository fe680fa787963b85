package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smartservice/internal/api"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/reports"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestMeTelegramLink: POST /api/v1/me/telegram-link answers a one-time deep
// link (503 without a bot); after /start with its token, GET /api/v1/me says
// telegram_linked.
func TestMeTelegramLink(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		token := e.login("ann@example.com")
		if res := e.do("POST", "/api/v1/me/telegram-link", token, nil).want(503); !strings.Contains(string(res.body), "not connected") {
			t.Errorf("without a bot: %s", res.body)
		}

		const botToken = "1:api-test"
		fake := testkit.NewFakeTelegram(t, botToken)
		cat, _ := i18n.New("en", nil)
		svc := assets.NewService(d, nil)
		rules := tickets.NewRules(d, nil)
		tk := tickets.NewService(d, rules, svc, nil)
		bot := telegram.New(telegram.Deps{DB: d, Tickets: tk, Accounts: e.acc, Users: users.NewStore(d, nil), Catalog: cat,
			Token: botToken, APIURL: fake.URL, BaseURL: e.cfg.BaseURL, Location: e.cfg.Location})
		e.h = api.New(api.Deps{Config: e.cfg, Catalog: cat, Accounts: e.acc, Users: users.NewStore(d, nil), Assets: svc,
			Rules: rules, Tickets: tk, Reports: reports.NewService(d, e.cfg.Location, nil), Telegram: bot})

		if res := e.do("POST", "/api/v1/me/telegram-link", "", nil); res.status != 401 {
			t.Errorf("anonymous: %d", res.status)
		}
		res := e.do("POST", "/api/v1/me/telegram-link", token, nil).want(201)
		link := res.str("url")
		exp, err := time.Parse(time.RFC3339, res.str("expires_at"))
		if !strings.HasPrefix(link, "https://t.me/"+fake.BotUsername+"?start=") || err != nil || time.Until(exp) > 15*time.Minute || time.Until(exp) < 14*time.Minute {
			t.Fatalf("link %q expires %q", link, res.str("expires_at"))
		}
		if me := e.do("GET", "/api/v1/me", token, nil).want(200); me.obj["telegram_linked"] != false {
			t.Errorf("before /start: %s", me.body)
		}
		start := telegram.Update{Message: &telegram.Message{MessageID: 1, From: &telegram.User{ID: 77, Username: "ann"},
			Chat: telegram.Chat{ID: 77, Type: "private"}, Text: "/start " + link[strings.Index(link, "start=")+6:]}}
		if err := bot.HandleUpdate(context.Background(), start); err != nil {
			t.Fatal(err)
		}
		if me := e.do("GET", "/api/v1/me", token, nil).want(200); me.obj["telegram_linked"] != true {
			t.Errorf("after /start: %s", me.body)
		}
		if me := e.do("PATCH", "/api/v1/me", token, map[string]string{"language": "ru"}).want(200); me.obj["telegram_linked"] != true {
			t.Errorf("PATCH /me: %s", me.body)
		}
		// The admin users list shows the real value for each listed account.
		e.user("bob@example.com", employee)
		e.user("root@example.com", admin)
		list := e.do("GET", "/api/v1/users", e.login("root@example.com"), nil).want(200)
		seen := map[string]any{}
		for _, it := range list.obj["items"].([]any) {
			u := it.(map[string]any)
			seen[u["email"].(string)] = u["telegram_linked"]
		}
		if seen["ann@example.com"] != true || seen["bob@example.com"] != false {
			t.Errorf("users list telegram_linked: %v", seen)
		}
	})
}
