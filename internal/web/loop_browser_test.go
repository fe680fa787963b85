package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestBrowserWaitingTickets is issue 13's first two items at 360×740: with both IT
// executors away, the reporter's confirmation says nobody can take the ticket now;
// the head of IT finds it on their home page among the waiting ones, with its age,
// and assigns it there; the administrator sees the unrouted one and sends it to
// Facilities, whose executor gets it.
func TestBrowserWaitingTickets(t *testing.T) {
	t.Parallel()
	w := newJournalWorld(t, testserver.Start(t, testserver.Options{}))
	w.available(w.ex, false)
	w.available(w.ex2, false)
	q := w.file(w.emp, w.printer, w.paper, "The tray is empty and nobody is here")
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("en"))
	shot := func(name string) {
		t.Helper()
		b.CheckNoHorizontalScroll()
		if errs := b.ConsoleErrors(); len(errs) > 0 {
			t.Errorf("%s: the page reported errors: %q", name, errs)
		}
		t.Logf("screenshot: %s", b.Screenshot(name))
	}

	w.browserLogin(t, b, w.emp)
	b.Navigate(w.srv.URL + tpath(q, "/filed"))
	if got := b.Text(".filed .facts"); !strings.Contains(got, w.en.T("loop.filed_nobody")) || strings.Contains(got, w.en.T("filing.filed_queue")) {
		t.Errorf("the confirmation of a ticket nobody can take says %q", got)
	}
	shot("filed-nobody")

	browserLogout(t, b)
	w.browserLogin(t, b, w.head)
	item := fmt.Sprintf(`section[aria-labelledby="waiting-title"] a[href="/tickets/%d"]`, q.ID)
	got := b.Text(item)
	for _, want := range []string{q.Number(), "Out of paper", w.en.T("loop.waiting_in", "Department", "IT support"), w.en.T("filing.ago_now")} {
		if !strings.Contains(got, want) {
			t.Errorf("the head's waiting line %q lacks %q", got, want)
		}
	}
	if strings.Contains(b.Text("main"), w.t3.Number()) {
		t.Error("the head of IT sees the unrouted ticket among theirs")
	}
	shot("home-head-waiting")
	b.SetValue(fmt.Sprintf("#w-%d", q.ID), fmt.Sprint(w.ex2.ID))
	if st := b.ClickAndWait(fmt.Sprintf(`form[action="/tickets/%d/reassign"] button[type=submit]`, q.ID)); st != http.StatusOK {
		t.Fatalf("assign from the home page: %d", st)
	}
	if path := urlPath(t, b.URL()); path != "/" {
		t.Errorf("after assigning the head is at %s, want back home", path)
	}
	if got, want := b.Text(`main p[role="status"]`), w.en.T("journal.notice_reassign"); got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	if got := b.Text(`section[aria-labelledby="waiting-title"]`); !strings.Contains(got, w.en.T("loop.waiting_empty")) {
		t.Errorf("the assigned ticket still waits: %q", got)
	}
	if tk := w.must(w.srv.App.Tickets.Get(w.ctx, w.admin, q.ID)).(*tickets.Ticket); tk.AssigneeID != w.ex2.ID || tk.Status != tickets.StatusAssigned {
		t.Errorf("after assigning: %+v", tk)
	}

	browserLogout(t, b)
	w.browserLogin(t, b, w.admin)
	send := fmt.Sprintf("#w-%d", w.t3.ID)
	if got := b.Text(fmt.Sprintf(`section[aria-labelledby="waiting-title"] a[href="/tickets/%d"]`, w.t3.ID)); !strings.Contains(got, w.en.T("loop.waiting_unrouted")) {
		t.Errorf("the admin's unrouted line reads %q", got)
	}
	shot("home-admin-waiting")
	// The same page in dark mode: its badges and links keep their contrast.
	b.SetDarkMode(true)
	b.CheckAxe()
	b.Navigate(w.srv.URL + "/tickets") // checked with axe on arrival, in dark mode
	shot("journal-admin-dark")
	b.Navigate(w.srv.URL + tpath(w.t1, ""))
	shot("ticket-admin-dark")
	b.SetDarkMode(false)
	b.Navigate(w.srv.URL + "/")
	b.SetValue(send, fmt.Sprint(w.fac.ID))
	if st := b.ClickAndWait(fmt.Sprintf(`form[action="/tickets/%d/send"] button[type=submit]`, w.t3.ID)); st != http.StatusOK {
		t.Fatalf("send from the home page: %d", st)
	}
	if got, want := b.Text(`main p[role="status"]`), w.en.T("loop.notice_send"); got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	if tk := w.must(w.srv.App.Tickets.Get(w.ctx, w.admin, w.t3.ID)).(*tickets.Ticket); tk.DepartmentID != w.fac.ID || tk.AssigneeID != w.fx.ID {
		t.Errorf("after sending: %+v", tk)
	}
	b.Navigate(w.srv.URL + tpath(w.t3, ""))
	if got := b.Text(".timeline"); !strings.Contains(got, w.en.T("loop.event_sent", "Name", "Ada Admin")) {
		t.Errorf("the history does not tell who sent it: %q", got)
	}
	shot("ticket-sent")
}

// TestBrowserOwnAvailability: at 360×740 an executor holding a ticket goes away
// from their home page, is asked what happens to it, hands it back (their
// colleague gets it), and comes back on duty.
func TestBrowserOwnAvailability(t *testing.T) {
	t.Parallel()
	w := newJournalWorld(t, testserver.Start(t, testserver.Options{}))
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("en"))
	w.browserLogin(t, b, w.ex)
	card := `section[aria-labelledby="availability-title"]`
	if got := b.Text(card); !strings.Contains(got, w.en.T("loop.on_duty")) || !strings.Contains(got, w.en.T("loop.away_tickets", "Count", 1)) {
		t.Fatalf("the availability card reads %q", got)
	}
	b.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", b.Screenshot("home-executor-availability"))
	b.Click(card + ` input[value="hand_back"]`)
	if st := b.ClickAndWait(card + ` button[type=submit]`); st != http.StatusOK {
		t.Fatalf("going away: %d", st)
	}
	if got, want := b.Text(`main p[role="status"]`), w.en.T("loop.notice_away_handed"); got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	if got := b.Text(card); !strings.Contains(got, w.en.T("loop.away")) {
		t.Errorf("after going away the card reads %q", got)
	}
	if tk := w.must(w.srv.App.Tickets.Get(w.ctx, w.admin, w.t1.ID)).(*tickets.Ticket); tk.AssigneeID != w.ex2.ID {
		t.Errorf("the handed back ticket went to %d, want %d", tk.AssigneeID, w.ex2.ID)
	}
	if u := w.must(w.srv.App.Accounts.User(w.ctx, w.admin, w.ex.ID)).(*users.User); u.Available {
		t.Error("the executor is still available")
	}
	if st := b.ClickAndWait(card + ` button[type=submit]`); st != http.StatusOK {
		t.Fatalf("coming back: %d", st)
	}
	if got, want := b.Text(`main p[role="status"]`), w.en.T("loop.notice_back"); got != want {
		t.Errorf("notice %q, want %q", got, want)
	}
	if u := w.must(w.srv.App.Accounts.User(w.ctx, w.admin, w.ex.ID)).(*users.User); !u.Available {
		t.Error("the executor is not back")
	}
}

// TestBrowserSomethingElse: in the demo office (its starter catalogue) every
// device page ends with "Something else"; at 360×740 its form asks what is wrong,
// refuses an empty comment, and files the ticket, which the starter rules route.
func TestBrowserSomethingElse(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{Dialect: db.SQLite, Demo: true})
	ru := browserCatalog(t).For("ru")
	var code string
	if err := srv.App.DB.R.QueryRow("SELECT code FROM assets WHERE owner_id IS NULL AND archived = $1 ORDER BY id LIMIT 1", false).Scan(&code); err != nil {
		t.Fatal(err)
	}
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))
	b.Navigate(srv.URL + "/login?next=/a/" + code)
	b.SetValue("#email", "anna.petrova@demo.office")
	b.SetValue("#password", demo.Password)
	if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("login: %d", st)
	}
	problems := b.Texts("ul.problems li")
	if len(problems) < 2 || problems[len(problems)-1] != assets.SomethingElse.RU {
		t.Fatalf("the device page offers %q, want it to end with %q", problems, assets.SomethingElse.RU)
	}
	if st := b.ClickAndWait("ul.problems li:last-child a.problem"); st != http.StatusOK {
		t.Fatalf("open the form: %d", st)
	}
	if got := b.Text(`label[for="comment"]`); got != ru.T("loop.comment_label_anything") {
		t.Errorf("the comment's label %q", got)
	}
	if _, req := b.Attribute("#comment", "required"); !req {
		t.Error("the comment is not marked required")
	}
	if st := b.ClickAndWait(".filing-form button[type=submit]"); st != http.StatusUnprocessableEntity {
		t.Fatalf("an empty report: status %d, want 422", st)
	}
	if got := b.Text("#comment-err"); got != ru.T("loop.comment_required_anything") {
		t.Errorf("the error reads %q", got)
	}
	b.SetValue("#comment", "Странный запах у входа")
	if st := b.ClickAndWait(".filing-form button[type=submit]"); st != http.StatusOK {
		t.Fatalf("file: %d", st)
	}
	if got := b.Text(".filed .facts"); !strings.Contains(got, assets.SomethingElse.RU) || strings.Contains(got, ru.T("filing.filed_unrouted")) {
		t.Errorf("the confirmation reads %q", got)
	}
	b.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", b.Screenshot("something-else-filed"))
}
