package app_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/assets"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

const botToken = "123456:E2E-token_for-the-fake"

// office is the world the end-to-end tests arrange through the running app's
// own services: department "it" with available executor a, reporter emp
// (Russian), a printer and a rule sending its paper problem to "it".
type office struct {
	admin, emp, a *users.User
	printer       int64
	paper         int64
}

func arrange(t *testing.T, app *app.App) office {
	t.Helper()
	ctx := context.Background()
	mk := func(email, lang string, roles ...users.Role) *users.User {
		u, err := app.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Test " + strings.Split(email, "@")[0], Roles: roles, Password: "correct-horse-battery-9", Language: lang})
		if err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	var o office
	o.admin = mk("admin@example.test", "en", users.RoleEmployee, users.RoleAdmin)
	dep, err := app.Accounts.CreateDepartment(ctx, o.admin, users.DepartmentInput{Code: "it", NameEN: "IT desk", NameRU: "ИТ"})
	if err != nil {
		t.Fatal(err)
	}
	o.emp = mk("emp@example.test", "ru", users.RoleEmployee)
	o.a = mk("a@example.test", "en", users.RoleEmployee, users.RoleExecutor)
	ids, available := []int64{dep.ID}, true
	if o.a, err = app.Accounts.UpdateUser(ctx, o.admin, o.a.ID, users.UserPatch{DepartmentIDs: &ids, Available: &available}); err != nil {
		t.Fatal(err)
	}
	class, err := app.Assets.CreateClass(ctx, o.admin, assets.Names{EN: "IT", RU: "ИТ"})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := app.Assets.CreateType(ctx, o.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})
	if err != nil {
		t.Fatal(err)
	}
	prob, err := app.Assets.CreateProblem(ctx, o.admin, assets.Names{EN: "Out of paper", RU: "Нет бумаги"})
	if err != nil {
		t.Fatal(err)
	}
	o.paper = prob.ID
	if _, err := app.Assets.SetOffers(ctx, o.admin, typ.ID, []assets.OfferInput{{ProblemID: o.paper}}); err != nil {
		t.Fatal(err)
	}
	rules := tickets.NewRules(app.DB, time.Now)
	if _, err := rules.Create(ctx, o.admin, tickets.RuleInput{ProblemID: o.paper, DepartmentID: dep.ID}); err != nil {
		t.Fatal(err)
	}
	printer, err := app.Assets.CreateAsset(ctx, o.admin, assets.AssetInput{Name: "Printer 4th floor", TypeID: typ.ID})
	if err != nil {
		t.Fatal(err)
	}
	o.printer = printer.ID
	return o
}

// chatOf is the private chat id the tests give a user.
func chatOf(u *users.User) int64 { return 7000 + u.ID }

// link links u's private chat the way a person does: the profile's deep link,
// then /start with its token in the chat, handled by the running poller.
func link(t *testing.T, srv *testserver.Server, fake *testkit.FakeTelegram, u *users.User) {
	t.Helper()
	ctx := context.Background()
	url, _, err := srv.App.Telegram.NewLink(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	tok := url[strings.Index(url, "start=")+len("start="):]
	fake.PushText(chatOf(u), chatOf(u), "u"+u.Email, u.Language, "/start "+tok, 0)
	testkit.Eventually(t, u.Email+" linked", func() bool {
		l, err := srv.App.Telegram.LinkOf(ctx, u)
		return err == nil && l != nil && l.ChatID == chatOf(u)
	})
}

// button is the callback data of the button labelled label on m, or "".
func button(m testkit.FakeTelegramMessage, label string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if b[0] == label {
				return b[1]
			}
		}
	}
	return ""
}

// sentContaining is the messages to chat whose text contains s.
func sentContaining(fake *testkit.FakeTelegram, chat int64, s string) []testkit.FakeTelegramMessage {
	var out []testkit.FakeTelegramMessage
	for _, m := range fake.SentTo(chat) {
		if strings.Contains(m.Text, s) {
			out = append(out, m)
		}
	}
	return out
}

// TestTelegramEndToEnd runs the whole chain in the real app: a filing queues
// notifications in its transaction, River's notify_deliver job hands them to the
// Telegram channel, the fake Bot API receives them; the executor's button
// presses come back through the poller, run the domain's transitions, edit the
// message, and the reporter hears of the result. Every message arrives once.
func TestTelegramEndToEnd(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			testTelegramEndToEnd(t, dialect)
		})
	}
}

func testTelegramEndToEnd(t *testing.T, dialect db.Dialect) {
	fake := testkit.NewFakeTelegram(t, botToken)
	srv := testserver.Start(t, testserver.Options{Dialect: dialect, Configure: func(c *config.Config) {
		c.TelegramToken = botToken
		c.TelegramAPIURL = fake.URL
	}})
	ctx := context.Background()
	o := arrange(t, srv.App)
	link(t, srv, fake, o.a)
	link(t, srv, fake, o.emp)
	chat := chatOf(o.a)

	tk, err := srv.App.Tickets.File(ctx, o.emp, tickets.FileInput{AssetID: o.printer, ProblemID: o.paper, Comment: "jammed <again>"})
	if err != nil {
		t.Fatal(err)
	}
	var msg testkit.FakeTelegramMessage
	testkit.Eventually(t, "the executor told of the new ticket", func() bool {
		got := sentContaining(fake, chat, "Printer 4th floor")
		if len(got) == 1 {
			msg = got[0]
		}
		return len(got) == 1
	})
	if !strings.Contains(msg.Text, "jammed &lt;again&gt;") || button(msg, "Start") == "" {
		t.Fatalf("the executor's message: %q with %v", msg.Text, msg.Buttons)
	}

	status := func() tickets.Status {
		v, err := srv.App.Tickets.View(ctx, o.admin, tk.ID)
		if err != nil {
			t.Fatal(err)
		}
		return v.Row.Status
	}
	// Start, pressed in Telegram: the ticket is in progress and the message now
	// offers what applies next.
	// The job records the sent message (and its buttons' keys) just after the
	// fake accepted it: a press inside that window is answered as stale, so
	// the test presses again, as a person would, at most a few times.
	for try := 0; ; try++ {
		cb := fake.PushPress(chat, msg.MessageID, chat, "ua", button(msg, "Start"))
		testkit.Eventually(t, "the Start press answered", func() bool {
			for _, a := range fake.Answers() {
				if a.CallbackID == cb {
					return true
				}
			}
			return false
		})
		if s := status(); s == tickets.StatusInProgress {
			break
		} else if try == 3 {
			t.Fatalf("after Start: %s (answers %+v)", s, fake.Answers())
		}
		time.Sleep(200 * time.Millisecond)
	}
	var now testkit.FakeTelegramMessage
	testkit.Eventually(t, "the message edited to offer Done, not Start", func() bool {
		now, _ = fake.Message(chat, msg.MessageID)
		return button(now, "Done") != "" && button(now, "Start") == ""
	})

	// Done asks for the resolution; the reply completes the ticket.
	before := len(fake.SentTo(chat))
	fake.PushPress(chat, msg.MessageID, chat, "ua", button(now, "Done"))
	var ask testkit.FakeTelegramMessage
	testkit.Eventually(t, "Done asks for the resolution", func() bool {
		got := fake.SentTo(chat)
		if len(got) > before && got[len(got)-1].ForceReply {
			ask = got[len(got)-1]
			return true
		}
		return false
	})
	fake.PushText(chat, chat, "ua", "en", "replaced the drum", ask.MessageID)
	testkit.Eventually(t, "the ticket done", func() bool { return status() == tickets.StatusDone })
	testkit.Eventually(t, "the message edited to the final state", func() bool {
		m, _ := fake.Message(chat, msg.MessageID)
		return len(m.Buttons) == 0
	})

	// The reporter hears of the result, with the resolution, once.
	testkit.Eventually(t, "the reporter told it is done", func() bool {
		return len(sentContaining(fake, chatOf(o.emp), "replaced the drum")) > 0
	})
	// Let any duplicate a retried job would send arrive before counting.
	time.Sleep(2 * time.Second)
	if got := sentContaining(fake, chatOf(o.emp), "replaced the drum"); len(got) != 1 {
		t.Errorf("the reporter got the resolution %d times", len(got))
	}
	if got := sentContaining(fake, chat, "Printer 4th floor"); len(got) != 1 {
		t.Errorf("the executor got %d messages about the ticket, want the one edited in place", len(got))
	}
	if n := fake.Conflicts(); n != 0 {
		t.Errorf("%d getUpdates refused with 409", n)
	}
}
