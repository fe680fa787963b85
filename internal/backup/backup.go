// Package backup copies a SQLite database while the server serves from it and puts
// such a copy back. A backup is SQLite's VACUUM INTO on a connection of its own: it
// reads one snapshot in a read transaction (WAL lets writers go on meanwhile) and writes
// a compact, self-contained file with no WAL beside it. Nothing is ever half-written at
// a final path: both directions write a temporary file in the target's directory, check
// it, and then link or rename it into place.
//
// PostgreSQL is backed up with its own tools (pg_dump/pg_restore; see the README).
package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"

	"smartservice/internal/db"
)

// Errors a caller may want to tell apart; each message says what to do.
var (
	// ErrPostgres: the database is PostgreSQL, which pg_dump backs up.
	ErrPostgres = errors.New("backup: the database is PostgreSQL: use pg_dump and pg_restore (see the README, \"Backups\")")
	// ErrExists: the target file is already there; a backup never overwrites one.
	ErrExists = errors.New("backup: the target file already exists; choose a new name")
	// ErrNoDatabase: there is no database file at the configured path.
	ErrNoDatabase = errors.New("backup: there is no database file at the configured path")
	// ErrNotDatabase: the file is not a SQLite database.
	ErrNotDatabase = errors.New("restore: the file is not a SQLite database")
	// ErrDamaged: the file is a SQLite database that fails its integrity check (for
	// example a truncated copy).
	ErrDamaged = errors.New("restore: the file is damaged (SQLite's integrity check fails)")
	// ErrForeign: a SQLite database, but not one of Smart Service.
	ErrForeign = errors.New("restore: the file is a SQLite database of another application (no Smart Service schema in it)")
)

// Result describes a finished backup or restore.
type Result struct {
	// Path is the file written: the backup, or the restored database.
	Path string
	// Size is its size in bytes.
	Size int64
	// Took is the wall time of the whole operation, checks included.
	Took time.Duration
	// Version is the schema version in the copy.
	Version int64
	// Aside is where a restore kept the database it replaced ("" when there was none).
	Aside string
}

// openConn opens a pool of one plain connection on a SQLite file, without the
// server's pragmas: a backup or a check must not change the file's journal mode.
func openConn(path string, readOnly bool) (*sql.DB, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() + "?_pragma=busy_timeout(10000)"
	if readOnly {
		dsn += "&mode=ro"
	}
	c, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	d := sql.OpenDB(c)
	d.SetMaxOpenConns(1)
	return d, nil
}

// Take writes a consistent copy of the SQLite database at dbPath to the file to,
// while other connections go on reading and writing. The copy is written under a
// temporary name in to's directory, checked (integrity_check and the schema version),
// flushed to disk and only then linked to its name; on any failure the temporary
// file is removed and to is untouched. A second backup to the same name gets
// ErrExists, never a mixed file.
func Take(ctx context.Context, dbPath, to string) (Result, error) {
	start := time.Now()
	if _, err := os.Stat(dbPath); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Result{}, fmt.Errorf("%w: %s", ErrNoDatabase, dbPath)
		}
		return Result{}, fmt.Errorf("backup: %w", err)
	}
	if _, err := os.Lstat(to); err == nil {
		return Result{}, fmt.Errorf("%w: %s", ErrExists, to)
	}
	tmp, err := tempName(to)
	if err != nil {
		return Result{}, err
	}
	defer removeAll(tmp) // after a success the name is linked and the temporary one goes too

	src, err := openConn(dbPath, false)
	if err != nil {
		return Result{}, fmt.Errorf("backup: open the database: %w", err)
	}
	_, err = src.ExecContext(ctx, "VACUUM INTO $1", tmp)
	src.Close()
	if err != nil {
		return Result{}, fmt.Errorf("backup: copy to %s: %w", filepath.Dir(to), err)
	}
	v, err := check(ctx, tmp)
	if err != nil {
		return Result{}, fmt.Errorf("backup: the copy does not check out: %w", err)
	}
	if err := syncFile(tmp); err != nil {
		return Result{}, fmt.Errorf("backup: flush the copy: %w", err)
	}
	// link(2) fails when the name exists, so two backups racing for one name
	// cannot overwrite each other's finished file.
	if err := os.Link(tmp, to); err != nil {
		if errors.Is(err, os.ErrExist) {
			return Result{}, fmt.Errorf("%w: %s", ErrExists, to)
		}
		return Result{}, fmt.Errorf("backup: %w", err)
	}
	_ = syncDir(filepath.Dir(to))
	fi, err := os.Stat(to)
	if err != nil {
		return Result{}, fmt.Errorf("backup: %w", err)
	}
	return Result{Path: to, Size: fi.Size(), Took: time.Since(start), Version: v}, nil
}

// tempName returns an unused name in the directory of target, created empty so that
// the directory's writability is known before any copying; VACUUM INTO wants the
// file absent or empty.
func tempName(target string) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(target), "."+filepath.Base(target)+".partial-*")
	if err != nil {
		return "", fmt.Errorf("backup: cannot write in %s: %w", filepath.Dir(target), err)
	}
	name := f.Name()
	f.Close()
	return name, nil
}

// removeAll deletes a temporary database and the journal files SQLite may leave.
func removeAll(path string) {
	for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
		_ = os.Remove(path + suffix)
	}
}

// check opens the file read-only, runs SQLite's integrity check and returns the
// Smart Service schema version it carries.
func check(ctx context.Context, path string) (int64, error) {
	c, err := openConn(path, true)
	if err != nil {
		return 0, err
	}
	defer c.Close()
	rows, err := c.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return 0, classify(err)
	}
	var problems []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			rows.Close()
			return 0, classify(err)
		}
		if s != "ok" && len(problems) < 5 {
			problems = append(problems, s)
		}
	}
	if err := rows.Err(); err != nil {
		rows.Close()
		return 0, classify(err)
	}
	rows.Close()
	if len(problems) > 0 {
		return 0, fmt.Errorf("%w: %s", ErrDamaged, strings.Join(problems, "; "))
	}
	var n int
	if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name IN ('goose_db_version', 'tickets', 'users', 'assets')`).Scan(&n); err != nil {
		return 0, classify(err)
	}
	if n < 4 {
		return 0, ErrForeign
	}
	var v sql.NullInt64
	if err := c.QueryRowContext(ctx, `SELECT MAX(version_id) FROM goose_db_version WHERE is_applied`).Scan(&v); err != nil {
		return 0, classify(err)
	}
	return v.Int64, nil
}

// classify maps SQLite's errors on a bad file to ours.
func classify(err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "file is not a database"):
		return fmt.Errorf("%w (%v)", ErrNotDatabase, err)
	case strings.Contains(msg, "malformed"), strings.Contains(msg, "corrupt"):
		return fmt.Errorf("%w (%v)", ErrDamaged, err)
	}
	return err
}

func syncFile(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

func syncDir(dir string) error {
	f, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}

// Path returns the SQLite file behind a database URL, or ErrPostgres.
func Path(databaseURL string) (string, error) {
	if !strings.HasPrefix(databaseURL, "sqlite:") {
		return "", ErrPostgres
	}
	return db.SQLitePath(databaseURL), nil
}
