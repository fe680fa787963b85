package api_test

import (
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func TestPersonalTokens(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		e.user("bob@example.com", employee)
		ann, bob := e.login("ann@example.com"), e.login("bob@example.com")

		res := e.do("POST", "/api/v1/me/tokens", ann, map[string]any{"name": "backup script", "expires_in_days": 30}).want(201)
		secret, id := res.str("token"), res.num("id")
		if !strings.HasPrefix(secret, users.TokenPrefix) || res.header.Get("Location") != path("/api/v1/me/tokens/%d", id) {
			t.Fatalf("created: %s", res.body)
		}
		exp, _ := time.Parse(time.RFC3339, res.str("expires_at"))
		if d := time.Until(exp); d < 29*24*time.Hour || d > 31*24*time.Hour {
			t.Errorf("expires_at %s", res.str("expires_at"))
		}
		// The secret works, and is never shown again.
		if me := e.do("GET", "/api/v1/me", secret, nil).want(200); me.str("email") != "ann@example.com" {
			t.Errorf("token of %s", me.str("email"))
		}
		list := e.do("GET", "/api/v1/me/tokens", ann, nil).want(200)
		if items := list.items(); len(items) != 1 || items[0]["name"] != "backup script" || items[0]["last_used_at"] == nil {
			t.Errorf("list: %s", list.body)
		}
		if strings.Contains(string(list.body), secret) {
			t.Error("the list shows the secret")
		}
		if other := e.do("GET", "/api/v1/me/tokens", bob, nil).want(200); len(other.items()) != 0 {
			t.Errorf("bob sees ann's tokens: %s", other.body)
		}

		for name, body := range map[string]map[string]any{
			"expires_in_days": {"name": "x", "expires_in_days": 0},
			"name":            {"name": " ", "expires_in_days": 1},
		} {
			e.do("POST", "/api/v1/me/tokens", ann, body).wantFieldError(name)
		}
		e.do("POST", "/api/v1/me/tokens", ann, map[string]any{"name": "x", "expires_in_days": 367}).wantFieldError("expires_in_days")
		e.do("POST", "/api/v1/me/tokens", ann, map[string]any{"name": "x", "expires_in_days": 1e15}).wantFieldError("expires_in_days")
		e.do("POST", "/api/v1/me/tokens", ann, map[string]any{"name": "x", "expires_in_days": 1.5}).wantFieldError("expires_in_days")
		e.do("POST", "/api/v1/me/tokens", ann, map[string]any{"name": "x", "expires_in_days": 1, "user_id": 2}).wantFieldError("user_id")

		// Another person's token is 404, exactly like one that does not exist.
		absent := e.do("DELETE", "/api/v1/me/tokens/999999", bob, nil).want(404)
		hidden := e.do("DELETE", path("/api/v1/me/tokens/%d", id), bob, nil).want(404)
		if absent.str("detail") != hidden.str("detail") {
			t.Errorf("absent %q, hidden %q", absent.str("detail"), hidden.str("detail"))
		}
		e.do("DELETE", "/api/v1/me/tokens/abc", bob, nil).want(404)
		e.do("GET", "/api/v1/me", secret, nil).want(200)

		e.do("DELETE", path("/api/v1/me/tokens/%d", id), ann, nil).want(204)
		e.do("GET", "/api/v1/me", secret, nil).want(401)
		e.do("DELETE", path("/api/v1/me/tokens/%d", id), ann, nil).want(404)
		if list := e.do("GET", "/api/v1/me/tokens", ann, nil).want(200); list.items()[0]["revoked_at"] == nil {
			t.Errorf("revoked token: %s", list.body)
		}

		// Pages, newest first.
		for _, n := range []string{"a", "b", "c"} {
			e.do("POST", "/api/v1/me/tokens", ann, map[string]any{"name": n, "expires_in_days": 1}).want(201)
		}
		var names []string
		cursor := ""
		for range 5 {
			page := e.do("GET", "/api/v1/me/tokens?limit=3&cursor="+cursor, ann, nil).want(200)
			for _, it := range page.items() {
				names = append(names, it["name"].(string))
			}
			c, _ := page.obj["next_cursor"].(string)
			if c == "" {
				break
			}
			cursor = c
		}
		if strings.Join(names, ",") != "c,b,a,backup script" {
			t.Errorf("pages: %v", names)
		}
	})
}
