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

	"smartservice/internal/db"
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

// wantQueries fails unless n is exactly statements in transactions, listing the
// statements run: a count that went down is progress to pin, one that went up a
// page reading piece by piece again. River's wake-up notices (pg_notify after a
// job insert, PostgreSQL only) are left out of the count: River sends at most one
// per queue within a short interval, so a request that enqueues two jobs sends
// one or two of them depending on how long the request took between its inserts.
func wantQueries(t *testing.T, what string, n testkit.QueryCount, statements, transactions int64) {
	t.Helper()
	got := n.Statements
	// River wakes its fetchers after an insert: pg_notify on PostgreSQL, a row of
	// river_notification on SQLite. It debounces them, so whether a request sends
	// one depends on the one before; they are left out of the count (SQLite's was
	// not, and TestQueriesPerRequest/sqlite failed now and then by one).
	for _, q := range n.SQL {
		if strings.HasPrefix(q, "-- name: PGNotifyMany") || strings.HasPrefix(q, "-- name: NotificationInsertMany") {
			got--
		}
	}
	if got != statements || n.Transactions != transactions {
		t.Errorf("%s: %d statements (River's wake-up notices aside) in %d transactions, want %d in %d:\n%s", what, got, n.Transactions,
			statements, transactions, strings.Join(n.SQL, "\n"))
	}
}

// TestQueriesPerRequest pins how many SQL statements the device page, a filing and
// the ticket page send, on both databases, so that a page reading its ticket piece
// by piece again (each piece checking visibility anew) fails here. Every request
// starts with the read of the cache versions (internal/cache); while nothing
// changed, the session, the account (its roles, its departments), the device and
// the catalogue then come from memory, so the counts below are of warm requests.
//
// Before tickets.View and filing by code (measured on the same office): the device
// page 10, a filing 23 (24 on PostgreSQL, which locks the department), the ticket
// page 13 for the reporter, 14 for the assignee, 16 for an admin.
func TestQueriesPerRequest(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOfficeWith(t, testserver.Options{Dialect: dialect, WrapDB: testkit.CountQueries})
			emp := o.login(t, "emp@office.example")
			ivan := o.login(t, "ivan@office.example")
			admin := o.login(t, "admin@office.example")

			// The scan (counted), the device, its type, offers and class; the open
			// tickets on it, after their own check that the reader sees the device.
			n, rec := o.counted(t, emp, "GET", "/a/"+o.printer.Code, "", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("device page: %d", rec.Code)
			}
			// Cold (nothing cached since the logins moved the auth version): the
			// cache versions, the session, the account, its roles and
			// departments, the device (read, not written), its type, offers and
			// class, the open tickets.
			wantQueries(t, "GET /a/{code}, cold", n, 10, 0)
			// Warm, the page's steady state: the cache versions and the open
			// tickets. The scan is counted in memory (assets.BatchScans); the
			// session, the account, the device and the catalogue come from
			// the caches. Before the caches: 10.
			n, rec = o.counted(t, emp, "GET", "/a/"+o.printer.Code, "", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("device page: %d", rec.Code)
			}
			wantQueries(t, "GET /a/{code}", n, 2, 0)

			// The device read once, the key, the route, the executor (after locking the
			// department on PostgreSQL), the ticket, its follower, three events in one
			// statement, the
			// key's upkeep and row. Then the notifications in the same transaction
			// (internal/notify, 3; the ticket comes with the events, Event.Ticket,
			// where the notifier read it back for the routing's rule): the assignee
			// with roles, departments and notification settings in one query, both
			// notification rows (Telegram and mail) in one INSERT, both jobs in one
			// River insert (River's wake-up notice is not counted, see wantQueries).
			token := emp.formToken(t, o.printer.Code, o.paper.ID)
			ct, body := filingForm{problem: fmt.Sprint(o.paper.ID), token: token, comment: "Tray 2 is empty"}.encode(t)
			n, rec = o.counted(t, emp, "POST", "/a/"+o.printer.Code+"/report", ct, body)
			m := filedRE.FindStringSubmatch(rec.Header().Get("Location"))
			if rec.Code != http.StatusSeeOther || m == nil {
				t.Fatalf("filing: %d %q", rec.Code, rec.Header().Get("Location"))
			}
			// The session and the account come from the caches, and so do the
			// device and its catalogue: a request that writes reads them from the
			// database (cache.Check), but filing changes no catalogue and reads
			// them under the version its request read
			// (cache.CatalogueUnchanged): 4 fewer (before the caches: 19 and 20;
			// before CatalogueUnchanged: 14 and 15 below). The notifier
			// reads the ticket's people and records its notifications: 7 more.
			// The service level's target is read in the filing's transaction: 1
			// more (2 more again, the office hours and holidays, when the problem
			// has a target; this one has none).
			// The three events (filed, routed, assigned) are one INSERT … RETURNING
			// (tickets.addEvents): 2 fewer than one each (before: 16 + 8 + 1, and
			// 17 + 7 + 1 on PostgreSQL, which locks the department). The
			// notifier's rows in one INSERT and their jobs in one River insert
			// (notify.record), the settings read with the people
			// (notify.loadPeople): 3 fewer (before: 14 + 8 + 1, and 15 + 7 + 1
			// on PostgreSQL). (SQLite's notifier count, 4 here, was one more
			// until River's wake-up row was left out as PostgreSQL's pg_notify
			// always was: see wantQueries.) The ticket is no longer read back
			// after the commit (tickets.File answers what it wrote): 1 fewer.
			filing := int64(9 + 3 + 1)
			if dialect == db.Postgres {
				filing = 10 + 3 + 1
			}
			wantQueries(t, "POST /a/{code}/report", n, filing, 1)

			// The next filing finds the route and the service level's target in
			// the caches (internal/tickets/routing_cache.go): 2 fewer.
			token = emp.formToken(t, o.printer.Code, o.paper.ID)
			ct, body = filingForm{problem: fmt.Sprint(o.paper.ID), token: token, comment: "Tray 3 too"}.encode(t)
			n, rec = o.counted(t, emp, "POST", "/a/"+o.printer.Code+"/report", ct, body)
			if rec.Code != http.StatusSeeOther || filedRE.FindStringSubmatch(rec.Header().Get("Location")) == nil {
				t.Fatalf("second filing: %d %q", rec.Code, rec.Header().Get("Location"))
			}
			wantQueries(t, "POST /a/{code}/report again", n, filing-2, 1)

			// One read-only transaction: the row with the reader's following, the
			// history; the routing rule for staff; the reassign choices for who may.
			for _, who := range []struct {
				name       string
				c          *loginClient
				statements int64
			}{{"reporter", emp, 3}, {"assignee", ivan, 4}, {"admin", admin, 5}} {
				// The first view warms the session and the account; the second
				// is counted: the cache versions, then the ticket's own reads
				// (before the caches: 6, 7 and 8).
				o.counted(t, who.c, "GET", "/tickets/"+m[1], "", nil)
				n, rec = o.counted(t, who.c, "GET", "/tickets/"+m[1], "", nil)
				if rec.Code != http.StatusOK {
					t.Fatalf("ticket page for the %s: %d", who.name, rec.Code)
				}
				wantQueries(t, "GET /tickets/{id} as the "+who.name, n, who.statements, 1)
			}
		})
	}
}
