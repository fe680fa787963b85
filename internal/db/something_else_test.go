package db_test

import (
	"context"
	"testing"
	"time"

	"smartservice/internal/testkit"
)

// TestSomethingElseMigration: migration 00014 gives an office that already has a
// catalogue one "Something else" offered everywhere: its own "Другое" marked
// rather than doubled, else a new one; an empty catalogue gets nothing (the
// starter load needs it empty and brings its own).
func TestSomethingElseMigration(t *testing.T) {
	const version = 14
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
			cases := []struct {
				name     string
				problems [][2]string
				// want: the problem types after, "en/ru*" marking the one everywhere.
				want []string
			}{
				{"empty", nil, nil},
				{"own other", [][2]string{{"Paper jam", "Замятие"}, {"", "Другое"}}, []string{"Paper jam/Замятие", "/Другое*"}},
				{"none", [][2]string{{"Paper jam", "Замятие"}, {"Need something else", "Нужно другое"}},
					[]string{"Paper jam/Замятие", "Need something else/Нужно другое", "Something else/Другое*"}},
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					d := testkit.OpenURL(t, testkit.FreshURL(t, dialect))
					if err := d.MigrateUpTo(ctx, version-1); err != nil {
						t.Fatal(err)
					}
					for _, p := range c.problems {
						if _, err := d.W.ExecContext(ctx, "INSERT INTO problem_types (name_en, name_ru, created_at) VALUES ($1, $2, $3)", p[0], p[1], now); err != nil {
							t.Fatal(err)
						}
					}
					if err := d.MigrateUpTo(ctx, version); err != nil {
						t.Fatal(err)
					}
					rows, err := d.R.QueryContext(ctx, "SELECT name_en, name_ru, everywhere, created_at FROM problem_types ORDER BY id")
					if err != nil {
						t.Fatal(err)
					}
					defer rows.Close()
					var got []string
					for rows.Next() {
						var en, ru string
						var everywhere bool
						var at time.Time
						if err := rows.Scan(&en, &ru, &everywhere, &at); err != nil {
							t.Fatal(err)
						}
						s := en + "/" + ru
						if everywhere {
							s += "*"
						}
						if at.IsZero() || at.Before(now) {
							t.Errorf("%s created at %v", s, at)
						}
						got = append(got, s)
					}
					if err := rows.Err(); err != nil {
						t.Fatal(err)
					}
					if len(got) != len(c.want) {
						t.Fatalf("problem types %q, want %q", got, c.want)
					}
					for i := range got {
						if got[i] != c.want[i] {
							t.Fatalf("problem types %q, want %q", got, c.want)
						}
					}
				})
			}
		})
	}
}
