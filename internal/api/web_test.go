package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
	"smartservice/internal/web"
)

// TestThroughTheWebServer serves the API as production does, mounted in the web
// server behind its middleware: body limit, security headers, metrics by route.
func TestThroughTheWebServer(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		cfg := *e.cfg
		cfg.MaxBodyBytes = 4096
		cat, err := i18n.New(cfg.DefaultLanguage, nil)
		if err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		srv, err := web.New(web.Deps{Config: &cfg, Catalog: cat, DB: d, Users: users.NewStore(d, nil), Accounts: e.acc, Metrics: reg, API: e.h})
		if err != nil {
			t.Fatal(err)
		}
		ts := httptest.NewServer(srv)
		defer ts.Close()

		send := func(method, path, token string, body io.Reader, contentLength int64) *result {
			t.Helper()
			req, err := http.NewRequest(method, ts.URL+path, body)
			if err != nil {
				t.Fatal(err)
			}
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
				req.ContentLength = contentLength
			}
			if token != "" {
				req.Header.Set("Authorization", "Bearer "+token)
			}
			resp, err := ts.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			res := &result{t: t, status: resp.StatusCode, header: resp.Header, body: b}
			if strings.Contains(resp.Header.Get("Content-Type"), "json") {
				_ = json.Unmarshal(b, &res.obj)
			}
			return res
		}

		login := `{"email": "ann@example.com", "password": "` + password + `"}`
		res := send("POST", "/api/v1/auth/login", "", strings.NewReader(login), int64(len(login))).want(200)
		checkAnswer(t, "POST", "/api/v1/auth/login", res)
		tok := res.str("token")
		me := send("GET", "/api/v1/me", tok, nil, 0).want(200)
		checkAnswer(t, "GET", "/api/v1/me", me)
		if me.header.Get("X-Content-Type-Options") != "nosniff" || me.header.Get("X-Request-ID") == "" {
			t.Errorf("the web server's headers are missing: %v", me.header)
		}
		checkAnswer(t, "GET", "/api/v1/nowhere", send("GET", "/api/v1/nowhere", tok, nil, 0).want(404))

		// A body past the limit: without a declared length the API reads into the
		// limit and answers a problem; with one, the web server refuses at once.
		huge := `{"language": "` + strings.Repeat("x", 10_000) + `"}`
		chunked := send("PATCH", "/api/v1/me", tok, io.MultiReader(strings.NewReader(huge)), -1).want(413)
		checkAnswer(t, "PATCH", "/api/v1/me", chunked)
		send("PATCH", "/api/v1/me", tok, bytes.NewReader([]byte(huge)), int64(len(huge))).want(413)

		// Metrics and logs name the API's own routes, never raw paths.
		routes := map[string]bool{}
		mfs, err := reg.Gather()
		if err != nil {
			t.Fatal(err)
		}
		for _, mf := range mfs {
			if mf.GetName() != "smartservice_http_requests_total" {
				continue
			}
			for _, m := range mf.GetMetric() {
				for _, l := range m.GetLabel() {
					if l.GetName() == "route" {
						routes[l.GetValue()] = true
					}
				}
			}
		}
		for _, want := range []string{"POST /api/v1/auth/login", "GET /api/v1/me", "PATCH /api/v1/me", "/api/v1/"} {
			if !routes[want] {
				t.Errorf("no metrics for route %q; have %v", want, routes)
			}
		}
	})
}
