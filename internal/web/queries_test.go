package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
)

// counted runs one request through the real server's handler (every middleware,
// the session, the domain, the database) under a counting context, with c's
// cookies, and returns the statements it sent to the database.
func (o *filingOffice) counted(t *testing.T, c *loginClient, method, path, contentType string, body []byte) (testkit.QueryCount, *httptest.ResponseRecorder) {
	t.Helper()
	base, _ := url.Parse(o.srv.URL)
	ctx, count := testkit.WithQueryCount(context.Background())
	req := httptest.NewRequestWithContext(ctx, method, o.srv.URL+path, bytes.NewReader(body))
	req.Host = base.Host
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	req.Header.Set("Accept-Language", "en")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for _, ck := range c.Jar.Cookies(base) {
		req.AddCookie(ck)
	}
	rec := httptest.NewRecorder()
	o.srv.App.Web.ServeHTTP(rec, req)
	return count(), rec
}

var filedRE = regexp.MustCompile(`^/tickets/(\d+)/filed$`)

// TestQueriesPerRequest pins how many SQL statements the device page, a filing and
// the ticket page send, on both databases, so that a page reading its ticket piece
// by piece again (each piece checking visibility anew) fails here.
func TestQueriesPerRequest(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOfficeWith(t, testserver.Options{Dialect: dialect, WrapDB: testkit.CountQueries})
			emp := o.login(t, "emp@office.example")
			ivan := o.login(t, "ivan@office.example")
			admin := o.login(t, "admin@office.example")

			n, rec := o.counted(t, emp, "GET", "/a/"+o.printer.Code, "", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("device page: %d", rec.Code)
			}
			t.Logf("GET /a/{code}: %d %d\n%s", n.Statements, n.Transactions, strings.Join(n.SQL, "\n"))

			token := emp.formToken(t, o.printer.Code, o.paper.ID)
			ct, body := filingForm{problem: fmt.Sprint(o.paper.ID), token: token, comment: "Tray 2 is empty"}.encode(t)
			n, rec = o.counted(t, emp, "POST", "/a/"+o.printer.Code+"/report", ct, body)
			m := filedRE.FindStringSubmatch(rec.Header().Get("Location"))
			if rec.Code != http.StatusSeeOther || m == nil {
				t.Fatalf("filing: %d %q", rec.Code, rec.Header().Get("Location"))
			}
			t.Logf("POST /a/{code}/report: %d %d\n%s", n.Statements, n.Transactions, strings.Join(n.SQL, "\n"))

			for _, who := range []struct {
				name string
				c    *loginClient
			}{{"reporter", emp}, {"assignee", ivan}, {"admin", admin}} {
				n, rec = o.counted(t, who.c, "GET", "/tickets/"+m[1], "", nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("ticket page for the %s: %d", who.name, rec.Code)
				}
				t.Logf("GET /tickets/{id} as the %s: %d %d\n%s", who.name, n.Statements, n.Transactions, strings.Join(n.SQL, "\n"))
			}
		})
	}
}
