package backup_test

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestRestoreRefusesWhileInUseAndKeepsTheOldDatabase: a restore over a database
// another handle has open is refused (the lock file); once it is closed the restore
// goes through, the old database is kept aside intact, and a server opening the
// database while a restore holds it is refused too.
func TestRestoreRefusesWhileInUseAndKeepsTheOldDatabase(t *testing.T) {
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	o := newOffice(t, d)
	first, err := o.file(ctx, "in the backup")
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(t.TempDir(), "b.db")
	if _, err := backup.Take(ctx, dbPath(d), to); err != nil {
		t.Fatal(err)
	}
	later, err := o.file(ctx, "after the backup")
	if err != nil {
		t.Fatal(err)
	}
	known, _ := d.KnownVersion()
	if _, err := backup.Restore(ctx, to, dbPath(d), known, time.Now()); !errors.Is(err, db.ErrInUse) {
		t.Fatalf("restore over an open database: got %v, want ErrInUse", err)
	}
	if ids := ticketIDs(t, dbPath(d)); !ids[later] {
		t.Fatal("a refused restore changed the database")
	}
	d.Close()

	// While a restore holds the lock, opening the database is refused.
	release, err := db.LockExclusive(dbPath(d))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Open(ctx, d.Where, db.Options{}); !errors.Is(err, db.ErrRestoring) {
		t.Fatalf("open during a restore: got %v, want ErrRestoring", err)
	}
	release()

	res, err := backup.Restore(ctx, to, dbPath(d), known, time.Date(2026, 12, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if res.Aside != dbPath(d)+".before-restore-20261202T030405Z" {
		t.Fatalf("kept aside as %q", res.Aside)
	}
	ids := ticketIDs(t, dbPath(d))
	if !ids[first] || ids[later] {
		t.Fatalf("restored tickets %v, want %d and not %d", ids, first, later)
	}
	if old := ticketIDs(t, res.Aside); !old[first] || !old[later] {
		t.Fatalf("the database kept aside lost tickets: %v", old)
	}
}

// TestRestoreRefusesBadFiles: a text file, a truncated backup, another application's
// database and a backup from a newer binary are each refused with their own error,
// and the database in place is unchanged.
func TestRestoreRefusesBadFiles(t *testing.T) {
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	o := newOffice(t, d)
	if _, err := o.file(ctx, "keep me"); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if _, err := backup.Take(ctx, dbPath(d), good); err != nil {
		t.Fatal(err)
	}
	target := filepath.Join(dir, "live.db")
	if _, err := backup.Restore(ctx, good, target, 1<<40, time.Now()); err != nil {
		t.Fatal(err)
	}
	was := sum(t, target)
	known, _ := d.KnownVersion()

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("these are not the tickets you are looking for\n"), 0o600)

	whole, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, whole[:len(whole)/2], 0o600)

	foreign := filepath.Join(dir, "foreign.db")
	fd := testkit.OpenURL(t, "sqlite://"+foreign)
	if _, err := fd.W.Exec("CREATE TABLE recipes (id INTEGER PRIMARY KEY, name TEXT)"); err != nil {
		t.Fatal(err)
	}
	fd.Close()

	newer := filepath.Join(dir, "newer.db")
	if _, err := backup.Take(ctx, dbPath(d), newer); err != nil {
		t.Fatal(err)
	}
	nd, err := sql.Open("sqlite", "file:"+newer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nd.Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, 1)", known+1); err != nil {
		t.Fatal(err)
	}
	nd.Close()

	for _, c := range []struct {
		name, from string
		want       []error
	}{
		{"text file", text, []error{backup.ErrNotDatabase}},
		{"truncated", truncated, []error{backup.ErrDamaged, backup.ErrNotDatabase}},
		{"another application", foreign, []error{backup.ErrForeign}},
		{"newer schema", newer, []error{db.ErrSchemaTooNew}},
		{"missing file", filepath.Join(dir, "nope.db"), []error{os.ErrNotExist}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := backup.Restore(ctx, c.from, target, known, time.Now())
			ok := false
			for _, w := range c.want {
				ok = ok || errors.Is(err, w)
			}
			if !ok {
				t.Fatalf("got %v, want one of %v", err, c.want)
			}
			if sum(t, target) != was {
				t.Fatal("a refused restore changed the database")
			}
		})
	}
	if aside, _ := filepath.Glob(target + ".before-restore-*"); len(aside) > 0 {
		t.Fatalf("refused restores kept something aside: %v", aside)
	}
}
