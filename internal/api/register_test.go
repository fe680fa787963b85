package api_test

import (
	"regexp"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/testkit"
)

// registerEnv is the API with an HTTP directory client talking to a fake directory
// on loopback, as in production.
func registerEnv(t *testing.T, d *db.DB, dirURL string) *env {
	t.Helper()
	c, err := directory.NewHTTP(directory.Options{BaseURL: dirURL, Timeout: 2 * time.Second, Attempts: 2, Backoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	return newEnvWith(t, d, c)
}

// lastMailToken returns the token of the link with path in the newest queued mail.
func (e *env) lastMailToken(path string) string {
	e.t.Helper()
	args := "args::text"
	if e.d.Dialect == db.SQLite {
		args = "json(args)"
	}
	var body string
	if err := e.d.R.QueryRow("SELECT " + args + " FROM river_job WHERE kind = 'mail_send' ORDER BY id DESC LIMIT 1").Scan(&body); err != nil {
		e.t.Fatal(err)
	}
	m := regexp.MustCompile(regexp.QuoteMeta(path) + `\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(body)
	if m == nil {
		e.t.Fatalf("no %s link in the mail %s", path, body)
	}
	return m[1]
}

// TestRegister: one 202 for every well-formed address; the mail says what applies;
// the password is set from the link, which logs the caller in.
func TestRegister(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		dir := testkit.NewFakeDirectory(t)
		dir.AddActive("ann@example.com", "Ann Active", "executor")
		dir.AddInactive("leo@example.com", "Leo Left")
		e := registerEnv(t, d, dir.URL())
		nothingStored := func(what string) {
			t.Helper()
			if n, m, j := e.count("registrations"), e.count("users"), e.count("river_job"); n != 0 || m != 0 || j != 0 {
				t.Errorf("%s: %d registrations, %d users and %d mails stored", what, n, m, j)
			}
		}

		for _, email := range []string{"nobody@example.com", "leo@example.com"} {
			res := e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": email}).want(202)
			if res.str("email") != email || res.obj["dev_mail"] != true {
				t.Errorf("202 body: %s", res.body)
			}
		}
		nothingStored("not an active employee")
		// The password is never taken at registration.
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "password": password}).wantFieldError("password")
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "language": "de"}).wantFieldError("language")
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "not-an-email"}).wantFieldError("email")
		// The account's name, roles and departments come from the directory, never the request.
		for _, field := range []string{"roles", "full_name", "departments", "active"} {
			e.do("POST", "/api/v1/auth/register", "", map[string]any{"email": "ann@example.com", field: []string{"admin"}}).wantFieldError(field)
		}
		nothingStored("invalid input")

		dir.FailWith(500)
		res := e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com"}).want(503)
		if res.str("detail") == "" {
			t.Error("503 without detail")
		}
		nothingStored("directory failing")
		dir.Heal()

		res = e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": " Ann@Example.com ", "language": "en"}).want(202)
		if res.str("email") != "ann@example.com" || res.obj["dev_mail"] != true {
			t.Errorf("202 body: %s", res.body)
		}
		if n, j := e.count("registrations"), e.count("river_job"); n != 1 || j != 1 {
			t.Errorf("%d registrations and %d mails after 202", n, j)
		}
		if n := e.count("users"); n != 0 {
			t.Errorf("an account exists before the link was used: %d", n)
		}
		token := e.lastMailToken("/register/confirm")
		e.do("POST", "/api/v1/auth/register/complete", "", map[string]string{"token": token, "password": "password1"}).wantFieldError("password")
		e.do("POST", "/api/v1/auth/register/complete", "", map[string]string{"token": "nope", "password": password}).want(422)
		res = e.do("POST", "/api/v1/auth/register/complete", "", map[string]string{"token": token, "password": password}).want(200)
		bearer := res.str("token")
		e.do("GET", "/api/v1/me", bearer, nil).want(200)
		e.do("POST", "/api/v1/auth/register/complete", "", map[string]string{"token": token, "password": password}).want(422)
		// Registering again: the same answer, and a mail saying the account exists.
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com"}).want(202)
		if j := e.count("river_job"); j != 2 {
			t.Errorf("%d mails, want 2", j)
		}
	})
}

// TestPasswordResetAPI: one 202 for every address; the link sets a new password,
// ends the old login tokens and logs the caller in.
func TestPasswordResetAPI(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		old := e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": password}).want(200).str("token")
		e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "nobody@example.com"}).want(202)
		if j := e.count("river_job"); j != 0 {
			t.Errorf("%d mails for an unknown address", j)
		}
		e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "x"}).wantFieldError("email")
		e.do("POST", "/api/v1/auth/password-reset", "", map[string]string{"email": "ann@example.com"}).want(202)
		token := e.lastMailToken("/password-reset/confirm")
		e.do("POST", "/api/v1/auth/password-reset/complete", "", map[string]string{"token": token, "password": "short"}).wantFieldError("password")
		res := e.do("POST", "/api/v1/auth/password-reset/complete", "", map[string]string{"token": token, "password": "a brand new passphrase"}).want(200)
		e.do("GET", "/api/v1/me", res.str("token"), nil).want(200)
		e.do("GET", "/api/v1/me", old, nil).want(401)
		e.do("POST", "/api/v1/auth/password-reset/complete", "", map[string]string{"token": token, "password": "a brand new passphrase"}).want(422)
	})
}

func TestRegisterWhenTheDirectoryIsUnreachable(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := registerEnv(t, d, testkit.RefusedURL(t))
		start := time.Now()
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com"}).want(503)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("took %s", took)
		}
		if n := e.count("registrations"); n != 0 {
			t.Errorf("%d registrations stored", n)
		}
	})
}
