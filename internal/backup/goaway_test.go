package backup_test

import (
	"context"
	"crypto/rand"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// bulky is a migrated SQLite database with 40 MiB of filler beside the schema, so
// a VACUUM INTO of it takes long enough to be interrupted in the middle. The
// random bytes come from Go, not SQLite's randomblob(): the pure-Go SQLite makes
// them a byte at a time, which under the race detector took over two minutes.
func bulky(t *testing.T) *db.DB {
	t.Helper()
	d := testkit.NewDB(t, db.SQLite)
	tx, err := d.W.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`CREATE TABLE filler (b BLOB)`); err != nil {
		t.Fatal(err)
	}
	blob := make([]byte, 256<<10)
	for range 160 {
		rand.Read(blob)
		if _, err := tx.Exec(`INSERT INTO filler (b) VALUES ($1)`, blob); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return d
}

// leftovers lists the files in dir other than the ones named.
func leftovers(t *testing.T, dir string, keep ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !strings.Contains(strings.Join(keep, "\x00"), e.Name()) {
			out = append(out, e.Name())
		}
	}
	return out
}

// startedCopy waits until the backup's temporary file in dir has data in it: the
// VACUUM INTO is then under way.
func startedCopy(t *testing.T, dir string) {
	t.Helper()
	waitFor(t, func() bool {
		m, _ := filepath.Glob(filepath.Join(dir, ".*.partial-*"))
		for _, p := range m {
			if fi, err := os.Stat(p); err == nil && fi.Size() > 0 {
				return true
			}
		}
		return false
	})
}

// TestBackupWhenTheDatabaseGoesAway: the backup's connection cut in the middle of
// the copy (its context cancelled: a stopping server, an operator's Ctrl-C), and
// the database's directory removed in the middle of the copy. Each ends with a
// clear answer and no partial file; the older backup beside it is untouched.
func TestBackupWhenTheDatabaseGoesAway(t *testing.T) {
	t.Run("connection cut", func(t *testing.T) {
		d := bulky(t)
		dir := t.TempDir()
		old := filepath.Join(dir, "yesterday.db")
		if _, err := backup.Take(context.Background(), dbPath(d), old); err != nil {
			t.Fatal(err)
		}
		was := sum(t, old)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() {
			_, err := backup.Take(ctx, dbPath(d), filepath.Join(dir, "today.db"))
			done <- err
		}()
		startedCopy(t, dir)
		cancel()
		err := <-done
		if err == nil {
			t.Skip("the copy finished before the cut could land (a very fast disk); nothing to check")
		}
		if !errors.Is(err, context.Canceled) && !strings.Contains(err.Error(), "interrupt") {
			t.Errorf("a cut backup says %q, want it to name the interruption", err)
		}
		t.Logf("the cut backup: %v", err)
		if rest := leftovers(t, dir, "yesterday.db"); len(rest) != 0 {
			t.Errorf("the cut backup left %v", rest)
		}
		if sum(t, old) != was {
			t.Error("the older backup changed")
		}
	})

	t.Run("directory removed", func(t *testing.T) {
		d := bulky(t)
		path := dbPath(d)
		dir := t.TempDir()
		old := filepath.Join(dir, "yesterday.db")
		if _, err := backup.Take(context.Background(), path, old); err != nil {
			t.Fatal(err)
		}
		was := sum(t, old)
		to := filepath.Join(dir, "today.db")
		done := make(chan error, 1)
		go func() {
			_, err := backup.Take(context.Background(), path, to)
			done <- err
		}()
		startedCopy(t, dir)
		if err := os.RemoveAll(filepath.Dir(path)); err != nil {
			t.Fatal(err)
		}
		// SQLite reads the open file, which lives on unlinked until closed: the copy
		// either completes from the snapshot it began with, whole and checked, or
		// fails with nothing left behind. Either way no partial file, no damage.
		if err := <-done; err != nil {
			if rest := leftovers(t, dir, "yesterday.db"); len(rest) != 0 {
				t.Errorf("the failed backup (%v) left %v", err, rest)
			}
			t.Logf("the copy failed: %v", err)
		} else {
			if rest := leftovers(t, dir, "yesterday.db", "today.db"); len(rest) != 0 {
				t.Errorf("the backup left %v", rest)
			}
			c := testkit.OpenURL(t, "sqlite://"+to)
			var check string
			var n int
			if err := c.R.QueryRow("PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
				t.Fatalf("the finished copy's integrity_check: %q %v", check, err)
			}
			if err := c.R.QueryRow("SELECT COUNT(*) FROM filler").Scan(&n); err != nil || n != 160 {
				t.Fatalf("the finished copy holds %d of 160 rows: %v", n, err)
			}
			t.Log("the copy completed from the snapshot it had begun")
		}
		if sum(t, old) != was {
			t.Error("the older backup changed")
		}
		// The next backup finds no database and says so, writing nothing.
		_, err := backup.Take(context.Background(), path, filepath.Join(dir, "tomorrow.db"))
		if !errors.Is(err, backup.ErrNoDatabase) || !strings.Contains(err.Error(), path) {
			t.Errorf("a backup of a removed database: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "tomorrow.db")); !os.IsNotExist(err) {
			t.Errorf("a backup of nothing wrote a file: %v", err)
		}
	})
}
