package web_test

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/testkit"
)

// TestFilingDraftSurvivesTheLogin: a filing form sent after its session ended (the
// session expired, or the password changed elsewhere) files nothing and loses
// nothing: the login leads back to the same problem's form with the typed comment,
// kept on the server, never in a URL; it is restored once.
func TestFilingDraftSurvivesTheLogin(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			for name, end := range map[string]string{
				"expired":          "DELETE FROM sessions",
				"password changed": "UPDATE users SET auth_epoch = auth_epoch + 1",
			} {
				before := o.count(t, "tickets")
				emp := o.login(t, "emp@office.example")
				token := emp.formToken(t, o.printer.Code, o.paper.ID)
				if _, err := o.srv.App.DB.W.Exec(end); err != nil {
					t.Fatal(err)
				}
				comment := "Лоток 2 пуст <b>, " + name
				res, body := emp.file(t, o.printer.Code, filingForm{problem: fmt.Sprint(o.paper.ID), token: token, comment: comment}, false)
				next := fmt.Sprintf("/a/%s/report?problem=%d", o.printer.Code, o.paper.ID)
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/login?next="+url.QueryEscape(next) {
					t.Fatalf("%s: the form after the session ended: %d %s %s", name, res.StatusCode, res.Header.Get("Location"), abbrev(body))
				}
				if strings.Contains(res.Header.Get("Location"), "Лоток") {
					t.Fatalf("%s: the comment went into a URL", name)
				}
				if n := o.count(t, "tickets"); n != before {
					t.Fatalf("%s: %d tickets filed without a session", name, n)
				}
				res = emp.post(t, "/login", url.Values{"email": {"emp@office.example"}, "password": {acctPassword}, "next": {next}})
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != next {
					t.Fatalf("%s: login: %d to %s", name, res.StatusCode, res.Header.Get("Location"))
				}
				res, page := emp.get(t, next)
				wantStatus(t, name, res, page, http.StatusOK)
				wantContains(t, name, page, ">"+html.EscapeString(comment)+"</textarea>", `class="alert info" role="status"`)
				// Used once: the next visit shows an empty form.
				_, page = emp.get(t, next)
				wantNotContains(t, name+", again", page, html.EscapeString(comment))
				emp.fileOK(t, o.printer.Code, filingForm{problem: fmt.Sprint(o.paper.ID), token: tokenRE.FindStringSubmatch(page)[1], comment: comment})
			}
		})
	}
}
