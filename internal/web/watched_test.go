package web_test

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
)

// TestGetUpdatesReadsAsSuch: an executor pressing "Get updates" on the ticket's
// page is "X gets this ticket's updates" in its history, an employee's "me too"
// at the device stays "X: me too", on both databases and in both languages.
func TestGetUpdatesReadsAsSuch(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			w := newJournalWorld(t, testserver.Start(t, testserver.Options{Dialect: dialect}))
			path := fmt.Sprintf("/tickets/%d", w.t1.ID)
			if res, body := w.as(w.ex2).post(path+"/follow", url.Values{"next": {path}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("get updates: %d %s", res.StatusCode, body)
			}
			if res, body := w.as(w.emp2).post(path+"/follow", url.Values{"code": {w.printer.Code}, "next": {"/a/" + w.printer.Code}}); res.StatusCode != http.StatusSeeOther {
				t.Fatalf("me too: %d %s", res.StatusCode, body)
			}
			_, body := w.as(w.head).get(path)
			for _, want := range []string{w.T("loop2.event_watched", "Name", w.ex2.FullName), w.T("journal.event_followed", "Name", w.emp2.FullName)} {
				if !strings.Contains(body, want) {
					t.Errorf("the history lacks %q", want)
				}
			}
			if bad := w.T("journal.event_followed", "Name", w.ex2.FullName); strings.Contains(body, bad) {
				t.Errorf("the history says %q", bad)
			}
			ru := newBrowserClient(t, w.srv.URL).loginWith(w.head.Email, w.password)
			ru.post("/lang", url.Values{"lang": {"ru"}})
			if _, body := ru.get(path); !strings.Contains(body, w.ru.T("loop2.event_watched", "Name", w.ex2.FullName)) {
				t.Errorf("the Russian history lacks %q", w.ru.T("loop2.event_watched", "Name", w.ex2.FullName))
			}
		})
	}
}
