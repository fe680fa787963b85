package api_test

import (
	"testing"

	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/jobs"
	"smartservice/internal/notify"
	"smartservice/internal/testkit"
)

// notifier is the notifications service the API's env keeps preferences with.
func notifier(t *testing.T, d *db.DB, cfg *config.Config, cat *i18n.Catalog) *notify.Service {
	t.Helper()
	j, err := jobs.New(d, jobs.NewWorkers(), jobs.Options{InsertOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	n, err := notify.New(d, notify.Options{Queue: j, Catalog: cat, BaseURL: cfg.BaseURL, Location: cfg.Location})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNotificationSettings(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		tok := e.login("ann@example.com")
		const path = "/api/v1/me/notification-settings"
		e.do("GET", path, "", nil).want(401)

		res := e.do("GET", path, tok, nil).want(200)
		if k := res.sub("kinds"); k["done"] != "both" || k["comment"] != "telegram" || res.obj["quiet_hours"] != nil || res.str("time_zone") != "Europe/Moscow" {
			t.Fatalf("defaults: %s", res.body)
		}
		res = e.do("PUT", path, tok, map[string]any{"kinds": map[string]string{"done": "mail", "comment": "none"},
			"quiet_hours": map[string]string{"from": "22:30", "to": "07:00"}}).want(200)
		if k := res.sub("kinds"); k["done"] != "mail" || k["comment"] != "none" || k["taken"] != "telegram" {
			t.Fatalf("saved kinds: %s", res.body)
		}
		if q := res.sub("quiet_hours"); q["from"] != "22:30" || q["to"] != "07:00" {
			t.Fatalf("saved quiet hours: %s", res.body)
		}
		// Bad input: 422 naming the field, in the caller's language; nothing saved.
		e.do("PUT", path, tok, map[string]any{"kinds": map[string]string{"birthday": "mail"}}).wantFieldError("kinds.birthday")
		e.do("PUT", path, tok, map[string]any{"kinds": map[string]string{"done": "pigeon"}}).wantFieldError("kinds.done")
		e.do("PUT", path, tok, map[string]any{"quiet_hours": map[string]string{"from": "25:00", "to": "07:00"}}).wantFieldError("quiet_hours.from")
		e.do("PUT", path, tok, map[string]any{"quiet_hours": map[string]string{"from": "07:00", "to": "07:00"}}).wantFieldError("quiet_hours.to")
		e.do("PUT", path, tok, map[string]any{"quiet_hours": map[string]string{"from": "07:00"}}).wantFieldError("quiet_hours.to")
		e.do("PUT", path, tok, map[string]any{"mute": true}).wantFieldError("mute")
		res = e.do("PUT", path, tok, map[string]any{"quiet_hours": map[string]string{"from": "22:00", "to": "7h"}}, header("Accept-Language", "ru")).
			wantFieldError("quiet_hours.to")
		if string(res.body) == "" || !containsCyrillic(string(res.body)) {
			t.Errorf("not in Russian: %s", res.body)
		}
		res = e.do("GET", path, tok, nil).want(200)
		if q := res.sub("quiet_hours"); q["from"] != "22:30" || res.sub("kinds")["done"] != "mail" {
			t.Fatalf("a refused change was saved: %s", res.body)
		}
		// null clears the quiet hours.
		res = e.do("PUT", path, tok, map[string]any{"quiet_hours": nil}).want(200)
		if res.obj["quiet_hours"] != nil {
			t.Fatalf("quiet hours not cleared: %s", res.body)
		}
	})
}

func containsCyrillic(s string) bool {
	for _, r := range s {
		if r >= 'а' && r <= 'я' {
			return true
		}
	}
	return false
}
