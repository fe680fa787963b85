package tickets_test

import (
	"database/sql"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// TestExecutorLoadMatchesTheTickets: executor_load, which assignment reads and
// triggers keep, says what counting the tickets says (open tickets held, latest
// assigned_at) after filings, a start, a completion, a cancellation, a
// reassignment, a hand-back and a deletion, on both databases.
func TestExecutorLoadMatchesTheTickets(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		type load struct {
			open int64
			last sql.NullTime
		}
		read := func(query string) map[int64]load {
			rows, err := d.R.QueryContext(e.ctx, query)
			if err != nil {
				t.Fatal(err)
			}
			defer rows.Close()
			out := map[int64]load{}
			for rows.Next() {
				var id int64
				var l load
				var last any
				if err := rows.Scan(&id, &l.open, &last); err != nil {
					t.Fatal(err)
				}
				switch v := last.(type) {
				case time.Time:
					l.last = sql.NullTime{Time: v, Valid: true}
				case string: // SQLite's MAX of a TIMESTAMP column is its text
					at, err := time.Parse("2006-01-02 15:04:05.999999999-07:00", v)
					if err != nil {
						t.Fatal(err)
					}
					l.last = sql.NullTime{Time: at, Valid: true}
				}
				out[id] = l
			}
			return out
		}
		check := func(step string) {
			t.Helper()
			want := read(`SELECT assignee_id, SUM(CASE WHEN status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END), MAX(assigned_at)
				FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id`)
			got := read("SELECT user_id, open_count, last_assigned_at FROM executor_load")
			for id, g := range got {
				w := want[id] // an executor who holds nothing now: 0 and never
				if g.open != w.open || g.last.Valid != w.last.Valid || !g.last.Time.Equal(w.last.Time) {
					t.Errorf("%s: executor %d has load %+v, the tickets say %+v", step, id, g, w)
				}
			}
			for id := range want {
				if _, ok := got[id]; !ok {
					t.Errorf("%s: executor %d holds tickets and has no load row", step, id)
				}
			}
		}
		var ids []int64
		for range 5 {
			ids = append(ids, e.file(t, e.paper).ID)
			e.clk.Add(time.Minute)
		}
		check("filed")
		get := func(id int64) (assignee int64) {
			return must(e.svc.Get(e.ctx, e.admin, id))(t).AssigneeID
		}
		holder := map[int64]*users.User{e.a.ID: e.a, e.b.ID: e.b}
		must(e.svc.Start(e.ctx, holder[get(ids[0])], ids[0]))(t)
		check("started")
		must(e.svc.Complete(e.ctx, holder[get(ids[1])], ids[1], "fixed"))(t)
		check("completed")
		must(e.svc.Cancel(e.ctx, e.emp, ids[2], "not needed"))(t)
		check("cancelled")
		e.clk.Add(time.Minute)
		other := e.a.ID
		if get(ids[3]) == e.a.ID {
			other = e.b.ID
		}
		must(e.svc.Reassign(e.ctx, e.admin, ids[3], other))(t)
		check("reassigned")
		e.clk.Add(time.Minute)
		must(e.svc.SetAvailability(e.ctx, e.a, false, true))(t)
		check("handed back")
		for _, q := range []string{"DELETE FROM ticket_events WHERE ticket_id = $1", "DELETE FROM ticket_followers WHERE ticket_id = $1",
			"DELETE FROM tickets WHERE id = $1"} {
			if _, err := d.W.ExecContext(e.ctx, q, ids[4]); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		check("deleted")
	})
}
