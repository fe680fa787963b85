package web_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"smartservice/internal/db"
	"smartservice/internal/testkit/browser"
)

// TestBrowserFilingAtPhoneWidth is the whole loop as people do it, in Chromium at
// 360×740: scan, log in, pick the problem, read the self-help, attach a photo from
// the "camera", send, and read the confirmation. A colleague scanning the same
// printer sees it already reported and says "me too". The executor of the routed
// department finds it on his home page, sees the photo, starts and completes it;
// the reporter and the colleague see it done. Screenshots of every page at phone
// and desktop width are logged.
func TestBrowserFilingAtPhoneWidth(t *testing.T) {
	t.Parallel()
	o := newFilingOffice(t, db.SQLite)
	scan := o.srv.URL + "/a/" + o.printer.Code
	photo := filepath.Join(t.TempDir(), "IMG_0042.jpg")
	if err := os.WriteFile(photo, testJPEG(t, 1200, 900), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func(b *browser.Browser, page string) {
		t.Helper()
		b.CheckNoHorizontalScroll()
		if errs := b.ConsoleErrors(); len(errs) > 0 {
			t.Errorf("%s reported errors: %q", page, errs)
		}
		t.Logf("screenshot: %s", b.Screenshot(page))
	}

	emp := browser.New(t, browser.Phone, browser.AcceptLanguage("en"))
	emp.Navigate(scan)
	browserLogin(t, emp, "emp@office.example")
	if emp.URL() != scan {
		t.Fatalf("after login at %s, want the device page", emp.URL())
	}
	check(emp, "filing-device-phone")
	if st := emp.ClickAndWait("a.problem"); st != http.StatusOK {
		t.Fatalf("the problem's button: %d", st)
	}
	if got := emp.Text("main h1"); got != "Out of paper" {
		t.Fatalf("the form's heading %q", got)
	}
	if got := emp.Text(".self-help .instructions"); got != "Paper is in the cupboard under the printer." {
		t.Errorf("the self-help %q", got)
	}
	// The common case fits one phone screen: the send button is visible without scrolling.
	if bottom := browser.Eval[float64](emp, `document.querySelector(".filing-form button[type=submit]").getBoundingClientRect().bottom`); bottom > 740 {
		t.Errorf("the send button ends at %.0f px, below the 740 px screen", bottom)
	}
	check(emp, "filing-report-phone")

	emp.SetValue("#comment", "Tray 2 is empty")
	emp.Do("attach the photo", chromedp.SetUploadFiles(chromedp.CSS("#photo"), []string{photo}))
	if st := emp.ClickAndWait(".filing-form button[type=submit]"); st != http.StatusOK {
		t.Fatalf("send: %d at %s", st, emp.URL())
	}
	m := regexp.MustCompile(`/tickets/(\d+)/filed$`).FindStringSubmatch(emp.URL())
	if m == nil {
		t.Fatalf("after sending at %s, want the confirmation", emp.URL())
	}
	var id int64
	fmt.Sscan(m[1], &id)
	if got := emp.Text("main h1"); got != o.en.T("filing.filed_title") {
		t.Errorf("the confirmation's heading %q", got)
	}
	if got := emp.Text(".filed-number strong"); got != "T-"+m[1] {
		t.Errorf("the number shown %q, want T-%s", got, m[1])
	}
	if got := emp.Text(".filed .facts"); !strings.Contains(got, "IT support") || !strings.Contains(got, "Ivan Petrov") {
		t.Errorf("the confirmation's facts %q", got)
	}
	check(emp, "filing-filed-phone")
	tk, err := o.srv.App.Tickets.Row(context.Background(), o.emp, id)
	if err != nil || !tk.HasPhoto || tk.Comment != "Tray 2 is empty" {
		t.Fatalf("the filed ticket: %+v %v", tk, err)
	}
	p, err := o.srv.App.Tickets.Photo(context.Background(), o.emp, id)
	if err != nil || p.Width != 1200 || p.Height != 900 {
		t.Fatalf("the stored photo: %v", err)
	}

	// A colleague scans the printer: it is already reported, with "me too".
	emp2 := browser.New(t, browser.Phone, browser.AcceptLanguage("en"))
	emp2.Navigate(scan)
	browserLogin(t, emp2, "emp2@office.example")
	if got := emp2.Text(".reported-list li"); !strings.Contains(got, "T-"+m[1]) || !strings.Contains(got, "Ivan Petrov") {
		t.Errorf("already reported: %q", got)
	}
	if got := emp2.Text(".reported-list button"); got != o.en.T("filing.me_too") {
		t.Errorf("the me-too button %q", got)
	}
	check(emp2, "filing-device-reported-phone")
	// The form for the same problem puts "me too" first, the separate request folded.
	emp2.Navigate(fmt.Sprintf("%s/report?problem=%d", scan, o.paper.ID))
	if got := emp2.Text(".duplicate button"); got != o.en.T("filing.me_too_main") {
		t.Errorf("the form's main action %q", got)
	}
	if open := browser.Eval[bool](emp2, `document.querySelector("details.file-anyway").open`); open {
		t.Error("the separate form should stay folded under the duplicate")
	}
	check(emp2, "filing-report-duplicate-phone")
	// "Me too" from the device page (JOURNAL's follow route) comes back to it.
	emp2.Navigate(scan)
	if st := emp2.ClickAndWait(".reported-list button"); st != http.StatusOK || emp2.URL() != scan {
		t.Fatalf("me too: %d at %s, want back on the device page", st, emp2.URL())
	}
	if got := emp2.Text(".reported-list .following"); !strings.Contains(got, o.en.T("filing.you_follow")) {
		t.Errorf("after me too: %q", got)
	}
	// "✓ You get its updates" and the ticket's badge keep their contrast in dark mode too.
	emp2.SetDarkMode(true)
	emp2.CheckAxe()
	emp2.SetDarkMode(false)
	// The reporter's history tells of it; the colleague's view is a follower's.
	if v, err := o.srv.App.Tickets.View(context.Background(), o.emp, id); err != nil || v.Events[len(v.Events)-1].Kind != "followed" || v.Events[len(v.Events)-1].ActorID != o.emp2.ID {
		t.Fatalf("me too is not in the history: %+v %v", v, err)
	}
	if v, err := o.srv.App.Tickets.View(context.Background(), o.emp2, id); err != nil || !v.Row.Limited {
		t.Fatalf("the colleague's view: %+v %v", v, err)
	}
	// The executor of the routed department: the ticket is on his home page (it was
	// assigned to him at filing), with the photo; he starts and completes it.
	ivan := browser.New(t, browser.Phone, browser.AcceptLanguage("en"))
	ivan.Navigate(o.srv.URL + "/login?next=/")
	browserLogin(t, ivan, "ivan@office.example")
	link := fmt.Sprintf(`section[aria-labelledby="working-title"] a[href="/tickets/%d"]`, id)
	if got := ivan.Text(link); !strings.Contains(got, "T-"+m[1]) {
		t.Fatalf("the executor's home lists %q", got)
	}
	if st := ivan.ClickAndWait(link); st != http.StatusOK {
		t.Fatalf("open the ticket: %d", st)
	}
	ivan.WaitVisible(".ticket-photo img")
	ivan.Do("wait for the photo to load", chromedp.Poll[chromedp.Void](`document.querySelector(".ticket-photo img").complete`))
	if w := browser.Eval[float64](ivan, `document.querySelector(".ticket-photo img").naturalWidth`); w != 1200 {
		t.Errorf("the executor sees a photo %.0f px wide, want 1200", w)
	}
	for _, action := range []string{"start", "complete"} {
		if action == "complete" {
			ivan.SetValue("#resolution", "Filled tray 2")
		}
		if st := ivan.ClickAndWait(fmt.Sprintf(`.ticket-main form[action="/tickets/%d/%s"] button[type=submit]`, id, action)); st != http.StatusOK {
			t.Fatalf("%s: %d", action, st)
		}
	}
	check(ivan, "filing-loop-executor-done-phone")
	// The reporter sees it done, with the resolution; so does the colleague who said "me too".
	for _, b := range []*browser.Browser{emp, emp2} {
		b.Navigate(fmt.Sprintf("%s/tickets/%d", o.srv.URL, id))
		if got, want := b.Text(".ticket-meta .tstatus"), o.en.T("journal.status_done"); got != want {
			t.Errorf("the reporter's view of the status %q, want %q", got, want)
		}
		if got := b.Text(".timeline"); !strings.Contains(got, "Filled tray 2") {
			t.Errorf("the history lacks the resolution: %q", got)
		}
	}
	check(emp, "filing-loop-reporter-done-phone")
	// The colleague reads how it went, not the reporter's comment, photo or name.
	if got := emp2.Text(".follow-limited"); !strings.Contains(got, o.en.T("follow.limited")) {
		t.Errorf("the follower's note %q", got)
	}
	if got := emp2.Text("article.ticket"); strings.Contains(got, "Tray 2 is empty") || strings.Contains(got, o.emp.FullName) ||
		!strings.Contains(got, o.en.T("follow.event_filed")) {
		t.Errorf("the follower's page shows the reporter's: %q", got)
	}
	if n := browser.Eval[float64](emp2, `document.querySelectorAll(".ticket-photo, .comment-form").length`); n != 0 {
		t.Errorf("the follower's page has %v photo or comment elements", n)
	}
	check(emp2, "filing-loop-follower-done-phone")
	// In Russian, whose words are longer, the form still fits the screen.
	emp2.Navigate(fmt.Sprintf("%s/report?problem=%d", scan, o.jam.ID))
	if st := emp2.ClickAndWait(`form.langs button[value="ru"]`); st != http.StatusOK {
		t.Fatalf("switch to Russian: %d", st)
	}
	if got := emp2.Text(".filing-form button[type=submit]"); got != "Отправить" {
		t.Errorf("the Russian send button %q", got)
	}
	if bottom := browser.Eval[float64](emp2, `document.querySelector(".filing-form button[type=submit]").getBoundingClientRect().bottom`); bottom > 740 {
		t.Errorf("in Russian the send button ends at %.0f px, below the 740 px screen", bottom)
	}
	check(emp2, "filing-report-ru-phone")
	// A drawing instead of a photo: the form comes back with the comment and says why.
	svg := filepath.Join(t.TempDir(), "plan.svg")
	if err := os.WriteFile(svg, []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`), 0o600); err != nil {
		t.Fatal(err)
	}
	emp2.SetValue("#comment", "Замяло в лотке 2")
	emp2.Do("attach the drawing", chromedp.SetUploadFiles(chromedp.CSS("#photo"), []string{svg}))
	if st := emp2.ClickAndWait(".filing-form button[type=submit]"); st != http.StatusUnprocessableEntity {
		t.Fatalf("an SVG: %d", st)
	}
	if got := emp2.Text("#photo-err"); !strings.Contains(got, "JPEG") {
		t.Errorf("the photo's error %q", got)
	}
	if got := browser.Eval[string](emp2, `document.querySelector("#comment").value`); got != "Замяло в лотке 2" {
		t.Errorf("the comment was not kept: %q", got)
	}
	emp2.CheckNoHorizontalScroll()
	t.Logf("screenshot: %s", emp2.Screenshot("filing-report-error-ru-phone"))

	// The same pages at desktop width.
	desk := browser.New(t, browser.Desktop, browser.AcceptLanguage("en"))
	desk.Navigate(scan)
	browserLogin(t, desk, "emp@office.example")
	check(desk, "filing-device-desktop")
	desk.Navigate(fmt.Sprintf("%s/report?problem=%d", scan, o.jam.ID))
	check(desk, "filing-report-desktop")
	desk.Navigate(fmt.Sprintf("%s/report?problem=%d", scan, o.paper.ID))
	check(desk, "filing-report-duplicate-desktop")
	desk.Navigate(fmt.Sprintf("%s/tickets/%d/filed", o.srv.URL, id))
	check(desk, "filing-filed-desktop")
}
