package testserver_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"smartservice/internal/config"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
)

func TestStartServesThenStops(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			var base string
			t.Run("running", func(t *testing.T) {
				configured := false
				srv := testserver.Start(t, testserver.Options{Dialect: dialect, Demo: true, Configure: func(c *config.Config) {
					configured = true
					c.OfficeName = "Test Office"
				}})
				base = srv.URL
				if !configured {
					t.Error("Configure was not called")
				}
				if got := srv.App.Config.BaseURL.String(); got != srv.URL || !strings.HasPrefix(got, "http://127.0.0.1:") {
					t.Errorf("BaseURL %q, URL %q: want the same loopback address", got, srv.URL)
				}
				deps, err := srv.App.Users.ListDepartments(context.Background())
				if err != nil || len(deps) == 0 {
					t.Errorf("demo departments: %d, %v", len(deps), err)
				}
				resp, err := http.Get(srv.URL + "/")
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), "Test Office") {
					t.Errorf("GET / = %d, office name shown: %v", resp.StatusCode, strings.Contains(string(body), "Test Office"))
				}
			})
			if base == "" {
				return // skipped
			}
			// The subtest's Cleanup has stopped the server: nothing listens any more.
			client := &http.Client{Timeout: 2 * time.Second}
			if resp, err := client.Get(base + "/healthz"); err == nil {
				resp.Body.Close()
				t.Errorf("the server still answers after its test ended: %d", resp.StatusCode)
			}
		})
	}
}
