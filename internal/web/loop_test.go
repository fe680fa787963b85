package web_test

import (
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/testkit/testserver"
)

// TestJournalFindsTicketNumber: the number the confirmation tells people to quote
// finds the ticket in the journal, in any of the forms people type it, and only
// for whoever may see the ticket; the device page's recent tickets use and link it.
func TestJournalFindsTicketNumber(t *testing.T) {
	t.Parallel()
	w := newJournalWorld(t, testserver.Start(t, testserver.Options{}))
	number := fmt.Sprintf(`<span class="ticket-no">%s</span>`, w.t2.Number())
	for _, q := range []string{w.t2.Number(), strings.ToLower(w.t2.Number()), fmt.Sprint(w.t2.ID), fmt.Sprintf("№%d", w.t2.ID)} {
		res, body := w.as(w.admin).get("/tickets?" + url.Values{"q": {q}}.Encode())
		// A bare number is also searched as text, and another ticket's text (its
		// device's random code, say) may hold the digit: only a number written as
		// a number (T-2, №2) must find that ticket alone.
		alone := q != fmt.Sprint(w.t2.ID)
		if res.StatusCode != http.StatusOK || !strings.Contains(body, number) || alone && strings.Contains(body, w.t1.Number()+"</span>") {
			t.Errorf("the journal searched for %q: %d, has T-%d: %v", q, res.StatusCode, w.t2.ID, strings.Contains(body, number))
		}
	}
	// emp did not report t2 and does not follow it: their search finds nothing.
	if _, body := w.as(w.emp).get("/tickets?q=" + w.t2.Number()); strings.Contains(body, number) {
		t.Error("an employee found someone else's ticket by its number")
	}
	// The device page's recent tickets (staff): the T- form, linked.
	_, body := w.as(w.admin).get("/a/" + w.coffee.Code)
	if want := fmt.Sprintf(`<a class="wrap" href="/tickets/%d">%s · `, w.t2.ID, w.t2.Number()); !strings.Contains(body, want) {
		t.Errorf("the device page lacks %q", want)
	}
	if strings.Contains(body, "№") {
		t.Error("the device page still numbers tickets with №")
	}
}

// TestNotFoundKnowsWhoIsLoggedIn: the 404 and 405 pages of unknown addresses show
// a logged-in person their own header, not "Log in".
func TestNotFoundKnowsWhoIsLoggedIn(t *testing.T) {
	t.Parallel()
	w := newJournalWorld(t, testserver.Start(t, testserver.Options{}))
	for _, c := range []struct {
		method, path string
		status       int
	}{{"GET", "/no/such/page", http.StatusNotFound}, {"DELETE", "/tickets", http.StatusMethodNotAllowed}} {
		res, body := w.as(w.emp).do(c.method, c.path, nil)
		if res.StatusCode != c.status {
			t.Fatalf("%s %s: %d", c.method, c.path, res.StatusCode)
		}
		if !strings.Contains(body, `class="who">`+w.emp.FullName+`<`) || strings.Contains(body, `href="/login"`) {
			t.Errorf("%s %s: the page does not know the user is logged in", c.method, c.path)
		}
	}
	res, body := newBrowserClient(t, w.srv.URL).get("/no/such/page")
	if res.StatusCode != http.StatusNotFound || !strings.Contains(body, `href="/login"`) {
		t.Errorf("a visitor's 404: %d, offers login: %v", res.StatusCode, strings.Contains(body, `href="/login"`))
	}
}

// TestPagesAreCompressed: pages and the stylesheet go gzipped to a client that
// accepts it, plain to one that does not, and say so in Vary.
func TestPagesAreCompressed(t *testing.T) {
	t.Parallel()
	srv := testserver.Start(t, testserver.Options{})
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	get := func(path string, gz bool) (*http.Response, []byte) {
		t.Helper()
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		if gz {
			req.Header.Set("Accept-Encoding", "gzip")
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var r io.Reader = res.Body
		if res.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(res.Body)
			if err != nil {
				t.Fatal(err)
			}
			r = zr
		}
		body, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}
	res, page := get("/", true)
	if res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(res.Header.Get("Vary"), "Accept-Encoding") || !strings.Contains(string(page), "<!doctype html>") {
		t.Fatalf("the home page: %q %q", res.Header.Get("Content-Encoding"), res.Header.Get("Vary"))
	}
	css := regexp.MustCompile(`href="(/static/app\.[^"]+\.css)"`).FindStringSubmatch(string(page))
	if css == nil {
		t.Fatal("no stylesheet link on the home page")
	}
	if res, body := get(css[1], true); res.Header.Get("Content-Encoding") != "gzip" || !strings.Contains(string(body), ".top") {
		t.Errorf("the stylesheet: %q", res.Header.Get("Content-Encoding"))
	}
	if res, body := get("/", false); res.Header.Get("Content-Encoding") != "" || !strings.Contains(string(body), "<!doctype html>") {
		t.Errorf("without Accept-Encoding: %q", res.Header.Get("Content-Encoding"))
	}
}
