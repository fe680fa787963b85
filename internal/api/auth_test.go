package api_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func TestLoginMeLogoutAndReplay(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		if _, err := e.acc.CreateDepartment(ctx, &users.User{Roles: admin}, users.DepartmentInput{Code: "it", NameEN: "IT support", NameRU: "ИТ-поддержка"}); err != nil {
			t.Fatal(err)
		}
		u := e.user("Ann@Example.com", []users.Role{users.RoleExecutor, users.RoleEmployee}, "it")

		res := e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": " ann@example.COM ", "password": password}).want(200)
		token := res.str("token")
		if !strings.HasPrefix(token, users.TokenPrefix) {
			t.Fatalf("token %q", token)
		}
		exp, err := time.Parse(time.RFC3339, res.str("expires_at"))
		if err != nil || exp.Before(time.Now().Add(24*time.Hour)) {
			t.Errorf("expires_at %q: %v", res.str("expires_at"), err)
		}
		if !strings.HasSuffix(res.str("expires_at"), "+03:00") {
			t.Errorf("expires_at %q is not in the office's zone", res.str("expires_at"))
		}
		user := res.obj["user"].(map[string]any)
		if user["email"] != "ann@example.com" || int64(user["id"].(float64)) != u.ID {
			t.Errorf("login user = %v", user)
		}

		me := e.do("GET", "/api/v1/me", token, nil).want(200)
		if me.num("id") != u.ID || me.str("email") != "ann@example.com" || me.str("full_name") != "Person Ann@Example.com" ||
			me.str("language") != "en" || me.obj["telegram_linked"] != false {
			t.Errorf("me = %s", me.body)
		}
		if roles := me.obj["roles"].([]any); len(roles) != 2 || roles[0] != "employee" || roles[1] != "executor" {
			t.Errorf("roles = %v, want display order", roles)
		}
		deps := me.obj["departments"].([]any)
		if len(deps) != 1 || deps[0].(map[string]any)["name"] != "IT support" {
			t.Errorf("departments = %v", deps)
		}
		if me.header.Get("Cache-Control") != "no-store" {
			t.Errorf("Cache-Control = %q", me.header.Get("Cache-Control"))
		}

		e.do("POST", "/api/v1/auth/logout", token, nil).want(204)
		replay := e.do("GET", "/api/v1/me", token, nil).want(401)
		if !strings.Contains(replay.header.Get("WWW-Authenticate"), "invalid_token") {
			t.Errorf("WWW-Authenticate = %q", replay.header.Get("WWW-Authenticate"))
		}
		e.do("POST", "/api/v1/auth/logout", token, nil).want(401)

		// Another login still works, and is another token.
		if again := e.login("ann@example.com"); again == token {
			t.Error("a new login returned the revoked token")
		}
	})
}

func TestLoginFailuresLookAlike(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		gone := e.user("gone@example.com", employee)
		adm := e.user("root@example.com", admin)
		active := false
		if _, err := e.acc.UpdateUser(context.Background(), adm, gone.ID, users.UserPatch{Active: &active}); err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, in := range []map[string]string{
			{"email": "ann@example.com", "password": "wrong password, long enough"},
			{"email": "nobody@example.com", "password": password},
			{"email": "gone@example.com", "password": password},
			{"email": "not an e-mail", "password": password},
			{"email": "", "password": ""},
		} {
			res := e.do("POST", "/api/v1/auth/login", "", in).want(401)
			details = append(details, res.str("detail"))
			if res.obj["errors"] != nil {
				t.Errorf("a failed login names fields: %s", res.body)
			}
		}
		for _, d := range details[1:] {
			if d != details[0] {
				t.Errorf("failed logins differ: %q", details)
			}
		}
		// Not a login attempt at all: the body is refused before any check.
		e.do("POST", "/api/v1/auth/login", "", `{"email": "ann@example.com", "password": `).want(400)
		e.do("POST", "/api/v1/auth/login", "", `{"email":"ann@example.com","password":"x"}`, header("Content-Type", "text/plain")).want(415)
		e.do("POST", "/api/v1/auth/login", "", map[string]any{"email": "ann@example.com", "password": password, "remember": true}).wantFieldError("remember")
	})
}

func TestLoginThrottled(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		for i := range users.DefaultThrottle.PairLimit {
			res := e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": "not the password at all"})
			if res.status != 401 {
				t.Fatalf("attempt %d: %d %s", i+1, res.status, res.body)
			}
		}
		// Throttled before the password is checked, so the right one is refused too,
		// from this address; the owner elsewhere is not locked out.
		res := e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": password}).want(429)
		if res.str("detail") == "" {
			t.Error("429 without detail")
		}
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": password}, remoteAddr("198.51.100.1:4000")).want(200)
	})
}

func TestUnauthenticatedEverywhere(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user("ann@example.com", employee)
		doc, _ := loadSpec(t)
		bad := map[string][]opt{
			"no header":      nil,
			"basic":          {header("Authorization", "Basic YW5uOnB3")},
			"empty bearer":   {header("Authorization", "Bearer ")},
			"unknown token":  {header("Authorization", "Bearer "+users.TokenPrefix+"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")},
			"not ours":       {header("Authorization", "Bearer eyJhbGciOiJub25lIn0.e30.")},
			"over-long":      {header("Authorization", "Bearer "+users.TokenPrefix+strings.Repeat("A", 5000))},
			"session cookie": {header("Cookie", "session=whatever")},
		}
		n := 0
		for p, item := range doc.Paths.Map() {
			for method, op := range item.Operations() {
				if op.Security != nil && len(*op.Security) == 0 {
					continue // public
				}
				target := strings.ReplaceAll(p, "{id}", "1")
				for name, opts := range bad {
					res := e.do(method, target, "", map[string]any{}, opts...)
					if res.status != 401 || res.header.Get("WWW-Authenticate") == "" {
						t.Errorf("%s %s with %s: %d %s", method, target, name, res.status, res.body)
					}
				}
				n++
			}
		}
		if n < 13 {
			t.Errorf("only %d protected operations", n)
		}

		// A live token of an account that is then deactivated dies at once, both
		// kinds: the login token and a personal one.
		login := e.login("ann@example.com")
		personal, _, err := e.acc.CreateToken(context.Background(), u, "script", 30*24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		e.do("GET", "/api/v1/me", login, nil).want(200)
		e.do("GET", "/api/v1/me", personal, nil).want(200)
		root := e.user("root@example.com", admin)
		e.do("PATCH", path("/api/v1/users/%d", u.ID), e.login("root@example.com"), map[string]any{"active": false}).want(200)
		e.do("GET", "/api/v1/me", login, nil).want(401)
		e.do("GET", "/api/v1/me", personal, nil).want(401)
		e.do("POST", "/api/v1/auth/login", "", map[string]string{"email": "ann@example.com", "password": password}).want(401)
		_ = root
	})
}
