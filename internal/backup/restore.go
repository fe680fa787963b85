package backup

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"smartservice/internal/db"
)

// sqliteHeader opens every SQLite database file.
var sqliteHeader = []byte("SQLite format 3\x00")

// Restore replaces the SQLite database at dbPath with the backup from. It refuses
// while any process has the database open (it takes the database's lock file,
// db.LockExclusive, which every server and command holds shared), when from is not
// a sound Smart Service database, or when its schema is newer than known (the
// binary's newest migration); an older schema is migrated at the next start. The
// copy is written beside dbPath under a temporary name and renamed over it in one
// step, so a failure at any point leaves the old database in place; the replaced
// database is kept as dbPath.before-restore-<time>.
func Restore(ctx context.Context, from, dbPath string, known int64, now time.Time) (Result, error) {
	start := time.Now()
	if err := sniff(from); err != nil {
		return Result{}, err
	}
	v, err := check(ctx, from)
	if err != nil {
		return Result{}, err
	}
	if v > known {
		return Result{}, fmt.Errorf("restore: %w (backup at %d, binary knows %d)", db.ErrSchemaTooNew, v, known)
	}
	if err := os.MkdirAll(filepath.Dir(dbPath), 0o750); err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	release, err := db.LockExclusive(dbPath)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	defer release()

	tmp, err := tempName(dbPath)
	if err != nil {
		return Result{}, err
	}
	defer removeAll(tmp)
	src, err := openConn(from, true)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	_, err = src.ExecContext(ctx, "VACUUM INTO $1", tmp)
	src.Close()
	if err != nil {
		return Result{}, fmt.Errorf("restore: copy into %s: %w", filepath.Dir(dbPath), err)
	}
	if err := syncFile(tmp); err != nil {
		return Result{}, fmt.Errorf("restore: flush the copy: %w", err)
	}

	aside := ""
	if _, err := os.Stat(dbPath); err == nil {
		if err := checkpoint(ctx, dbPath); err != nil {
			return Result{}, fmt.Errorf("restore: fold the current database's WAL into it: %w", err)
		}
		aside = fmt.Sprintf("%s.before-restore-%s", dbPath, now.UTC().Format("20060102T150405Z"))
		// A hard link keeps the old file under a second name while dbPath still
		// names it, so there is no moment without a database at dbPath.
		if err := os.Link(dbPath, aside); err != nil {
			return Result{}, fmt.Errorf("restore: keep the current database aside: %w", err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	// The checkpoint emptied the WAL; an empty one left behind would be read as the
	// new file's, harmlessly, but a stale shared-memory index must not be.
	_ = os.Remove(dbPath + "-wal")
	_ = os.Remove(dbPath + "-shm")
	if err := os.Rename(tmp, dbPath); err != nil {
		if aside != "" {
			_ = os.Remove(aside)
		}
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	_ = syncDir(filepath.Dir(dbPath))
	fi, err := os.Stat(dbPath)
	if err != nil {
		return Result{}, fmt.Errorf("restore: %w", err)
	}
	return Result{Path: dbPath, Size: fi.Size(), Took: time.Since(start), Version: v, Aside: aside}, nil
}

// sniff refuses a file that does not start as a SQLite database, before SQLite is
// asked to open it (it would create an empty database for a missing file).
func sniff(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	head := make([]byte, len(sqliteHeader))
	if _, err := io.ReadFull(f, head); err != nil || !bytes.Equal(head, sqliteHeader) {
		return fmt.Errorf("%w: %s", ErrNotDatabase, path)
	}
	return nil
}

// checkpoint copies every page of the database's WAL into the main file and
// truncates the WAL, so the file alone is the whole database. The caller holds the
// exclusive lock, so no other connection can add to the WAL meanwhile.
func checkpoint(ctx context.Context, dbPath string) error {
	c, err := openConn(dbPath, false)
	if err != nil {
		return err
	}
	defer c.Close()
	var busy, logPages, done int
	if err := c.QueryRowContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)").Scan(&busy, &logPages, &done); err != nil {
		return err
	}
	if busy != 0 {
		return errors.New("the database is busy")
	}
	return nil
}
