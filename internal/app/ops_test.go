package app_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
)

func readyz(t *testing.T, srv *testserver.Server) (int, map[string]string) {
	t.Helper()
	resp, err := http.Get(srv.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct{ Checks map[string]string }
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &body); err != nil {
		t.Fatalf("readyz: %s", b)
	}
	return resp.StatusCode, body.Checks
}

// TestReadyzAndMetricsOfOperations: /readyz fails while a job waits past its time
// longer than SMARTSERVICE_QUEUE_STUCK_AFTER, and /metrics reports the queue's depth
// by kind, tickets by status and the scheduled backups, failures included.
func TestReadyzAndMetricsOfOperations(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			srv := testserver.Start(t, testserver.Options{Dialect: dialect, Demo: true})
			a, ctx := srv.App, context.Background()
			if code, checks := readyz(t, srv); code != 200 || checks["queue"] != "ok" {
				t.Fatalf("a fresh server: %d %v", code, checks)
			}

			// A job due an hour ago in a queue nobody works: what a stuck queue looks like.
			if err := a.Jobs.Insert(ctx, tickets.PhotoRetentionArgs{}, &river.InsertOpts{Queue: "nobody", ScheduledAt: time.Now().Add(-time.Hour)}); err != nil {
				t.Fatal(err)
			}
			if code, checks := readyz(t, srv); code != 503 || checks["queue"] != "stuck" {
				t.Fatalf("with a job an hour overdue: %d %v", code, checks)
			}

			// A ticket, and one failed scheduled backup.
			var asset, problem int64
			if err := a.DB.R.QueryRow(`SELECT a.id, tp.problem_type_id FROM assets a JOIN type_problems tp ON tp.type_id = a.type_id
				WHERE a.owner_id IS NULL ORDER BY a.id, tp.position LIMIT 1`).Scan(&asset, &problem); err != nil {
				t.Fatal(err)
			}
			emp, err := a.Accounts.UserByEmail(ctx, "anna.petrova@demo.office")
			if err != nil {
				t.Fatal(err)
			}
			tk, err := a.Tickets.File(ctx, emp, tickets.FileInput{AssetID: asset, ProblemID: problem})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := backup.Scheduled(ctx, a.DB, filepath.Join("/proc/self/status", "x"), 3, time.Now()); err == nil {
				t.Fatal("a backup under /proc/self/status succeeded")
			}
			m := srv.Metrics(t)
			for _, want := range []string{
				`smartservice_job_queue_depth{kind="photo_retention",state="`,
				`smartservice_tickets{status="` + string(tk.Status) + `"} 1`,
				`smartservice_backup_failures_total 1`,
				`smartservice_backup_last_failed 1`,
				`smartservice_backup_last_success_timestamp_seconds 0`,
			} {
				if !strings.Contains(m, want) {
					t.Errorf("/metrics lacks %s", want)
				}
			}

			if _, err := a.DB.W.Exec("DELETE FROM river_job WHERE queue = 'nobody'"); err != nil {
				t.Fatal(err)
			}
			if code, checks := readyz(t, srv); code != 200 {
				t.Fatalf("after the overdue job went: %d %v", code, checks)
			}
			if dialect == db.SQLite {
				if _, err := backup.Scheduled(ctx, a.DB, t.TempDir(), 3, time.Now()); err != nil {
					t.Fatal(err)
				}
				m := srv.Metrics(t)
				if !strings.Contains(m, "smartservice_backup_last_failed 0") || strings.Contains(m, "smartservice_backup_last_success_timestamp_seconds 0\n") {
					t.Errorf("after a successful backup the metrics still alert:\n%s", grep(m, "smartservice_backup"))
				}
			}
		})
	}
}

func grep(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
