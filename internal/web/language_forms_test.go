package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/testkit/testserver"
)

var (
	switchAction = regexp.MustCompile(`formaction="([^"]+)"`)
	errorTexts   = regexp.MustCompile(`class="(?:field-error|alert)"[^>]*>([^<]+)<`)
)

// TestLanguageSwitchKeepsRefusedForms is issue 13's item 9 for every other form a
// refusal re-renders: the page marks the refused form for the switch, the switch
// keeps its fields (never a password) and its messages, and the form's own page
// comes back filled in with the messages in the new language. The browser test
// (language_forms_browser_test.go) drives four of these in Chromium.
func TestLanguageSwitchKeepsRefusedForms(t *testing.T) {
	t.Parallel()
	w := newJournalWorld(t, testserver.Start(t, testserver.Options{}))
	long := strings.Repeat("Мешает работе. ", 140) // over 2,000 characters
	cases := []struct {
		name         string
		as           *browserClient
		post, formID string
		form         url.Values
		status       int
		back         string
		kept         []string // values the page must show again
	}{
		{"new department", w.as(w.admin), "/admin/departments", "dept-new-form",
			url.Values{"code": {"bad code!"}, "name_en": {"Laboratory"}, "name_ru": {"Лаборатория"}}, 422, "/admin/departments", []string{"bad code!", "Лаборатория"}},
		{"department", w.as(w.admin), fmt.Sprintf("/admin/departments/%d", w.it.ID), fmt.Sprintf("dept-%d-form", w.it.ID),
			url.Values{"name_en": {strings.Repeat("IT ", 100)}, "name_ru": {"Айтишники"}}, 422, "/admin/departments", []string{"Айтишники"}},
		{"offer", w.as(w.admin), fmt.Sprintf("/catalogue/types/%d/offers", w.printerType), "offer-new-form",
			url.Values{"problem_id": {"999999"}, "self_help_en": {"Open tray 2 first"}}, 422, fmt.Sprintf("/catalogue/types/%d", w.printerType), []string{"Open tray 2 first"}},
		{"device", w.as(w.admin), fmt.Sprintf("/assets/%d", w.printer.ID), "asset-form",
			url.Values{"name": {""}, "service_type_id": {fmt.Sprint(w.printerType)}, "inventory_number": {"INV-4040"}}, 422, fmt.Sprintf("/assets/%d/edit", w.printer.ID), []string{"INV-4040"}},
		{"re-issue", w.as(w.admin), fmt.Sprintf("/assets/%d/reissue", w.printer.ID), "reissue-form",
			url.Values{}, 422, fmt.Sprintf("/assets/%d/edit", w.printer.ID), nil},
		{"cancel", w.as(w.emp), fmt.Sprintf("/tickets/%d/cancel", w.t1.ID), "ticket-cancel-form",
			url.Values{"reason": {long}}, 422, fmt.Sprintf("/tickets/%d", w.t1.ID), []string{long}},
		{"token", w.as(w.ex), "/profile/tokens", "token-form",
			url.Values{"name": {"Мой скрипт"}, "expires_in_days": {"99999"}}, 422, "/profile", []string{"Мой скрипт"}},
		{"account", w.as(w.admin), fmt.Sprintf("/admin/users/%d", w.admin.ID), "user-form", // no admin drops their own role
			url.Values{"roles": {"employee", "executor"}, "departments": {fmt.Sprint(w.it.ID)}, "active": {"on"}}, 422,
			fmt.Sprintf("/admin/users/%d", w.admin.ID), []string{`value="executor" checked`, fmt.Sprintf(`value="%d" checked`, w.it.ID)}},
		{"reset", newBrowserClient(t, w.srv.URL), "/password-reset", "reset-form",
			url.Values{"email": {"anna at office"}}, 422, "/password-reset", []string{"anna at office"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, body := c.as.post(c.post, c.form)
			if res.StatusCode != c.status {
				t.Fatalf("the refused form: %d, want %d", res.StatusCode, c.status)
			}
			if !strings.Contains(body, `form="`+c.formID+`"`) {
				t.Fatalf("the switch does not carry the form %s", c.formID)
			}
			m := switchAction.FindStringSubmatch(body)
			if m == nil {
				t.Fatal("the switch has no formaction")
			}
			before := errorTexts.FindAllStringSubmatch(body, -1)
			if len(before) == 0 {
				t.Fatal("the refused page says nothing")
			}
			// The browser posts the form's own fields to the switch, with the language.
			sent := url.Values{"lang": {"ru"}, "password": {"never kept"}}
			for k, v := range c.form {
				sent[k] = v
			}
			res, _ = c.as.post(html.UnescapeString(m[1]), sent)
			if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != c.back {
				t.Fatalf("the switch: %d to %q, want 303 to %s", res.StatusCode, res.Header.Get("Location"), c.back)
			}
			res, body = c.as.get(c.back)
			if res.StatusCode != http.StatusOK || !strings.Contains(body, `<html lang="ru"`) {
				t.Fatalf("the form's page after the switch: %d", res.StatusCode)
			}
			for _, v := range c.kept {
				if !strings.Contains(body, html.EscapeString(v)) && !strings.Contains(body, v) {
					t.Errorf("after the switch the page lacks %q", v[:min(len(v), 40)])
				}
			}
			if strings.Contains(body, "never kept") {
				t.Error("a password came back from the draft")
			}
			after := errorTexts.FindAllStringSubmatch(body, -1)
			if len(after) != len(before) {
				t.Errorf("after the switch the page says %q, before %q", after, before)
			}
			for _, a := range after {
				if !cyrillic.MatchString(a[1]) {
					t.Errorf("after the switch a message reads %q, not in Russian", a[1])
				}
			}
			// The draft is used once.
			if _, body := c.as.get(c.back); len(c.kept) > 0 && strings.Contains(body, html.EscapeString(c.kept[0])) && c.name != "new department" && c.name != "reset" {
				t.Errorf("the draft came back twice")
			}
			c.as.post("/lang", url.Values{"lang": {"en"}})
		})
	}
}
