package web_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// browserLogin logs u in through the login form, from wherever the browser is.
func (w *journalWorld) browserLogin(t *testing.T, b *browser.Browser, u *users.User) {
	t.Helper()
	b.Navigate(w.srv.URL + "/login")
	b.SetValue("#email", u.Email)
	b.SetValue("#password", w.password)
	if st := b.ClickAndWait(`form[action="/login"] button[type=submit]`); st != http.StatusOK {
		t.Fatalf("login %s: %d", u.Email, st)
	}
}

// TestBrowserExecutorWorksATicket: at phone and desktop width an executor opens
// their home, finds the queued ticket, takes, starts and completes it through the
// page's main button; the journal, the ticket page and every role's home fit the
// screen. Screenshots of each go to the artifacts directory.
func TestBrowserExecutorWorksATicket(t *testing.T) {
	t.Parallel()
	w := newJournalWorld(t, testserver.Start(t, testserver.Options{}))
	// With nobody available, one ticket per viewport waits in IT's queue.
	w.available(w.ex, false)
	w.available(w.ex2, false)
	queued := map[string]*tickets.Ticket{}
	for _, vp := range browser.Viewports {
		queued[vp.Name] = w.file(w.emp2, w.printer, w.paper, "The tray is empty again, on the "+vp.Name+" floor")
	}
	w.available(w.ex, true)
	w.available(w.ex2, true)
	ru, err := w.srv.App.Accounts.CreateUser(w.ctx, users.CreateInput{Email: "ru@office.example", FullName: "Руслана Администраторова",
		Roles: []users.Role{users.RoleEmployee, users.RoleExecutor, users.RoleHead, users.RoleAdmin}, DepartmentCodes: []string{"it"},
		Password: w.password, Language: "ru"})
	if err != nil {
		t.Fatal(err)
	}
	for _, vp := range browser.Viewports {
		t.Run(vp.Name, func(t *testing.T) {
			t.Parallel()
			q := queued[vp.Name]
			b := browser.New(t, vp, browser.AcceptLanguage("en"))
			shot := func(name string) {
				t.Helper()
				b.CheckNoHorizontalScroll()
				if errs := b.ConsoleErrors(); len(errs) > 0 {
					t.Errorf("%s: the page reported errors: %q", name, errs)
				}
				t.Logf("screenshot: %s", b.Screenshot(name+"-"+vp.Name))
			}
			w.browserLogin(t, b, w.ex)
			link := fmt.Sprintf(`section[aria-labelledby="queue-title"] a[href="/tickets/%d"]`, q.ID)
			if got := b.Text(link); !strings.Contains(got, q.Number()) || !strings.Contains(got, "Out of paper") {
				t.Fatalf("the queue shows %q", got)
			}
			shot("home-executor")
			if st := b.ClickAndWait(link); st != http.StatusOK {
				t.Fatalf("open the ticket: %d", st)
			}
			shot("ticket-queued")
			steps := []struct{ action, notice, status string }{
				{"take", "journal.notice_take", "journal.status_assigned"},
				{"start", "journal.notice_start", "journal.status_in_progress"},
				{"complete", "journal.notice_complete", "journal.status_done"},
			}
			for _, s := range steps {
				if s.action == "complete" {
					b.SetValue("#resolution", "Filled the tray, "+vp.Name)
				}
				if st := b.ClickAndWait(fmt.Sprintf(`.ticket-main form[action="/tickets/%d/%s"] button[type=submit]`, q.ID, s.action)); st != http.StatusOK {
					t.Fatalf("%s: %d", s.action, st)
				}
				if got, want := b.Text(`main p[role="status"]`), w.en.T(s.notice); got != want {
					t.Errorf("after %s: notice %q, want %q", s.action, got, want)
				}
				if got, want := b.Text(".ticket-meta .tstatus"), w.en.T(s.status); got != want {
					t.Errorf("after %s: status %q, want %q", s.action, got, want)
				}
				shot("ticket-" + s.action)
			}
			if strings.Contains(b.Text("main"), w.en.T("journal.next_step")) || len(b.Texts(".ticket-main")) != 0 {
				t.Error("a done ticket still offers a next step")
			}
			if got := b.Text(".timeline"); !strings.Contains(got, "Filled the tray, "+vp.Name) {
				t.Errorf("the history lacks the resolution: %q", got)
			}

			// The journal: a table on desktop, cards on the phone; the filters unfold.
			b.Navigate(w.srv.URL + "/tickets")
			shot("journal-executor")
			b.Click(".journal-filter summary")
			b.WaitVisible("#f-department")
			shot("journal-filters-open")
			display := browser.Eval[string](b, `getComputedStyle(document.querySelector(".journal-table thead")).position`)
			if (vp.Name == "phone") != (display == "absolute") {
				t.Errorf("the journal's header row is %q on the %s", display, vp.Name)
			}

			// Every role's home, the admin's journal (all tickets) and a ticket page as
			// the reporter sees it.
			for _, c := range []struct {
				u    *users.User
				name string
			}{{w.emp, "employee"}, {w.head, "head"}, {w.admin, "admin"}} {
				browserLogout(t, b)
				w.browserLogin(t, b, c.u)
				shot("home-" + c.name)
			}
			b.Navigate(w.srv.URL + "/tickets")
			shot("journal-admin")
			b.Navigate(w.srv.URL + tpath(w.t2, ""))
			shot("ticket-admin")
			// In Russian, whose words are longer.
			browserLogout(t, b)
			w.browserLogin(t, b, ru)
			b.Navigate(w.srv.URL + "/tickets?status=new&status=assigned&status=in_progress&status=done")
			if got := b.Text("main h1"); got != w.ru.T("journal.title") {
				t.Errorf("the Russian journal is titled %q", got)
			}
			shot("journal-ru")
			b.Navigate(w.srv.URL + tpath(q, ""))
			shot("ticket-ru")
			b.Navigate(w.srv.URL + "/")
			shot("home-ru")
		})
	}
}
