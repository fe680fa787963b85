package testkit_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestCountQueries: statements under a counting context are counted, on a handle,
// in a transaction and as prepared statements; others are not.
func TestCountQueries(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			d, err := db.Open(ctx, testkit.FreshURL(t, dialect), db.Options{ConnectTimeout: 10 * time.Second, Wrap: testkit.CountQueries})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { d.Close() })
			if err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			cctx, count := testkit.WithQueryCount(ctx)
			var n int
			if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM users").Scan(&n); err != nil { // not counted
				t.Fatal(err)
			}
			if err := d.R.QueryRowContext(cctx, "SELECT COUNT(*) FROM users WHERE id > $1", 0).Scan(&n); err != nil {
				t.Fatal(err)
			}
			err = d.InTx(cctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(cctx, "INSERT INTO settings (key, value) VALUES ($1, $2)", "k", "v"); err != nil {
					return err
				}
				st, err := tx.PrepareContext(cctx, "SELECT value FROM settings WHERE key = $1")
				if err != nil {
					return err
				}
				defer st.Close()
				var v string
				for range 2 {
					if err := st.QueryRowContext(cctx, "k").Scan(&v); err != nil || v != "v" {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			got := count()
			if got.Statements != 4 || got.Transactions != 1 || len(got.SQL) != 4 || got.SQL[0] != "SELECT COUNT(*) FROM users WHERE id > $1" {
				t.Fatalf("counted %+v, want 4 statements in 1 transaction", got)
			}
		})
	}
}
