package notify_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/jobs"
	"smartservice/internal/mail"
	"smartservice/internal/notify"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

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

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// telegram is a test double of the Telegram module's notify.Channel (that module
// is another engineer's): it records deliveries and fails with the error it is
// told to.
type telegram struct {
	mu   sync.Mutex
	sent []notify.Notification
	fail error
	boom string // panics with it when set
}

func (c *telegram) Name() string { return notify.ChannelTelegram }

func (c *telegram) Deliver(_ context.Context, n notify.Notification) (notify.Receipt, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.boom != "" {
		panic(c.boom)
	}
	if c.fail != nil {
		return notify.Receipt{}, c.fail
	}
	c.sent = append(c.sent, n)
	return notify.Receipt{ExternalID: fmt.Sprintf("chat:%d", len(c.sent)), Text: fmt.Sprintf("telegram text %d", n.ID)}, nil
}

func (c *telegram) failWith(err error) {
	c.mu.Lock()
	c.fail = err
	c.mu.Unlock()
}

func (c *telegram) panicWith(v string) {
	c.mu.Lock()
	c.boom = v
	c.mu.Unlock()
}

func (c *telegram) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sent)
}

// env is one case's office. Department "it" has executors a and b and head boss;
// "empty" has nobody. Paper goes to it, jam to empty, smoke nowhere.
type env struct {
	ctx        context.Context
	d          *db.DB
	acc        *users.Service
	cat        *assets.Service
	tk         *tickets.Service
	n          *notify.Service
	jobs       *jobs.Client
	clk        *clock
	reg        *prometheus.Registry
	tg         *telegram
	smtp       *testkit.FakeSMTP
	admin      *users.User
	emp, emp2  *users.User
	a, b, boss *users.User
	it, empty  int64
	paper, jam int64
	smoke      int64
	printer    *assets.Asset
	names      map[int64]string
}

// newEnv builds the office. withTelegram registers the Telegram double.
func newEnv(t testing.TB, d *db.DB, withTelegram bool) *env {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)} // 12:30 in Moscow
	e := &env{ctx: ctx, d: d, clk: clk, acc: testkit.Accounts(t, d), cat: assets.NewService(d, clk.Now), names: map[int64]string{},
		reg: prometheus.NewRegistry(), tg: &telegram{}, smtp: testkit.NewFakeSMTP(t)}
	cat, err := i18n.New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	workers := jobs.NewWorkers()
	if e.jobs, err = jobs.New(d, workers, jobs.Options{InsertOnly: true}); err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse("https://desk.example.test")
	moscow, _ := time.LoadLocation("Europe/Moscow")
	if e.n, err = notify.New(d, notify.Options{Queue: e.jobs, Catalog: cat, BaseURL: base, Location: moscow, Metrics: e.reg, Now: clk.Now}); err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSMTP(e.smtp.URL(), "desk@example.test")
	if err != nil {
		t.Fatal(err)
	}
	e.n.Register(notify.MailChannel(e.n, sender))
	if withTelegram {
		e.n.Register(e.tg)
	}
	rules := tickets.NewRules(d, clk.Now)
	e.tk = tickets.NewService(d, rules, e.cat, clk.Now, tickets.WithNotifier(e.n))

	mk := func(name string, lang string, roles ...users.Role) *users.User {
		u, err := e.acc.CreateUser(ctx, users.CreateInput{Email: name + "@example.test", FullName: "Test " + name, Roles: roles,
			Password: "correct-horse-battery-9", Language: lang})
		if err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		e.names[u.ID] = name
		return u
	}
	e.admin = mk("admin", "en", users.RoleEmployee, users.RoleAdmin)
	dep := func(code string) int64 {
		dp, err := e.acc.CreateDepartment(ctx, e.admin, users.DepartmentInput{Code: code, NameEN: "Dept " + code, NameRU: "Отдел " + code})
		if err != nil {
			t.Fatal(err)
		}
		e.names[-dp.ID] = "dept:" + code
		return dp.ID
	}
	e.it, e.empty = dep("it"), dep("empty")
	e.emp = mk("emp", "en", users.RoleEmployee)
	e.emp2 = mk("emp2", "ru", users.RoleEmployee)
	e.a = e.member(t, mk("a", "en", users.RoleEmployee, users.RoleExecutor), e.it)
	e.b = e.member(t, mk("b", "en", users.RoleEmployee, users.RoleExecutor), e.it)
	e.boss = e.member(t, mk("boss", "ru", users.RoleEmployee, users.RoleHead), e.it)

	class := must(e.cat.CreateClass(ctx, e.admin, assets.Names{EN: "IT", RU: "ИТ"}))(t)
	typ := must(e.cat.CreateType(ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}}))(t)
	prob := func(en, ru string) int64 {
		return must(e.cat.CreateProblem(ctx, e.admin, assets.Names{EN: en, RU: ru}))(t).ID
	}
	e.paper, e.jam, e.smoke = prob("Out of paper", "Нет бумаги"), prob("Paper jam", "Замятие"), prob("Smoke", "Дым")
	must(e.cat.SetOffers(ctx, e.admin, typ.ID, []assets.OfferInput{{ProblemID: e.paper}, {ProblemID: e.jam}, {ProblemID: e.smoke}}))(t)
	must(rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.paper, DepartmentID: e.it}))(t)
	must(rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.jam, DepartmentID: e.empty}))(t)
	e.printer = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Printer <b>4th</b> floor", TypeID: typ.ID,
		Location: assets.Location{Building: "HQ", Floor: "4", Room: "401"}}))(t)
	return e
}

func (e *env) member(t testing.TB, u *users.User, dep int64) *users.User {
	t.Helper()
	ids := []int64{dep}
	return must(e.acc.UpdateUser(e.ctx, e.admin, u.ID, users.UserPatch{DepartmentIDs: &ids}))(t)
}

func (e *env) available(t testing.TB, u *users.User, on bool) {
	t.Helper()
	must(e.acc.UpdateUser(e.ctx, e.admin, u.ID, users.UserPatch{Available: &on}))(t)
}

func (e *env) file(t testing.TB, problem int64) *tickets.Ticket {
	t.Helper()
	return must(e.tk.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: problem, Comment: "please <i>help</i>"}))(t)
}

// row is one stored notification, as the tests compare them.
type row struct {
	ID                        int64
	Kind, Channel, To, State  string
	NotBefore                 time.Time
	LastError, Text, External string
	Attempts                  int
}

// since returns the notifications after id after, oldest first.
func (e *env) since(t testing.TB, after int64) []row {
	t.Helper()
	rows, err := e.d.R.Query(`SELECT id, kind, channel, COALESCE(user_id, 0), COALESCE(department_id, 0), state, not_before, last_error, text,
	external_id, attempts FROM notifications WHERE id > $1 ORDER BY id`, after)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		var r row
		var user, dep int64
		if err := rows.Scan(&r.ID, &r.Kind, &r.Channel, &user, &dep, &r.State, &r.NotBefore, &r.LastError, &r.Text, &r.External, &r.Attempts); err != nil {
			t.Fatal(err)
		}
		if user != 0 {
			r.To = e.names[user]
		} else {
			r.To = e.names[-dep]
		}
		out = append(out, r)
	}
	return out
}

// lastID is the newest notification's id (0 for none).
func (e *env) lastID(t testing.TB) int64 {
	t.Helper()
	var id int64
	if err := e.d.R.QueryRow("SELECT COALESCE(MAX(id), 0) FROM notifications").Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// expect checks the notifications made since after, as "kind channel to state"
// lines in any order, and returns them.
func (e *env) expect(t testing.TB, what string, after int64, want ...string) []row {
	t.Helper()
	rs := e.since(t, after)
	got := make([]string, len(rs))
	for i, r := range rs {
		got[i] = r.Kind + " " + r.Channel + " " + r.To + " " + r.State
	}
	sort.Strings(got)
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("%s: notifications\n got: %q\nwant: %q", what, got, want)
	}
	return rs
}

// jobsFor counts the delivery jobs queued for notification id (a job may carry
// several notifications).
func (e *env) jobsFor(t testing.TB, id int64) int {
	t.Helper()
	q := "SELECT CAST(args AS TEXT) FROM river_job WHERE kind = 'notify_deliver'"
	if e.d.Dialect == db.SQLite {
		q = "SELECT json(args) FROM river_job WHERE kind = 'notify_deliver'" // River keeps JSONB there
	}
	rows, err := e.d.R.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var raw string
		if err := rows.Scan(&raw); err != nil {
			t.Fatal(err)
		}
		var args notify.DeliverArgs
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			t.Fatalf("job args %q: %v", raw, err)
		}
		if slices.Contains(args.IDs(), id) {
			n++
		}
	}
	return n
}

func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}
