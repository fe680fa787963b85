package web_test

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/users"
)

// loginClient is a browser-like HTTP client: a cookie jar, no redirect following,
// and the Sec-Fetch-Site header a browser sends on same-origin form posts.
type loginClient struct {
	*http.Client
	base string
}

func newLoginClient(t *testing.T, base string) *loginClient {
	jar, _ := cookiejar.New(nil)
	return &loginClient{Client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}, base: base}
}

func (c *loginClient) post(t *testing.T, path string, form url.Values) *http.Response {
	t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res
}

func (c *loginClient) get(t *testing.T, path string) (*http.Response, string) {
	t.Helper()
	res, err := c.Get(c.base + path)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res, string(b)
}

func TestLoginNextCorpusAndCookieReplay(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			srv := testserver.Start(t, testserver.Options{Dialect: dialect})
			if _, err := srv.App.Accounts.CreateUser(context.Background(), users.CreateInput{
				Email: "ann@office.example", FullName: "Ann", Roles: []users.Role{users.RoleEmployee}, Password: "long enough passphrase",
			}); err != nil {
				t.Fatal(err)
			}
			login := func(c *loginClient, next string) string {
				res := c.post(t, "/login", url.Values{"email": {"ANN@office.example"}, "password": {"long enough passphrase"}, "next": {next}})
				if res.StatusCode != http.StatusSeeOther {
					t.Fatalf("login with next %q: %d", next, res.StatusCode)
				}
				return res.Header.Get("Location")
			}
			evil := []string{"//evil.com", "/\\evil.com", "\\\\evil.com", "http:/\\/evil.com", "%2F%2Fevil.com", "/%2F%2Fevil.com",
				"javascript:alert(1)", "java%0Ascript:alert(1)", "http://h\\@evil.com", "https://evil.com", "/" + strings.Repeat("a", 5000)}
			for _, next := range evil {
				if loc := login(newLoginClient(t, srv.URL), next); loc != "/" {
					t.Errorf("next %q led to %q, want home", next, loc)
				}
			}
			c := newLoginClient(t, srv.URL)
			if loc := login(c, "/a/device-code"); loc != "/a/device-code" {
				t.Fatalf("a local next was not followed: %q", loc)
			}
			u, _ := url.Parse(srv.URL)
			var old *http.Cookie
			for _, ck := range c.Jar.Cookies(u) {
				if ck.Name == "ss_session" {
					old = ck
				}
			}
			if old == nil {
				t.Fatal("no session cookie after login")
			}
			if res, _ := c.get(t, "/profile"); res.StatusCode != http.StatusOK {
				t.Fatalf("profile while logged in: %d", res.StatusCode)
			}
			c.post(t, "/logout", nil)
			// Replay the old cookie in a fresh client: the session is gone server-side.
			replay := newLoginClient(t, srv.URL)
			replay.Jar.SetCookies(u, []*http.Cookie{{Name: old.Name, Value: old.Value, Path: "/"}})
			if res, _ := replay.get(t, "/profile"); res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
				t.Fatalf("a replayed session cookie after logout still works: %d", res.StatusCode)
			}
			// A token planted before login is not the one used after it (renewed at login).
			fixed := newLoginClient(t, srv.URL)
			fixed.Jar.SetCookies(u, []*http.Cookie{{Name: "ss_session", Value: "attacker-chosen-token", Path: "/"}})
			login(fixed, "/")
			for _, ck := range fixed.Jar.Cookies(u) {
				if ck.Name == "ss_session" && ck.Value == "attacker-chosen-token" {
					t.Fatal("the session token was not renewed at login")
				}
			}
		})
	}
}
