package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/db"
)

// TestBackupOfALiveServer runs the real server on SQLite with scheduled backups
// on, and while six clients file tickets over the API it takes a backup with the
// CLI. The tickets acknowledged (201) before the backup started are recorded;
// the backup is restored into a new place and a new server started on it, which
// must serve every one of them, and the restored file must pass integrity_check.
// Meanwhile the scheduled backup (every few seconds: SMARTSERVICE_PERIODIC_INTERVAL
// lets the period go under the production minimum of a minute) must appear in
// SMARTSERVICE_BACKUP_DIR and on /admin/audit's system box.
func TestBackupOfALiveServer(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	live := "sqlite://" + filepath.Join(dir, "live.db")
	scheduled := filepath.Join(dir, "scheduled")
	every := 10 * time.Second
	srv := startInstance(t, live, "SMARTSERVICE_BACKUP_DIR="+scheduled,
		"SMARTSERVICE_PERIODIC_INTERVAL="+every.String(), "SMARTSERVICE_BACKUP_EVERY="+every.String())
	started := time.Now()
	waitReady(t, srv.addr, 90*time.Second)
	d, err := db.Open(ctx, live, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	o := instanceOffice(t, d)
	d.Close()

	// The filing load: six clients, each with its own token, filing until told.
	var mu sync.Mutex
	var acked []int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var failures []string
	for c := range 6 {
		tok := apiLogin(t, srv, "emp@example.com")
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				code, body := post(srv.url("/api/v1/tickets"), tok, map[string]any{"asset_id": o.asset, "problem_type_id": o.problem, "comment": fmt.Sprintf("client %d ticket %d", c, i)})
				var tk struct{ ID int64 }
				mu.Lock()
				if code == http.StatusCreated && json.Unmarshal(body, &tk) == nil && tk.ID > 0 {
					acked = append(acked, tk.ID)
				} else {
					failures = append(failures, fmt.Sprintf("%d %s", code, body))
				}
				mu.Unlock()
			}
		}()
	}
	ackedNow := func() []int64 { mu.Lock(); defer mu.Unlock(); return append([]int64(nil), acked...) }
	deadline := time.Now().Add(60 * time.Second)
	for len(ackedNow()) < 60 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	before := ackedNow() // every one of these was answered before the backup began
	if len(before) < 60 {
		t.Fatalf("only %d tickets acknowledged in a minute; failures: %v", len(before), failures)
	}
	to := filepath.Join(dir, "under-load.db")
	code, out, stderr := runCmd(t, map[string]string{"SMARTSERVICE_DATABASE_URL": live}, "backup", "--to", to)
	if code != 0 {
		t.Fatalf("backup under load: %d %s %s", code, out, stderr)
	}
	during := len(ackedNow()) - len(before)
	time.Sleep(300 * time.Millisecond) // the load goes on after the backup, too
	close(stop)
	wg.Wait()
	if len(failures) > 0 {
		t.Fatalf("%d filings failed under the backup, first: %s", len(failures), failures[0])
	}
	t.Logf("backup under load: %s; %d tickets acknowledged before it, %d while it ran, %d in all", strings.TrimSpace(out), len(before), during, len(ackedNow()))

	// Restore into a new place and serve it.
	restored := "sqlite://" + filepath.Join(dir, "restored", "live.db")
	if err := os.Mkdir(filepath.Join(dir, "restored"), 0o755); err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, map[string]string{"SMARTSERVICE_DATABASE_URL": restored}, "restore", "--from", to); code != 0 {
		t.Fatalf("restore: %d %s %s", code, out, stderr)
	}
	rd, err := db.Open(ctx, restored, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var check string
	if err := rd.R.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Fatalf("the restored database's integrity_check: %q %v", check, err)
	}
	rd.Close()
	again := startInstance(t, restored)
	waitReady(t, again.addr, 90*time.Second)
	root := apiLogin(t, again, "root@example.com")
	missing := 0
	for _, id := range before {
		if code, _ := do(t, "GET", again.url(fmt.Sprintf("/api/v1/tickets/%d", id)), root, nil); code != 200 {
			missing++
		}
	}
	if missing > 0 {
		t.Fatalf("%d of the %d tickets acknowledged before the backup are missing from the restored server", missing, len(before))
	}

	// The scheduled backup: River's leader enqueues it one period after it starts.
	var files []string
	deadline = started.Add(3 * time.Minute)
	for len(files) == 0 && time.Now().Before(deadline) {
		time.Sleep(500 * time.Millisecond)
		files, _ = filepath.Glob(filepath.Join(scheduled, "*.db"))
	}
	if len(files) == 0 {
		t.Fatalf("no scheduled backup in %s three minutes after the start", scheduled)
	}
	fi, err := os.Stat(files[0])
	if err != nil || fi.Size() == 0 {
		t.Fatalf("scheduled backup %s: %v", files[0], err)
	}
	c := webLogin(t, srv, "root@example.com")
	req, _ := http.NewRequest("GET", srv.url("/admin/audit"), nil)
	req.AddCookie(c)
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	box := string(page)
	if i := strings.Index(box, `id="system-h"`); i >= 0 {
		box = box[i:]
		if j := strings.Index(box, "</section>"); j >= 0 {
			box = box[:j]
		}
	}
	lastBackup := regexp.MustCompile(`Last backup</dt>\s*<dd>\d{4}-\d\d-\d\d \d\d:\d\d:\d\d, [0-9.]+ (KiB|MiB)</dd>`)
	if resp.StatusCode != 200 || !lastBackup.MatchString(box) {
		t.Fatalf("/admin/audit's system box after a scheduled backup (%d):\n%s", resp.StatusCode, box)
	}
	t.Logf("scheduled backup %s (%d bytes); the system box:\n%s", filepath.Base(files[0]), fi.Size(), box)
}

// post is do without a test's Fatal: the load's goroutines report, not stop.
func post(u, token string, body any) (int, []byte) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", u, strings.NewReader(string(b)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := client.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}
