package tickets_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"smartservice/internal/tickets"
)

// refuseBad is a Notifier that refuses the filing of any ticket whose comment
// says "bad", as a failing notification would.
type refuseBad struct{}

func (refuseBad) Notify(ctx context.Context, tx *sql.Tx, e tickets.Event) error {
	if e.Kind != tickets.EventFiled {
		return nil
	}
	var comment string
	if err := tx.QueryRowContext(ctx, "SELECT comment FROM tickets WHERE id = $1", e.TicketID).Scan(&comment); err != nil {
		return err
	}
	if strings.Contains(comment, "bad") {
		return errRefused
	}
	return nil
}

// testConcurrentFilingsIsolated: filings from many goroutines at once (on SQLite
// they share commits, db.Group) each succeed or fail alone: a filing whose
// notifier refuses leaves no row and fails none of its neighbours, and every
// acknowledged ticket is there, with its follower and events, after the answer.
func testConcurrentFilingsIsolated(t *testing.T, e *tenv) {
	svc := tickets.NewService(e.d, e.rules, e.cat, e.clk.Now, tickets.WithNotifier(refuseBad{}))
	const n = 40
	var wg sync.WaitGroup
	ids := make([]int64, n)
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			comment := fmt.Sprintf("good %d", i)
			if i%4 == 1 {
				comment = fmt.Sprintf("bad %d", i)
			}
			tk, err := svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: comment,
				IdempotencyKey: fmt.Sprintf("key-%d", i)})
			errs[i] = err
			if err == nil {
				ids[i] = tk.ID
			}
		}()
	}
	wg.Wait()
	good := 0
	for i := range n {
		switch {
		case i%4 == 1 && !errors.Is(errs[i], errRefused):
			t.Errorf("filing %d (refused by its notifier): %v", i, errs[i])
		case i%4 != 1 && errs[i] != nil:
			t.Errorf("filing %d failed beside a refused one: %v", i, errs[i])
		case i%4 != 1:
			good++
			// Acknowledged means committed: readable at once from the read pool.
			if tk, err := svc.Get(e.ctx, e.admin, ids[i]); err != nil || tk.Comment != fmt.Sprintf("good %d", i) {
				t.Errorf("ticket %d of filing %d after the answer: %+v, %v", ids[i], i, tk, err)
			}
		}
	}
	for table, want := range map[string]int{"tickets": good, "ticket_followers": good, "ticket_idempotency": good} {
		if got := countRows(t, e, table); got != want {
			t.Errorf("%d rows in %s, want %d", got, table, want)
		}
	}
	var bad int
	if err := e.d.R.QueryRowContext(e.ctx, "SELECT COUNT(*) FROM tickets WHERE comment LIKE 'bad%'").Scan(&bad); err != nil || bad != 0 {
		t.Errorf("refused filings left %d tickets (%v)", bad, err)
	}
}
