package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/testkit"
)

// BenchmarkDevicePage measures the logged-in device page (the page behind every QR
// code: session, account, scan counter, device, type, offers, class, template)
// against a bare net/http handler that writes the same bytes with the same headers,
// and reports the ratio of the two as x_bare (1.0 would be free), and the page's
// size in bytes; "noscan" is the same page without the scan counter's write. Both run in process, without the network; scripts/bench-device.sh
// measures the same over loopback with wrk.
//
//	go test -run '^$' -bench BenchmarkDevicePage -benchtime 2s ./internal/web/
func BenchmarkDevicePage(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			e := newAssetsEnv(b, testkit.NewDB(b, dialect))
			cookies := benchLogin(b, e.url, "emp@example.com")
			req := func(query ...string) *http.Request {
				r := httptest.NewRequest(http.MethodGet, deviceHref(e.pr)+strings.Join(query, ""), nil)
				r.Header.Set("Accept-Language", "ru-RU,ru;q=0.9")
				for _, c := range cookies {
					r.AddCookie(c)
				}
				return r
			}
			first := httptest.NewRecorder()
			e.srv.ServeHTTP(first, req())
			if first.Code != http.StatusOK || !strings.Contains(first.Body.String(), `class="problem"`) {
				b.Fatalf("the device page: %d", first.Code)
			}
			page := first.Body.Bytes()
			header := first.Header().Clone()
			bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for k, v := range header {
					w.Header()[k] = v
				}
				w.WriteHeader(http.StatusOK)
				_, _ = w.Write(page)
			})

			var bareNs float64
			b.Run("bare", func(b *testing.B) {
				r := req()
				for b.Loop() {
					w := httptest.NewRecorder()
					bare.ServeHTTP(w, r)
				}
				bareNs = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
			})
			b.Run("smartservice", func(b *testing.B) {
				for b.Loop() {
					w := httptest.NewRecorder()
					e.srv.ServeHTTP(w, req())
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
				ns := float64(b.Elapsed().Nanoseconds()) / float64(b.N)
				if bareNs > 0 {
					b.ReportMetric(ns/bareNs, "x_bare")
				}
				b.ReportMetric(float64(len(page)), "page_bytes")
			})
			// The same page opened from the list counts no scan: the difference is
			// the cost of the scan counter's write.
			b.Run("smartservice-noscan", func(b *testing.B) {
				for b.Loop() {
					w := httptest.NewRecorder()
					e.srv.ServeHTTP(w, req("?from=list"))
					if w.Code != http.StatusOK {
						b.Fatalf("status %d", w.Code)
					}
				}
				if bareNs > 0 {
					b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/bareNs, "x_bare")
				}
			})
		})
	}
}

// benchLogin logs in through the login form and returns the session's cookies.
func benchLogin(b *testing.B, base, email string) []*http.Cookie {
	b.Helper()
	form := url.Values{"email": {email}, "password": {acctPassword}}
	r, _ := http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := c.Do(r)
	if err != nil {
		b.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || len(res.Cookies()) == 0 {
		b.Fatalf("login: %d", res.StatusCode)
	}
	return res.Cookies()
}
