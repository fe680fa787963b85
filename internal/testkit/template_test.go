package testkit_test

import (
	"context"
	"testing"

	"smartservice/internal/testkit"
)

// TestMigratedURLIsCurrentAndPrivate: a copy of the migrated database carries every
// migration (Migrate would find nothing to do), and two copies share nothing.
func TestMigratedURLIsCurrentAndPrivate(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			a := testkit.OpenURL(t, testkit.MigratedURL(t, dialect))
			b := testkit.OpenURL(t, testkit.MigratedURL(t, dialect))
			if cur, err := a.Current(ctx); err != nil || !cur {
				t.Fatalf("the copy is not at the newest migration: %v %v", cur, err)
			}
			if _, err := a.W.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ($1, $2)", "testkit_probe", "a"); err != nil {
				t.Fatal(err)
			}
			var n int
			if err := b.R.QueryRowContext(ctx, "SELECT count(*) FROM settings WHERE key = $1", "testkit_probe").Scan(&n); err != nil || n != 0 {
				t.Fatalf("a row written in one copy shows in another: %d %v", n, err)
			}
			if a.Where == b.Where {
				t.Fatalf("two copies at the same place: %s", a.Where)
			}
		})
	}
}
