package db

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"

	"github.com/pressly/goose/v3"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

//go:embed migrations
var migrationsFS embed.FS

// ErrSchemaTooNew means the database was migrated by a newer binary; running an older
// one against it could corrupt data, so the start stops.
var ErrSchemaTooNew = errors.New("db: the database schema is newer than this binary knows; run the newer version or restore a backup")

// migrationLockKey is the PostgreSQL advisory lock that keeps several instances
// starting at once from migrating at the same time. Any constant works; this one
// spells "smartsvc".
const migrationLockKey = 0x736d617274737663

func (d *DB) provider(logger *slog.Logger) (*goose.Provider, error) {
	sub, err := fs.Sub(migrationsFS, "migrations/"+string(d.Dialect))
	if err != nil {
		return nil, err
	}
	dialect := goose.DialectSQLite3
	if d.Dialect == Postgres {
		dialect = goose.DialectPostgres
	}
	opts := []goose.ProviderOption{goose.WithDisableGlobalRegistry(true)}
	if logger != nil {
		opts = append(opts, goose.WithSlog(logger))
	}
	return goose.NewProvider(dialect, d.W, sub, opts...)
}

// KnownVersion is the newest schema version this binary carries.
func (d *DB) KnownVersion() (int64, error) {
	p, err := d.provider(nil)
	if err != nil {
		return 0, err
	}
	srcs := p.ListSources()
	if len(srcs) == 0 {
		return 0, nil
	}
	return srcs[len(srcs)-1].Version, nil
}

// Version is the schema version recorded in the database (0 when never migrated).
func (d *DB) Version(ctx context.Context) (int64, error) {
	p, err := d.provider(nil)
	if err != nil {
		return 0, err
	}
	v, err := p.GetDBVersion(ctx)
	if errors.Is(err, goose.ErrVersionNotFound) {
		return 0, nil
	}
	return v, err
}

// Migrate applies every pending migration: the application's own (goose) and the job
// queue's (River). It refuses a database whose schema is newer than this binary. On
// PostgreSQL an advisory lock lets only one starting instance migrate at a time.
func (d *DB) Migrate(ctx context.Context, logger *slog.Logger) error {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	unlock, err := d.lockMigrations(ctx)
	if err != nil {
		return err
	}
	defer unlock()

	if err := d.CheckNotTooNew(ctx); err != nil {
		return err
	}
	p, err := d.provider(logger)
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("db: migrate: %w", err)
	}
	for _, r := range results {
		logger.Info("migration applied", "version", r.Source.Version, "file", r.Source.Path, "took", r.Duration)
	}
	rm, err := d.riverMigrator()
	if err != nil {
		return fmt.Errorf("db: job queue migrations: %w", err)
	}
	if _, err := rm.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("db: job queue migrations: %w", err)
	}
	return nil
}

// CheckNotTooNew returns ErrSchemaTooNew when the database carries a migration this
// binary does not know.
func (d *DB) CheckNotTooNew(ctx context.Context) error {
	known, err := d.KnownVersion()
	if err != nil {
		return err
	}
	have, err := d.Version(ctx)
	if err != nil {
		return fmt.Errorf("db: read schema version: %w", err)
	}
	if have > known {
		return fmt.Errorf("%w (database at %d, binary knows %d)", ErrSchemaTooNew, have, known)
	}
	return nil
}

// Current reports whether every known migration has been applied.
func (d *DB) Current(ctx context.Context) (bool, error) {
	known, err := d.KnownVersion()
	if err != nil {
		return false, err
	}
	have, err := d.Version(ctx)
	if err != nil {
		return false, err
	}
	return have == known, nil
}

// MigrationStatus is one line of "smartservice migrate status".
type MigrationStatus struct {
	Version int64
	File    string
	Applied bool
}

// Status lists every known migration and whether it is applied.
func (d *DB) Status(ctx context.Context) ([]MigrationStatus, error) {
	p, err := d.provider(nil)
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(st))
	for _, s := range st {
		out = append(out, MigrationStatus{Version: s.Source.Version, File: s.Source.Path, Applied: s.State == goose.StateApplied})
	}
	return out, nil
}

func (d *DB) riverMigrator() (*rivermigrate.Migrator[*sql.Tx], error) {
	if d.Dialect == Postgres {
		return rivermigrate.New(riverdatabasesql.New(d.W), nil)
	}
	return rivermigrate.New(riversqlite.New(d.W), nil)
}

func (d *DB) lockMigrations(ctx context.Context) (func(), error) {
	if d.Dialect != Postgres {
		// SQLite's writer is one connection and BEGIN IMMEDIATE serialises processes.
		return func() {}, nil
	}
	conn, err := d.W.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("db: migration lock: %w", err)
	}
	if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLockKey)); err != nil {
		conn.Close()
		return nil, fmt.Errorf("db: migration lock: %w", err)
	}
	return func() {
		_, _ = conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLockKey))
		conn.Close()
	}, nil
}
