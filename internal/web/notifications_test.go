package web_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartservice/internal/testkit"
)

// /admin/notifications on both databases: administrators only (403 for anyone
// else, the retry and resume too), text escaped, filters and the retry; the
// profile's box refuses bad quiet hours with 422 and saves good ones; /metrics
// carries the notification metrics.
func TestNotificationPages(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			emp := o.login(t, "emp@office.example")
			admin := o.login(t, "admin@office.example")
			emp.fileOK(t, o.printer.Code, filingForm{problem: strconv.FormatInt(o.paper.ID, 10), comment: "<b>bold</b> & co"})

			if res, _ := emp.get(t, "/admin/notifications"); res.StatusCode != http.StatusForbidden {
				t.Errorf("an employee's /admin/notifications: %d", res.StatusCode)
			}
			var id int64
			if err := o.srv.App.DB.W.QueryRow(`UPDATE notifications SET state = 'dead', last_error = 'chat not found'
			WHERE id = (SELECT MIN(id) FROM notifications WHERE channel = 'mail') RETURNING id`).Scan(&id); err != nil {
				t.Fatal(err)
			}
			retry := "/admin/notifications/" + strconv.FormatInt(id, 10) + "/retry"
			if res := emp.post(t, retry, url.Values{}); res.StatusCode != http.StatusForbidden {
				t.Errorf("an employee's retry: %d", res.StatusCode)
			}
			if res := emp.post(t, "/admin/notifications/channels/telegram/resume", url.Values{}); res.StatusCode != http.StatusForbidden {
				t.Errorf("an employee's resume: %d", res.StatusCode)
			}
			res, body := admin.get(t, "/admin/notifications?state=dead")
			if res.StatusCode != http.StatusOK || !strings.Contains(body, "chat not found") || !strings.Contains(body, `action="`+retry+`"`) {
				t.Fatalf("the dead list: %d\n%s", res.StatusCode, body)
			}
			// Telegram is always registered (without a token it previews), so the
			// preview is written by the delivery job, a moment after the filing.
			for deadline := time.Now().Add(10 * time.Second); ; {
				if _, body = admin.get(t, "/admin/notifications?state=preview"); strings.Contains(body, "bold") || time.Now().After(deadline) {
					break
				}
				time.Sleep(50 * time.Millisecond)
			}
			if !strings.Contains(body, "&lt;b&gt;bold&lt;/b&gt; &amp; co") || strings.Contains(body, "<b>bold</b>") {
				t.Errorf("the preview text is not escaped:\n%s", body)
			}
			if res := admin.post(t, retry, url.Values{"state": {"dead"}}); res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/admin/notifications?state=dead" {
				t.Errorf("retry: %d to %q", res.StatusCode, res.Header.Get("Location"))
			}
			if res := admin.post(t, retry, url.Values{}); res.StatusCode != http.StatusConflict {
				t.Errorf("a second retry: %d", res.StatusCode)
			}
			if res := admin.post(t, "/admin/notifications/channels/pigeon/resume", url.Values{}); res.StatusCode != http.StatusNotFound {
				t.Errorf("resume of an unknown channel: %d", res.StatusCode)
			}

			// The profile's box.
			if res := emp.post(t, "/profile/notifications", url.Values{"kinds.done": {"mail"}, "quiet_from": {"22:00"}, "quiet_to": {"22:00"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("same start and end: %d", res.StatusCode)
			}
			if res := emp.post(t, "/profile/notifications", url.Values{"kinds.done": {"carrier pigeon"}}); res.StatusCode != http.StatusUnprocessableEntity {
				t.Errorf("an unknown choice: %d", res.StatusCode)
			}
			if res := emp.post(t, "/profile/notifications", url.Values{"kinds.done": {"mail"}, "quiet_from": {"22:00"}, "quiet_to": {"07:30"}}); res.StatusCode != http.StatusSeeOther {
				t.Errorf("save: %d", res.StatusCode)
			}
			_, body = emp.get(t, "/profile")
			if !strings.Contains(body, `value="07:30"`) || !strings.Contains(body, `<option value="mail" selected>`) {
				t.Errorf("the profile does not show the saved settings")
			}
			if m := o.srv.Metrics(t); !strings.Contains(m, "smartservice_notifications_pending") {
				t.Error("/metrics lacks the pending notifications")
			}
		})
	}
}
