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

	"smartservice/internal/api"
	"smartservice/internal/db"
	"smartservice/internal/httpx"
	"smartservice/internal/testkit"
)

// TestThroughTheHost serves the API as production does, mounted in the host
// (internal/httpx) behind its layers: body limit, security headers, cross-origin
// check, metrics by route.
func TestThroughTheHost(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("ann@example.com", employee)
		cfg := *e.cfg
		cfg.MaxBodyBytes = 4096
		reg := prometheus.NewRegistry()
		host, err := httpx.New(httpx.Deps{Config: &cfg, Metrics: reg})
		if err != nil {
			t.Fatal(err)
		}
		host.Mount(api.Prefix, e.h)
		ts := httptest.NewServer(host)
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
			t.Errorf("the host's headers are missing: %v", me.header)
		}
		checkAnswer(t, "GET", "/api/v1/nowhere", send("GET", "/api/v1/nowhere", tok, nil, 0).want(404))

		// A body past the limit: without a declared length the API reads into the
		// limit and answers a problem; with one, the host refuses at once, with a
		// problem too (never a page) and before the handler runs.
		huge := `{"language": "` + strings.Repeat("x", 10_000) + `"}`
		chunked := send("PATCH", "/api/v1/me", tok, io.MultiReader(strings.NewReader(huge)), -1).want(413)
		checkAnswer(t, "PATCH", "/api/v1/me", chunked)
		declared := send("PATCH", "/api/v1/me", tok, bytes.NewReader([]byte(huge)), int64(len(huge))).want(413)
		if declared.header.Get("Content-Type") != "application/problem+json" || declared.num("status") != 413 {
			t.Errorf("the host's 413 under /api/v1/ is not a problem: %q %s", declared.header.Get("Content-Type"), declared.body)
		}
		big := `{"email": "ann@example.com", "password": "` + strings.Repeat("x", 5000) + `"}`
		send("POST", "/api/v1/auth/login", "", strings.NewReader(big), int64(len(big))).want(413)

		// Filing alone takes an upload: a body the default limit refuses elsewhere
		// reaches the handler there (and fails on its content, not its size).
		form := "--b\r\nContent-Disposition: form-data; name=\"comment\"\r\n\r\n" + strings.Repeat("x", 5000) + "\r\n--b--\r\n"
		req, _ := http.NewRequest("POST", ts.URL+"/api/v1/tickets", strings.NewReader(form))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnprocessableEntity {
			t.Errorf("a filing over the default limit but under the upload limit: %d, want 422 (asset and problem missing)", resp.StatusCode)
		}
		cfgUpload := cfg.MaxUploadBytes
		huger := strings.Repeat("x", int(cfgUpload)+1)
		req, _ = http.NewRequest("POST", ts.URL+"/api/v1/tickets", strings.NewReader(huger))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=b")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err = ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestEntityTooLarge || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("a filing over the upload limit: %d %q, want a 413 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
		}

		// A cross-origin write is refused with a problem.
		req, _ = http.NewRequest("POST", ts.URL+"/api/v1/auth/logout", nil)
		req.Header.Set("Sec-Fetch-Site", "cross-site")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err = ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden || resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("a cross-origin POST: %d %q, want a 403 problem", resp.StatusCode, resp.Header.Get("Content-Type"))
		}

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
