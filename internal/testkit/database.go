package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// FreshDatabase creates an empty PostgreSQL database of its own in the test cluster
// and returns its URL; the database is dropped, connections and all, when the test
// ends. Tests that run outside tools (pg_dump, pg_restore) or several server
// processes need a whole database: a schema reached through search_path is ours
// only. It skips the test when SMARTSERVICE_TEST_POSTGRES_URL is unset.
func FreshDatabase(t testing.TB) string {
	t.Helper()
	return freshDatabaseFrom(t, "")
}

// freshDatabaseFrom is FreshDatabase, a copy of the database template when it is
// not "" (CREATE DATABASE … TEMPLATE: no one may be connected to the template).
func freshDatabaseFrom(t testing.TB, template string) string {
	t.Helper()
	create := "CREATE DATABASE %s"
	if template != "" {
		create += " TEMPLATE " + template
	}
	u, name := pgScratch(t, "ss_", create, "DROP DATABASE IF EXISTS %s WITH (FORCE)")
	return withDatabase(u.String(), name)
}

// withDatabase returns the cluster URL rawURL pointed at the database name, without
// a search_path.
func withDatabase(rawURL, name string) string {
	u, err := url.Parse(rawURL)
	if err != nil {
		return rawURL
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

// pgScratch makes a PostgreSQL object with a random name of prefix in the test
// cluster (create and drop are its statements, %s its name), drops it when the
// test ends, and returns the cluster's URL and the name. It skips the test when
// SMARTSERVICE_TEST_POSTGRES_URL is unset.
func pgScratch(t testing.TB, prefix, create, drop string) (*url.URL, string) {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Skip(PostgresEnv + " is not set: skipping the PostgreSQL run (bash scripts/pg-cluster.sh start DIR prints a URL to set it to)")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s does not parse", PostgresEnv)
	}
	buf := make([]byte, 8)
	_, _ = rand.Read(buf)
	name := prefix + hex.EncodeToString(buf)
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, fmt.Sprintf(create, name)); err != nil {
		conn.Close()
		t.Fatalf("postgres: %s: %v", fmt.Sprintf(create, name), err)
	}
	t.Cleanup(func() {
		// Connections still open on a schema do not block its drop; a database's
		// are ended by FORCE.
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, err := conn.ExecContext(ctx, fmt.Sprintf(drop, name))
		if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.Code == "42501" && strings.Contains(drop, "(FORCE)") {
			// FORCE may not end a superuser's process, such as an autovacuum worker
			// busy in a database that has data from the start (a clone of the
			// template); a plain DROP cancels autovacuum itself, and our own
			// connections are closed by now (Cleanup runs last to first).
			_, err = conn.ExecContext(ctx, strings.Replace(fmt.Sprintf(drop, name), " WITH (FORCE)", "", 1))
		}
		if err != nil {
			t.Errorf("postgres: %s: %v", fmt.Sprintf(drop, name), err)
		}
		conn.Close()
	})
	return u, name
}
