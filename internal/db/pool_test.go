package db_test

import (
	"context"
	"sync"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestPostgresPoolKeepsItsConnections: a burst of more concurrent statements than
// the pool keeps idle used to close the surplus when the burst ended and open new
// ones at the next burst; each new PostgreSQL session costs an authentication
// handshake and cold plan and catalogue caches in a new backend (PL/pgSQL
// triggers recompiled), and that churn held filing to 40 tickets/s. Repeated
// bursts of the same width must reuse the connections of the first.
func TestPostgresPoolKeepsItsConnections(t *testing.T) {
	d := testkit.NewDB(t, db.Postgres)
	ctx := context.Background()
	const width = 16 // under the pool's 20 open connections, over the old 10 idle
	backends := map[int]bool{}
	var mu sync.Mutex
	for range 4 {
		var wg sync.WaitGroup
		start := make(chan struct{})
		for range width {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				var pid int
				// pg_sleep keeps every connection busy at once.
				if err := d.R.QueryRowContext(ctx, "SELECT pg_backend_pid() FROM pg_sleep(0.05)").Scan(&pid); err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				backends[pid] = true
				mu.Unlock()
			}()
		}
		close(start)
		wg.Wait()
	}
	if len(backends) > width {
		t.Fatalf("4 bursts of %d statements used %d PostgreSQL sessions: the pool closed connections between bursts", width, len(backends))
	}
}
