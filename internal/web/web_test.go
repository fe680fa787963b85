package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/httpx"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

type fakeJobs struct{ running bool }

func (f *fakeJobs) Running() bool { return f.running }

type harness struct {
	srv  http.Handler
	db   *db.DB
	jobs *fakeJobs
	cfg  *config.Config
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	d := testkit.NewDB(t, db.SQLite)
	cfg := config.Default()
	cfg.MaxBodyBytes = 4096
	cfg.MetricsToken = metricsToken
	cat, err := i18n.New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	j := &fakeJobs{running: true}
	s, err := web.New(web.Deps{Config: cfg, Catalog: cat, DB: d, Users: users.NewStore(d, nil), Jobs: j})
	if err != nil {
		t.Fatal(err)
	}
	return &harness{srv: hosted(t, s, cfg), db: d, jobs: j, cfg: cfg}
}

// metricsToken is the harness's SMARTSERVICE_METRICS_TOKEN.
const metricsToken = "harness-metrics-token"

// hosted serves the pages as production does: mounted at / in the host
// (internal/httpx), behind its layers (request id, security headers, body limit,
// cross-origin check, panic recovery, metrics).
func hosted(t testing.TB, s *web.Server, cfg *config.Config) *httpx.Host {
	t.Helper()
	h, err := httpx.New(httpx.Deps{Config: cfg, Metrics: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	h.Mount("/", s)
	return h
}

// metrics reads /metrics with the harness's token.
func (h *harness) metrics(t *testing.T) string {
	t.Helper()
	r := httptest.NewRequest("GET", "/metrics", nil)
	r.Header.Set("Authorization", "Bearer "+metricsToken)
	res, body := h.do(r)
	if res.StatusCode != 200 {
		t.Fatalf("/metrics: %d %s", res.StatusCode, body)
	}
	return body
}

func (h *harness) do(r *http.Request) (*http.Response, string) {
	w := httptest.NewRecorder()
	h.srv.ServeHTTP(w, r)
	res := w.Result()
	body, _ := io.ReadAll(res.Body)
	return res, string(body)
}

func TestHomeAndSecurityHeaders(t *testing.T) {
	h := newHarness(t)
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "en-US,en;q=0.9")
	res, body := h.do(r)
	if res.StatusCode != 200 || !strings.Contains(body, `<html lang="en">`) || !strings.Contains(body, "Something broken") {
		t.Fatalf("home: %d %s", res.StatusCode, body)
	}
	for name, want := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"Referrer-Policy":        "same-origin",
		"Content-Language":       "en",
	} {
		if got := res.Header.Get(name); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	csp := res.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "frame-ancestors 'none'") || !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP = %q", csp)
	}
	if len(res.Header.Get("X-Request-ID")) < 8 {
		t.Error("no request id")
	}
	if strings.Contains(body, "<script>") || strings.Contains(body, " style=") {
		t.Error("inline script or style on the page would be blocked by the CSP")
	}
}

func TestNotFoundAndMethodPagesInUsersLanguage(t *testing.T) {
	h := newHarness(t)
	r := httptest.NewRequest("GET", "/no/such/page", nil)
	r.AddCookie(&http.Cookie{Name: "lang", Value: "en"})
	res, body := h.do(r)
	if res.StatusCode != 404 || !strings.Contains(body, "Page not found") {
		t.Fatalf("404: %d %s", res.StatusCode, body)
	}
	r = httptest.NewRequest("GET", "/no/such/page", nil)
	r.Header.Set("Accept-Language", "ru")
	res, body = h.do(r)
	if res.StatusCode != 404 || !strings.Contains(body, "Страница не найдена") {
		t.Fatalf("404 ru: %d", res.StatusCode)
	}
	r = httptest.NewRequest("DELETE", "/healthz", nil)
	res, body = h.do(r)
	if res.StatusCode != 405 || !strings.Contains(res.Header.Get("Allow"), "GET") || !strings.Contains(body, "<html") {
		t.Fatalf("405: %d %v", res.StatusCode, res.Header)
	}
}

func TestOversizedBodyGets413(t *testing.T) {
	h := newHarness(t)
	big := "lang=en&next=/" + strings.Repeat("x", 5000)
	r := httptest.NewRequest("POST", "/lang", strings.NewReader(big))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	res, _ := h.do(r)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("declared length: %d, want 413", res.StatusCode)
	}
	// Without a declared length the limit trips while the form is read.
	r = httptest.NewRequest("POST", "/lang", io.NopCloser(strings.NewReader(big)))
	r.ContentLength = -1
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	res, _ = h.do(r)
	if res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Fatalf("streamed body: %d, want 413", res.StatusCode)
	}
	if res.Header.Get("Set-Cookie") != "" {
		t.Fatal("an oversized request changed state")
	}
}

func TestLanguageSwitch(t *testing.T) {
	h := newHarness(t)
	post := func(form url.Values) *http.Response {
		r := httptest.NewRequest("POST", "/lang", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		r.Header.Set("Sec-Fetch-Site", "same-origin")
		res, _ := h.do(r)
		return res
	}
	res := post(url.Values{"lang": {"en"}, "next": {"/tickets?status=new"}})
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets?status=new" {
		t.Fatalf("switch: %d %q", res.StatusCode, res.Header.Get("Location"))
	}
	c := res.Cookies()
	if len(c) != 1 || c[0].Name != "lang" || c[0].Value != "en" || !c[0].HttpOnly {
		t.Fatalf("cookie: %+v", c)
	}
	res = post(url.Values{"lang": {"en"}, "next": {"//evil.com"}})
	if res.Header.Get("Location") != "/" {
		t.Fatalf("open redirect through the language switch: %q", res.Header.Get("Location"))
	}
	res = post(url.Values{"lang": {"de"}})
	if res.StatusCode != http.StatusBadRequest || len(res.Cookies()) != 0 {
		t.Fatalf("unsupported language: %d", res.StatusCode)
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	h := newHarness(t)
	r := httptest.NewRequest("POST", "/lang", strings.NewReader("lang=en&next=/"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "cross-site")
	r.Header.Set("Origin", "https://evil.example")
	res, body := h.do(r)
	if res.StatusCode != http.StatusForbidden || len(res.Cookies()) != 0 || !strings.Contains(body, "<html") {
		t.Fatalf("cross-origin post: %d cookies=%v", res.StatusCode, res.Cookies())
	}
}

func TestReadiness(t *testing.T) {
	h := newHarness(t)
	res, body := h.do(httptest.NewRequest("GET", "/readyz", nil))
	if res.StatusCode != 200 || !strings.Contains(body, `"ready":true`) {
		t.Fatalf("ready: %d %s", res.StatusCode, body)
	}
	h.jobs.running = false
	res, body = h.do(httptest.NewRequest("GET", "/readyz", nil))
	if res.StatusCode != 503 || !strings.Contains(body, `"jobs":"stopped"`) {
		t.Fatalf("jobs stopped: %d %s", res.StatusCode, body)
	}
	h.jobs.running = true
	if _, err := h.db.W.Exec("DELETE FROM goose_db_version WHERE version_id > 0"); err != nil {
		t.Fatal(err)
	}
	res, body = h.do(httptest.NewRequest("GET", "/readyz", nil))
	if res.StatusCode != 503 || !strings.Contains(body, `"migrations":"pending"`) {
		t.Fatalf("migrations pending: %d %s", res.StatusCode, body)
	}
	h.db.Close()
	res, body = h.do(httptest.NewRequest("GET", "/readyz", nil))
	if res.StatusCode != 503 || !strings.Contains(body, `"database":"unreachable"`) {
		t.Fatalf("db closed: %d %s", res.StatusCode, body)
	}
	res, _ = h.do(httptest.NewRequest("GET", "/healthz", nil))
	if res.StatusCode != 200 {
		t.Fatalf("healthz should not depend on the database: %d", res.StatusCode)
	}
}

func TestMetricsByRoutePattern(t *testing.T) {
	h := newHarness(t)
	h.do(httptest.NewRequest("GET", "/", nil))
	h.do(httptest.NewRequest("GET", "/random/scanner/path/1", nil))
	body := h.metrics(t)
	for _, want := range []string{
		`smartservice_http_requests_total{code="200",method="GET",route="GET /{$}"} 1`,
		`smartservice_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`smartservice_http_request_duration_seconds_bucket{method="GET",route="GET /{$}"`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(body, "/random/scanner") {
		t.Error("a raw path became a label")
	}
}

func TestStaticFilesAreHashedAndCached(t *testing.T) {
	h := newHarness(t)
	_, body := h.do(httptest.NewRequest("GET", "/", nil))
	m := regexp.MustCompile(`href="(/static/app\.[0-9a-f]{12}\.css)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatal("no hashed stylesheet link")
	}
	res, css := h.do(httptest.NewRequest("GET", m[1], nil))
	if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/css") || len(css) < 100 {
		t.Fatalf("static: %d %v", res.StatusCode, res.Header)
	}
	res, _ = h.do(httptest.NewRequest("GET", "/static/app.css", nil))
	if res.StatusCode != 404 {
		t.Fatalf("unhashed name served: %d", res.StatusCode)
	}
}

func TestServerErrorLeaksNothing(t *testing.T) {
	h := newHarness(t)
	h.db.Close() // the home page now fails on its query
	r := httptest.NewRequest("GET", "/", nil)
	r.Header.Set("Accept-Language", "en")
	res, body := h.do(r)
	if res.StatusCode != 500 || !strings.Contains(body, "Something went wrong") {
		t.Fatalf("got %d", res.StatusCode)
	}
	for _, leak := range []string{"sql", "database is closed", "goroutine", ".go:"} {
		if strings.Contains(body, leak) {
			t.Errorf("500 page leaks %q", leak)
		}
	}
	if !strings.Contains(body, res.Header.Get("X-Request-ID")) {
		t.Error("500 page should show the request id to quote")
	}
}

// TestTemplatesUseOnlyKnownKeys fails when a template names a translation key that a
// catalogue lacks.
func TestTemplatesUseOnlyKnownKeys(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`\.T\s+"([^"]+)"`)
	files, _ := filepath.Glob("templates/*.html")
	pages, _ := filepath.Glob("templates/pages/*.html")
	files = append(files, pages...)
	if len(files) < 3 {
		t.Fatalf("found only %d templates", len(files))
	}
	n := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s uses key %q, missing from a catalogue", f, m[1])
			}
		}
	}
	for _, lang := range i18n.Languages {
		if !cat.Has("lang." + lang) {
			t.Errorf("the language switch needs key lang.%s", lang)
		}
	}
	if n < 10 {
		t.Fatalf("only %d keys found in templates: is the pattern still right?", n)
	}
}

func TestLanguageSwitchComesBackWithTheQuery(t *testing.T) {
	h := newHarness(t)
	_, body := h.do(httptest.NewRequest("GET", "/?x=1&next=%2Fa%2Fabc", nil))
	if !strings.Contains(body, `name="next" value="/?x=1&amp;next=%2Fa%2Fabc"`) {
		t.Fatalf("the switch should come back to the same address with its query:\n%s", body)
	}
	r := httptest.NewRequest("POST", "/lang", strings.NewReader("lang=xx"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.Header.Set("Sec-Fetch-Site", "same-origin")
	_, body = h.do(r)
	if !strings.Contains(body, `name="next" value="/"`) {
		t.Fatal("after a post the switch should lead home, not to an address that answers POST only")
	}
}

func TestCleanedPathRedirectIsNotALabel(t *testing.T) {
	h := newHarness(t)
	for _, p := range []string{"/static/../healthz", "//scan/../zz-random-path"} {
		res, _ := h.do(httptest.NewRequest("GET", p, nil))
		if res.StatusCode != http.StatusMovedPermanently && res.StatusCode != http.StatusTemporaryRedirect {
			t.Fatalf("%s: got %d, want the mux's redirect", p, res.StatusCode)
		}
	}
	body := h.metrics(t)
	if strings.Contains(body, "zz-random-path") || !strings.Contains(body, `code="307",method="GET",route="GET /healthz"`) {
		t.Fatal("a cleaned path became a metrics label")
	}
}
