package backup

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/db"
)

// filePrefix and fileSuffix frame the names of scheduled backups; only files so
// named are ever pruned, so an operator's own files in the directory are safe.
const (
	filePrefix = "smartservice-"
	fileSuffix = ".db"
)

// Args asks for one scheduled backup.
type Args struct{}

// Kind names the job in the queue.
func (Args) Kind() string { return "backup" }

// InsertOpts: a failed backup is recorded and shown, not retried within minutes; the
// next period tries again.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// Worker takes the scheduled backups of a SQLite database into Dir and keeps the
// newest Keep of them. It runs as a periodic River job, so with several instances
// only the elected leader enqueues it.
type Worker struct {
	river.WorkerDefaults[Args]
	DB   *db.DB
	Dir  string
	Keep int
	Now  func() time.Time
}

// Timeout lets a backup outlast River's one-minute job timeout: a
// 1,000,000-ticket office takes about 90 s on a busy two-core machine. It stays
// under River's rescue of stuck jobs (one hour), so a running backup is never
// started a second time beside itself.
func (w *Worker) Timeout(*river.Job[Args]) time.Duration { return 50 * time.Minute }

// Work takes one backup and records the attempt.
func (w *Worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	_, err := Scheduled(ctx, w.DB, w.Dir, w.Keep, w.Now())
	return err
}

// Scheduled takes one backup of d into dir under a name carrying the UTC time,
// records the attempt in backup_runs (success or the error) and, after a success
// only, deletes the oldest scheduled backups beyond keep. A failed attempt leaves
// every earlier backup in place.
func Scheduled(ctx context.Context, d *db.DB, dir string, keep int, now time.Time) (Result, error) {
	start := now.UTC()
	to := filepath.Join(dir, filePrefix+start.Format("20060102T150405Z")+fileSuffix)
	var res Result
	path, err := Path(d.Where)
	if err == nil {
		if err = os.MkdirAll(dir, 0o750); err == nil {
			res, err = Take(ctx, path, to)
		}
	}
	errText := ""
	if err != nil {
		errText = err.Error()
	}
	if _, rerr := d.W.ExecContext(context.WithoutCancel(ctx), `INSERT INTO backup_runs (started_at, finished_at, path, size_bytes, error)
		VALUES ($1, $2, $3, $4, $5)`, start, start.Add(res.Took), to, res.Size, errText); rerr != nil {
		err = errors.Join(err, fmt.Errorf("backup: record the run: %w", rerr))
	}
	if err != nil {
		return res, err
	}
	return res, prune(dir, keep)
}

// prune deletes the oldest scheduled backups in dir beyond keep; the names sort by time.
func prune(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("backup: prune: %w", err)
	}
	var names []string
	for _, e := range entries {
		if n := e.Name(); e.Type().IsRegular() && strings.HasPrefix(n, filePrefix) && strings.HasSuffix(n, fileSuffix) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var errs []error
	for len(names) > keep {
		if err := os.Remove(filepath.Join(dir, names[0])); err != nil {
			errs = append(errs, err)
		}
		names = names[1:]
	}
	return errors.Join(errs...)
}

// Run is one recorded backup attempt.
type Run struct {
	StartedAt, FinishedAt time.Time
	Path                  string
	Size                  int64
	// Error is empty for a success.
	Error string
}

// Status is what the admin page and /metrics say about scheduled backups.
type Status struct {
	// LastOK is the newest successful backup, nil when there is none.
	LastOK *Run
	// LastFailed is the newest failed attempt, nil when there is none.
	LastFailed *Run
	// Failures counts every failed attempt ever recorded.
	Failures int
}

// Alert reports whether the newest attempt failed: the admin page shows it as an alert.
func (s Status) Alert() bool {
	return s.LastFailed != nil && (s.LastOK == nil || s.LastFailed.StartedAt.After(s.LastOK.StartedAt))
}

// ReadStatus reads the newest successful and failed attempts and the failure count.
func ReadStatus(ctx context.Context, d *db.DB) (Status, error) {
	var st Status
	last := func(cond string) (*Run, error) {
		var r Run
		var started, finished db.NullTime
		err := d.R.QueryRowContext(ctx, `SELECT started_at, finished_at, path, size_bytes, error FROM backup_runs
			WHERE `+cond+` ORDER BY started_at DESC, id DESC LIMIT 1`).Scan(&started, &finished, &r.Path, &r.Size, &r.Error)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		r.StartedAt, r.FinishedAt = started.Time, finished.Time
		return &r, err
	}
	var err error
	if st.LastOK, err = last("error = ''"); err != nil {
		return st, err
	}
	if st.LastFailed, err = last("error <> ''"); err != nil {
		return st, err
	}
	err = d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM backup_runs WHERE error <> ''").Scan(&st.Failures)
	return st, err
}
