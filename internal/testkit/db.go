// Package testkit holds the helpers tests share: fresh real databases (SQLite always,
// PostgreSQL when SMARTSERVICE_TEST_POSTGRES_URL is set), and fakes of the outside
// systems as real HTTP servers on loopback. It is imported by tests only.
package testkit

import (
	"context"
	"database/sql/driver"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver for schema setup

	"smartservice/internal/db"
)

// PostgresEnv names the variable that points tests at a PostgreSQL database where
// they may create and drop schemas.
const PostgresEnv = "SMARTSERVICE_TEST_POSTGRES_URL"

// Dialects lists the dialects a store test runs on; PostgreSQL is always listed so
// its skip is visible in the test output.
var Dialects = []db.Dialect{db.SQLite, db.Postgres}

// EachDB runs fn as a subtest on a fresh, migrated SQLite database and again on a
// fresh PostgreSQL schema; the PostgreSQL run is skipped, saying why, when
// SMARTSERVICE_TEST_POSTGRES_URL is unset.
func EachDB(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			fn(t, NewDB(t, dialect))
		})
	}
}

// NewDB returns a fresh, migrated database of the dialect (a copy of one migrated
// once: MigratedURL), closed and removed when the test ends.
func NewDB(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	return OpenURL(t, MigratedURL(t, dialect))
}

// NewCountedDB is NewDB with its statements counted when their context carries
// a WithQueryCount counter (CountQueries): for tests of how many statements a
// piece of work sends.
func NewCountedDB(t testing.TB, dialect db.Dialect) *db.DB {
	t.Helper()
	return openURL(t, MigratedURL(t, dialect), CountQueries)
}

// OpenURL opens the database at rawURL and closes it when the test ends.
func OpenURL(t testing.TB, rawURL string) *db.DB {
	t.Helper()
	return openURL(t, rawURL, nil)
}

func openURL(t testing.TB, rawURL string, wrap func(driver.Connector) driver.Connector) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), rawURL, db.Options{ConnectTimeout: 10 * time.Second, Wrap: wrap})
	if err != nil {
		t.Fatalf("open test database: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// FreshURL returns the URL of an empty database of the dialect: a file in the test's
// temporary directory, or a new PostgreSQL schema (dropped at the end) reached through
// search_path. It skips the test when PostgreSQL is asked for and not configured.
func FreshURL(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		return "sqlite://" + filepath.Join(t.TempDir(), "test.db")
	}
	u, schema := pgScratch(t, "t_", "CREATE SCHEMA %s", "DROP SCHEMA %s CASCADE")
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}
