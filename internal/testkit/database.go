package testkit

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"
)

// FreshDatabase creates an empty PostgreSQL database of its own in the test cluster
// and returns its URL; the database is dropped, connections and all, when the test
// ends. Tests that run outside tools (pg_dump, pg_restore) or several server
// processes need a whole database: a schema reached through search_path is ours
// only. It skips the test when SMARTSERVICE_TEST_POSTGRES_URL is unset.
func FreshDatabase(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Skip(PostgresEnv + " is not set: skipping the PostgreSQL run (bash scripts/pg-cluster.sh start DIR prints a URL to set it to)")
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s does not parse", PostgresEnv)
	}
	buf := make([]byte, 6)
	_, _ = rand.Read(buf)
	name := "ss_" + hex.EncodeToString(buf)
	conn, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("postgres: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := conn.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		conn.Close()
		t.Fatalf("postgres: create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := conn.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("postgres: drop database %s: %v", name, err)
		}
		conn.Close()
	})
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}
