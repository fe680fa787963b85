package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"testing"
	"time"

	"smartservice/internal/testkit"
)

// TestEventSubjectMigration: migration 00009 moves the person an old event named
// by id in its detail (assigned, taken, reassigned) into subject_id, and only when
// the detail is exactly the id of an existing user; its Down puts the ids back.
func TestEventSubjectMigration(t *testing.T) {
	const subjectVersion = 9
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			d := testkit.OpenURL(t, testkit.FreshURL(t, dialect))
			if err := d.MigrateUpTo(ctx, subjectVersion-1); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)
			id := func(query string, args ...any) int64 {
				t.Helper()
				var n int64
				if err := d.W.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&n); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
				return n
			}
			user := func(email string) int64 {
				return id("INSERT INTO users (email, full_name, password_hash, created_at, updated_at) VALUES ($1, $2, 'x', $3, $3)", email, email, now)
			}
			ann, bob := user("ann@example.test"), user("bob@example.test")
			class := id("INSERT INTO service_classes (name_en, created_at) VALUES ('IT', $1)", now)
			typ := id("INSERT INTO service_types (class_id, name_en, created_at) VALUES ($1, 'Printer', $2)", class, now)
			prob := id("INSERT INTO problem_types (name_en, created_at) VALUES ('Paper', $1)", now)
			asset := id("INSERT INTO assets (code, name, type_id, created_at, updated_at) VALUES ('AAAABBBBCCCCDDDD', 'P', $1, $2, $2)", typ, now)
			ticket := id(`INSERT INTO tickets (asset_id, problem_type_id, reporter_id, routed_by, status, created_at)
				VALUES ($1, $2, $3, 'rule', 'new', $4)`, asset, prob, ann, now)
			rows := [][2]string{
				{"routed", "7"},                          // a rule's id: not a person
				{"assigned", fmt.Sprint(ann)},            // moved
				{"taken", fmt.Sprint(bob)},               // moved
				{"reassigned", fmt.Sprint(ann)},          // moved
				{"reassigned", "999999"},                 // nobody: left as it was
				{"reassigned", "0" + fmt.Sprint(bob)},    // not exactly an id: left
				{"comment", fmt.Sprint(bob)},             // a comment that is a number: left
				{"assigned", fmt.Sprint(bob) + " extra"}, // left
			}
			for _, r := range rows {
				id("INSERT INTO ticket_events (ticket_id, kind, detail, created_at) VALUES ($1, $2, $3, $4)", ticket, r[0], r[1], now)
			}
			read := func(withSubject bool) []string {
				t.Helper()
				cols := "kind, detail"
				if withSubject {
					cols += ", COALESCE(subject_id, 0)"
				}
				rs, err := d.R.QueryContext(ctx, "SELECT "+cols+" FROM ticket_events ORDER BY id")
				if err != nil {
					t.Fatal(err)
				}
				defer rs.Close()
				var out []string
				for rs.Next() {
					var kind, detail string
					var subject sql.NullInt64
					dest := []any{&kind, &detail}
					if withSubject {
						dest = append(dest, &subject)
					}
					if err := rs.Scan(dest...); err != nil {
						t.Fatal(err)
					}
					s := kind + ":" + detail
					if withSubject {
						s += fmt.Sprintf("@%d", subject.Int64)
					}
					out = append(out, s)
				}
				return out
			}
			before := read(false)

			if err := d.MigrateUpTo(ctx, subjectVersion); err != nil {
				t.Fatal(err)
			}
			want := []string{"routed:7@0", fmt.Sprintf("assigned:@%d", ann), fmt.Sprintf("taken:@%d", bob), fmt.Sprintf("reassigned:@%d", ann),
				"reassigned:999999@0", fmt.Sprintf("reassigned:0%d@0", bob), fmt.Sprintf("comment:%d@0", bob), fmt.Sprintf("assigned:%d extra@0", bob)}
			if got := read(true); !slices.Equal(got, want) {
				t.Fatalf("after the migration\n got %q\nwant %q", got, want)
			}

			if err := d.MigrateDownTo(ctx, subjectVersion-1); err != nil {
				t.Fatal(err)
			}
			if got := read(false); !slices.Equal(got, before) {
				t.Fatalf("after rolling back\n got %q\nwant %q", got, before)
			}
			if err := d.Migrate(ctx, nil); err != nil {
				t.Fatal(err)
			}
			if ok, err := d.Current(ctx); !ok || err != nil {
				t.Fatalf("current after migrating again: %v %v", ok, err)
			}
		})
	}
}
