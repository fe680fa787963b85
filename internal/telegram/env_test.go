package telegram_test

import (
	"context"
	"io"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/notify"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

const token = "123456:TEST-token_for-the-fake"

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// env is one case's world: department "it" with executors a and b (a available,
// b not) and head boss, reporter emp (Russian), the admin, a printer whose name
// and problem carry HTML, and the bot against a fake Bot API.
type env struct {
	ctx     context.Context
	d       *db.DB
	clk     *clock
	acc     *users.Service
	tk      *tickets.Service
	cat     *i18n.Catalog
	fake    *testkit.FakeTelegram
	bot     *telegram.Service
	ch      notify.Channel
	deps    telegram.Deps
	admin   *users.User
	emp     *users.User
	a, b    *users.User
	boss    *users.User
	it      int64
	paper   int64
	printer *assets.Asset
	nextN   int64
}

// fastLimits keep Telegram's shape at a speed tests can afford.
var fastLimits = telegram.Limits{Global: time.Millisecond, PerChat: 5 * time.Millisecond, PerGroup: 10 * time.Millisecond}

func newEnv(t testing.TB, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	e := &env{ctx: ctx, d: d, clk: &clock{t: time.Now().UTC()}}
	e.acc = testkit.Accounts(t, d)
	cat, err := i18n.New("ru", slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	e.cat = cat
	as := assets.NewService(d, e.clk.Now)
	rules := tickets.NewRules(d, e.clk.Now)
	e.tk = tickets.NewService(d, rules, as, e.clk.Now)
	mk := func(email, lang string, roles ...users.Role) *users.User {
		u, err := e.acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Test " + strings.Split(email, "@")[0], Roles: roles, Password: "correct-horse-battery-9", Language: lang})
		if err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	e.admin = mk("admin@example.test", "en", users.RoleEmployee, users.RoleAdmin)
	dep, err := e.acc.CreateDepartment(ctx, e.admin, users.DepartmentInput{Code: "it", NameEN: "IT desk", NameRU: "ИТ"})
	if err != nil {
		t.Fatal(err)
	}
	e.it = dep.ID
	member := func(u *users.User, available bool) *users.User {
		ids := []int64{e.it}
		u, err := e.acc.UpdateUser(ctx, e.admin, u.ID, users.UserPatch{DepartmentIDs: &ids, Available: &available})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	e.emp = mk("emp@example.test", "ru", users.RoleEmployee)
	e.a = member(mk("a@example.test", "en", users.RoleEmployee, users.RoleExecutor), true)
	e.b = member(mk("b@example.test", "en", users.RoleEmployee, users.RoleExecutor), false)
	e.boss = member(mk("boss@example.test", "en", users.RoleEmployee, users.RoleHead), false)
	class, err := as.CreateClass(ctx, e.admin, assets.Names{EN: "IT", RU: "ИТ"})
	if err != nil {
		t.Fatal(err)
	}
	typ, err := as.CreateType(ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})
	if err != nil {
		t.Fatal(err)
	}
	prob, err := as.CreateProblem(ctx, e.admin, assets.Names{EN: "Out of <paper> & ink", RU: "Нет <бумаги> & краски"})
	if err != nil {
		t.Fatal(err)
	}
	e.paper = prob.ID
	if _, err := as.SetOffers(ctx, e.admin, typ.ID, []assets.OfferInput{{ProblemID: e.paper}}); err != nil {
		t.Fatal(err)
	}
	if _, err := rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.paper, DepartmentID: e.it}); err != nil {
		t.Fatal(err)
	}
	if e.printer, err = as.CreateAsset(ctx, e.admin, assets.AssetInput{Name: `Printer <b>"4th"</b> & co`, TypeID: typ.ID}); err != nil {
		t.Fatal(err)
	}
	e.fake = testkit.NewFakeTelegram(t, token)
	base, _ := url.Parse("http://service.test")
	e.deps = telegram.Deps{DB: d, Tickets: e.tk, Accounts: e.acc, Users: users.NewStore(d, e.clk.Now), Catalog: cat,
		Logger: testLogger(t), Token: token, APIURL: e.fake.URL, BaseURL: base,
		Limits: fastLimits, PollTimeout: time.Second, LockRetry: 100 * time.Millisecond, Now: e.clk.Now}
	e.bot = telegram.New(e.deps)
	e.ch = telegram.NewChannel(e.bot)
	return e
}

// run starts the bot's poller until the test ends (or stop is called).
func (e *env) run(t testing.TB, bot *telegram.Service) (stop func()) {
	ctx, cancel := context.WithCancel(e.ctx)
	done := make(chan struct{})
	go func() { defer close(done); bot.Run(ctx) }()
	stop = func() {
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Error("the poller did not stop")
		}
	}
	t.Cleanup(stop)
	return stop
}

// file files a ticket by emp with comment; with a available it is assigned to a.
func (e *env) file(t testing.TB, comment string) *tickets.Ticket {
	t.Helper()
	tk, err := e.tk.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: comment})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// chatOf is the private chat id the tests give a user.
func chatOf(u *users.User) int64 { return 7000 + u.ID }

// link links u's chat through the real path: a deep link, then /start in the chat.
func (e *env) link(t testing.TB, u *users.User) {
	t.Helper()
	link, _, err := e.bot.NewLink(e.ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	tok := link[strings.Index(link, "start=")+len("start="):]
	before := len(e.fake.SentTo(chatOf(u)))
	e.handle(t, e.text(chatOf(u), chatOf(u), "/start "+tok))
	if got := e.fake.SentTo(chatOf(u)); len(got) != before+1 {
		t.Fatalf("/start answered %d messages", len(got)-before)
	}
	if l, err := e.bot.LinkOf(e.ctx, u); err != nil || l == nil || l.ChatID != chatOf(u) {
		t.Fatalf("%s not linked: %+v %v", u.Email, l, err)
	}
}

// text is a message update from user fromID in chat.
func (e *env) text(chat, from int64, text string) telegram.Update {
	msg := &telegram.Message{MessageID: 1, From: &telegram.User{ID: from, Username: "u" + itoa(from), LanguageCode: "en"}, Chat: telegram.Chat{ID: chat, Type: "private"}, Text: text}
	if chat < 0 {
		msg.Chat.Type, msg.Chat.Title = "supergroup", "Group"
	}
	return telegram.Update{Message: msg}
}

// reply is a message replying to message replyTo.
func (e *env) reply(chat, from, replyTo int64, text string) telegram.Update {
	u := e.text(chat, from, text)
	u.Message.ReplyToMessage = &telegram.Message{MessageID: replyTo, Chat: u.Message.Chat}
	return u
}

// press is a button press on message msg in chat by from.
func press(chat, msg, from int64, data string) telegram.Update {
	typ := "private"
	if chat < 0 {
		typ = "supergroup"
	}
	return telegram.Update{CallbackQuery: &telegram.CallbackQuery{ID: "cb" + itoa(from) + data, From: telegram.User{ID: from},
		Message: &telegram.Message{MessageID: msg, Chat: telegram.Chat{ID: chat, Type: typ}}, Data: data}}
}

func (e *env) handle(t testing.TB, u telegram.Update) {
	t.Helper()
	if err := e.bot.HandleUpdate(e.ctx, u); err != nil {
		t.Fatal(err)
	}
}

// deliver delivers a fresh notification of kind about ticket id to user u (or
// department dept when u is nil).
func (e *env) deliver(t testing.TB, kind string, u *users.User, dept, ticketID, eventID int64) (notify.Receipt, error) {
	t.Helper()
	return e.deliverIn(e.ctx, t, kind, u, dept, ticketID, eventID)
}

// deliverIn is deliver under ctx (a test counting the statements gives its own).
func (e *env) deliverIn(ctx context.Context, t testing.TB, kind string, u *users.User, dept, ticketID, eventID int64) (notify.Receipt, error) {
	t.Helper()
	e.nextN++
	n := notify.Notification{ID: e.nextN, Channel: notify.ChannelTelegram, Kind: kind, TicketID: ticketID, EventID: eventID, Lang: "en", CreatedAt: e.clk.Now()}
	if u != nil {
		n.UserID, n.Lang = u.ID, u.Language
	} else {
		n.DepartmentID = dept
	}
	return e.ch.Deliver(ctx, n)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// last is the last message sent to chat.
func (e *env) last(t *testing.T, chat int64) testkit.FakeTelegramMessage {
	t.Helper()
	got := e.fake.SentTo(chat)
	if len(got) == 0 {
		t.Fatalf("nothing sent to %d", chat)
	}
	return got[len(got)-1]
}

// testLogger writes the bot's log to the test's log.
func testLogger(t testing.TB) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t testing.TB }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
