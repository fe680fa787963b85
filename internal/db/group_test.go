package db_test

import (
	"context"
	"database/sql"
	"errors"
	"sync"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestGroupCommit: callers queued while a commit is under way share the next
// transaction; a caller's error or panic rolls back its own writes only; every
// caller returns after the commit, its rows readable from the read pool.
func TestGroupCommit(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.W.Exec("CREATE TABLE group_probe (n INTEGER PRIMARY KEY)"); err != nil {
			t.Fatal(err)
		}
		g := db.NewGroup(d, 0)
		var mu sync.Mutex
		txs := map[*sql.Tx]int{}
		errBad := errors.New("bad caller")
		// The first caller holds the batch open until the others are queued.
		started, release := make(chan struct{}), make(chan struct{})
		first := make(chan error, 1)
		go func() {
			first <- g.Do(ctx, func(tx *sql.Tx) error {
				close(started)
				<-release
				_, err := tx.Exec("INSERT INTO group_probe (n) VALUES (1000)")
				return err
			})
		}()
		<-started
		const n = 30
		errs := make([]error, n)
		panics := make([]any, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panics[i] = recover() }()
				errs[i] = g.Do(ctx, func(tx *sql.Tx) error {
					mu.Lock()
					txs[tx]++
					mu.Unlock()
					if _, err := tx.Exec("INSERT INTO group_probe (n) VALUES ($1)", i); err != nil {
						return err
					}
					switch i % 10 {
					case 3:
						return errBad
					case 7:
						panic("caller panics")
					}
					return nil
				})
			}()
		}
		time.Sleep(100 * time.Millisecond) // let all of them queue behind the first
		close(release)
		wg.Wait()
		if err := <-first; err != nil {
			t.Fatal(err)
		}
		want := 1
		for i := range n {
			switch i % 10 {
			case 3:
				if !errors.Is(errs[i], errBad) {
					t.Errorf("caller %d: %v, want its own error", i, errs[i])
				}
			case 7:
				if panics[i] != "caller panics" {
					t.Errorf("caller %d: panic %v re-raised, want its own", i, panics[i])
				}
			default:
				want++
				if errs[i] != nil || panics[i] != nil {
					t.Errorf("caller %d failed beside the bad ones: %v %v", i, errs[i], panics[i])
				}
				var one int
				if err := d.R.QueryRow("SELECT 1 FROM group_probe WHERE n = $1", i).Scan(&one); err != nil {
					t.Errorf("caller %d's row after its answer: %v", i, err)
				}
			}
		}
		var got int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM group_probe").Scan(&got); err != nil || got != want {
			t.Errorf("%d rows (%v), want %d: a bad caller's row survived or a good one's was lost", got, err, want)
		}
		if len(txs) >= n {
			t.Errorf("%d callers used %d transactions: nothing was grouped", n, len(txs))
		}
		t.Logf("%d queued callers shared %d transaction(s)", n, len(txs))
	})
}

// TestOneGroupPerDatabase: every writer that asks the database for its group
// commit gets the same one, so filings and (on SQLite) deliveries share batches
// instead of taking turns on the writer, each batch with its own fsync.
func TestOneGroupPerDatabase(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		if g := d.Group(); g == nil || g != d.Group() {
			t.Fatalf("DB.Group gave %p, then %p", g, d.Group())
		}
	})
}
