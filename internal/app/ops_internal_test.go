package app

import (
	"context"
	"sync"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestTicketCountsAreCountedOncePerInterval: smartservice_tickets is counted at
// the first scrape, served from that count while it is younger than
// TicketCountsEvery (a ticket filed meanwhile is not in it yet), and counted
// again once it is older, on both databases.
func TestTicketCountsAreCountedOncePerInterval(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		acc := testkit.Accounts(t, d)
		if _, err := demo.Load(ctx, d, users.NewStore(d, nil), acc); err != nil {
			t.Fatal(err)
		}
		as := assets.NewService(d, nil)
		tk := tickets.NewService(d, tickets.NewRules(d, nil), as, nil)
		var asset, problem int64
		if err := d.R.QueryRow(`SELECT a.id, tp.problem_type_id FROM assets a JOIN type_problems tp ON tp.type_id = a.type_id
			WHERE a.owner_id IS NULL ORDER BY a.id, tp.position LIMIT 1`).Scan(&asset, &problem); err != nil {
			t.Fatal(err)
		}
		emp, err := acc.UserByEmail(ctx, "anna.petrova@demo.office")
		if err != nil {
			t.Fatal(err)
		}
		file := func() {
			t.Helper()
			if _, err := tk.File(ctx, emp, tickets.FileInput{AssetID: asset, ProblemID: problem}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		clock := time.Now()
		c := &opsCollector{db: d, now: func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }}
		total := func() int64 {
			t.Helper()
			counts, ok := c.ticketCounts(ctx)
			if !ok {
				t.Fatal("no count")
			}
			var n int64
			for _, sc := range counts {
				n += sc.n
			}
			return n
		}

		file()
		if n := total(); n != 1 {
			t.Fatalf("first scrape: %d tickets, want 1", n)
		}
		file()
		mu.Lock()
		clock = clock.Add(TicketCountsEvery - time.Second)
		mu.Unlock()
		if n := total(); n != 1 {
			t.Fatalf("a scrape within the interval counted again: %d", n)
		}
		mu.Lock()
		clock = clock.Add(2 * time.Second)
		mu.Unlock()
		if n := total(); n != 2 {
			t.Fatalf("a scrape after the interval: %d tickets, want 2", n)
		}
		// A clock set back (an NTP step) counts again rather than serving a count
		// from the future for as long as the step.
		file()
		mu.Lock()
		clock = clock.Add(-time.Hour)
		mu.Unlock()
		if n := total(); n != 3 {
			t.Fatalf("after the clock went back: %d tickets, want 3", n)
		}
	})
}
