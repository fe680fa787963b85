package backup_test

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// helperEnv makes this test binary, started again by TestBackupOnAFullDisk, take one
// backup and exit: the file size limit set on that child (ulimit -f) is how a disk
// fills up without root or a tmpfs; every write past it fails with EFBIG.
const helperEnv = "SMARTSERVICE_BACKUP_HELPER"

func TestMain(m *testing.M) {
	if spec := os.Getenv(helperEnv); spec != "" {
		from, to, _ := strings.Cut(spec, "|")
		_, err := backup.Take(context.Background(), from, to)
		fmt.Println("helper:", err)
		if err != nil {
			os.Exit(3)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestBackupOnAFullDisk: a backup that runs out of space fails, removes its partial
// file, and leaves the earlier backups as they were.
func TestBackupOnAFullDisk(t *testing.T) {
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	o := newOffice(t, d)
	for i := range 200 {
		if _, err := o.file(ctx, fmt.Sprintf("ticket %d with some words to take some room on the disk", i)); err != nil {
			t.Fatal(err)
		}
	}
	dir := t.TempDir()
	old := filepath.Join(dir, "yesterday.db")
	if _, err := backup.Take(ctx, dbPath(d), old); err != nil {
		t.Fatal(err)
	}
	was := sum(t, old)
	fi, _ := os.Stat(old)
	// 512-byte blocks (dash) or 1 KiB (bash): either way well under the copy's size.
	limit := fi.Size() / 1024 / 4
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	to := filepath.Join(dir, "today.db")
	cmd := exec.Command("sh", "-c", fmt.Sprintf("ulimit -f %d && exec \"$0\" -test.run=^$", limit), self)
	cmd.Env = append(os.Environ(), helperEnv+"="+dbPath(d)+"|"+to)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 3 {
		t.Fatalf("the backup on a full disk did not fail cleanly: %v\n%s", err, out)
	}
	t.Logf("%s", out)
	if _, err := os.Stat(to); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a failed backup left %s", to)
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "yesterday.db" {
			t.Errorf("left behind: %s", e.Name())
		}
	}
	if sum(t, old) != was {
		t.Fatal("the earlier backup changed")
	}
}
