package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

func TestMigrateIsIdempotentAndCurrent(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if err := d.Migrate(ctx, nil); err != nil {
			t.Fatalf("second migrate: %v", err)
		}
		ok, err := d.Current(ctx)
		if err != nil || !ok {
			t.Fatalf("current = %v, %v", ok, err)
		}
		st, err := d.Status(ctx)
		if err != nil || len(st) == 0 {
			t.Fatalf("status = %v, %v", st, err)
		}
		for _, s := range st {
			if !s.Applied {
				t.Errorf("migration %d not applied", s.Version)
			}
		}
	})
}

func TestRefusesNewerSchema(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		known, _ := d.KnownVersion()
		if _, err := d.W.ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied) VALUES ($1, $2)", known+1, true); err != nil {
			t.Fatal(err)
		}
		err := d.Migrate(ctx, nil)
		if !errors.Is(err, db.ErrSchemaTooNew) {
			t.Fatalf("migrate on a newer schema: got %v, want ErrSchemaTooNew", err)
		}
		if ok, _ := d.Current(ctx); ok {
			t.Fatal("a newer schema reported as current")
		}
	})
}

func TestInTxCommitsAndRollsBack(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := time.Now().UTC()
		insert := func(tx *sql.Tx, code string) error {
			_, err := tx.ExecContext(ctx, "INSERT INTO departments (code, name_en, created_at) VALUES ($1, $2, $3)", code, "Name "+code, now)
			return err
		}
		if err := d.InTx(ctx, func(tx *sql.Tx) error { return insert(tx, "kept") }); err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		if err := d.InTx(ctx, func(tx *sql.Tx) error {
			if err := insert(tx, "lost"); err != nil {
				return err
			}
			return boom
		}); !errors.Is(err, boom) {
			t.Fatalf("got %v, want boom", err)
		}
		func() {
			defer func() { _ = recover() }()
			_ = d.InTx(ctx, func(tx *sql.Tx) error {
				_ = insert(tx, "panicked")
				panic("mid-transaction")
			})
		}()
		var codes []string
		rows, err := d.R.QueryContext(ctx, "SELECT code FROM departments ORDER BY code")
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var c string
			_ = rows.Scan(&c)
			codes = append(codes, c)
		}
		if strings.Join(codes, ",") != "kept" {
			t.Fatalf("departments = %v, want only kept", codes)
		}
		var created time.Time
		if err := d.R.QueryRowContext(ctx, "SELECT created_at FROM departments WHERE code = $1", "kept").Scan(&created); err != nil {
			t.Fatal(err)
		}
		if !created.Equal(now.Truncate(time.Microsecond)) && !created.Equal(now) {
			t.Fatalf("created_at round trip: got %v want %v", created, now)
		}
	})
}

func TestConstraintHelpers(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := "INSERT INTO departments (code, name_en, created_at) VALUES ($1, $2, $3)"
		if _, err := d.W.ExecContext(ctx, q, "it", "IT", time.Now()); err != nil {
			t.Fatal(err)
		}
		_, err := d.W.ExecContext(ctx, q, "it", "IT again", time.Now())
		if !db.IsUniqueViolation(err) {
			t.Fatalf("duplicate code: got %v, want a unique violation", err)
		}
		if db.IsForeignKeyViolation(err) {
			t.Fatal("a unique violation reported as a foreign key one")
		}
	})
}

func TestConcurrentWritersDoNotFail(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 40)
		for i := range 40 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- d.InTx(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, "INSERT INTO departments (code, name_en, created_at) VALUES ($1, $2, $3)",
						"d"+strings.Repeat("x", i), "D", time.Now())
					return err
				})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestReadPoolIsReadOnlyOnSQLite(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	if _, err := d.R.Exec("INSERT INTO departments (code, name_en, created_at) VALUES ('x', 'x', '2020-01-01')"); err == nil {
		t.Fatal("a write through the read pool succeeded")
	}
}

func TestUnreachablePostgresFailsNamingHostNotPassword(t *testing.T) {
	start := time.Now()
	_, err := db.Open(context.Background(), "postgres://u:sekret-pw@127.0.0.1:1/x?sslmode=disable", db.Options{ConnectTimeout: 1500 * time.Millisecond})
	if err == nil {
		t.Fatal("opened an unreachable database")
	}
	if !strings.Contains(err.Error(), "127.0.0.1") || strings.Contains(err.Error(), "sekret-pw") {
		t.Fatalf("error should name the host and hide the password: %v", err)
	}
	if time.Since(start) > 10*time.Second {
		t.Fatalf("open took %v, want a bounded wait", time.Since(start))
	}
}

func TestSQLitePaths(t *testing.T) {
	for in, want := range map[string]string{
		"sqlite:data/smartservice.db": "data/smartservice.db",
		"sqlite:///var/lib/x.db":      "/var/lib/x.db",
	} {
		if got := db.SQLitePath(in); got != want {
			t.Errorf("SQLitePath(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestReadersKeepASmallPageCacheOnSQLite(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	var w, r int
	if err := d.W.QueryRow("PRAGMA cache_size").Scan(&w); err != nil {
		t.Fatal(err)
	}
	if err := d.R.QueryRow("PRAGMA cache_size").Scan(&r); err != nil {
		t.Fatal(err)
	}
	// Negative: KiB. The writer keeps SQLite's default (the index pages every
	// filing touches); a reader a quarter of it (the server's RSS budget).
	if r != -512 || w != -2000 {
		t.Fatalf("cache_size: writer %d, reader %d; want -2000 and -512", w, r)
	}
}
