package jobs

import (
	"context"
	"time"

	"smartservice/internal/db"
)

// scheduledBefore compares River's scheduled_at with a time parameter. River's SQLite
// driver writes its own text format, not ours (db.TimeFormat), so SQLite compares
// instants through julianday, which reads both; PostgreSQL compares timestamptz.
func scheduledBefore(d *db.DB) string {
	if d.Dialect == db.SQLite {
		return "julianday(scheduled_at) < julianday($1)"
	}
	return "scheduled_at < $1"
}

// Overdue counts the jobs waiting to run (available, or scheduled and retryable ones
// whose time has come, which the leader's scheduler should have made available) that
// have waited more than after past their time: with a working queue there are none,
// since a client picks a job up within seconds. /readyz calls the queue stuck on them.
func Overdue(ctx context.Context, d *db.DB, now time.Time, after time.Duration) (int, error) {
	var n int
	err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM river_job WHERE state IN ('available', 'scheduled', 'retryable') AND "+scheduledBefore(d),
		now.Add(-after).UTC()).Scan(&n)
	return n, err
}

// Depth is the number of jobs waiting or running, by kind and state, for /metrics.
type Depth struct {
	Kind, State string
	Count       int
}

// QueueDepth counts the unfinished jobs (available, scheduled, retryable, running)
// by kind and state.
func QueueDepth(ctx context.Context, d *db.DB) ([]Depth, error) {
	rows, err := d.R.QueryContext(ctx, `SELECT kind, state, COUNT(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable', 'running') GROUP BY kind, state ORDER BY kind, state`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Depth
	for rows.Next() {
		var x Depth
		if err := rows.Scan(&x.Kind, &x.State, &x.Count); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
