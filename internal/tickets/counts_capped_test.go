package tickets_test

import (
	"database/sql"
	"testing"
	"time"

	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// testJournalCappedScoped gives an executor and an employee more than CountCap
// done tickets, each way of seeing one contributing part (reported, assigned,
// the department's, followed, and tickets seen two ways at once, which must
// count once), and checks every reader's tabs against the exact counts: the
// count itself up to the cap, "CountCap+" beyond it.
func testJournalCappedScoped(t *testing.T, e *jenv) {
	at := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	add := func(tx *sql.Tx, n int, reporter *users.User, dep int64, assignee *users.User, followers ...*users.User) error {
		for i := range n {
			var dv, asg any
			if dep != 0 {
				dv = dep
			}
			if assignee != nil {
				asg = assignee.ID
			}
			var id int64
			if err := tx.QueryRowContext(e.ctx, `INSERT INTO tickets (asset_id, problem_type_id, reporter_id, department_id, routed_by,
				assignee_id, status, created_at, done_at) VALUES ($1, $2, $3, $4, 'rule', $5, 'done', $6, $7) RETURNING id`,
				e.printer.ID, e.paper, reporter.ID, dv, asg, at.Add(time.Duration(i)*time.Minute), at.Add(time.Duration(i)*time.Minute+time.Hour)).Scan(&id); err != nil {
				return err
			}
			for _, f := range followers {
				if _, err := tx.ExecContext(e.ctx, `INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2)`, id, f.ID); err != nil {
					return err
				}
			}
		}
		return nil
	}
	check := func(t *testing.T, who string, u *users.User, over tickets.Status) {
		t.Helper()
		exact := must(e.svc.Counts(e.ctx, u, tickets.Filter{}))(t)
		if exact[over] <= tickets.CountCap {
			t.Fatalf("%s sees %d %s tickets: the test needs more than %d", who, exact[over], over, tickets.CountCap)
		}
		for st, c := range must(e.svc.CappedCounts(e.ctx, u, tickets.Filter{}))(t) {
			want := tickets.StatusCount{N: exact[st]}
			if exact[st] > tickets.CountCap {
				want = tickets.StatusCount{N: tickets.CountCap, More: true}
			}
			if c != want {
				t.Fatalf("%s, %s: capped %+v, exact %d", who, st, c, exact[st])
			}
		}
	}
	// Under the cap, each way once: a reported (and followed) 300, assigned 250
	// of which 100 also reported by a, department's 300; emp reported and
	// follows 400, follows 300 more of emp2's.
	err := e.d.InTx(e.ctx, func(tx *sql.Tx) error {
		for _, step := range []func() error{
			func() error { return add(tx, 300, e.a, e.fac, e.other, e.a) },
			func() error { return add(tx, 150, e.emp2, e.fac, e.a) },
			func() error { return add(tx, 100, e.a, e.fac, e.a, e.a) },
			func() error { return add(tx, 300, e.emp2, e.it, e.b) },
			func() error { return add(tx, 400, e.emp, 0, nil, e.emp) },
			func() error { return add(tx, 300, e.emp2, e.fac, e.other, e.emp, e.emp2) },
		} {
			if err := step(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// a: 300 + 150 + 100 + 300 (+ t6) = 851; emp: 700.
	for who, u := range map[string]*users.User{"a": e.a, "emp": e.emp} {
		exact := must(e.svc.Counts(e.ctx, u, tickets.Filter{}))(t)
		for st, c := range must(e.svc.CappedCounts(e.ctx, u, tickets.Filter{}))(t) {
			if c.N != exact[st] || c.More {
				t.Fatalf("%s, %s, under the cap: capped %+v, exact %d", who, st, c, exact[st])
			}
		}
		if exact[tickets.StatusDone] < 700 {
			t.Fatalf("%s sees %d done tickets, want at least 700", who, exact[tickets.StatusDone])
		}
	}
	// Over it: the department's and the followed tickets push each past 1000.
	err = e.d.InTx(e.ctx, func(tx *sql.Tx) error {
		if err := add(tx, 200, e.emp2, e.it, e.b); err != nil {
			return err
		}
		return add(tx, 350, e.emp2, e.fac, e.other, e.emp)
	})
	if err != nil {
		t.Fatal(err)
	}
	check(t, "executor a", e.a, tickets.StatusDone)
	check(t, "employee emp", e.emp, tickets.StatusDone)
}
