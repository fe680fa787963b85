package backup_test

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

func dbPath(d *db.DB) string { return db.SQLitePath(d.Where) }

// TestBackupUnderFilingLoadKeepsEveryAcknowledgedTicket takes a backup while four
// filers keep filing, restores it into a new place, and finds in it every ticket
// acknowledged before the backup began.
func TestBackupUnderFilingLoadKeepsEveryAcknowledgedTicket(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	o := newOffice(t, d)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	var mu sync.Mutex
	acked := map[int64]bool{}
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ctx.Err() == nil; i++ {
				id, err := o.file(ctx, fmt.Sprintf("filer %d ticket %d", w, i))
				if err != nil {
					if ctx.Err() == nil {
						errc <- err
					}
					return
				}
				mu.Lock()
				acked[id] = true
				mu.Unlock()
			}
		}()
	}
	waitFor(t, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 40 })
	mu.Lock()
	before := make(map[int64]bool, len(acked))
	for id := range acked {
		before[id] = true
	}
	mu.Unlock()

	to := filepath.Join(t.TempDir(), "backup.db")
	res, err := backup.Take(ctx, dbPath(d), to)
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	during := len(acked) - len(before)
	mu.Unlock()
	cancel()
	wg.Wait()
	select {
	case err := <-errc:
		t.Fatalf("filing failed during the backup: %v", err)
	default:
	}
	known, _ := d.KnownVersion()
	if res.Size <= 0 || res.Version != known || res.Path != to {
		t.Fatalf("result %+v, want a sized file at %s, version %d", res, to, known)
	}
	t.Logf("backup of %d bytes in %s; %d tickets acknowledged while it ran", res.Size, res.Took, during)

	restored := filepath.Join(t.TempDir(), "restored.db")
	rr, err := backup.Restore(context.Background(), to, restored, known, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if rr.Aside != "" {
		t.Fatalf("nothing was at %s, yet something was kept aside: %s", restored, rr.Aside)
	}
	got := ticketIDs(t, restored)
	for id := range before {
		if !got[id] {
			t.Errorf("ticket %d was acknowledged before the backup and is missing from the restore", id)
		}
	}
	// The restored database opens, migrates (nothing to do) and serves its rows.
	r := testkit.OpenURL(t, "sqlite://"+restored)
	if err := r.Migrate(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
}

func waitFor(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func sum(t *testing.T, path string) [32]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return sha256.Sum256(b)
}

func TestBackupRefusals(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	o := newOffice(t, d)
	ctx := context.Background()
	if _, err := o.file(ctx, "one"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()

	t.Run("unwritable path", func(t *testing.T) {
		// A regular file where a directory should be: ENOTDIR even for root.
		blocker := filepath.Join(dir, "not-a-dir")
		if err := os.WriteFile(blocker, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Take(ctx, dbPath(d), filepath.Join(blocker, "b.db")); err == nil {
			t.Fatal("a backup into a path under a file succeeded")
		}
	})
	t.Run("existing target is never overwritten", func(t *testing.T) {
		to := filepath.Join(dir, "old.db")
		if _, err := backup.Take(ctx, dbPath(d), to); err != nil {
			t.Fatal(err)
		}
		was := sum(t, to)
		if _, err := o.file(ctx, "two"); err != nil {
			t.Fatal(err)
		}
		if _, err := backup.Take(ctx, dbPath(d), to); !errors.Is(err, backup.ErrExists) {
			t.Fatalf("got %v, want ErrExists", err)
		}
		if sum(t, to) != was {
			t.Fatal("the existing backup changed")
		}
	})
	t.Run("no database", func(t *testing.T) {
		missing := filepath.Join(dir, "missing.db")
		if _, err := backup.Take(ctx, missing, filepath.Join(dir, "x.db")); !errors.Is(err, backup.ErrNoDatabase) {
			t.Fatalf("got %v, want ErrNoDatabase", err)
		}
		if _, err := os.Stat(missing); !errors.Is(err, os.ErrNotExist) {
			t.Fatal("the backup created the database it was asked to copy")
		}
	})
	t.Run("postgres", func(t *testing.T) {
		if _, err := backup.Path("postgres://u@h/db"); !errors.Is(err, backup.ErrPostgres) {
			t.Fatalf("got %v, want ErrPostgres", err)
		}
	})
	t.Run("two at once", func(t *testing.T) {
		same := filepath.Join(dir, "same.db")
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = backup.Take(ctx, dbPath(d), same)
			}()
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !errors.Is(err, backup.ErrExists):
				t.Errorf("a concurrent backup failed otherwise than ErrExists: %v", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d backups to one name succeeded, want exactly 1", won)
		}
		if n := len(ticketIDs(t, same)); n != 2 {
			t.Fatalf("the winner holds %d tickets, want 2", n)
		}
		// Different names at once: both succeed.
		var e1, e2 error
		wg.Add(2)
		go func() { defer wg.Done(); _, e1 = backup.Take(ctx, dbPath(d), filepath.Join(dir, "a.db")) }()
		go func() { defer wg.Done(); _, e2 = backup.Take(ctx, dbPath(d), filepath.Join(dir, "b.db")) }()
		wg.Wait()
		if e1 != nil || e2 != nil {
			t.Fatalf("parallel backups to two names: %v, %v", e1, e2)
		}
	})
	left, _ := filepath.Glob(filepath.Join(dir, ".*partial*"))
	if len(left) > 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}
