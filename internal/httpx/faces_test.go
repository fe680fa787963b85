package httpx_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/api"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// TestRefusalsInEachFacesWords mounts the real faces as the app does and checks
// that the host's refusals come back as a page in the reader's language on the
// pages' paths and as a problem document under /api/v1/.
func TestRefusalsInEachFacesWords(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		cfg := config.Default()
		cfg.MaxBodyBytes = 4096
		cat, err := i18n.New("ru", nil)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := web.New(web.Deps{Config: cfg, Catalog: cat, DB: d, Users: users.NewStore(d, nil)})
		if err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		host, err := httpx.New(httpx.Deps{Config: cfg, Metrics: reg})
		if err != nil {
			t.Fatal(err)
		}
		host.Mount("/", pages)
		host.Mount(api.Prefix, api.New(api.Deps{Config: cfg, Catalog: cat, Accounts: testkit.Accounts(t, d), Users: users.NewStore(d, nil)}))
		en := cat.For("en")

		send := func(method, path string, body string, header ...string) (*http.Response, string) {
			t.Helper()
			r := httptest.NewRequest(method, path, strings.NewReader(body))
			r.Header.Set("Accept-Language", "en")
			r.Header.Set("Sec-Fetch-Site", "same-origin")
			for i := 0; i+1 < len(header); i += 2 {
				r.Header.Set(header[i], header[i+1])
			}
			w := httptest.NewRecorder()
			host.ServeHTTP(w, r)
			b, _ := io.ReadAll(w.Result().Body)
			return w.Result(), string(b)
		}
		wantPage := func(what string, res *http.Response, body string, status int, titleKey string) {
			t.Helper()
			if res.StatusCode != status || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") ||
				res.Header.Get("Content-Language") != "en" || !strings.Contains(body, en.T(titleKey)) {
				t.Errorf("%s: %d %q %q, want the %d page in English", what, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("Content-Language"), status)
			}
		}
		wantProblem := func(what string, res *http.Response, body string, status int) {
			t.Helper()
			var p struct {
				Status int    `json:"status"`
				Detail string `json:"detail"`
			}
			if res.StatusCode != status || res.Header.Get("Content-Type") != "application/problem+json" ||
				json.Unmarshal([]byte(body), &p) != nil || p.Status != status || p.Detail == "" {
				t.Errorf("%s: %d %q %s, want a %d problem", what, res.StatusCode, res.Header.Get("Content-Type"), body, status)
			}
		}
		big := strings.Repeat("x", 5000)

		// The body limit, declared: refused before any handler.
		res, body := send("POST", "/lang", big, "Content-Type", "application/x-www-form-urlencoded")
		wantPage("a large form", res, body, http.StatusRequestEntityTooLarge, "error.too_large_title")
		res, body = send("POST", "/api/v1/auth/login", big, "Content-Type", "application/json")
		wantProblem("a large API body", res, body, http.StatusRequestEntityTooLarge)

		// The filing form is the pages' upload route: its own limit and its own page.
		// (No session here: the form sends the visitor to log in, unread.)
		res, _ = send("POST", "/a/AAAAAAAAAAAAAAAA/report", big, "Content-Type", "multipart/form-data; boundary=b")
		if res.StatusCode != http.StatusSeeOther {
			t.Errorf("a filing over the default limit but under the upload limit: %d, want the login redirect", res.StatusCode)
		}
		res, body = send("POST", "/a/AAAAAAAAAAAAAAAA/report", strings.Repeat("x", int(cfg.MaxUploadBytes)+1), "Content-Type", "multipart/form-data; boundary=b")
		wantPage("a filing over the upload limit", res, body, http.StatusRequestEntityTooLarge, "filing.photo_too_big_title")

		// Another site's writes.
		res, body = send("POST", "/lang", "lang=en", "Content-Type", "application/x-www-form-urlencoded", "Sec-Fetch-Site", "cross-site")
		wantPage("a cross-site form", res, body, http.StatusForbidden, "error.forbidden_origin_title")
		res, body = send("POST", "/api/v1/auth/login", "{}", "Content-Type", "application/json", "Sec-Fetch-Site", "cross-site")
		wantProblem("a cross-site API call", res, body, http.StatusForbidden)

		// Unknown paths: each face's own 404; both counted without their raw path.
		res, body = send("GET", "/no/such/page", "")
		wantPage("an unknown page", res, body, http.StatusNotFound, "error.not_found_title")
		res, body = send("GET", "/api/v1/no/such/thing", "")
		wantProblem("an unknown API path", res, body, http.StatusNotFound)
		mfs, _ := reg.Gather()
		for _, mf := range mfs {
			if strings.Contains(mf.String(), "no/such") {
				t.Errorf("a raw path became a label: %s", mf.String())
			}
		}
	})
}
