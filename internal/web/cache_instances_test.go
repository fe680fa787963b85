package web_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/assets"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// secondInstance serves a second App on the database of o's server, as a second
// replica behind a load balancer would: its own caches, the same rows. It stops
// when the test ends.
func secondInstance(t *testing.T, o *filingOffice) string {
	t.Helper()
	base, _ := secondApp(t, o)
	return base
}

// secondApp is secondInstance that also returns the second App.
func secondApp(t *testing.T, o *filingOffice) (string, *app.App) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfg := *o.srv.App.Config
	cfg.Addr = ln.Addr().String()
	cfg.BaseURL, _ = url.Parse("http://" + cfg.Addr)
	cfg.MetricsToken, cfg.MetricsAddr = "", ""
	ctx, cancel := context.WithCancel(context.Background())
	a, err := app.New(ctx, &cfg, slog.New(slog.DiscardHandler), app.Options{Argon2: testkit.CheapArgon2})
	if err != nil {
		cancel()
		ln.Close()
		t.Fatalf("second instance: %v", err)
	}
	served := make(chan error, 1)
	go func() { served <- a.ServeWithMetrics(ctx, ln, nil) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-served:
		case <-time.After(10 * time.Second):
			t.Error("the second instance did not stop")
		}
	})
	base := "http://" + cfg.Addr
	for i := 0; ; i++ {
		res, err := http.Get(base + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return base, a
			}
		}
		if i > 100 {
			t.Fatalf("the second instance is not ready: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// sessionGet requests path from base with the session cookie alone, without
// following redirects, and returns the status and the body.
func sessionGet(t *testing.T, base, path, cookie string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", base+path, nil)
	req.Header.Set("Cookie", sessionCookieName+"="+cookie)
	req.Header.Set("Accept-Language", "en")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

const sessionCookieName = "ss_session"

// sessionOf is c's session cookie's value.
func sessionOf(t *testing.T, c *loginClient) string {
	t.Helper()
	u, _ := url.Parse(c.base)
	for _, ck := range c.Jar.Cookies(u) {
		if ck.Name == sessionCookieName {
			return ck.Value
		}
	}
	t.Fatal("no session cookie")
	return ""
}

// TestCachesObeyChangesOnEveryInstance runs two instances on one database. Each
// caches sessions, accounts, the catalogue and devices; a logout, a deactivation, a
// role change, a catalogue edit or a device edit made through one must be obeyed by
// the other on its very next request, with its caches warm.
func TestCachesObeyChangesOnEveryInstance(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			a, b := o.srv.URL, secondInstance(t, o)
			ctx := context.Background()
			page := "/a/" + o.printer.Code
			warm := func(cookie string) {
				t.Helper()
				for _, base := range []string{a, b} {
					for range 2 {
						if st, _ := sessionGet(t, base, page, cookie); st != http.StatusOK {
							t.Fatalf("device page on %s: %d", base, st)
						}
					}
				}
			}
			refused := func(base, cookie, what string) {
				t.Helper()
				st, _ := sessionGet(t, base, page, cookie)
				if st != http.StatusSeeOther {
					t.Errorf("%s: the device page answered %d, want the redirect to the login", what, st)
				}
			}

			// Logout on A: the session dies on B at once.
			emp := o.login(t, "emp@office.example")
			cookie := sessionOf(t, emp)
			warm(cookie)
			if res := emp.post(t, "/logout", nil); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("logout: %d", res.StatusCode)
			}
			refused(b, cookie, "after a logout on the other instance")

			// Deactivation by the admin: both instances refuse the next request,
			// the pages and the API alike.
			emp2 := o.login(t, "emp2@office.example")
			cookie = sessionOf(t, emp2)
			warm(cookie)
			token := apiLogin(t, a, "emp2@office.example")
			for range 2 {
				if st := apiMe(t, b, token); st != http.StatusOK {
					t.Fatalf("GET /api/v1/me on the other instance: %d", st)
				}
			}
			off := false
			if _, err := o.srv.App.Accounts.UpdateUser(ctx, o.admin, o.emp2.ID, users.UserPatch{Active: &off}); err != nil {
				t.Fatal(err)
			}
			refused(b, cookie, "after a deactivation")
			if st := apiMe(t, b, token); st != http.StatusUnauthorized {
				t.Errorf("the API on the other instance after a deactivation: %d, want 401", st)
			}
			refused(a, cookie, "after a deactivation, on the instance that made it")

			// A password change moves the epoch: the other session dies.
			emp = o.login(t, "emp@office.example")
			cookie = sessionOf(t, emp)
			warm(cookie)
			if _, err := o.srv.App.Accounts.ChangePassword(ctx, o.emp, acctPassword, "another-long-password-2026"); err != nil {
				t.Fatal(err)
			}
			refused(b, cookie, "after a password change")

			// A catalogue edit and a device edit show on the other instance at once.
			ivan := o.login(t, "ivan@office.example")
			cookie = sessionOf(t, ivan)
			warm(cookie)
			if _, err := o.srv.App.Assets.UpdateType(ctx, o.admin, o.printerType.ID, assets.TypeInput{ClassID: o.classID,
				Names: assets.Names{EN: "Laser printer", RU: "Лазерный принтер"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.srv.App.Assets.RenameTerm(ctx, o.admin, assets.ProblemVocabulary, o.paper.ID, assets.Names{EN: "No paper left", RU: "Нет бумаги"}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.srv.App.Assets.UpdateAsset(ctx, o.admin, o.printer.ID, assets.AssetInput{Name: "Printer by the lifts",
				TypeID: o.printerType.ID, Location: o.printer.Location}); err != nil {
				t.Fatal(err)
			}
			st, body := sessionGet(t, b, page, cookie)
			for _, want := range []string{"Laser printer", "No paper left", "Printer by the lifts"} {
				if st != http.StatusOK || !strings.Contains(body, want) {
					t.Errorf("the other instance's device page (%d) lacks %q right after the edit", st, want)
				}
			}

			// A role taken away: the executor's history of the device disappears.
			if _, err := o.srv.App.Accounts.UpdateUser(ctx, o.admin, o.ivan.ID, users.UserPatch{Roles: &[]users.Role{users.RoleEmployee}}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.srv.App.Assets.UpdateAsset(ctx, o.admin, o.printer.ID, assets.AssetInput{Name: "Printer by the lifts",
				TypeID: o.printerType.ID, OwnerID: o.emp.ID}); err != nil {
				t.Fatal(err)
			}
			// The printer is now someone's personal device: the executor, no
			// longer staff, must get the 404 of a device they may not see.
			if st, _ := sessionGet(t, b, page, cookie); st != http.StatusNotFound {
				t.Errorf("a personal device, seen by a former executor on the other instance: %d, want 404", st)
			}
		})
	}
}

// apiLogin logs in through the API of base and returns the bearer token.
func apiLogin(t *testing.T, base, email string) string {
	t.Helper()
	res, err := http.Post(base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"`+email+`","password":"`+acctPassword+`"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var out struct{ Token string }
	if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Token == "" {
		t.Fatalf("API login: %d %v", res.StatusCode, err)
	}
	return out.Token
}

// apiMe is the status of GET /api/v1/me on base with the token.
func apiMe(t *testing.T, base, token string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", base+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}
