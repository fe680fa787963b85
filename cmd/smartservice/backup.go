package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"time"

	"smartservice/internal/backup"
	"smartservice/internal/config"
	"smartservice/internal/db"
)

// backupCommand copies the SQLite database to a new file while the server runs.
func backupCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	to := fs.String("to", "", "the backup file to write (must not exist)")
	return func(ctx context.Context, e *env) error {
		if len(e.args) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q", e.args[0])}
		}
		if *to == "" {
			return usageError{"want --to FILE"}
		}
		cfg, err := load(e.getenv)
		if err != nil {
			return usageError{err.Error()}
		}
		path, err := backup.Path(cfg.DatabaseURL)
		if err != nil {
			return err
		}
		res, err := backup.Take(ctx, path, *to)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "backed up %s to %s: %s (schema version %d) in %s, integrity checked\n",
			path, res.Path, humanBytes(res.Size), res.Version, res.Took.Round(time.Millisecond))
		return nil
	}
}

// restoreCommand puts a backup in place of the SQLite database; the server must be stopped.
func restoreCommand(fs *flag.FlagSet) func(ctx context.Context, e *env) error {
	load := config.Register(fs)
	from := fs.String("from", "", "the backup file to restore")
	return func(ctx context.Context, e *env) error {
		if len(e.args) > 0 {
			return usageError{fmt.Sprintf("unexpected argument %q", e.args[0])}
		}
		if *from == "" {
			return usageError{"want --from FILE"}
		}
		cfg, err := load(e.getenv)
		if err != nil {
			return usageError{err.Error()}
		}
		path, err := backup.Path(cfg.DatabaseURL)
		if errors.Is(err, backup.ErrPostgres) {
			return errors.New("the database is PostgreSQL: restore with pg_restore (see the README, \"Backups\")")
		}
		known, err := db.Known(db.SQLite)
		if err != nil {
			return err
		}
		res, err := backup.Restore(ctx, *from, path, known, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "restored %s into %s: %s in %s\n", *from, res.Path, humanBytes(res.Size), res.Took.Round(time.Millisecond))
		if res.Aside != "" {
			fmt.Fprintf(e.stdout, "the replaced database is kept as %s\n", res.Aside)
		}
		if res.Version < known {
			fmt.Fprintf(e.stdout, "the backup's schema is at version %d; the next start migrates it to %d\n", res.Version, known)
		}
		return nil
	}
}

// humanBytes prints a size the way an operator reads it.
func humanBytes(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
