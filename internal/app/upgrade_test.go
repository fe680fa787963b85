package app_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// fixtureVersion is the schema the upgrade fixture is written at: before event
// subjects (00009, a data migration), registrations without passwords (00010) and
// the report indexes (00011), and before everything added since.
const fixtureVersion = 8

// TestUpgradeFromAnOlderSchemaServesEveryRow writes a database the way the binary of
// schema 8 left it (its migrations, then rows in its columns), starts the current
// application on it and reads every ticket back through the domain as its
// administrator; then a database newer than the binary is refused.
func TestUpgradeFromAnOlderSchemaServesEveryRow(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			ctx := context.Background()
			url := testkit.FreshURL(t, dialect)
			old := testkit.OpenURL(t, url)
			if err := old.MigrateTo(ctx, fixtureVersion); err != nil {
				t.Fatal(err)
			}
			now := time.Date(2025, 11, 3, 9, 30, 0, 0, time.UTC)
			id := func(query string, args ...any) int64 {
				t.Helper()
				var n int64
				if err := old.W.QueryRowContext(ctx, query+" RETURNING id", args...).Scan(&n); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
				return n
			}
			exec := func(query string, args ...any) {
				t.Helper()
				if _, err := old.W.ExecContext(ctx, query, args...); err != nil {
					t.Fatalf("%s: %v", query, err)
				}
			}
			user := func(email string, roles ...string) int64 {
				u := id("INSERT INTO users (email, full_name, password_hash, language, created_at, updated_at) VALUES ($1, $1, 'x', 'en', $2, $2)", email, now)
				for _, r := range roles {
					exec("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)", u, r)
				}
				return u
			}
			dep := id("INSERT INTO departments (code, name_en, name_ru, created_at) VALUES ('it', 'IT', 'ИТ', $1)", now)
			user("admin@example.test", "employee", "admin")
			ann := user("ann@example.test", "employee")
			bob := user("bob@example.test", "employee", "executor")
			exec("INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2)", bob, dep)
			// A pending registration still carrying a password: 00010 drops the column.
			exec(`INSERT INTO registrations (email, password_hash, language, employee, token_hash, created_at, expires_at)
				VALUES ('new@example.test', 'x', 'en', '{}', 'h', $1, $1)`, now)
			class := id("INSERT INTO service_classes (name_en, created_at) VALUES ('IT', $1)", now)
			typ := id("INSERT INTO service_types (class_id, name_en, created_at) VALUES ($1, 'Printer', $2)", class, now)
			prob := id("INSERT INTO problem_types (name_en, created_at) VALUES ('Paper jam', $1)", now)
			asset := id("INSERT INTO assets (code, name, type_id, created_at, updated_at) VALUES ('AAAABBBBCCCCDDDD', 'Printer 2', $1, $2, $2)", typ, now)
			const n = 25
			ids := make([]int64, 0, n)
			for i := range n {
				at := now.Add(time.Duration(i) * time.Hour)
				tk := id(`INSERT INTO tickets (asset_id, problem_type_id, comment, reporter_id, department_id, routed_by, assignee_id, status, created_at, assigned_at)
					VALUES ($1, $2, $3, $4, $5, 'default', $6, 'assigned', $7, $7)`, asset, prob, fmt.Sprintf("jam %d", i), ann, dep, bob, at)
				exec("INSERT INTO ticket_events (ticket_id, kind, detail, created_at) VALUES ($1, 'created', '', $2)", tk, at)
				// Schema 8 named the assignee by id in the detail.
				exec("INSERT INTO ticket_events (ticket_id, kind, detail, created_at) VALUES ($1, 'assigned', $2, $3)", tk, fmt.Sprint(bob), at)
				ids = append(ids, tk)
			}
			old.Close()

			cfg := config.Default()
			cfg.DatabaseURL = url
			a, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), app.Options{})
			if err != nil {
				t.Fatalf("the current binary does not start on a schema-%d database: %v", fixtureVersion, err)
			}
			defer a.Close()
			if cur, err := a.DB.Current(ctx); err != nil || !cur {
				t.Fatalf("not migrated to the current schema: %v %v", cur, err)
			}
			root, err := a.Accounts.UserByEmail(ctx, "admin@example.test")
			if err != nil {
				t.Fatal(err)
			}
			for i, tid := range ids {
				v, err := a.Tickets.View(ctx, root, tid)
				if err != nil {
					t.Fatalf("ticket %d: %v", tid, err)
				}
				if v.Row.Comment != fmt.Sprintf("jam %d", i) || len(v.Events) != 2 {
					t.Fatalf("ticket %d reads back as %+v with %d events", tid, v.Row, len(v.Events))
				}
				if e := v.Events[1]; e.SubjectID != bob || e.Detail != "" || e.SubjectEmail != "bob@example.test" {
					t.Fatalf("ticket %d: the old assignment event was not moved to its subject: %+v", tid, e)
				}
			}
			a.Close()

			// A schema newer than the binary: refused at the start, as before.
			known, _ := a.DB.KnownVersion()
			newer := testkit.OpenURL(t, url)
			if _, err := newer.W.ExecContext(ctx, "INSERT INTO goose_db_version (version_id, is_applied, tstamp) VALUES ($1, true, $2)", known+1, now); err != nil {
				t.Fatal(err)
			}
			newer.Close()
			if b, err := app.New(ctx, cfg, slog.New(slog.DiscardHandler), app.Options{}); !errors.Is(err, db.ErrSchemaTooNew) {
				if b != nil {
					b.Close()
				}
				t.Fatalf("started on a newer schema: %v", err)
			}
		})
	}
}
