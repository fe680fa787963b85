package testserver_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/config"
	"smartservice/internal/testkit/testserver"
)

func getMetrics(t *testing.T, url, auth string) (int, http.Header, string) {
	t.Helper()
	req, _ := http.NewRequest("GET", url+"/metrics", nil)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, res.Header, string(b)
}

// TestMetricsAreNotPublic: /metrics shows the Go version, memory and login
// failures, so the real server serves it only behind SMARTSERVICE_METRICS_TOKEN or
// on SMARTSERVICE_METRICS_ADDR, and not at all with neither.
func TestMetricsAreNotPublic(t *testing.T) {
	t.Parallel()

	t.Run("token", func(t *testing.T) {
		s := testserver.Start(t, testserver.Options{})
		for _, auth := range []string{"", "Bearer not-the-token-at-all", "Basic " + s.App.Config.MetricsToken} {
			status, h, body := getMetrics(t, s.URL, auth)
			if status != http.StatusUnauthorized || h.Get("WWW-Authenticate") == "" || strings.Contains(body, "go_info") {
				t.Errorf("Authorization %q: %d %q", auth, status, h.Get("WWW-Authenticate"))
			}
		}
		if body := s.Metrics(t); !strings.Contains(body, "go_info") || !strings.Contains(body, `route="GET /readyz"`) {
			t.Errorf("with the token: %.300s", body)
		}
	})

	t.Run("neither", func(t *testing.T) {
		s := testserver.Start(t, testserver.Options{Configure: func(c *config.Config) { c.MetricsToken = "" }})
		if status, _, body := getMetrics(t, s.URL, ""); status != http.StatusNotFound || strings.Contains(body, "go_info") {
			t.Errorf("no token, no address: %d", status)
		}
		if s.MetricsURL != "" {
			t.Errorf("MetricsURL %q for a server that serves no metrics", s.MetricsURL)
		}
	})

	t.Run("separate address", func(t *testing.T) {
		s := testserver.Start(t, testserver.Options{Configure: func(c *config.Config) { c.MetricsToken, c.MetricsAddr = "", "127.0.0.1:0" }})
		if s.MetricsURL == s.URL || s.MetricsURL == "" {
			t.Fatalf("MetricsURL %q", s.MetricsURL)
		}
		if status, _, body := getMetrics(t, s.URL, ""); status != http.StatusNotFound || strings.Contains(body, "go_info") {
			t.Errorf("the main address with a metrics address set: %d", status)
		}
		if body := s.Metrics(t); !strings.Contains(body, "go_info") {
			t.Errorf("the metrics address: %.300s", body)
		}
	})

	t.Run("separate address with a token", func(t *testing.T) {
		s := testserver.Start(t, testserver.Options{Configure: func(c *config.Config) { c.MetricsAddr = "127.0.0.1:0" }})
		if status, _, _ := getMetrics(t, s.URL, "Bearer "+s.App.Config.MetricsToken); status != http.StatusNotFound {
			t.Errorf("the main address with a metrics address set, even with the token: %d", status)
		}
		if status, _, _ := getMetrics(t, s.MetricsURL, ""); status != http.StatusUnauthorized {
			t.Errorf("the metrics address without the token: %d", status)
		}
		if body := s.Metrics(t); !strings.Contains(body, "go_info") {
			t.Errorf("the metrics address with the token: %.300s", body)
		}
	})
}
