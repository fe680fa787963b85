package demo_test

import (
	"context"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestHistory checks the generated past against what filing and the transitions
// would have written: routed by the rules, events in order, times consistent,
// Mondays busier than Saturdays, and filing still works after it (on PostgreSQL the
// id sequence must go on after the generated ids).
func TestHistory(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		acc := testkit.Accounts(t, d)
		sum, err := demo.Load(ctx, d, users.NewStore(d, nil), acc)
		if err != nil {
			t.Fatal(err)
		}
		if sum.Rules == nil || sum.Rules.Created == 0 || sum.Rules.DefaultDepartmentID == 0 {
			t.Fatalf("the demo loaded no starter rules: %+v", sum.Rules)
		}
		msk, err := time.LoadLocation("Europe/Moscow")
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 11, 25, 15, 0, 0, 0, msk)
		hist, err := demo.History(ctx, d, demo.HistoryOptions{Now: now, Location: msk, Seed: 3})
		if err != nil {
			t.Fatal(err)
		}
		if hist.Tickets != 90*9 || hist.Events < 3*hist.Tickets || hist.Open == 0 || hist.Open > hist.Tickets/5 {
			t.Fatalf("history: %+v", hist)
		}
		if hist.From.Before(now.AddDate(0, 0, -90)) || hist.To.After(now) {
			t.Fatalf("history from %s to %s, want within 90 days before %s", hist.From, hist.To, now)
		}
		// Service levels: the demo's targets give the history both kept and broken
		// promises, and every ticket with a target has both due times.
		var onTime, late, partial int
		if err := d.R.QueryRowContext(ctx, `SELECT
			(SELECT COUNT(*) FROM tickets WHERE status = 'done' AND done_at <= done_by),
			(SELECT COUNT(*) FROM tickets WHERE status = 'done' AND done_at > done_by),
			(SELECT COUNT(*) FROM tickets WHERE (take_by IS NULL) <> (done_by IS NULL))`).Scan(&onTime, &late, &partial); err != nil {
			t.Fatal(err)
		}
		if onTime == 0 || late == 0 || partial != 0 {
			t.Fatalf("service levels in the history: %d on time, %d late, %d with one due time", onTime, late, partial)
		}

		rules := tickets.NewRules(d, nil)
		rows, err := d.R.QueryContext(ctx, `SELECT t.id, t.status, t.created_at, t.done_at, COALESCE(t.department_id, 0), t.routed_by, COALESCE(t.rule_id, 0),
			st.class_id, a.type_id, t.problem_type_id, t.search,
			(SELECT COUNT(*) FROM ticket_events e WHERE e.ticket_id = t.id AND e.kind IN ('filed', 'routed')),
			(SELECT COUNT(*) FROM ticket_followers f WHERE f.ticket_id = t.id AND f.user_id = t.reporter_id)
			FROM tickets t JOIN assets a ON a.id = t.asset_id JOIN service_types st ON st.id = a.type_id ORDER BY t.id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var prev time.Time
		perDay := map[time.Weekday]int{}
		statuses := map[string]int{}
		for rows.Next() {
			var id, dept, rule, class, typ, prob int64
			var status, routedBy, search string
			var created time.Time
			var done *time.Time
			var filed, reporterFollows int
			if err := rows.Scan(&id, &status, &created, &done, &dept, &routedBy, &rule, &class, &typ, &prob, &search, &filed, &reporterFollows); err != nil {
				t.Fatal(err)
			}
			statuses[status]++
			perDay[created.In(msk).Weekday()]++
			if created.Before(prev) {
				t.Fatalf("ticket %d was filed before the one before it", id)
			}
			prev = created
			if done != nil && done.Before(created) {
				t.Fatalf("ticket %d done before it was filed", id)
			}
			if filed != 2 || reporterFollows != 1 || search == "" {
				t.Fatalf("ticket %d: %d filed/routed events, reporter follows %d, search %q", id, filed, reporterFollows, search)
			}
			want, err := rules.Resolve(ctx, class, typ, prob)
			if err != nil {
				t.Fatal(err)
			}
			if want.DepartmentID != dept || want.RuleID != rule {
				t.Fatalf("ticket %d routed to %d by rule %d (%s), the rules say %d by %d", id, dept, rule, routedBy, want.DepartmentID, want.RuleID)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if statuses["done"] < hist.Tickets/2 || statuses["cancelled"] == 0 {
			t.Errorf("statuses %v: want mostly done, some cancelled", statuses)
		}
		if perDay[time.Monday] <= 3*perDay[time.Saturday] {
			t.Errorf("Mondays %d tickets, Saturdays %d: want Mondays far busier", perDay[time.Monday], perDay[time.Saturday])
		}

		// Filing goes on after the history, with the next id.
		var admin, emp *users.User
		for _, a := range sum.Accounts {
			switch a.Email {
			case "elena.morozova@demo.office":
				admin = a
			case "anna.petrova@demo.office":
				emp = a
			}
		}
		as := assets.NewService(d, nil)
		var dev *assets.Asset
		for _, dv := range sum.Devices {
			if !dv.Archived && dv.OwnerID == 0 {
				dev = dv
				break
			}
		}
		v, err := as.ViewByID(ctx, admin, dev.ID)
		if err != nil {
			t.Fatal(err)
		}
		tk, err := tickets.NewService(d, rules, as, nil).File(ctx, emp, tickets.FileInput{AssetID: dev.ID, ProblemID: v.Type.Problems[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		var maxID int64
		if err := d.R.QueryRowContext(ctx, "SELECT MAX(id) FROM tickets").Scan(&maxID); err != nil {
			t.Fatal(err)
		}
		if tk.ID != maxID || tk.ID <= int64(hist.Tickets) {
			t.Fatalf("filed ticket %d after %d generated (max id %d)", tk.ID, hist.Tickets, maxID)
		}
	})
}

// TestHistoryNeedsAnOffice: an empty database has nothing to make history of.
func TestHistoryNeedsAnOffice(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	if _, err := demo.History(context.Background(), d, demo.HistoryOptions{Tickets: 10}); err != demo.ErrNoDevices {
		t.Fatalf("History on an empty database: %v, want ErrNoDevices", err)
	}
}
