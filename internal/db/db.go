// Package db opens Smart Service's database, SQLite (embedded, the default) or
// PostgreSQL (for several instances), applies the embedded migrations and offers
// the few helpers that hide the differences between the two.
//
// Queries are written once for both dialects: "$1"-style parameters work on both,
// as do RETURNING, ON CONFLICT and CURRENT_TIMESTAMP-free SQL (times are passed in
// from the injected clock, always in UTC).
package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
)

// Dialect tells which database engine is behind a DB.
type Dialect string

// The two supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open database. On SQLite, W is a single connection that serialises every
// write (SQLite allows one writer; queueing in Go beats SQLITE_BUSY retries) and R is a
// read-only pool. On PostgreSQL, W and R are the same pool.
type DB struct {
	// Dialect is the engine behind the handles.
	Dialect Dialect
	// W takes writes and transactions.
	W *sql.DB
	// R takes reads outside transactions.
	R *sql.DB
	// Listener is a small pgx pool for LISTEN connections (PostgreSQL only, nil on SQLite).
	Listener *pgxpool.Pool
	// Where names the database for logs and errors, without credentials.
	Where string
	// lock is the shared flock on a SQLite database's lock file (LockPath), held
	// while the database is open so that a restore can tell it is in use.
	lock *os.File

	groupOnce sync.Once
	group     *Group
}

// Group is the database's group committer, shared by every writer that may
// wait for a commit shared with others (filings, a notification's delivery
// steps on SQLite). One per database: on SQLite two groups' batches would still
// take turns on the one writer connection, each with its own fsync.
func (d *DB) Group() *Group {
	d.groupOnce.Do(func() { d.group = NewGroup(d, 0) })
	return d.group
}

// Options tune Open.
type Options struct {
	// ConnectTimeout bounds how long Open waits for a reachable database.
	ConnectTimeout time.Duration
	// Logger receives connection retries; nil discards them.
	Logger *slog.Logger
	// Wrap, when set, wraps every connector the handles open connections with
	// (tests count the queries of a request with it); nil uses the drivers as they are.
	Wrap func(driver.Connector) driver.Connector
}

// Open connects to the database named by rawURL (sqlite:path, sqlite:///abs/path,
// postgres://…) and checks that it answers. It does not migrate.
func Open(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = 15 * time.Second
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	switch {
	case strings.HasPrefix(rawURL, "sqlite:"):
		return openSQLite(ctx, SQLitePath(rawURL), opts.Wrap)
	case strings.HasPrefix(rawURL, "postgres://"), strings.HasPrefix(rawURL, "postgresql://"):
		return openPostgres(ctx, rawURL, opts)
	default:
		return nil, errors.New("db: unsupported database URL: want sqlite:… or postgres://…")
	}
}

// SQLitePath returns the file path of a sqlite: URL: "sqlite:data/x.db" is relative,
// "sqlite:///abs/x.db" absolute. Query parameters are not accepted; the pragmas are ours.
func SQLitePath(rawURL string) string {
	return strings.TrimPrefix(strings.TrimPrefix(rawURL, "sqlite:"), "//")
}

func openSQLite(ctx context.Context, path string, wrap func(driver.Connector) driver.Connector) (*DB, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.Contains(path, ":memory:") {
		return nil, errors.New("db: sqlite needs a file path, without '?', '#' or the in-memory name")
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: cannot create the directory of %s: %w", path, err)
		}
	}
	lock, err := lockFile(path, syscall.LOCK_SH, ErrRestoring)
	if err != nil {
		return nil, err
	}
	d, err := openSQLiteHandles(ctx, path, wrap)
	if err != nil {
		lock.Close()
		return nil, err
	}
	d.lock = lock
	return d, nil
}

// readerCacheKiB is the page cache of each SQLite reader connection, in KiB.
const readerCacheKiB = 512

func openSQLiteHandles(ctx context.Context, path string, wrap func(driver.Connector) driver.Connector) (*DB, error) {
	// busy_timeout comes first so the pragmas after it wait instead of failing.
	// synchronous(FULL): an acknowledged ticket survives a power cut, not only a crash.
	base := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)" +
		sqliteTimeOptions
	// temp_store(MEMORY) on the writer: each filing of a shared commit runs in a
	// savepoint (Group), and SQLite keeps a savepoint's page copies in a temporary
	// file otherwise, a write syscall per page a filing touches (a fifth of the
	// filing's CPU in the profile). They are a few pages, dropped at the commit.
	w, err := openSQLitePool(base+"&_txlock=immediate&_pragma=temp_store(MEMORY)", wrap)
	if err != nil {
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	w.SetConnMaxIdleTime(0)
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	// A reader's page cache is 512 KiB, not SQLite's 2 MB: the pages are in the
	// kernel's cache as well, the pages a reader needs are few (every read is an
	// index lookup; the journal at a million tickets ran as fast), and four
	// readers each filling 2 MB was the peak of the server's RSS (/metrics'
	// counts of River's jobs read the whole table, 3 MB more after a filing run).
	r, err := openSQLitePool(base+"&_pragma=query_only(1)&_pragma=cache_size("+strconv.Itoa(-readerCacheKiB)+")", wrap)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("db: open sqlite %s: %w", path, err)
	}
	n := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(n)
	r.SetMaxIdleConns(n)
	return &DB{Dialect: SQLite, W: w, R: r, Where: "sqlite:" + path}, nil
}

// maxPostgresConns bounds the PostgreSQL pool of one instance.
const maxPostgresConns = 20

func openPostgres(ctx context.Context, rawURL string, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		// pgx's parse errors may quote the URL; never echo it.
		return nil, errors.New("db: the PostgreSQL URL does not parse")
	}
	where := fmt.Sprintf("postgres://%s:%d/%s", cfg.Host, cfg.Port, cfg.Database)
	if cfg.ConnectTimeout == 0 || cfg.ConnectTimeout > 5*time.Second {
		cfg.ConnectTimeout = 5 * time.Second
	}
	sqlDB := sql.OpenDB(wrapConnector(stdlib.GetConnector(*cfg), opts.Wrap))
	// As many idle as open: a pool that keeps fewer closes the surplus after every
	// burst and opens new sessions at the next, each a SCRAM handshake and a new
	// backend with cold caches (every PL/pgSQL trigger compiled again). That churn
	// held filing to 40 tickets/s; idle connections past five minutes still close.
	sqlDB.SetMaxOpenConns(maxPostgresConns)
	sqlDB.SetMaxIdleConns(maxPostgresConns)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)

	ctx, cancel := context.WithTimeout(ctx, opts.ConnectTimeout)
	defer cancel()
	var lastErr error
	for attempt := 1; ; attempt++ {
		if lastErr = sqlDB.PingContext(ctx); lastErr == nil {
			break
		}
		opts.Logger.Warn("database not reachable yet", "where", where, "attempt", attempt, "err", redact(lastErr, cfg.Password))
		select {
		case <-ctx.Done():
			sqlDB.Close()
			return nil, fmt.Errorf("db: cannot reach PostgreSQL at %s:%d within %s: %s", cfg.Host, cfg.Port, opts.ConnectTimeout, redact(lastErr, cfg.Password))
		case <-time.After(min(time.Duration(attempt)*250*time.Millisecond, 2*time.Second)):
		}
	}
	pcfg, err := pgxpool.ParseConfig(rawURL)
	if err != nil {
		sqlDB.Close()
		return nil, errors.New("db: the PostgreSQL URL does not parse")
	}
	pcfg.MinConns, pcfg.MaxConns = 0, 2
	listener, err := pgxpool.NewWithConfig(ctx, pcfg)
	if err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("db: PostgreSQL listener pool: %s", redact(err, cfg.Password))
	}
	return &DB{Dialect: Postgres, W: sqlDB, R: sqlDB, Listener: listener, Where: where}, nil
}

func redact(err error, password string) string {
	s := err.Error()
	if password != "" {
		s = strings.ReplaceAll(s, password, "***")
	}
	return s
}

// Close closes every handle.
func (d *DB) Close() error {
	if d.Listener != nil {
		d.Listener.Close()
	}
	err := d.W.Close()
	if d.R != d.W {
		err = errors.Join(err, d.R.Close())
	}
	if d.lock != nil {
		d.lock.Close()
	}
	return err
}

// Ping checks that the database answers.
func (d *DB) Ping(ctx context.Context) error {
	if err := d.W.PingContext(ctx); err != nil {
		return err
	}
	return d.R.PingContext(ctx)
}

// InTx runs fn in a write transaction: committed when fn returns nil, rolled back
// otherwise (and on panic). fn must use tx for every query: on SQLite the writer is a
// single connection, so a query on d.W inside fn would wait for itself.
func (d *DB) InTx(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("db: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return err
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("db: commit: %w", err)
	}
	return nil
}
