package api_test

import (
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

		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "nobody@example.com", "password": password}).wantFieldError("email")
		nothingStored("unknown employee")
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "leo@example.com", "password": password}).wantFieldError("email")
		nothingStored("inactive employee")
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "password": "password1"}).wantFieldError("password")
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "password": password, "language": "de"}).wantFieldError("language")
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "not-an-email", "password": password}).wantFieldError("email")
		// The account's name, roles and departments come from the directory, never the request.
		for _, field := range []string{"roles", "full_name", "departments", "active"} {
			e.do("POST", "/api/v1/auth/register", "", map[string]any{"email": "ann@example.com", "password": password, field: []string{"admin"}}).wantFieldError(field)
		}
		nothingStored("invalid input")

		dir.FailWith(500)
		res := e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "password": password}).want(503)
		if res.str("detail") == "" {
			t.Error("503 without detail")
		}
		nothingStored("directory failing")
		dir.Heal()
		dir.AnswerMalformedJSON()
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "password": password}).want(503)
		nothingStored("directory answering garbage")
		dir.Heal()

		res = e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": " Ann@Example.com ", "password": password, "language": "en"}).want(202)
		if res.str("email") != "ann@example.com" || res.obj["dev_mail"] != true {
			t.Errorf("202 body: %s", res.body)
		}
		if n, j := e.count("registrations"), e.count("river_job"); n != 1 || j != 1 {
			t.Errorf("%d registrations and %d mails after 202", n, j)
		}
		// The e-mail now waits for its confirmation; the account does not exist yet.
		if n := e.count("users"); n != 0 {
			t.Errorf("an account exists before the link was used: %d", n)
		}
	})
}

func TestRegisterWhenTheDirectoryIsUnreachable(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := registerEnv(t, d, testkit.RefusedURL(t))
		start := time.Now()
		e.do("POST", "/api/v1/auth/register", "", map[string]string{"email": "ann@example.com", "password": password}).want(503)
		if took := time.Since(start); took > 5*time.Second {
			t.Errorf("took %s", took)
		}
		if n := e.count("registrations"); n != 0 {
			t.Errorf("%d registrations stored", n)
		}
	})
}
