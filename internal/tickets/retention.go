package tickets

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/db"
)

// DropOldPhotos deletes the photos of tickets closed (done or cancelled) before
// cutoff and returns how many went. Photos are most of a database's growth and a
// closed ticket's photo is rarely looked at after months; the ticket and its
// history stay. A reopened ticket is open again, so its photo is kept.
func DropOldPhotos(ctx context.Context, d *db.DB, cutoff time.Time) (int64, error) {
	var n int64
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM ticket_photos WHERE ticket_id IN (
			SELECT id FROM tickets WHERE (status = 'done' AND done_at < $1) OR (status = 'cancelled' AND cancelled_at < $1))`, cutoff.UTC())
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// SpaceUse is the database's size and the photos' part of it, for the admin page.
type SpaceUse struct {
	// DatabaseBytes is the whole database (SQLite: the file's pages; PostgreSQL:
	// pg_database_size).
	DatabaseBytes int64
	// PhotoBytes is the stored photos' bytes; Photos how many there are.
	PhotoBytes, Photos int64
}

// Space measures the database and its photos.
func Space(ctx context.Context, d *db.DB) (SpaceUse, error) {
	var s SpaceUse
	q := "SELECT pg_database_size(current_database())"
	if d.Dialect == db.SQLite {
		q = "SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()"
	}
	if err := d.R.QueryRowContext(ctx, q).Scan(&s.DatabaseBytes); err != nil {
		return s, err
	}
	err := d.R.QueryRowContext(ctx, "SELECT COUNT(*), COALESCE(SUM(LENGTH(data)), 0) FROM ticket_photos").Scan(&s.Photos, &s.PhotoBytes)
	return s, err
}

// PhotoRetentionArgs asks for one pass of the photo retention.
type PhotoRetentionArgs struct{}

// Kind names the job in the queue.
func (PhotoRetentionArgs) Kind() string { return "photo_retention" }

// PhotoRetentionWorker drops the photos of tickets closed longer than Retention ago.
type PhotoRetentionWorker struct {
	river.WorkerDefaults[PhotoRetentionArgs]
	DB        *db.DB
	Retention time.Duration
	Now       func() time.Time
}

// Work runs one pass.
func (w *PhotoRetentionWorker) Work(ctx context.Context, _ *river.Job[PhotoRetentionArgs]) error {
	_, err := DropOldPhotos(ctx, w.DB, w.Now().Add(-w.Retention))
	return err
}
