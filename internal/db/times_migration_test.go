package db_test

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestMigration00008RewritesStoredTimes builds a SQLite database at version 00007 with
// rows written as binaries before 00008 wrote them (Go's String() text, some with a
// monotonic reading, some in other zones), migrates it, and checks that every time of
// every TIMESTAMP column reads back as the same instant, is now stored in
// db.TimeFormat in UTC, is read by julianday(), and sorts as text in instant order.
func TestMigration00008RewritesStoredTimes(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := db.OpenLegacySQLite(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := old.MigrateUpTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	fillVersion7(t, ctx, old)

	columns := timestampColumns(t, ctx, old)
	if len(columns) < 15 {
		t.Fatalf("found TIMESTAMP columns in only %d tables", len(columns))
	}
	type cell struct {
		table, column string
		rowid         int64
	}
	before := map[cell]sql.NullTime{}
	for table, cols := range columns {
		for _, col := range cols {
			seen := 0
			queryRows(t, ctx, old.R, fmt.Sprintf("SELECT rowid, %s, CAST(%s AS TEXT), julianday(%s) FROM %s", col, col, col, table), func(r *sql.Rows) error {
				var rowid int64
				var at sql.NullTime
				var text sql.NullString
				var jd sql.NullFloat64
				if err := r.Scan(&rowid, &at, &text, &jd); err != nil {
					return err
				}
				if at.Valid {
					seen++
					if jd.Valid || !strings.HasPrefix(text.String, at.Time.String()) {
						t.Errorf("%s.%s = %q before the migration: not the old text", table, col, text.String)
					}
				}
				before[cell{table, col, rowid}] = at
				return nil
			})
			if seen == 0 {
				t.Errorf("%s.%s holds no time before the migration: the test would not see it converted", table, col)
			}
		}
	}
	if err := old.Close(); err != nil {
		t.Fatal(err)
	}

	d := testkit.OpenURL(t, "sqlite://"+path)
	// Up to 00008 only: later migrations may reshape these tables (00010 recreates
	// login_failures), and what is checked here is what 00008 did to the rows.
	if err := d.MigrateUpTo(ctx, 8); err != nil {
		t.Fatal(err)
	}
	type stored struct {
		text string
		at   time.Time
	}
	var all []stored
	for c, want := range before {
		var at sql.NullTime
		var text sql.NullString
		var jd sql.NullFloat64
		q := fmt.Sprintf("SELECT %s, CAST(%s AS TEXT), julianday(%s) FROM %s WHERE rowid = $1", c.column, c.column, c.column, c.table)
		if err := d.R.QueryRowContext(ctx, q, c.rowid).Scan(&at, &text, &jd); err != nil {
			t.Fatalf("%s.%s row %d: %v", c.table, c.column, c.rowid, err)
		}
		if !want.Valid {
			if at.Valid {
				t.Errorf("%s.%s row %d: NULL became %q", c.table, c.column, c.rowid, text.String)
			}
			continue
		}
		if !at.Valid || !at.Time.Equal(want.Time) {
			t.Errorf("%s.%s row %d: %v (%q) after the migration, want %v", c.table, c.column, c.rowid, at.Time, text.String, want.Time)
		}
		if wantText := want.Time.UTC().Format(db.TimeFormat); text.String != wantText {
			t.Errorf("%s.%s row %d: stored %q, want %q", c.table, c.column, c.rowid, text.String, wantText)
		}
		wantJD := float64(want.Time.UnixNano())/86400e9 + 2440587.5
		if !jd.Valid || math.Abs(jd.Float64-wantJD) > 1e-6 {
			t.Errorf("%s.%s row %d: julianday(%q) = %v, want %v", c.table, c.column, c.rowid, text.String, jd, wantJD)
		}
		all = append(all, stored{text.String, want.Time})
	}
	// Down again: the text of an older binary, which reads it back as the same instant.
	if err := d.MigrateDownTo(ctx, 7); err != nil {
		t.Fatal(err)
	}
	for c, want := range before {
		if !want.Valid {
			continue
		}
		var text string
		if err := d.R.QueryRowContext(ctx, fmt.Sprintf("SELECT CAST(%s AS TEXT) FROM %s WHERE rowid = $1", c.column, c.table), c.rowid).Scan(&text); err != nil {
			t.Fatal(err)
		}
		if text != want.Time.UTC().String() {
			t.Errorf("%s.%s row %d after the way down: %q, want %q", c.table, c.column, c.rowid, text, want.Time.UTC().String())
		}
	}
	// Text order is instant order, which the queries comparing times rely on.
	slices.SortFunc(all, func(a, b stored) int { return strings.Compare(a.text, b.text) })
	for i := 1; i < len(all); i++ {
		if all[i].at.Before(all[i-1].at) {
			t.Errorf("%q sorts after %q but is earlier", all[i].text, all[i-1].text)
		}
	}
}

// timestampColumns lists the TIMESTAMP columns of our tables, from the catalog, so a
// column the migration forgets cannot hide from the test.
func timestampColumns(t *testing.T, ctx context.Context, d *db.DB) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	queryRows(t, ctx, d.R, `SELECT m.name, c.name FROM sqlite_master m, pragma_table_info(m.name) c
		WHERE m.type = 'table' AND c.type = 'TIMESTAMP'`, func(r *sql.Rows) error {
		var table, col string
		if err := r.Scan(&table, &col); err != nil {
			return err
		}
		if !notOurs(table) {
			out[table] = append(out[table], col)
		}
		return nil
	})
	return out
}

// fillVersion7 writes a row (two where a time may be NULL) into every table with a
// time, in the schema of version 00007, through the legacy connection. The times
// cycle through the forms the old binaries could have stored.
func fillVersion7(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	msk := time.FixedZone("MSK", 3*3600)
	forms := []time.Time{
		time.Date(2026, 3, 28, 23, 59, 59, 123456789, time.UTC),
		time.Date(2026, 3, 29, 1, 0, 0, 0, msk),
		time.Now(), // carries a monotonic reading, written as " m=+…"
		time.Date(2026, 10, 25, 2, 30, 0, 500000000, time.FixedZone("IST", 5*3600+30*60)),
		time.Date(2026, 10, 25, 0, 59, 59, 999999000, time.UTC),
		time.Date(2026, 1, 1, 0, 0, 0, 0, msk),
	}
	next := 0
	at := func() time.Time {
		next++
		return forms[next%len(forms)]
	}
	var none *time.Time
	for _, s := range []struct {
		q    string
		args []any
	}{
		{"INSERT INTO departments (id, code, name_en, created_at) VALUES (1, 'it', 'IT', $1)", []any{at()}},
		{"INSERT INTO users (id, email, full_name, password_hash, created_at, updated_at, last_login_at, deactivated_at) VALUES (1, 'a@x', 'A', 'h', $1, $2, $3, $4)", []any{at(), at(), at(), at()}},
		{"INSERT INTO users (id, email, full_name, password_hash, created_at, updated_at, last_login_at, deactivated_at) VALUES (2, 'b@x', 'B', 'h', $1, $2, $3, $4)", []any{at(), at(), none, none}},
		{"INSERT INTO registrations (email, password_hash, language, employee, token_hash, created_at, expires_at, used_at) VALUES ('c@x', 'h', 'ru', '{}', 't1', $1, $2, $3)", []any{at(), at(), at()}},
		{"INSERT INTO registrations (email, password_hash, language, employee, token_hash, created_at, expires_at, used_at) VALUES ('c@x', 'h', 'ru', '{}', 't2', $1, $2, $3)", []any{at(), at(), none}},
		{"INSERT INTO api_tokens (user_id, kind, name, token_hash, auth_epoch, created_at, expires_at, last_used_at, revoked_at) VALUES (1, 'personal', 'n', 'h1', 1, $1, $2, $3, $4)", []any{at(), at(), at(), at()}},
		{"INSERT INTO api_tokens (user_id, kind, name, token_hash, auth_epoch, created_at, expires_at, last_used_at, revoked_at) VALUES (1, 'login', 'n', 'h2', 1, $1, $2, $3, $4)", []any{at(), at(), none, none}},
		{"INSERT INTO sessions (token, data, expiry) VALUES ('s', x'00', $1)", []any{at()}},
		{"INSERT INTO login_failures (scope, key, at) VALUES ('account', 'a@x', $1), ('address', '127.0.0.1', $2)", []any{at(), at()}},
		{"INSERT INTO service_classes (id, name_en, created_at) VALUES (1, 'C', $1)", []any{at()}},
		{"INSERT INTO service_types (id, class_id, name_en, created_at) VALUES (1, 1, 'T', $1)", []any{at()}},
		{"INSERT INTO problem_types (id, name_en, created_at) VALUES (1, 'P', $1)", []any{at()}},
		{"INSERT INTO assets (id, code, name, type_id, last_scanned_at, created_at, updated_at) VALUES (1, 'AAAAAAAAAAAAAAAA', 'D', 1, $1, $2, $3)", []any{at(), at(), at()}},
		{"INSERT INTO assets (id, code, name, type_id, last_scanned_at, created_at, updated_at) VALUES (2, 'BBBBBBBBBBBBBBBB', 'E', 1, $1, $2, $3)", []any{none, at(), at()}},
		{"INSERT INTO retired_codes (code, asset_id, retired_at) VALUES ('CCCCCCCCCCCCCCCC', 1, $1)", []any{at()}},
		{"INSERT INTO routing_rules (department_id, created_at) VALUES (1, $1)", []any{at()}},
		{"INSERT INTO tickets (id, asset_id, problem_type_id, reporter_id, routed_by, status, created_at, assigned_at, started_at, done_at, cancelled_at) VALUES (1, 1, 1, 1, 'none', 'done', $1, $2, $3, $4, $5)", []any{at(), at(), at(), at(), at()}},
		{"INSERT INTO tickets (id, asset_id, problem_type_id, reporter_id, routed_by, status, created_at, assigned_at, started_at, done_at, cancelled_at) VALUES (2, 1, 1, 1, 'none', 'new', $1, $2, $3, $4, $5)", []any{at(), none, none, none, none}},
		{"INSERT INTO ticket_events (ticket_id, kind, created_at) VALUES (1, 'filed', $1), (1, 'done', $2)", []any{at(), at()}},
		{"INSERT INTO ticket_photos (ticket_id, content_type, width, height, data, created_at) VALUES (1, 'image/jpeg', 1, 1, x'ff', $1)", []any{at()}},
		{"INSERT INTO ticket_idempotency (user_id, key, request_hash, ticket_id, created_at) VALUES (1, 'k', 'h', 1, $1)", []any{at()}},
	} {
		if _, err := d.W.ExecContext(ctx, s.q, s.args...); err != nil {
			t.Fatalf("%s: %v", s.q, err)
		}
	}
}
