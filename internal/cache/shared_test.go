package cache_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// gatedDB is the read pool, counting its statements; the first waits until gate
// is closed, so a test can gather requests behind a read in flight.
type gatedDB struct {
	d     *sql.DB
	calls atomic.Int32
	gate  chan struct{}
}

func (g *gatedDB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	if g.calls.Add(1) == 1 && g.gate != nil {
		<-g.gate
	}
	return g.d.QueryRowContext(ctx, q, args...)
}

// waitFor waits until cond holds; it is how the tests know that goroutines have
// reached the Reader, not a measure of time.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !cond(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("still waiting for %s", what)
		}
	}
}

func authVersion(t *testing.T, d *db.DB) int64 {
	t.Helper()
	var v int64
	if err := d.R.QueryRow("SELECT auth FROM cache_versions WHERE id = 1").Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// Requests that arrive while a read is in flight share one read after it, sent
// after they arrived: a logout committed meanwhile is seen by all of them.
func TestReaderGathersBehindTheReadInFlight(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := &gatedDB{d: d.R, gate: make(chan struct{})}
		r := cache.NewReader(g)
		before := authVersion(t, d)

		first := make(chan cache.Versions)
		go func() { v, _ := r.ReadDevice(ctx, 0); first <- v }()
		waitFor(t, "the first read to be in flight", func() bool { return g.calls.Load() == 1 })

		// A change commits while that read is in flight: the requests arriving
		// from now on must see it.
		if _, err := d.W.Exec("UPDATE cache_versions SET auth = auth + 1 WHERE id = 1"); err != nil {
			t.Fatal(err)
		}
		const n = 10
		var wg sync.WaitGroup
		got := make([]cache.Versions, n)
		errs := make([]error, n)
		for i := range n {
			wg.Go(func() { got[i], errs[i] = r.ReadDevice(ctx, 0) })
		}
		waitFor(t, "the requests to gather", func() bool { return r.Gathered(0) == n })
		close(g.gate)
		wg.Wait()
		<-first
		for i := range n {
			if errs[i] != nil || got[i].Auth != before+1 {
				t.Errorf("request %d: %+v, %v; want auth %d", i, got[i], errs[i], before+1)
			}
		}
		if c := g.calls.Load(); c != 2 {
			t.Errorf("%d statements for %d requests, want 2: the one in flight and one shared", c, n+1)
		}
		// Alone, a request reads at once.
		if v, err := r.ReadDevice(ctx, 0); err != nil || v.Auth != before+1 || g.calls.Load() != 3 {
			t.Errorf("a lone request: %+v, %v after %d statements", v, err, g.calls.Load())
		}
	})
}

// Under concurrent changes, no request ever gets versions older than the last
// change committed before it asked.
func TestReaderNeverAnswersWithAnOlderVersion(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		r := cache.NewReader(d.R)
		var committed atomic.Int64
		committed.Store(authVersion(t, d))
		stop := make(chan struct{})
		var writer sync.WaitGroup
		writer.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				var v int64
				if err := d.W.QueryRow("UPDATE cache_versions SET auth = auth + 1 WHERE id = 1 RETURNING auth").Scan(&v); err != nil {
					t.Error(err)
					return
				}
				committed.Store(v)
			}
		})
		var readers sync.WaitGroup
		for range 8 {
			readers.Go(func() {
				for range 200 {
					floor := committed.Load()
					v, err := r.ReadDevice(ctx, 0)
					if err != nil {
						t.Error(err)
						return
					}
					if v.Auth < floor {
						t.Errorf("a request got auth %d after %d was committed", v.Auth, floor)
						return
					}
				}
			})
		}
		readers.Wait()
		close(stop)
		writer.Wait()
	})
}

// A request that gave up (its client went away) does not fail the others that
// joined its read, and devices of other stripes do not wait for each other.
func TestReaderCancelAndStripes(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		g := &gatedDB{d: d.R, gate: make(chan struct{})}
		r := cache.NewReader(g)
		const dev = 7
		go r.ReadDevice(context.Background(), dev)
		waitFor(t, "the first read to be in flight", func() bool { return g.calls.Load() == 1 })

		// Another stripe reads at once, though the first read is held.
		if v, err := r.ReadDevice(context.Background(), dev+1); err != nil || v.Device != dev+1 && v.Device != 0 {
			t.Fatalf("another stripe: %+v, %v", v, err)
		}
		if c := g.calls.Load(); c != 2 {
			t.Fatalf("%d statements after a read of another stripe, want 2", c)
		}

		gone, cancel := context.WithCancel(context.Background())
		opener := make(chan error)
		go func() { _, err := r.ReadDevice(gone, dev); opener <- err }()
		waitFor(t, "a read to gather", func() bool { return r.Gathered(dev) == 1 })
		joined := make(chan cache.Versions)
		// A device of the same stripe joins the gathering read.
		go func() { v, _ := r.ReadDevice(context.Background(), dev+cache.TicketStripes); joined <- v }()
		waitFor(t, "the second request to join", func() bool { return r.Gathered(dev) == 2 })
		cancel()
		if err := <-opener; !errors.Is(err, context.Canceled) {
			t.Errorf("the cancelled request returned %v", err)
		}
		close(g.gate)
		v := <-joined
		if v.Auth == 0 || v.Device != 0 && v.Device != dev+cache.TicketStripes {
			t.Errorf("the request that joined got %+v", v)
		}
		if c := g.calls.Load(); c != 3 {
			t.Errorf("%d statements, want 3", c)
		}
	})
}
