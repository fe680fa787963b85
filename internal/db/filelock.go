package db

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// ErrInUse means another process has the SQLite database open: a restore must not
// swap the file under a running server.
var ErrInUse = errors.New("db: the database is in use by another process (a server or command holds its lock file); stop it first")

// ErrRestoring means a restore holds the database: opening it now would read a file
// about to be replaced.
var ErrRestoring = errors.New("db: a restore of this database is in progress; try again when it has finished")

// LockPath is the file beside a SQLite database on which every process that opens the
// database holds a shared flock(2) for as long as it has it open, and a restore an
// exclusive one. The kernel drops a flock when its process dies, so a crashed server
// never leaves a stale lock behind; the file itself stays and means nothing.
func LockPath(dbPath string) string { return dbPath + ".lock" }

// lockFile takes a non-blocking flock of the given kind on dbPath's lock file.
func lockFile(dbPath string, how int, busy error) (*os.File, error) {
	f, err := os.OpenFile(LockPath(dbPath), os.O_RDWR|os.O_CREATE, 0o640)
	if err != nil {
		return nil, fmt.Errorf("db: lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB); err != nil {
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, busy
		}
		return nil, fmt.Errorf("db: lock file: %w", err)
	}
	return f, nil
}

// LockExclusive takes the database's lock file for a restore: it fails with ErrInUse
// while any process has the database open through Open, and keeps every Open out
// (ErrRestoring) until release is called.
func LockExclusive(dbPath string) (release func(), err error) {
	f, err := lockFile(dbPath, syscall.LOCK_EX, ErrInUse)
	if err != nil {
		return nil, err
	}
	return func() { f.Close() }, nil
}
