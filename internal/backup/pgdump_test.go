package backup_test

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// pgTool finds a PostgreSQL client program on PATH or in Debian's versioned
// directories, newest first; the test skips, saying so, when there is none.
func pgTool(t *testing.T, name string) string {
	t.Helper()
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	found, _ := filepath.Glob("/usr/lib/postgresql/*/bin/" + name)
	sort.Sort(sort.Reverse(sort.StringSlice(found)))
	if len(found) == 0 {
		t.Skipf("%s is not installed (neither on PATH nor in /usr/lib/postgresql/*/bin): skipping the PostgreSQL backup test", name)
	}
	return found[0]
}

// TestPostgresDumpAndRestoreAsTheReadmeSays runs the README's pg_dump and
// pg_restore commands against the test cluster: a dump of a database with tickets,
// a restore into a fresh database, and the server started on the restore, ready
// and serving every ticket.
func TestPostgresDumpAndRestoreAsTheReadmeSays(t *testing.T) {
	srcURL := testkit.FreshDatabase(t)
	dump, restore := pgTool(t, "pg_dump"), pgTool(t, "pg_restore")
	ctx := context.Background()

	src := testkit.OpenURL(t, srcURL)
	if err := src.Migrate(ctx, nil); err != nil {
		t.Fatal(err)
	}
	o := newOffice(t, src)
	var ids []int64
	for i := range 30 {
		id, err := o.file(ctx, fmt.Sprintf("ticket %d", i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}

	file := filepath.Join(t.TempDir(), "smartservice.dump")
	// The README's commands, word for word but for the URLs and the file.
	if out, err := exec.Command(dump, "--format=custom", "--file="+file, "--dbname="+srcURL).CombinedOutput(); err != nil {
		t.Fatalf("pg_dump: %v\n%s", err, out)
	}
	src.Close()
	dstURL := testkit.FreshDatabase(t)
	if out, err := exec.Command(restore, "--no-owner", "--exit-on-error", "--dbname="+dstURL, file).CombinedOutput(); err != nil {
		t.Fatalf("pg_restore: %v\n%s", err, out)
	}

	cfg := config.Default()
	cfg.DatabaseURL = dstURL
	cfg.ShutdownTimeout = 5 * time.Second
	a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), app.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- a.ServeWithMetrics(sctx, ln, nil) }()
	defer func() { stop(); <-done }()
	waitFor(t, func() bool {
		resp, err := http.Get("http://" + ln.Addr().String() + "/readyz")
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
	root, err := a.Accounts.UserByEmail(ctx, "root@example.com")
	if err != nil {
		t.Fatal(err)
	}
	for i, id := range ids {
		v, err := a.Tickets.View(ctx, root, id)
		if err != nil || v.Row.Comment != fmt.Sprintf("ticket %d", i) {
			t.Fatalf("ticket %d after pg_restore: %v %+v", id, err, v)
		}
	}
	if a.DB.Dialect != db.Postgres {
		t.Fatal("not on PostgreSQL")
	}
}
