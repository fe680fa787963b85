package users_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/jobs"
	"smartservice/internal/mail"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// dbCase is one database test of the package; each file adds its own in init.
type dbCase struct {
	name string
	fn   func(t *testing.T, d *db.DB)
}

var dbCases []dbCase

// TestAccounts runs every database case on SQLite and on PostgreSQL, each on an
// emptied database: migrating a fresh one per case would cost more than the cases.
// Run one with -run 'TestAccounts/sqlite/LoginBurst'.
func TestAccounts(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		for _, c := range dbCases {
			t.Run(c.name, func(t *testing.T) {
				emptyDB(t, d)
				c.fn(t, d)
			})
		}
	})
}

// emptyDB deletes every row the accounts service and its jobs write, children first.
func emptyDB(t *testing.T, d *db.DB) {
	t.Helper()
	for _, table := range []string{"login_failures", "mail_requests", "password_resets", "api_tokens", "registrations", "sessions", "user_departments",
		"user_roles", "users", "departments", "settings", "river_job"} {
		if _, err := d.W.Exec("DELETE FROM " + table); err != nil {
			t.Fatalf("empty %s: %v", table, err)
		}
	}
}

// clock is a settable clock for users.Options.Now, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	// Whole seconds, so times survive PostgreSQL's microsecond precision unchanged.
	return &clock{t: time.Now().UTC().Truncate(time.Second)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is an accounts service on a fresh database with a settable clock and a fake
// employee directory reached through the real HTTP client.
type env struct {
	t     *testing.T
	d     *db.DB
	svc   *users.Service
	clock *clock
	dir   *testkit.FakeDirectory
	opts  users.Options
}

const baseURL = "https://desk.example.com"

// fastDirectory is the real HTTP client with short timeouts, so the failure cases
// stay quick.
func fastDirectory(t testing.TB, rawURL string) *directory.HTTPClient {
	t.Helper()
	c, err := directory.NewHTTP(directory.Options{BaseURL: rawURL, Timeout: 300 * time.Millisecond, Attempts: 2, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// newEnv builds the service the way testkit.Accounts does, plus a clock and the
// fake directory; tweak may change the options before the service is built.
func newEnv(t *testing.T, d *db.DB, tweak ...func(*users.Options)) *env {
	t.Helper()
	fake := testkit.NewFakeDirectory(t)
	return newEnvWithDirectory(t, d, fake, fastDirectory(t, fake.URL()), tweak...)
}

func newEnvWithDirectory(t *testing.T, d *db.DB, fake *testkit.FakeDirectory, dir directory.Directory, tweak ...func(*users.Options)) *env {
	t.Helper()
	j, err := jobs.New(d, testWorkers(), jobs.Options{})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := url.Parse(baseURL)
	c := newClock()
	opts := users.Options{BaseURL: base, Directory: dir, Jobs: j, DevMail: true, Argon2: testkit.CheapArgon2, Now: c.Now}
	for _, f := range tweak {
		f(&opts)
	}
	s, err := users.NewService(d, users.NewStore(d, c.Now), opts)
	if err != nil {
		t.Fatal(err)
	}
	return &env{t: t, d: d, svc: s, clock: c, dir: fake, opts: opts}
}

// noopLeavers stands in for the app's leavers worker: River refuses to insert a job
// of a kind no worker is registered for. The client is never started here, so jobs
// are only inserted, for the tests to read from river_job.
type noopLeavers struct {
	river.WorkerDefaults[users.LeaversArgs]
}

func (noopLeavers) Work(context.Context, *river.Job[users.LeaversArgs]) error { return nil }

func testWorkers() *river.Workers {
	w := jobs.NewWorkers()
	river.AddWorker(w, &mail.Worker{Sender: mail.LogSender{Logger: slog.New(slog.DiscardHandler)}})
	river.AddWorker(w, noopLeavers{})
	return w
}

const goodPassword = "correct horse battery staple"

// mkUser creates an account through the operator's path (CreateUser).
func (e *env) mkUser(email string, roles ...users.Role) *users.User {
	e.t.Helper()
	return e.mkUserIn(email, nil, roles...)
}

func (e *env) mkUserIn(email string, deps []string, roles ...users.Role) *users.User {
	e.t.Helper()
	if len(roles) == 0 {
		roles = []users.Role{users.RoleEmployee}
	}
	u, err := e.svc.CreateUser(context.Background(), users.CreateInput{
		Email: email, FullName: "Test " + email, Roles: roles, DepartmentCodes: deps, Password: goodPassword,
	})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// mkDept creates a department directly through the store.
func (e *env) mkDept(code string) users.Department {
	e.t.Helper()
	var dep users.Department
	err := e.d.InTx(context.Background(), func(tx *sql.Tx) error {
		var err error
		dep, err = users.NewStore(e.d, e.clock.Now).CreateDepartmentTx(context.Background(), tx, users.Department{Code: code, NameEN: "Dept " + code})
		return err
	})
	if err != nil {
		e.t.Fatalf("create department %s: %v", code, err)
	}
	return dep
}

// reload reads the account fresh, as an admin would.
func (e *env) reload(id int64) *users.User {
	e.t.Helper()
	var email string
	if err := e.d.R.QueryRow("SELECT email FROM users WHERE id = $1", id).Scan(&email); err != nil {
		e.t.Fatalf("reload %d: %v", id, err)
	}
	u, err := e.svc.UserByEmail(context.Background(), email)
	if err != nil {
		e.t.Fatalf("reload %d: %v", id, err)
	}
	return u
}

// count runs a COUNT(*) query.
func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.d.R.QueryRow(query, args...).Scan(&n); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
	return n
}

type mailJob struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// mailJobs returns the queued mail_send jobs, oldest first, read from River's table.
func (e *env) mailJobs() []mailJob {
	e.t.Helper()
	// River keeps args as jsonb on PostgreSQL and as SQLite's binary JSONB; ask both for text.
	args := "args::text"
	if e.d.Dialect == db.SQLite {
		args = "json(args)"
	}
	rows, err := e.d.R.Query("SELECT " + args + " FROM river_job WHERE kind = 'mail_send' ORDER BY id")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []mailJob
	for rows.Next() {
		var raw []byte
		if err := rows.Scan(&raw); err != nil {
			e.t.Fatal(err)
		}
		var m mailJob
		if err := json.Unmarshal(raw, &m); err != nil {
			e.t.Fatalf("mail job args %q: %v", raw, err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

var linkRe = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/register/confirm\?(?:\S*&)?token=([A-Za-z0-9_-]+)`)

// register registers email and returns the token of the link the mail carries.
func (e *env) register(email string) string {
	e.t.Helper()
	before := len(e.mailJobs())
	if _, err := e.svc.Register(context.Background(), users.RegisterInput{Email: email, Language: "en"}); err != nil {
		e.t.Fatalf("register %s: %v", email, err)
	}
	mails := e.mailJobs()
	if len(mails) != before+1 {
		e.t.Fatalf("register %s: %d mail jobs, want %d", email, len(mails), before+1)
	}
	return tokenOf(e.t, mails[len(mails)-1])
}

func tokenOf(t *testing.T, m mailJob) string {
	t.Helper()
	sm := linkRe.FindStringSubmatch(m.Body)
	if sm == nil {
		t.Fatalf("no confirmation link in the mail body:\n%s", m.Body)
	}
	return sm[1]
}

// wantCode fails unless err is an apperr of code (and key, when key is not "").
func wantCode(t testing.TB, err error, code apperr.Code, key string) *apperr.Error {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s %q", code, key)
	}
	ae := apperr.As(err)
	if ae == nil {
		t.Fatalf("got %v (%T), want an apperr %s %q", err, err, code, key)
	}
	if ae.Code != code || (key != "" && ae.Key != key) {
		t.Fatalf("got %s %q (%v), want %s %q", ae.Code, ae.Key, err, code, key)
	}
	return ae
}

// wantField fails unless err is Invalid with a field error field/key.
func wantField(t testing.TB, err error, field, key string) {
	t.Helper()
	ae := wantCode(t, err, apperr.Invalid, "")
	for _, f := range ae.Fields {
		if f.Field == field && f.Key == key {
			return
		}
	}
	t.Fatalf("error %v lacks field %s: %s", err, field, key)
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func ptr[T any](v T) *T { return &v }
