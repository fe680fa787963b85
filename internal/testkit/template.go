package testkit

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"smartservice/internal/db"
)

// Running every migration for every test was most of the test suite's time: under
// -race the SQLite engine (C translated to Go) is instrumented line by line, and
// on PostgreSQL the migrations of all tests sharing one database queued on the
// migration lock. So each test gets a copy of a database migrated once: a byte
// copy of a migrated SQLite file, or a PostgreSQL database cloned with CREATE
// DATABASE … TEMPLATE. The copy is what Migrate produces on an empty database, so
// the tests prove the same; the migrations themselves are still run from empty by
// the tests that are about them (internal/db, internal/app), which use FreshURL.

// MigratedURL returns the URL of a fresh database of the dialect that already
// carries every migration: a file in the test's temporary directory, or a new
// PostgreSQL database of its own (dropped, connections and all, at the end). It
// skips the test when PostgreSQL is asked for and not configured.
func MigratedURL(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		image, err := sqliteImage()
		if err != nil {
			t.Fatalf("testkit: migrated SQLite image: %v", err)
		}
		path := filepath.Join(t.TempDir(), "test.db")
		if err := os.WriteFile(path, image, 0o600); err != nil {
			t.Fatal(err)
		}
		return "sqlite://" + path
	}
	if os.Getenv(PostgresEnv) == "" {
		FreshURL(t, dialect) // skips, saying why
	}
	tpl, err := pgTemplate()
	if err != nil {
		t.Fatalf("testkit: migrated PostgreSQL template: %v", err)
	}
	if tpl == "" { // no template for this build: migrate a fresh database
		u := FreshDatabase(t)
		if err := migrateDatabase(context.Background(), u); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		return u
	}
	return freshDatabaseFrom(t, tpl)
}

// sqliteImage is the content of a migrated SQLite database, made once per test
// binary and kept in memory (a few hundred kilobytes), so that nothing is left on
// disk when the binary ends.
var sqliteImage = sync.OnceValues(func() ([]byte, error) {
	dir, err := os.MkdirTemp("", "smartservice-sqlite-template-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "template.db")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	d, err := db.Open(ctx, "sqlite://"+path, db.Options{})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	if err := d.Migrate(ctx, nil); err != nil {
		return nil, err
	}
	// Everything into the main file, so that the file alone is the database.
	if _, err := d.W.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		return nil, err
	}
	if err := d.Close(); err != nil {
		return nil, err
	}
	return os.ReadFile(path)
})

// pgTemplate returns the name of a migrated PostgreSQL database to clone, made on
// first use and kept in the cluster under a name derived from everything that
// decides its content (the migration files, the Go code that applies them, the
// versions of goose and River), so that every test binary of a run, and later
// runs, share it, and a change of any of them makes a new one. "" means this
// build cannot name its migrations (the source tree is not where it was built,
// as with -trimpath): each test then migrates a database of its own.
var pgTemplate = sync.OnceValues(func() (string, error) {
	key, ok := migrationsKey()
	if !ok {
		return "", nil
	}
	name := "ss_tpl_" + key
	admin, err := sql.Open("pgx", os.Getenv(PostgresEnv))
	if err != nil {
		return "", err
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var n int
	if err := admin.QueryRowContext(ctx, "SELECT count(*) FROM pg_database WHERE datname = $1", name).Scan(&n); err != nil {
		return "", err
	}
	if n == 1 {
		return name, nil
	}
	// Built under a name of its own and renamed when complete, so that a template
	// is never seen half-migrated; when another binary renamed its own first, ours
	// is dropped and theirs used.
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	building := "ss_tplnew_" + hex.EncodeToString(buf)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+building); err != nil {
		return "", err
	}
	drop := func() {
		_, _ = admin.ExecContext(context.WithoutCancel(ctx), "DROP DATABASE IF EXISTS "+building+" WITH (FORCE)")
	}
	if err := migrateDatabase(ctx, withDatabase(os.Getenv(PostgresEnv), building)); err != nil {
		drop()
		return "", err
	}
	if _, err := admin.ExecContext(ctx, "ALTER DATABASE "+building+" RENAME TO "+name); err != nil {
		drop()
		if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "42P04" { // duplicate_database
			return name, nil
		}
		return "", err
	}
	return name, nil
})

// migrateDatabase opens the database at rawURL, migrates it and closes it.
func migrateDatabase(ctx context.Context, rawURL string) error {
	d, err := db.Open(ctx, rawURL, db.Options{ConnectTimeout: 10 * time.Second})
	if err != nil {
		return err
	}
	if err := d.Migrate(ctx, nil); err != nil {
		d.Close()
		return err
	}
	return d.Close()
}

// migrationsKey hashes the migration files, the code in internal/db that applies
// them and the versions of the migration libraries; ok is false when the source
// of internal/db cannot be found from this file's build path.
func migrationsKey() (key string, ok bool) {
	_, self, _, ok := runtime.Caller(0)
	if !ok || !filepath.IsAbs(self) {
		return "", false
	}
	dbDir := filepath.Join(filepath.Dir(self), "..", "db")
	h := sha256.New()
	var files []string
	for _, pattern := range []string{"migrate*.go", "migrations/postgres/*.sql"} {
		m, err := filepath.Glob(filepath.Join(dbDir, pattern))
		if err != nil {
			return "", false
		}
		files = append(files, m...)
	}
	if len(files) < 2 {
		return "", false
	}
	slices.Sort(files)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return "", false
		}
		fmt.Fprintf(h, "%s %d\n", filepath.Base(f), len(b))
		h.Write(b)
	}
	// Test binaries carry no module list (debug.ReadBuildInfo): go.mod names the versions.
	mod, err := os.ReadFile(filepath.Join(dbDir, "..", "..", "go.mod"))
	if err != nil {
		return "", false
	}
	found := 0
	for line := range strings.Lines(string(mod)) {
		if strings.Contains(line, "github.com/riverqueue/river") || strings.Contains(line, "github.com/pressly/goose") {
			h.Write([]byte(line))
			found++
		}
	}
	if found == 0 {
		return "", false
	}
	return hex.EncodeToString(h.Sum(nil))[:24], true
}
