package api_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

func TestPatchMeChangesOnlyTheLanguage(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user("ann@example.com", employee)
		tok := e.login("ann@example.com")

		res := e.do("PATCH", "/api/v1/me", tok, map[string]any{"language": "ru"}).want(200)
		if res.str("language") != "ru" {
			t.Fatalf("language = %q", res.str("language"))
		}
		e.do("PATCH", "/api/v1/me", tok, map[string]any{"language": "de"}).wantFieldError("language")
		e.do("PATCH", "/api/v1/me", tok, map[string]any{}).want(200)

		// Mass assignment: every field but language is refused by name, and nothing changes.
		for field, value := range map[string]any{
			"email":     "boss@example.com",
			"roles":     []string{"admin"},
			"is_admin":  true,
			"full_name": "Someone Else",
			"active":    true,
			"id":        1,
		} {
			e.do("PATCH", "/api/v1/me", tok, map[string]any{"language": "en", field: value}).wantFieldError(field)
		}
		got, err := e.acc.User(context.Background(), u, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Email != "ann@example.com" || got.IsAdmin() || got.FullName != u.FullName || got.Language != "ru" {
			t.Errorf("account changed: %+v", got)
		}
	})
}

func TestBodyRules(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		tok := e.login("ann@example.com")
		for name, tc := range map[string]struct {
			body   string
			opts   []opt
			status int
			field  string
		}{
			"malformed":         {body: `{"language": "en"`, status: 400},
			"not JSON":          {body: `language=en`, status: 400},
			"empty":             {body: ``, status: 400},
			"two values":        {body: `{"language": "en"} {"language": "ru"}`, status: 400},
			"trailing garbage":  {body: `{"language": "en"} x`, status: 400},
			"array":             {body: `[{"language": "en"}]`, status: 400},
			"string":            {body: `"en"`, status: 400},
			"wrong type":        {body: `{"language": 7}`, status: 422, field: "language"},
			"nested unknown":    {body: `{"language": "en", "profile": {"roles": ["admin"]}}`, status: 422, field: "profile"},
			"text/plain":        {body: `{"language": "en"}`, opts: []opt{header("Content-Type", "text/plain")}, status: 415},
			"form":              {body: `language=en`, opts: []opt{header("Content-Type", "application/x-www-form-urlencoded")}, status: 415},
			"no content type":   {body: `{"language": "en"}`, opts: []opt{header("Content-Type", "")}, status: 415},
			"latin1 charset":    {body: `{"language": "en"}`, opts: []opt{header("Content-Type", "application/json; charset=iso-8859-1")}, status: 415},
			"utf-8 charset":     {body: `{"language": "en"}`, opts: []opt{header("Content-Type", "application/json; charset=UTF-8")}, status: 200},
			"trailing space ok": {body: "{\"language\": \"en\"}\n \n", status: 200},
		} {
			res := e.do("PATCH", "/api/v1/me", tok, tc.body, tc.opts...)
			if res.status != tc.status {
				t.Errorf("%s: %d, want %d: %s", name, res.status, tc.status, res.body)
				continue
			}
			if tc.field != "" {
				res.wantFieldError(tc.field)
			}
		}
	})
}

func TestHugeBodyIs413(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.maxBody = 4096 // as the web server's limitBody does
		e.user("ann@example.com", employee)
		tok := e.login("ann@example.com")
		huge := `{"language": "` + strings.Repeat("x", 10_000) + `"}`
		e.do("PATCH", "/api/v1/me", tok, huge).want(413)
		e.do("POST", "/api/v1/auth/login", "", `{"email": "a@b.c", "password": "`+strings.Repeat("p", 10_000)+`"}`).want(413)
		// The limit also holds for what follows the first value.
		e.do("PATCH", "/api/v1/me", tok, `{"language": "en"}`+strings.Repeat(" ", 10_000)).want(413)
	})
}

func TestUnknownPathsAndMethods(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		tok := e.login("ann@example.com")
		e.do("GET", "/api/v1/nowhere", tok, nil).want(404)
		e.do("GET", "/api/v1/", "", nil).want(404)
		res := e.do("PUT", "/api/v1/me", tok, map[string]any{}).want(405)
		if allow := res.header.Get("Allow"); !strings.Contains(allow, "GET") || !strings.Contains(allow, "PATCH") {
			t.Errorf("Allow = %q", allow)
		}
		// The mux's own redirect of an unclean path is kept.
		w := httptest.NewRecorder()
		e.h.ServeHTTP(w, httptest.NewRequest("GET", "/api/v1//me", nil))
		if w.Code/100 != 3 || w.Header().Get("Location") != "/api/v1/me" {
			t.Errorf("unclean path: %d %q", w.Code, w.Header().Get("Location"))
		}
	})
}

func TestMessagesFollowTheLanguage(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		u := e.user("ann@example.com", employee) // language en
		tok := e.login("ann@example.com")
		bad := map[string]any{"language": "de"}
		en := e.do("PATCH", "/api/v1/me", tok, bad).want(422)
		ru := e.do("PATCH", "/api/v1/me", tok, bad, header("Accept-Language", "ru-RU,ru;q=0.9")).want(422)
		if en.str("detail") == ru.str("detail") || en.header.Get("Content-Language") != "en" || ru.header.Get("Content-Language") != "ru" {
			t.Errorf("en %q (%s), ru %q (%s)", en.str("detail"), en.header.Get("Content-Language"), ru.str("detail"), ru.header.Get("Content-Language"))
		}
		if msg := ru.obj["errors"].([]any)[0].(map[string]any)["message"].(string); !strings.ContainsAny(msg, "абвгдеёжзийклмнопрстуфхцчшщъыьэюя") {
			t.Errorf("field message not in Russian: %q", msg)
		}
		// Without Accept-Language the caller's own language decides; anonymous
		// callers get the server's default (ru).
		if err := e.acc.SetLanguage(context.Background(), u, "ru"); err != nil {
			t.Fatal(err)
		}
		if res := e.do("PATCH", "/api/v1/me", tok, bad).want(422); res.header.Get("Content-Language") != "ru" {
			t.Errorf("caller's language ignored: %s", res.header.Get("Content-Language"))
		}
		if res := e.do("POST", "/api/v1/auth/login", "", map[string]string{}).want(401); res.header.Get("Content-Language") != "ru" {
			t.Errorf("default language ignored: %s", res.header.Get("Content-Language"))
		}
	})
}
