package users_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"RegisterAndConfirm", testRegisterAndConfirm})
	dbCases = append(dbCases, dbCase{"RegisterDefaultsAndRussianMail", testRegisterDefaultsAndRussianMail})
	dbCases = append(dbCases, dbCase{"RegisterRefusedStoresNothing", testRegisterRefusedStoresNothing})
	dbCases = append(dbCases, dbCase{"RegisterBadInput", testRegisterBadInput})
	dbCases = append(dbCases, dbCase{"ConfirmEmailExpiry", testConfirmEmailExpiry})
	dbCases = append(dbCases, dbCase{"ConfirmEmailUnknownTokens", testConfirmEmailUnknownTokens})
	dbCases = append(dbCases, dbCase{"TwoPendingRegistrations", testTwoPendingRegistrations})
	dbCases = append(dbCases, dbCase{"ConfirmAfterOperatorMadeTheAccount", testConfirmAfterOperatorMadeTheAccount})
	dbCases = append(dbCases, dbCase{"ConfirmEmailConcurrently", testConfirmEmailConcurrently})
	dbCases = append(dbCases, dbCase{"RegisterNextInLink", testRegisterNextInLink})
}

func roleNames(u *users.User) []string {
	var out []string
	for _, r := range u.Roles {
		out = append(out, string(r))
	}
	slices.Sort(out)
	return out
}

func deptCodes(u *users.User) []string {
	var out []string
	for _, d := range u.Departments {
		out = append(out, d.Code)
	}
	slices.Sort(out)
	return out
}

// testRegisterAndConfirm is the whole happy path through the real HTTP client: the
// directory confirms, a registration and one mail job are stored in one go, the link
// from the mail creates the account from the directory's answer, and works once.
func testRegisterAndConfirm(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.mkDept("it")
	e.mkDept("cleaning")
	e.dir.AddRaw("anna.petrova@example.com", map[string]any{
		"employee_id": "E-1042", "email": "Anna.Petrova@example.com", "full_name": "Anna Petrova",
		"active": true, "position": "Accountant",
		"roles":       []string{"employee", "Executor", "superuser", "root"},
		"departments": []string{"it", "ghost", "Bad Code!"},
	})

	res, err := e.svc.Register(ctx, users.RegisterInput{Email: "  Anna.Petrova@Example.COM ", Language: "en"})
	ok(t, err)
	if res.Email != "anna.petrova@example.com" || !res.DevMail {
		t.Errorf("result %+v", res)
	}
	if reqs := e.dir.Requests(); len(reqs) != 1 || reqs[0].Email != "anna.petrova@example.com" {
		t.Errorf("directory requests %+v, want one about the normalised e-mail", reqs)
	}
	if n := e.count("SELECT COUNT(*) FROM registrations WHERE email = 'anna.petrova@example.com' AND used_at IS NULL"); n != 1 {
		t.Fatalf("%d registrations", n)
	}
	if n := e.count("SELECT COUNT(*) FROM river_job"); n != 1 {
		t.Fatalf("%d jobs, want exactly one", n)
	}
	if n := e.count("SELECT COUNT(*) FROM users"); n != 0 {
		t.Fatalf("an account exists before the mailbox is proven (%d)", n)
	}
	var tokenHash string
	ok(t, d.R.QueryRow("SELECT token_hash FROM registrations").Scan(&tokenHash))
	mails := e.mailJobs()
	if len(mails) != 1 {
		t.Fatalf("%d mail jobs", len(mails))
	}
	m := mails[0]
	if m.To != "anna.petrova@example.com" || !strings.Contains(m.Body, "Anna Petrova") || !strings.Contains(m.Subject, "password") {
		t.Errorf("mail %+v", m)
	}
	token := tokenOf(t, m)
	if strings.Contains(tokenHash, token) {
		t.Error("the link's token is stored in clear")
	}

	u, err := e.svc.CompleteRegistration(ctx, token, goodPassword)
	ok(t, err)
	if u.Email != "anna.petrova@example.com" || u.FullName != "Anna Petrova" || u.Position != "Accountant" ||
		u.EmployeeID != "E-1042" || u.Language != "en" || !u.Active {
		t.Errorf("account %+v", u)
	}
	// Unknown roles and departments of the answer are ignored, the rest kept.
	for _, got := range []*users.User{u, e.reload(u.ID)} {
		if r := roleNames(got); !slices.Equal(r, []string{"employee", "executor"}) {
			t.Errorf("roles %v, want employee and executor", r)
		}
		if c := deptCodes(got); !slices.Equal(c, []string{"it"}) {
			t.Errorf("departments %v, want it", c)
		}
	}
	if _, err := e.svc.Login(ctx, users.LoginInput{Email: "anna.petrova@example.com", Password: goodPassword}); err != nil {
		t.Errorf("login with the registered password: %v", err)
	}
	// The link works once.
	_, err = e.svc.CompleteRegistration(ctx, token, goodPassword)
	wantCode(t, err, apperr.Invalid, "register.link_invalid")
	if n := e.count("SELECT COUNT(*) FROM users"); n != 1 {
		t.Errorf("%d accounts after a reused link", n)
	}
	// Registering again once the account exists is answered alike; the mail says
	// "you already have an account" and carries no link that sets a password.
	res2, err := e.svc.Register(ctx, users.RegisterInput{Email: "ANNA.PETROVA@example.com"})
	ok(t, err)
	if *res2 != *res {
		t.Errorf("answer %+v for an existing account differs from %+v", res2, res)
	}
	mails = e.mailJobs()
	if len(mails) != 2 {
		t.Fatalf("%d mails after registering an existing account, want 2", len(mails))
	}
	if m := mails[1]; !strings.Contains(m.Subject, "already have") || linkRe.MatchString(m.Body) ||
		!strings.Contains(m.Body, baseURL+"/login") || !strings.Contains(m.Body, baseURL+"/password-reset") {
		t.Errorf("mail to an existing account: %+v", m)
	}
	if n := e.count("SELECT COUNT(*) FROM registrations WHERE used_at IS NULL"); n != 0 {
		t.Errorf("%d pending registrations for an existing account", n)
	}
}

// testRegisterDefaultsAndRussianMail: no language means the default (ru), and the
// mail is Russian; a directory naming no known role gives "employee".
func testRegisterDefaultsAndRussianMail(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.dir.AddRaw("ivan@example.com", map[string]any{"employee_id": "E-7", "email": "ivan@example.com", "full_name": "Иван Петров",
		"active": true, "roles": []string{"janitor"}})
	_, err := e.svc.Register(ctx, users.RegisterInput{Email: "ivan@example.com"})
	ok(t, err)
	m := e.mailJobs()[0]
	if !strings.Contains(m.Body, "Здравствуйте, Иван Петров") {
		t.Errorf("mail body is not the Russian one:\n%s", m.Body)
	}
	u, err := e.svc.CompleteRegistration(ctx, tokenOf(t, m), goodPassword)
	ok(t, err)
	if u.Language != "ru" || !slices.Equal(roleNames(u), []string{"employee"}) || len(u.Departments) != 0 {
		t.Errorf("account %+v", u)
	}
}

// testRegisterRefusedStoresNothing: a person the directory does not list as active
// gets the answer everyone gets and no mail; every failure of the directory is
// Unavailable, quickly; neither leaves a registration or a job.
func testRegisterRefusedStoresNothing(t *testing.T, d *db.DB) {
	ctx := context.Background()
	lavish := func(o *users.Options) {
		o.MailThrottle = users.MailThrottle{Window: time.Hour, PerEmail: 100, PerAddress: 100}
	}
	e := newEnv(t, d, lavish)
	e.dir.AddInactive("gone@example.com", "Gone Person")
	e.dir.AddActive("anna@example.com", "Anna")
	refused := newEnvWithDirectory(t, d, nil, fastDirectory(t, testkit.RefusedURL(t)), lavish)

	cases := []struct {
		name  string
		svc   *users.Service
		setup func()
		email string
		code  apperr.Code // Internal here: the answer everyone gets, no mail
		key   string
	}{
		{"inactive", e.svc, func() {}, "gone@example.com", apperr.Internal, ""},
		{"unknown", e.svc, func() {}, "stranger@example.com", apperr.Internal, ""},
		{"500", e.svc, func() { e.dir.FailWith(http.StatusInternalServerError) }, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"401", e.svc, func() { e.dir.RequireToken("secret") }, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"malformed JSON", e.svc, e.dir.AnswerMalformedJSON, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"missing fields", e.svc, e.dir.AnswerMissingFields, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"oversize", e.svc, func() { e.dir.AnswerOversize(directory.MaxBodyBytes + 10) }, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"slow beyond the timeout", e.svc, func() { e.dir.SetDelay(5 * time.Second) }, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"somebody else's answer", e.svc, func() {
			e.dir.AddRaw("mallory@example.com", map[string]any{"employee_id": "E-1", "email": "boss@example.com", "full_name": "Boss", "active": true, "roles": []string{"admin"}})
		}, "mallory@example.com", apperr.Unavailable, "register.directory_unavailable"},
		{"connection refused", refused.svc, func() {}, "anna@example.com", apperr.Unavailable, "register.directory_unavailable"},
	}
	for _, c := range cases {
		e.dir.Heal()
		e.dir.RequireToken("")
		c.setup()
		start := time.Now()
		_, err := c.svc.Register(ctx, users.RegisterInput{Email: c.email, Language: "en"})
		took := time.Since(start)
		switch {
		case c.code == apperr.Internal && err != nil:
			t.Errorf("%s: %v, want the answer everyone gets", c.name, err)
		case c.code == apperr.Internal:
		case err == nil:
			t.Errorf("%s: registration accepted", c.name)
			continue
		}
		if ae := apperr.As(err); c.code != apperr.Internal && (ae == nil || ae.Code != c.code || ae.Key != c.key) {
			t.Errorf("%s: got %v, want %s %q", c.name, err, c.code, c.key)
		}
		if c.code == apperr.Unavailable && !errors.Is(err, directory.ErrUnavailable) {
			t.Errorf("%s: the cause %v is not kept for the log", c.name, err)
		}
		if took > 3*time.Second {
			t.Errorf("%s: took %s", c.name, took)
		}
		for _, table := range []string{"registrations", "river_job", "users"} {
			if n := e.count("SELECT COUNT(*) FROM " + table); n != 0 {
				t.Errorf("%s: %d rows in %s", c.name, n, table)
			}
		}
	}
	// The directory recovers: the same person can register now.
	e.dir.Heal()
	e.dir.RequireToken("")
	e.register("anna@example.com")
}

// testRegisterBadInput: malformed input is refused before the directory is asked.
func testRegisterBadInput(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.dir.AddActive("anna@example.com", "Anna")
	cases := []struct {
		name       string
		in         users.RegisterInput
		field, key string
	}{
		{"empty e-mail", users.RegisterInput{Email: ""}, "email", "validation.email_invalid"},
		{"no at", users.RegisterInput{Email: "anna.example.com"}, "email", "validation.email_invalid"},
		{"no domain", users.RegisterInput{Email: "anna@"}, "email", "validation.email_invalid"},
		{"no local part", users.RegisterInput{Email: "@example.com"}, "email", "validation.email_invalid"},
		{"two ats", users.RegisterInput{Email: "anna@x@example.com"}, "email", "validation.email_invalid"},
		{"space inside", users.RegisterInput{Email: "an na@example.com"}, "email", "validation.email_invalid"},
		{"NUL inside", users.RegisterInput{Email: "anna\x00@example.com"}, "email", "validation.email_invalid"},
		{"newline inside", users.RegisterInput{Email: "anna@example.com\r\nBcc: all@example.com"}, "email", "validation.email_invalid"},
		{"10 KB e-mail", users.RegisterInput{Email: strings.Repeat("a", 10<<10) + "@example.com"}, "email", "validation.email_invalid"},
		{"invalid UTF-8 e-mail", users.RegisterInput{Email: "anna\xff@example.com"}, "email", "validation.email_invalid"},
		{"unknown language", users.RegisterInput{Email: "anna@example.com", Language: "de"}, "language", "validation.language_invalid"},
	}
	for _, c := range cases {
		_, err := e.svc.Register(ctx, c.in)
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || !slices.ContainsFunc(ae.Fields, func(f apperr.FieldError) bool {
			return f.Field == c.field && f.Key == c.key
		}) {
			t.Errorf("%s: got %v, want %s: %s", c.name, err, c.field, c.key)
		}
	}
	if reqs := e.dir.Requests(); len(reqs) != 0 {
		t.Errorf("the directory was asked %d times about malformed input", len(reqs))
	}
	for _, table := range []string{"registrations", "river_job", "users"} {
		if n := e.count("SELECT COUNT(*) FROM " + table); n != 0 {
			t.Errorf("%d rows in %s", n, table)
		}
	}
}

func testConfirmEmailExpiry(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d, func(o *users.Options) { o.ConfirmTTL = 2 * time.Hour })
	e.dir.AddActive("late@example.com", "Late")
	e.dir.AddActive("prompt@example.com", "Prompt")
	late := e.register("late@example.com")
	prompt := e.register("prompt@example.com")
	if body := e.mailJobs()[0].Body; !strings.Contains(body, "within 2 hours") {
		t.Errorf("the mail does not state the link's lifetime:\n%s", body)
	}

	e.clock.Add(2*time.Hour - time.Second)
	if _, err := e.svc.CompleteRegistration(ctx, prompt, goodPassword); err != nil {
		t.Fatalf("a link a second before its expiry: %v", err)
	}
	e.clock.Add(time.Second)
	_, err := e.svc.CompleteRegistration(ctx, late, goodPassword)
	wantCode(t, err, apperr.Invalid, "register.link_invalid")
	if n := e.count("SELECT COUNT(*) FROM users WHERE email = 'late@example.com'"); n != 0 {
		t.Errorf("an expired link made an account")
	}
	// A fresh registration after the expiry works.
	fresh := e.register("late@example.com")
	_, err = e.svc.CompleteRegistration(ctx, fresh, goodPassword)
	ok(t, err)
}

func testConfirmEmailUnknownTokens(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.dir.AddActive("anna@example.com", "Anna")
	token := e.register("anna@example.com")
	for _, bad := range []string{"", "nope", token[:len(token)-1], token + "x", strings.ToUpper(token), strings.Repeat("a", 101),
		strings.Repeat("a", 10<<10), "\xff\xfe", "' OR 1=1 --"} {
		_, err := e.svc.CompleteRegistration(ctx, bad, goodPassword)
		wantCode(t, err, apperr.Invalid, "register.link_invalid")
	}
	if n := e.count("SELECT COUNT(*) FROM users"); n != 0 {
		t.Fatalf("%d accounts from unknown tokens", n)
	}
	_, err := e.svc.CompleteRegistration(ctx, token, goodPassword)
	ok(t, err)
}

// testTwoPendingRegistrations: a new request for the same address replaces the
// pending one: only the newest link sets the password.
func testTwoPendingRegistrations(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.dir.AddActive("anna@example.com", "Anna")
	first := e.register("anna@example.com")
	second := e.register("anna@example.com")
	if first == second {
		t.Fatal("two registrations got the same link")
	}
	_, err := e.svc.CompleteRegistration(ctx, first, "first passphrase here")
	wantCode(t, err, apperr.Invalid, "register.link_invalid")
	_, err = e.svc.CompleteRegistration(ctx, second, "second passphrase here")
	ok(t, err)
	if n := e.count("SELECT COUNT(*) FROM users"); n != 1 {
		t.Fatalf("%d accounts", n)
	}
	_, err = e.svc.Login(ctx, users.LoginInput{Email: "anna@example.com", Password: "second passphrase here"})
	ok(t, err)
	_, err = e.svc.Login(ctx, users.LoginInput{Email: "anna@example.com", Password: "first passphrase here"})
	wantCode(t, err, apperr.Unauthenticated, "login.failed")
}

// testConfirmAfterOperatorMadeTheAccount: a pending link for an e-mail that got an
// account meanwhile is a conflict, not a second account or an internal error.
func testConfirmAfterOperatorMadeTheAccount(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	e.dir.AddActive("anna@example.com", "Anna")
	token := e.register("anna@example.com")
	e.mkUser("anna@example.com")
	_, err := e.svc.CompleteRegistration(context.Background(), token, goodPassword)
	wantCode(t, err, apperr.Conflict, "register.already_confirmed")
	if n := e.count("SELECT COUNT(*) FROM users"); n != 1 {
		t.Fatalf("%d accounts", n)
	}
}

// testConfirmEmailConcurrently: one link used by several requests at once makes one
// account; the others are refused without an internal error.
func testConfirmEmailConcurrently(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	e.dir.AddActive("anna@example.com", "Anna")
	token := e.register("anna@example.com")
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { _, errs[i] = e.svc.CompleteRegistration(context.Background(), token, goodPassword) })
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch ae := apperr.As(err); {
		case err == nil:
			wins++
		case ae != nil && (ae.Key == "register.link_invalid" || ae.Key == "register.already_confirmed"):
		default:
			t.Errorf("concurrent confirm: %v", err)
		}
	}
	if wins != 1 {
		t.Errorf("%d successful confirmations, want 1", wins)
	}
	if c := e.count("SELECT COUNT(*) FROM users"); c != 1 {
		t.Errorf("%d accounts", c)
	}
}

// testRegisterNextInLink: the link carries the local page the person was going to,
// and nothing that could send them to another site.
func testRegisterNextInLink(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d, func(o *users.Options) {
		o.MailThrottle = users.MailThrottle{Window: time.Hour, PerEmail: 100, PerAddress: 100}
	})
	e.dir.AddActive("anna@example.com", "Anna")
	linkRe := regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/register/confirm\?\S+`)
	for next, want := range map[string]string{
		"/a/printer-3":        "/a/printer-3",
		"/tickets/7?x=1&y=2":  "/tickets/7?x=1&y=2",
		"":                    "",
		"//evil.com":          "",
		"https://evil.com":    "",
		"/\\evil.com":         "",
		"javascript:alert(1)": "",
	} {
		_, err := e.svc.Register(ctx, users.RegisterInput{Email: "anna@example.com", Next: next})
		ok(t, err)
		mails := e.mailJobs()
		raw := linkRe.FindString(mails[len(mails)-1].Body)
		u, err := url.Parse(raw)
		if err != nil || raw == "" {
			t.Fatalf("next %q: link %q: %v", next, raw, err)
		}
		if u.Host != "desk.example.com" || u.Path != "/register/confirm" || u.Query().Get("token") == "" {
			t.Errorf("next %q: link %q", next, raw)
		}
		if got := u.Query().Get("next"); got != want {
			t.Errorf("next %q: the link carries next=%q, want %q", next, got, want)
		}
	}
}
