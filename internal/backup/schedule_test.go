package backup_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"smartservice/internal/backup"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestScheduledBackupsKeepTheNewestAndRecordFailures: scheduled backups get time-
// stamped names, the oldest beyond keep go (an operator's own file stays), a failed
// attempt is recorded as the alert and leaves every backup in place, and the next
// success clears the alert.
func TestScheduledBackupsKeepTheNewestAndRecordFailures(t *testing.T) {
	ctx := context.Background()
	d := testkit.NewDB(t, db.SQLite)
	newOffice(t, d)
	dir := filepath.Join(t.TempDir(), "backups")
	os.MkdirAll(dir, 0o750)
	mine := filepath.Join(dir, "my-own-copy.db")
	os.WriteFile(mine, []byte("mine"), 0o600)

	st, err := backup.ReadStatus(ctx, d)
	if err != nil || st.LastOK != nil || st.Alert() {
		t.Fatalf("before any run: %+v %v", st, err)
	}
	at := time.Date(2026, 12, 1, 3, 0, 0, 0, time.UTC)
	for i := range 4 {
		if _, err := backup.Scheduled(ctx, d, dir, 2, at.Add(time.Duration(i)*24*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	names := list(t, dir)
	want := []string{"my-own-copy.db", "smartservice-20261203T030000Z.db", "smartservice-20261204T030000Z.db"}
	if len(names) != len(want) || names[0] != want[0] || names[1] != want[1] || names[2] != want[2] {
		t.Fatalf("kept %v, want %v", names, want)
	}
	st, err = backup.ReadStatus(ctx, d)
	if err != nil || st.LastOK == nil || st.Alert() || st.LastOK.Size <= 0 || !st.LastOK.StartedAt.Equal(at.Add(72*time.Hour)) {
		t.Fatalf("after four successes: %+v %v", st, err)
	}

	// The directory becomes a file's child: the attempt fails, is recorded, and
	// nothing is deleted.
	bad := filepath.Join(mine, "sub")
	if _, err := backup.Scheduled(ctx, d, bad, 2, at.Add(96*time.Hour)); err == nil {
		t.Fatal("a backup into an impossible directory succeeded")
	}
	if got := list(t, dir); len(got) != 3 {
		t.Fatalf("a failed backup changed the directory: %v", got)
	}
	st, _ = backup.ReadStatus(ctx, d)
	if !st.Alert() || st.Failures != 1 || st.LastFailed.Error == "" {
		t.Fatalf("a failure is not the alert: %+v", st)
	}
	if _, err := backup.Scheduled(ctx, d, dir, 2, at.Add(120*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if st, _ = backup.ReadStatus(ctx, d); st.Alert() || st.Failures != 1 {
		t.Fatalf("a success after the failure: %+v", st)
	}
}

func list(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		out = append(out, e.Name())
	}
	sort.Strings(out)
	return out
}

// TestScheduledBackupOnPostgresIsRecordedAsRefused: a scheduled backup cannot copy
// PostgreSQL and says so in its record rather than pretending.
func TestScheduledBackupOnPostgresIsRecordedAsRefused(t *testing.T) {
	d := testkit.NewDB(t, db.Postgres)
	ctx := context.Background()
	if _, err := backup.Scheduled(ctx, d, t.TempDir(), 2, time.Now()); err == nil {
		t.Fatal("a scheduled backup of PostgreSQL succeeded")
	}
	st, err := backup.ReadStatus(ctx, d)
	if err != nil || !st.Alert() || st.LastFailed == nil {
		t.Fatalf("%+v %v", st, err)
	}
}
