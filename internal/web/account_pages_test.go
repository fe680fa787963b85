package web_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// The account pages are tested through the whole HTML face (middleware, sessions,
// cross-origin protection) served on loopback, with one cookie jar per browser.

const acctPassword = "a long enough pass phrase"

// acctEnv is the web server over a fresh database, with the accounts domain.
type acctEnv struct {
	t    *testing.T
	url  string
	svc  *users.Service
	db   *db.DB
	en   *i18n.Localizer
	deps []users.Department
}

func newAcctEnv(t *testing.T, d *db.DB) *acctEnv {
	t.Helper()
	cat, err := i18n.New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	svc := testkit.Accounts(t, d)
	store := users.NewStore(d, nil)
	// Errors the pages log (a 500's cause) show in the test's output.
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelError}))
	s, err := web.New(web.Deps{Config: config.Default(), Logger: logger, Catalog: cat, DB: d, Users: store, Accounts: svc,
		Jobs: &fakeJobs{running: true}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(hosted(t, s, config.Default()))
	t.Cleanup(ts.Close)
	e := &acctEnv{t: t, url: ts.URL, svc: svc, db: d, en: cat.For("en")}
	ctx := context.Background()
	for _, code := range []string{"it", "office"} {
		dep, err := svc.CreateDepartment(ctx, &users.User{Roles: []users.Role{users.RoleAdmin}},
			users.DepartmentInput{Code: code, NameEN: strings.ToUpper(code) + " dept", NameRU: "Отдел " + code})
		if err != nil {
			t.Fatal(err)
		}
		e.deps = append(e.deps, dep)
	}
	return e
}

// user creates an account (in English, so pages can be checked against the catalogue).
func (e *acctEnv) user(email, name string, roles ...users.Role) *users.User {
	e.t.Helper()
	u, err := e.svc.CreateUser(context.Background(), users.CreateInput{Email: email, FullName: name, Roles: roles, Password: acctPassword, Language: "en"})
	if err != nil {
		e.t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// reload reads an account afresh.
func (e *acctEnv) reload(u *users.User) *users.User {
	e.t.Helper()
	got, err := e.svc.User(context.Background(), u, u.ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return got
}

// T is the English text of key as it appears in a page's HTML.
func (e *acctEnv) T(key string, args ...any) string { return html.EscapeString(e.en.T(key, args...)) }

// browserClient is one browser: its own cookies, redirects not followed.
type browserClient struct {
	t    *testing.T
	base string
	hc   *http.Client
}

func (e *acctEnv) client() *browserClient { return newBrowserClient(e.t, e.url) }

func newBrowserClient(t *testing.T, base string) *browserClient {
	jar, _ := cookiejar.New(nil)
	return &browserClient{t: t, base: base, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *browserClient) do(method, path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, c.base+path, body)
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Accept-Language", "en")
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Sec-Fetch-Site", "same-origin") // what a browser sends with the page's own forms
	}
	res, err := c.hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func (c *browserClient) get(path string) (*http.Response, string) {
	c.t.Helper()
	return c.do(http.MethodGet, path, nil)
}

func (c *browserClient) post(path string, form url.Values) (*http.Response, string) {
	c.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return c.do(http.MethodPost, path, form)
}

// login logs in through the login form.
func (c *browserClient) login(email string) *browserClient {
	c.t.Helper()
	return c.loginWith(email, acctPassword)
}

func (c *browserClient) loginWith(email, password string) *browserClient {
	c.t.Helper()
	res, body := c.post("/login", url.Values{"email": {email}, "password": {password}})
	if res.StatusCode != http.StatusSeeOther {
		c.t.Fatalf("login %s: %d %s", email, res.StatusCode, body)
	}
	return c
}

// wantStatus fails unless res has the status.
func wantStatus(t *testing.T, what string, res *http.Response, body string, status int) {
	t.Helper()
	if res.StatusCode != status {
		if len(body) > 3000 {
			body = body[:3000] + "…"
		}
		t.Fatalf("%s: status %d, want %d\n%s", what, res.StatusCode, status, body)
	}
}

// wantRedirect fails unless res is a 303 to location.
func wantRedirect(t *testing.T, what string, res *http.Response, location string) {
	t.Helper()
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != location {
		t.Fatalf("%s: %d to %q, want 303 to %q", what, res.StatusCode, res.Header.Get("Location"), location)
	}
}

func wantContains(t *testing.T, what, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("%s: the page lacks %q", what, p)
		}
	}
}

func TestAccountPagesAccessByRole(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		e.user("admin@example.com", "Ada Admin", users.RoleEmployee, users.RoleAdmin)
		emp := e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		anon, employee, admin := e.client(), e.client().login("emp@example.com"), e.client().login("admin@example.com")

		empPage := fmt.Sprintf("/admin/users/%d", emp.ID)
		for _, path := range []string{"/profile", "/admin/users", "/admin/users?q=emil&role=employee", empPage, "/admin/departments"} {
			res, _ := anon.get(path)
			wantRedirect(t, "anonymous GET "+path, res, "/login?next="+url.QueryEscape(path))

			res, body := admin.get(path)
			wantStatus(t, "admin GET "+path, res, body, http.StatusOK)
			if path == "/profile" {
				res, body = employee.get(path)
				wantStatus(t, "employee GET "+path, res, body, http.StatusOK)
				continue
			}
			res, body = employee.get(path)
			wantStatus(t, "employee GET "+path, res, body, http.StatusForbidden)
			wantContains(t, "employee GET "+path, body, e.T("error.forbidden_title"))
		}
		// An employee opening their own account's admin page is refused too.
		res, body := employee.get(empPage)
		wantStatus(t, "employee GET own admin page", res, body, http.StatusForbidden)

		// Admin actions posted by an employee are refused by the domain and change nothing.
		for path, form := range map[string]url.Values{
			empPage:              {"roles": {"employee", "admin"}, "active": {"on"}},
			"/admin/departments": {"code": {"evil"}, "name_en": {"Evil"}},
			fmt.Sprintf("/admin/departments/%d", e.deps[0].ID):        {"name_en": {"Renamed"}},
			fmt.Sprintf("/admin/departments/%d/delete", e.deps[1].ID): {},
			"/admin/users/leavers-check":                              {},
		} {
			res, body := employee.post(path, form)
			wantStatus(t, "employee POST "+path, res, body, http.StatusForbidden)
			res, _ = anon.post(path, form)
			wantRedirect(t, "anonymous POST "+path, res, "/login?next=%2F")
		}
		if e.reload(emp).IsAdmin() {
			t.Fatal("an employee made themselves admin through the admin form")
		}
		deps, _ := users.NewStore(d, nil).ListDepartments(context.Background())
		if len(deps) != 2 || deps[0].NameEN != e.deps[0].NameEN {
			t.Fatalf("an employee changed the departments: %+v", deps)
		}

		// The admin link is shown to admins only.
		_, body = admin.get("/profile")
		wantContains(t, "admin's page", body, `href="/admin/users"`)
		_, body = employee.get("/profile")
		if strings.Contains(body, `href="/admin/users"`) {
			t.Error("an employee's page links to the admin pages")
		}

		res, body = admin.get("/admin/users/999999")
		wantStatus(t, "admin GET a missing user", res, body, http.StatusNotFound)
		res, body = admin.get("/admin/users/abc")
		wantStatus(t, "admin GET a bad id", res, body, http.StatusNotFound)
	})
}

func TestProfileShowsTheDirectoryFacts(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		u, err := e.svc.CreateUser(context.Background(), users.CreateInput{Email: "exec@example.com", FullName: "Ivan Executor",
			Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, DepartmentCodes: []string{"it"}, Password: acctPassword,
			Language: "en", Position: "Engineer"})
		if err != nil {
			t.Fatal(err)
		}
		c := e.client().login(u.Email)
		res, body := c.get("/profile")
		wantStatus(t, "profile", res, body, http.StatusOK)
		wantContains(t, "profile", body, "Ivan Executor", "exec@example.com", "Engineer", "IT dept",
			e.T("account.role.employee"), e.T("account.role.executor"), e.T("account.from_directory"), e.T("profile.tokens_empty"))
		if strings.Contains(body, e.T("account.role.admin")) {
			t.Error("the profile lists a role the person lacks")
		}

		// Mass assignment: extra fields in the language form are ignored.
		res, _ = c.post("/profile/language", url.Values{"language": {"ru"}, "roles": {"admin"}, "email": {"boss@example.com"}, "full_name": {"Boss"}})
		wantRedirect(t, "language", res, "/profile")
		got := e.reload(u)
		if got.Language != "ru" || got.IsAdmin() || got.Email != "exec@example.com" || got.FullName != "Ivan Executor" {
			t.Fatalf("after the language form: %+v", got)
		}
		_, body = c.get("/profile")
		wantContains(t, "profile in Russian", body, `<html lang="ru">`, html.EscapeString(e.en.T("lang.ru")))
		res, body = c.post("/profile/language", url.Values{"language": {"de"}})
		wantStatus(t, "unknown language", res, body, http.StatusUnprocessableEntity)
	})
}

func TestProfilePasswordChangeEndsOnlyOtherSessions(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		u := e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		here, other := e.client().login(u.Email), e.client().login(u.Email)

		res, body := here.post("/profile/password", url.Values{"current_password": {"not the password"}, "new_password": {"another long pass phrase"}})
		wantStatus(t, "wrong current password", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "wrong current password", body, e.T("profile.current_password_wrong"))
		res, body = here.post("/profile/password", url.Values{"current_password": {acctPassword}, "new_password": {"short"}})
		wantStatus(t, "short new password", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "short new password", body, `aria-describedby="new_password-hint new_password-err" aria-invalid="true"`)
		res, body = other.get("/profile")
		wantStatus(t, "the other session after refused changes", res, body, http.StatusOK)

		res, _ = here.post("/profile/password", url.Values{"current_password": {acctPassword}, "new_password": {"another long pass phrase"}})
		wantRedirect(t, "password change", res, "/profile")
		res, body = here.get("/profile")
		wantStatus(t, "this session after the change", res, body, http.StatusOK)
		wantContains(t, "this session after the change", body, e.T("profile.password_changed"))
		_, body = here.get("/profile")
		if strings.Contains(body, e.T("profile.password_changed")) {
			t.Error("the notice is shown twice")
		}
		res, _ = other.get("/profile")
		wantRedirect(t, "the other session after the change", res, "/login?next=%2Fprofile")

		e.client().loginWith(u.Email, "another long pass phrase")
		res, _ = e.client().post("/login", url.Values{"email": {u.Email}, "password": {acctPassword}})
		if res.StatusCode == http.StatusSeeOther {
			t.Fatal("the old password still logs in")
		}
	})
}

var tokenRe = regexp.MustCompile(`sst_[A-Za-z0-9_-]{20,}`)

func TestProfileTokensShownOnceAndRevoked(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		u := e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		e.user("other@example.com", "Otto Other", users.RoleEmployee)
		c, other := e.client().login(u.Email), e.client().login("other@example.com")
		ctx := context.Background()

		for _, days := range []string{"0", "367", "abc", ""} {
			res, body := c.post("/profile/tokens", url.Values{"name": {"Script"}, "expires_in_days": {days}})
			wantStatus(t, "lifetime "+days, res, body, http.StatusUnprocessableEntity)
			wantContains(t, "lifetime "+days, body, e.T("validation.token_ttl"))
		}
		res, body := c.post("/profile/tokens", url.Values{"name": {"  "}, "expires_in_days": {"30"}})
		wantStatus(t, "no name", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "no name", body, e.T("validation.token_name"))

		res, body = c.post("/profile/tokens", url.Values{"name": {"Reports <script>"}, "expires_in_days": {"30"}})
		wantStatus(t, "create token", res, body, http.StatusCreated)
		if cc := res.Header.Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("the page with the secret has Cache-Control %q", cc)
		}
		secret := tokenRe.FindString(body)
		if secret == "" {
			t.Fatalf("the new token is not on the page:\n%s", body)
		}
		wantContains(t, "create token", body, e.T("profile.new_token_body"), "Reports &lt;script&gt;")
		if owner, err := e.svc.AuthenticateToken(ctx, secret); err != nil || owner.ID != u.ID {
			t.Fatalf("the shown token does not work: %v", err)
		}

		res, body = c.get("/profile")
		wantStatus(t, "profile after", res, body, http.StatusOK)
		if strings.Contains(body, secret) || tokenRe.MatchString(body) {
			t.Fatal("the secret is shown again")
		}
		wantContains(t, "profile after", body, "Reports &lt;script&gt;", e.T("profile.token_active"))
		tokens, _ := e.svc.ListTokens(ctx, u)
		if len(tokens) != 1 {
			t.Fatalf("tokens: %+v", tokens)
		}
		revoke := fmt.Sprintf("/profile/tokens/%d/revoke", tokens[0].ID)

		res, body = other.post(revoke, nil)
		wantStatus(t, "another person revokes", res, body, http.StatusNotFound)
		if _, err := e.svc.AuthenticateToken(ctx, secret); err != nil {
			t.Fatal("another person revoked the token")
		}
		res, _ = c.post(revoke, nil)
		wantRedirect(t, "revoke", res, "/profile")
		if _, err := e.svc.AuthenticateToken(ctx, secret); err == nil {
			t.Fatal("a revoked token still works")
		}
		_, body = c.get("/profile")
		wantContains(t, "profile after revoking", body, e.T("profile.token_revoked_notice"))
		if strings.Contains(body, revoke) {
			t.Error("a revoked token still offers the revoke button")
		}
		res, body = c.post(revoke, nil)
		wantStatus(t, "revoke twice", res, body, http.StatusNotFound)
	})
}

func TestAdminEditsUsers(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		admin := e.user("admin@example.com", "Ada Admin", users.RoleEmployee, users.RoleAdmin)
		emp := e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		evil := e.user("evil@example.com", "<script>alert(1)</script> Eve", users.RoleEmployee)
		c := e.client().login(admin.Email)
		page := fmt.Sprintf("/admin/users/%d", emp.ID)

		res, body := c.get(page)
		wantStatus(t, "edit page", res, body, http.StatusOK)
		wantContains(t, "edit page", body, "Emil Employee", `name="roles" value="employee" checked`, `name="roles" value="executor">`,
			fmt.Sprintf(`name="departments" value="%d">`, e.deps[0].ID), `name="active" value="on" aria-describedby="active-hint" checked`)
		for _, field := range []string{`name="email"`, `name="full_name"`} {
			if strings.Contains(body, field) {
				t.Errorf("the admin form offers %s, which comes from the directory", field)
			}
		}

		res, _ = c.post(page, url.Values{"roles": {"employee", "executor"}, "departments": {strconv.FormatInt(e.deps[0].ID, 10)}, "active": {"on"},
			"email": {"hijack@example.com"}, "full_name": {"Renamed"}})
		wantRedirect(t, "save", res, page)
		got := e.reload(emp)
		if !got.Has(users.RoleExecutor) || !got.InDepartment(e.deps[0].ID) || got.Available || !got.Active {
			t.Fatalf("after the save: roles %v departments %v available %v active %v", got.Roles, got.DepartmentIDs(), got.Available, got.Active)
		}
		if got.Email != emp.Email || got.FullName != emp.FullName {
			t.Fatal("the admin form changed the name or e-mail")
		}
		_, body = c.get(page)
		wantContains(t, "after the save", body, e.T("account.saved"), `name="roles" value="executor" checked`)

		res, body = c.post(page, url.Values{"active": {"on"}})
		wantStatus(t, "no role", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "no role", body, e.T("validation.roles_empty"), e.T("error.invalid_input"))
		res, body = c.post(page, url.Values{"roles": {"employee"}, "departments": {"999999"}, "active": {"on"}})
		wantStatus(t, "unknown department", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "unknown department", body, e.T("validation.department_unknown"))

		// Deactivation ends the person's sessions.
		empBrowser := e.client().login(emp.Email)
		res, _ = c.post(page, url.Values{"roles": {"employee"}})
		wantRedirect(t, "deactivate", res, page)
		res, _ = empBrowser.get("/profile")
		wantRedirect(t, "deactivated person's session", res, "/login?next=%2Fprofile")

		// Self-demotion and self-deactivation are refused next to the field.
		own := fmt.Sprintf("/admin/users/%d", admin.ID)
		res, body = c.post(own, url.Values{"roles": {"employee"}, "active": {"on"}})
		wantStatus(t, "self-demotion", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "self-demotion", body, `<p class="field-error" id="roles-err">`+e.T("users.cannot_demote_self"))
		if strings.Contains(body, `name="roles" value="admin" checked`) {
			t.Error("the refused form should keep what was posted (admin unchecked)")
		}
		res, body = c.post(own, url.Values{"roles": {"employee", "admin"}})
		wantStatus(t, "self-deactivation", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "self-deactivation", body, `<p class="field-error" id="active-err">`+e.T("users.cannot_deactivate_self"))
		if got := e.reload(admin); !got.IsAdmin() || !got.Active {
			t.Fatal("the admin demoted or deactivated themselves")
		}

		// HTML in names is text everywhere it is shown.
		escaped := "&lt;script&gt;alert(1)&lt;/script&gt; Eve"
		for _, path := range []string{"/admin/users", fmt.Sprintf("/admin/users/%d", evil.ID), "/admin/users?q=" + url.QueryEscape("<script>")} {
			res, body = c.get(path)
			wantStatus(t, path, res, body, http.StatusOK)
			wantContains(t, path, body, escaped)
			if strings.Contains(body, "<script>alert(1)") {
				t.Errorf("%s: the name is not escaped", path)
			}
		}
		_, body = e.client().login(evil.Email).get("/profile")
		wantContains(t, "the person's own profile", body, escaped)
		if strings.Contains(body, "<script>alert(1)") {
			t.Error("the profile does not escape the name")
		}
	})
}

func TestAdminUsersSearchFiltersAndPages(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		e.user("admin@example.com", "Ada Admin", users.RoleEmployee, users.RoleAdmin)
		ctx := context.Background()
		exec, err := e.svc.CreateUser(ctx, users.CreateInput{Email: "exec@example.com", FullName: "Иван Исполнитель",
			Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, DepartmentCodes: []string{"office"}, Password: acctPassword})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 52 {
			e.user(fmt.Sprintf("person%02d@example.com", i), fmt.Sprintf("Person %02d", i), users.RoleEmployee)
		}
		c := e.client().login("admin@example.com")
		rows := func(body string) int { return strings.Count(body, `<th scope="row"`) }

		_, body := c.get("/admin/users")
		if n := rows(body); n != 50 {
			t.Fatalf("first page: %d rows, want 50", n)
		}
		m := regexp.MustCompile(`href="(/admin/users\?after=\d+)" rel="next"`).FindStringSubmatch(body)
		if m == nil {
			t.Fatal("no link to the next page")
		}
		_, body = c.get(html.UnescapeString(m[1]))
		if n := rows(body); n != 4 {
			t.Fatalf("second page: %d rows, want 4", n)
		}
		wantContains(t, "second page", body, "Person 51", e.T("admin.users.first_page"))
		if strings.Contains(body, `rel="next"`) {
			t.Error("the last page links to a next one")
		}

		_, body = c.get("/admin/users?q=" + url.QueryEscape("ИВАН"))
		if n := rows(body); n != 1 || !strings.Contains(body, fmt.Sprintf(`href="/admin/users/%d"`, exec.ID)) {
			t.Fatalf("search: %d rows", n)
		}
		_, body = c.get("/admin/users?role=executor")
		if n := rows(body); n != 1 {
			t.Fatalf("role filter: %d rows", n)
		}
		wantContains(t, "role filter", body, `<option value="executor" selected>`, e.T("admin.users.reset"))
		_, body = c.get(fmt.Sprintf("/admin/users?department=%d", e.deps[1].ID))
		if n := rows(body); n != 1 {
			t.Fatalf("department filter: %d rows", n)
		}
		if _, err := e.svc.UpdateUser(ctx, &users.User{ID: -1, Roles: []users.Role{users.RoleAdmin}}, exec.ID, users.UserPatch{Active: new(false)}); err != nil {
			t.Fatal(err)
		}
		_, body = c.get("/admin/users?active=no")
		if n := rows(body); n != 1 {
			t.Fatalf("inactive filter: %d rows", n)
		}
		wantContains(t, "inactive filter", body, e.T("admin.users.inactive"))
		_, body = c.get("/admin/users?active=no&role=bogus&department=x&after=-5")
		if n := rows(body); n != 1 {
			t.Fatalf("unparsable filters should be ignored: %d rows", n)
		}
		_, body = c.get("/admin/users?q=nobody-matches-this")
		wantContains(t, "empty result", body, e.T("admin.users.empty"))
		res, body := c.get("/admin/users?q=" + strings.Repeat("x", 300))
		wantStatus(t, "long search", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "long search", body, e.T("validation.search_long"))
	})
}

// TestAdminLeaversCheckButton runs on the real application, whose job client has
// the leavers check's worker (the accounts service of testkit has none).
func TestAdminLeaversCheckButton(t *testing.T) {
	t.Parallel()
	cat, err := i18n.New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			srv := testserver.Start(t, testserver.Options{Dialect: dialect})
			ctx := context.Background()
			if _, err := srv.App.Accounts.CreateUser(ctx, users.CreateInput{Email: "admin@example.com", FullName: "Ada Admin",
				Roles: []users.Role{users.RoleEmployee, users.RoleAdmin}, Password: acctPassword, Language: "en"}); err != nil {
				t.Fatal(err)
			}
			c := newBrowserClient(t, srv.URL).login("admin@example.com")
			res, _ := c.post("/admin/users/leavers-check", nil)
			wantRedirect(t, "leavers check", res, "/admin/users")
			_, body := c.get("/admin/users")
			wantContains(t, "after the check", body, html.EscapeString(cat.For("en").T("admin.users.leavers_queued")))
			var n int
			if err := srv.App.DB.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE kind = $1", users.LeaversArgs{}.Kind()).Scan(&n); err != nil || n == 0 {
				t.Fatalf("queued checks: %d, %v", n, err)
			}
		})
	}
}

func TestAdminDepartments(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		e.user("admin@example.com", "Ada Admin", users.RoleEmployee, users.RoleAdmin)
		ctx := context.Background()
		if _, err := e.svc.CreateUser(ctx, users.CreateInput{Email: "exec@example.com", FullName: "Ivan Executor",
			Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, DepartmentCodes: []string{"it"}, Password: acctPassword}); err != nil {
			t.Fatal(err)
		}
		c := e.client().login("admin@example.com")
		store := users.NewStore(d, nil)

		res, body := c.get("/admin/departments")
		wantStatus(t, "list", res, body, http.StatusOK)
		wantContains(t, "list", body, "IT dept", "Отдел it", "<code class=\"code\">office</code>")
		// One way to a group chat: the /link code; no hand-typed chat id field.
		if strings.Contains(body, `name="telegram_chat_id"`) {
			t.Error("the departments page still has a chat id field")
		}

		res, _ = c.post("/admin/departments", url.Values{"code": {"Cleaning"}, "name_en": {"Cleaning <b>"}, "name_ru": {"Клининг"}, "telegram_chat_id": {"-100123"}})
		wantRedirect(t, "create", res, "/admin/departments")
		_, body = c.get("/admin/departments")
		wantContains(t, "after create", body, e.T("admin.departments.created"), ">cleaning</code>", "Cleaning &lt;b&gt;")
		if strings.Contains(body, "-100123") {
			t.Error("a posted chat id was taken from the form")
		}

		res, body = c.post("/admin/departments", url.Values{"code": {"it"}, "name_en": {"Again"}})
		wantStatus(t, "taken code", res, body, http.StatusConflict)
		wantContains(t, "taken code", body, e.T("departments.code_taken"), `value="Again"`)
		res, body = c.post("/admin/departments", url.Values{"code": {"no spaces"}, "telegram_chat_id": {"chat"}})
		wantStatus(t, "bad department", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "bad department", body, e.T("validation.department_code"), e.T("validation.name_required"))

		it, office := e.deps[0], e.deps[1]
		// A chat id set through the API survives a rename on the page, and shows.
		if _, err := e.svc.UpdateDepartment(ctx, &users.User{ID: 1, Roles: []users.Role{users.RoleAdmin}}, it.ID, users.DepartmentInput{NameEN: it.NameEN, NameRU: it.NameRU, TelegramChatID: "@it_support"}); err != nil {
			t.Fatal(err)
		}
		_, body = c.get("/admin/departments")
		wantContains(t, "a chat id from the API", body, "@it_support")
		res, _ = c.post(fmt.Sprintf("/admin/departments/%d", it.ID), url.Values{"name_en": {"IT support"}, "name_ru": {"Техподдержка"}, "telegram_chat_id": {"-100999"}, "code": {"hacked"}})
		wantRedirect(t, "rename", res, "/admin/departments")
		dep, err := e.svc.Department(ctx, &users.User{ID: 1}, it.ID)
		if err != nil || dep.NameEN != "IT support" || dep.NameRU != "Техподдержка" || dep.TelegramChatID != "@it_support" || dep.Code != "it" {
			t.Fatalf("after rename: %+v %v", dep, err)
		}
		res, body = c.post(fmt.Sprintf("/admin/departments/%d", it.ID), url.Values{"name_en": {""}, "name_ru": {""}})
		wantStatus(t, "rename to nothing", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "rename to nothing", body, e.T("validation.name_required"), `<details class="edit" open>`)
		res, body = c.post("/admin/departments/999999", url.Values{"name_en": {"Ghost"}})
		wantStatus(t, "rename a missing one", res, body, http.StatusNotFound)

		res, body = c.post(fmt.Sprintf("/admin/departments/%d/delete", it.ID), nil)
		wantStatus(t, "delete in use", res, body, http.StatusConflict)
		wantContains(t, "delete in use", body, e.T("departments.in_use"))
		res, _ = c.post(fmt.Sprintf("/admin/departments/%d/delete", office.ID), nil)
		wantRedirect(t, "delete unused", res, "/admin/departments")
		_, body = c.get("/admin/departments")
		wantContains(t, "after delete", body, e.T("admin.departments.deleted"))
		deps, _ := store.ListDepartments(ctx)
		for _, d := range deps {
			if d.ID == office.ID {
				t.Fatal("the unused department was not deleted")
			}
		}
		if len(deps) != 2 {
			t.Fatalf("departments left: %+v", deps)
		}
		res, body = c.post(fmt.Sprintf("/admin/departments/%d/delete", office.ID), nil)
		wantStatus(t, "delete twice", res, body, http.StatusNotFound)
	})
}

func TestSetupFirstAdministrator(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		secret, err := e.svc.PrepareSetup(context.Background())
		if err != nil || secret == "" {
			t.Fatalf("setup secret: %q %v", secret, err)
		}
		c := e.client()
		res, body := c.get("/setup")
		wantStatus(t, "setup page", res, body, http.StatusOK)
		wantContains(t, "setup page", body, e.T("setup.lead"), `name="secret"`)

		form := url.Values{"secret": {"not-the-secret"}, "email": {"first@example.com"}, "full_name": {"First Admin"}, "password": {acctPassword}}
		res, body = c.post("/setup", form)
		wantStatus(t, "wrong secret", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "wrong secret", body, e.T("setup.secret_wrong"), `value="first@example.com"`)
		if strings.Contains(body, "not-the-secret") {
			t.Error("a wrong secret is echoed back")
		}
		form.Set("secret", secret)
		form.Set("password", "short")
		res, body = c.post("/setup", form)
		wantStatus(t, "short password", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "short password", body, `id="password-err"`)
		if has, _ := e.svc.HasAdmin(context.Background()); has {
			t.Fatal("an admin was made from a refused form")
		}

		form.Set("password", acctPassword)
		res, _ = c.post("/setup", form)
		wantRedirect(t, "setup", res, "/")
		res, body = c.get("/admin/users")
		wantStatus(t, "the new admin's session", res, body, http.StatusOK)
		wantContains(t, "the new admin's session", body, "First Admin", "first@example.com")

		for _, cl := range []*browserClient{c, e.client()} {
			res, body = cl.get("/setup")
			wantStatus(t, "setup after", res, body, http.StatusNotFound)
			form.Set("email", "second@example.com")
			res, body = cl.post("/setup", form)
			wantStatus(t, "setup again", res, body, http.StatusNotFound)
		}
		if _, err := e.svc.UserByEmail(context.Background(), "second@example.com"); err == nil {
			t.Fatal("a second admin was made through the setup page")
		}
	})
}

// TestAccountRoleNamesTranslated covers the keys the templates build at run time.
func TestAccountRoleNamesTranslated(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range users.Roles {
		if !cat.Has("account.role." + string(r)) {
			t.Errorf("no catalogue name for role %q", r)
		}
	}
}
