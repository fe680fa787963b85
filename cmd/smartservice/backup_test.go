package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"smartservice/internal/db"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	env := map[string]string{"SMARTSERVICE_DATABASE_URL": "sqlite://" + filepath.Join(dir, "live.db")}
	if code, _, stderr := runCmd(t, env, "migrate", "up"); code != 0 {
		t.Fatalf("migrate: %d %s", code, stderr)
	}
	to := filepath.Join(dir, "b.db")
	code, out, stderr := runCmd(t, env, "backup", "--to", to)
	if code != 0 || !strings.Contains(out, "integrity checked") || !strings.Contains(out, "KiB") {
		t.Fatalf("backup: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCmd(t, env, "backup", "--to", to); code != 1 || !strings.Contains(stderr, "already exists") {
		t.Fatalf("backup over an existing file: %d %q", code, stderr)
	}
	if code, _, _ := runCmd(t, env, "backup"); code != 2 {
		t.Fatalf("backup without --to: %d, want 2", code)
	}

	// A running server holds the lock file; the restore says so.
	d, err := db.Open(context.Background(), env["SMARTSERVICE_DATABASE_URL"], db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	code, _, stderr = runCmd(t, env, "restore", "--from", to)
	d.Close()
	if code != 1 || !strings.Contains(stderr, "in use by another process") {
		t.Fatalf("restore under a running server: %d %q", code, stderr)
	}
	code, out, stderr = runCmd(t, env, "restore", "--from", to)
	if code != 0 || !strings.Contains(out, "kept as") {
		t.Fatalf("restore: %d %q %q", code, out, stderr)
	}

	pg := map[string]string{"SMARTSERVICE_DATABASE_URL": "postgres://u:secret@127.0.0.1:1/x"}
	for _, c := range [][]string{{"backup", "--to", to}, {"restore", "--from", to}} {
		code, _, stderr := runCmd(t, pg, c...)
		if code != 1 || !strings.Contains(stderr, "pg_") || strings.Contains(stderr, "secret") {
			t.Fatalf("%s on PostgreSQL: %d %q", c[0], code, stderr)
		}
	}
}
