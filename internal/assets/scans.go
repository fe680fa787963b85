package assets

import (
	"context"
	"database/sql"
	"sync"
	"time"
)

// Scans are counted in memory and written in batches (BatchScans) so that the
// device page, the product's front door, makes no durable write per view: a
// morning rush of scans or a load balancer's health check would otherwise queue on
// the disk's fsync (SQLite) or on the device's row (PostgreSQL).
//
// What a kill -9 can lose: the counts of the last interval (DefaultScanFlush, 2 s)
// and of a flush that failed in that interval. A clean stop flushes. A scan
// counter is a statistic; a lost second of it harms nobody, while a durable write
// per view capped the page at a few hundred requests a second.

// DefaultScanFlush is how often the batched scan counts reach the database.
const DefaultScanFlush = 2 * time.Second

// scanBatch holds the counts not yet written.
type scanBatch struct {
	mu      sync.Mutex
	pending map[int64]pendingScans
}

type pendingScans struct {
	n    int64
	last time.Time
}

func (b *scanBatch) add(id int64, at time.Time, n int64) {
	b.mu.Lock()
	p := b.pending[id]
	p.n += n
	if at.After(p.last) {
		p.last = at
	}
	b.pending[id] = p
	b.mu.Unlock()
}

// take empties the batch and returns what it held.
func (b *scanBatch) take() map[int64]pendingScans {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := b.pending
	b.pending = make(map[int64]pendingScans)
	return out
}

// peek is the count not yet written for one device.
func (b *scanBatch) peek(id int64) pendingScans {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.pending[id]
}

// BatchScans makes Scan count in memory and write the counts every interval in
// one transaction; the returned stop writes what is left and ends the writer. The
// app calls it once before serving. Without it (the CLI, tests of the domain)
// every scan is written at once, as before.
func (s *Service) BatchScans(interval time.Duration) (stop func(context.Context) error) {
	if interval <= 0 {
		interval = DefaultScanFlush
	}
	b := &scanBatch{pending: make(map[int64]pendingScans)}
	s.scans.Store(b)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				_ = s.flush(context.Background(), b)
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func(ctx context.Context) error {
		var err error
		once.Do(func() {
			close(done)
			<-finished
			// Scans from now on are written one by one; then the last batch.
			s.scans.CompareAndSwap(b, nil)
			err = s.flush(ctx, b)
		})
		return err
	}
}

// FlushScans writes the counts not yet written, in one transaction; on a failure
// they go back into the batch for the next try.
func (s *Service) FlushScans(ctx context.Context) error {
	b := s.scans.Load()
	if b == nil {
		return nil
	}
	return s.flush(ctx, b)
}

func (s *Service) flush(ctx context.Context, b *scanBatch) error {
	batch := b.take()
	if len(batch) == 0 {
		return nil
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		for id, p := range batch {
			// The latest time wins, whichever instance wrote it first.
			if _, err := tx.ExecContext(ctx, "UPDATE assets SET scan_count = scan_count + $1, "+
				"last_scanned_at = CASE WHEN last_scanned_at IS NULL OR last_scanned_at < $2 THEN $2 ELSE last_scanned_at END WHERE id = $3",
				p.n, p.last.UTC(), id); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		for id, p := range batch {
			b.add(id, p.last, p.n)
		}
	}
	return err
}
