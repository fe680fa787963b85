package db

import (
	"context"
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// MigrateTo applies this binary's own migrations up to and including version, and
// not River's. It exists for upgrade tests: a database left at an older version, with
// rows written the way that version wrote them, is what an upgrade meets in the field.
// Servers call Migrate.
func (d *DB) MigrateTo(ctx context.Context, version int64) error {
	p, err := d.provider(nil)
	if err != nil {
		return fmt.Errorf("db: migrations: %w", err)
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return fmt.Errorf("db: migrate to %d: %w", version, err)
	}
	return nil
}

// Known is the newest schema version this binary carries for the dialect, read from
// the embedded files' numbers; unlike KnownVersion it needs no open database (a
// restore checks a backup before anything is opened).
func Known(dialect Dialect) (int64, error) {
	entries, err := fs.ReadDir(migrationsFS, "migrations/"+string(dialect))
	if err != nil {
		return 0, err
	}
	var newest int64
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		if !ok || !strings.HasSuffix(e.Name(), ".sql") {
			continue
		}
		v, err := strconv.ParseInt(num, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("db: migration file %s has no number", e.Name())
		}
		newest = max(newest, v)
	}
	return newest, nil
}
