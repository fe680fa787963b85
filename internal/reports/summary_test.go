package reports_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/reports"
	"smartservice/internal/testkit"
)

// change applies one change to ticket i, in the database (the columns the
// transitions of internal/tickets write) and in the test's own copy.
type change struct {
	o   *office
	ids []int64
}

func (c *change) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := c.o.d.W.ExecContext(c.o.ctx, q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// nullTime is a time parameter, NULL for nil.
func nullTime(p *time.Time) any {
	if p == nil {
		return nil
	}
	return p.UTC()
}

// latest is the latest of the ticket's times, so a change comes after them.
func latest(k *tkt) time.Time {
	l := k.created
	for _, x := range []*time.Time{k.assigned, k.started, k.done, k.cancelled} {
		if x != nil && x.After(l) {
			l = *x
		}
	}
	return l
}

// TestSummaryFollowsEveryChange changes tickets the ways the ticket module does
// (completion, reopening, cancellation, reassignment, a move to another
// department, a deletion) after the summary was filled, and checks that every
// figure read from it still equals the straightforward computation; then reads
// a zone whose midnights are not whole UTC hours (the summary's partial hours),
// and a long period (approximate percentiles, within their bound).
func TestSummaryFollowsEveryChange(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.generate(t, 400, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC))
		rs, err := d.R.QueryContext(o.ctx, `SELECT id FROM tickets ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		c := &change{o: o}
		for rs.Next() {
			var id int64
			if err := rs.Scan(&id); err != nil {
				t.Fatal(err)
			}
			c.ids = append(c.ids, id)
		}
		rs.Close()
		if len(c.ids) != len(o.tickets) {
			t.Fatalf("%d rows for %d tickets", len(c.ids), len(o.tickets))
		}
		rng := rand.New(rand.NewPCG(56, 78))
		after := func(k *tkt) time.Time {
			return latest(k).Add(time.Duration(1+rng.IntN(2*86400)) * time.Second).Truncate(time.Second)
		}
		counts := map[string]int{}
		for i := 0; i < len(o.tickets); i++ {
			k, id := &o.tickets[i], c.ids[i]
			if rng.IntN(3) > 0 {
				continue
			}
			open := k.status == "new" || k.status == "assigned" || k.status == "in_progress"
			switch r := rng.IntN(8); {
			case r == 0 && open && k.assignee != 0:
				at := after(k)
				c.exec(t, `UPDATE tickets SET status = 'done', done_at = $2, resolution = 'fixed', taken_at = COALESCE(taken_at, $2) WHERE id = $1`, id, at.UTC())
				k.status, k.done = "done", &at
				if k.taken == nil {
					k.taken = &at
				}
				counts["complete"]++
			case r == 1 && k.status == "done":
				at := after(k)
				// Reopening restarts the completion clock (done_by), as tickets.Reopen does.
				var doneBy *time.Time
				if k.doneBy != nil {
					due := at.Add(4 * time.Hour)
					doneBy = &due
				}
				c.exec(t, `UPDATE tickets SET status = 'assigned', assigned_at = $2, started_at = NULL, done_at = NULL,
					resolution = '', reopened_count = reopened_count + 1, done_by = $3 WHERE id = $1`, id, at.UTC(), nullTime(doneBy))
				k.status, k.assigned, k.started, k.done, k.doneBy = "assigned", &at, nil, nil, doneBy
				counts["reopen"]++
			case r == 2 && open:
				at := after(k)
				c.exec(t, `UPDATE tickets SET status = 'cancelled', cancelled_at = $2, cancel_reason = 'no' WHERE id = $1`, id, at.UTC())
				k.status, k.cancelled = "cancelled", &at
				counts["cancel"]++
			case r == 3 && open && k.dep != 0:
				at := after(k)
				to, who := o.fac, o.y.ID
				if k.dep == o.fac {
					to, who = o.it, o.x.ID
				}
				c.exec(t, `UPDATE tickets SET department_id = $2, status = 'assigned', assignee_id = $3, assigned_at = $4, started_at = NULL
					WHERE id = $1`, id, to, who, at.UTC())
				k.dep, k.assignee, k.status, k.assigned, k.started = to, who, "assigned", &at, nil
				counts["move"]++
			case r == 4 && k.status == "done" && k.dep != 0:
				// A completed ticket moved: its completion counts for the other department.
				to, who := o.fac, o.y.ID
				if k.dep == o.fac {
					to, who = o.it, o.x.ID
				}
				c.exec(t, `UPDATE tickets SET department_id = $2, assignee_id = $3 WHERE id = $1`, id, to, who)
				k.dep, k.assignee = to, who
				counts["move done"]++
			case r == 6 && k.status == "done" && (k.takeBy != nil || k.doneBy != nil):
				// A due time moved after completion (a target changed and was
				// recomputed, an admin's fix): the section follows the new one.
				takeBy, doneBy := k.takeBy, k.doneBy
				if takeBy != nil {
					x := takeBy.Add(time.Duration(rng.IntN(7200)-3600) * time.Second)
					takeBy = &x
				} else {
					x := k.created.Add(30 * time.Minute)
					takeBy = &x
				}
				if doneBy != nil && rng.IntN(2) == 0 {
					doneBy = nil
				}
				c.exec(t, `UPDATE tickets SET take_by = $2, done_by = $3 WHERE id = $1`, id, nullTime(takeBy), nullTime(doneBy))
				k.takeBy, k.doneBy = takeBy, doneBy
				counts["due time"]++
			case r == 7 && k.status == "done":
				// Taken later than recorded, and counted under another problem.
				taken := k.done.Add(-time.Duration(rng.IntN(600)) * time.Second)
				prob := o.problems[(slices.Index(o.problems, k.problem)+1)%len(o.problems)]
				c.exec(t, `UPDATE tickets SET taken_at = $2, problem_type_id = $3 WHERE id = $1`, id, taken.UTC(), prob)
				k.taken, k.problem = &taken, prob
				counts["taken, problem"]++
			case r == 5:
				c.exec(t, `DELETE FROM ticket_events WHERE ticket_id = $1`, id)
				c.exec(t, `DELETE FROM tickets WHERE id = $1`, id)
				o.tickets = append(o.tickets[:i], o.tickets[i+1:]...)
				c.ids = append(c.ids[:i], c.ids[i+1:]...)
				i--
				counts["delete"]++
			}
		}
		// A device deleted with its tickets.
		gone := o.devices[len(o.devices)-1]
		for i := 0; i < len(o.tickets); i++ {
			if o.tickets[i].asset == gone {
				c.exec(t, `DELETE FROM ticket_events WHERE ticket_id = $1`, c.ids[i])
				c.exec(t, `DELETE FROM ticket_followers WHERE ticket_id = $1`, c.ids[i])
				c.exec(t, `DELETE FROM tickets WHERE id = $1`, c.ids[i])
				o.tickets = append(o.tickets[:i], o.tickets[i+1:]...)
				c.ids = append(c.ids[:i], c.ids[i+1:]...)
				i--
				counts["device deleted"]++
			}
		}
		c.exec(t, `DELETE FROM assets WHERE id = $1`, gone)
		o.devices = o.devices[:len(o.devices)-1]
		for _, what := range []string{"complete", "reopen", "cancel", "move", "move done", "delete", "due time", "taken, problem", "device deleted"} {
			if counts[what] == 0 {
				t.Fatalf("no %q among the changes %v: the test tests less than it says", what, counts)
			}
		}
		period := reports.Period{From: time.Date(2026, 3, 23, 0, 0, 0, 0, o.loc), To: time.Date(2026, 4, 3, 0, 0, 0, 0, o.loc)}
		check := func(t *testing.T, period reports.Period) {
			for _, c := range []struct {
				name string
				q    reports.Query
				deps []int64
				head bool
			}{
				{"admin", reports.Query{Period: period}, nil, false},
				{"admin, facilities", reports.Query{Period: period, DepartmentID: o.fac}, []int64{o.fac}, false},
				{"head of it", reports.Query{Period: period}, []int64{o.it}, true},
			} {
				actor := o.admin
				if c.head {
					actor = o.boss
				}
				rep := must(o.svc.Summary(o.ctx, actor, c.q))(t)
				checkFigures(t, c.name+", this period", rep.Current, o.want(period, c.deps))
				checkFigures(t, c.name+", previous period", rep.Before, o.want(period.Previous(), c.deps))
				o.checkDays(t, rep, c.deps)
				o.checkBreakdowns(t, rep, period, c.deps)
				o.checkBacklog(t, rep, c.deps)
				o.checkSLA(t, c.name, rep, period, c.deps)
			}
		}
		t.Run("after the changes", func(t *testing.T) { check(t, period) })
		t.Run("one day, shorter than a UTC day", func(t *testing.T) {
			day := time.Date(2026, 3, 30, 0, 0, 0, 0, o.loc)
			check(t, reports.Period{From: day, To: day})
		})
		t.Run("a zone half an hour off", func(t *testing.T) {
			loc := zone(t, "Asia/Kolkata")
			saved, savedSvc := o.loc, o.svc
			o.loc, o.svc = loc, reports.NewService(d, loc, func() time.Time { return o.now })
			defer func() { o.loc, o.svc = saved, savedSvc }()
			check(t, reports.Period{From: time.Date(2026, 3, 23, 0, 0, 0, 0, loc), To: time.Date(2026, 4, 3, 0, 0, 0, 0, loc)})
		})
		t.Run("a long period", func(t *testing.T) {
			// Two whole blocks of four weeks (12 February to 9 April, UTC), weeks and
			// days around them.
			long := reports.Period{From: time.Date(2026, 2, 10, 0, 0, 0, 0, o.loc), To: time.Date(2026, 4, 10, 0, 0, 0, 0, o.loc)}
			if long.Days() <= reports.ApproxAfterDays {
				t.Fatalf("%d days is not long", long.Days())
			}
			for _, deps := range [][]int64{nil, {o.it}} {
				q := reports.Query{Period: long}
				if deps != nil {
					q.DepartmentID = deps[0]
				}
				rep := must(o.svc.Summary(o.ctx, o.admin, q))(t)
				want := o.want(long, deps)
				if want.Completion.Count < 50 {
					t.Fatalf("too few completions to test: %+v", want)
				}
				checkApprox(t, "completion", rep.Current.Completion, want.Completion)
				checkApprox(t, "first action", rep.Current.FirstAction, want.FirstAction)
				got := rep.Current
				got.Completion, got.FirstAction = want.Completion, want.FirstAction
				checkFigures(t, "long period's counts", got, want)
				o.checkDays(t, rep, deps)
				o.checkBreakdowns(t, rep, long, deps)
				o.checkSLA(t, "long period", rep, long, deps)
			}
		})
	})
}

// checkApprox holds an approximate spread to its promise: the count exact, the
// average exact to a rounding step, median and 90th percentile within
// ApproxError of the exact value or a second.
func checkApprox(t *testing.T, what string, got, want reports.Spread) {
	t.Helper()
	if !got.Approx {
		t.Errorf("%s: a long period's percentiles are not marked approximate", what)
	}
	within := func(a, b time.Duration) bool {
		return math.Abs(float64(a-b)) <= reports.ApproxError*float64(b)+float64(time.Second)
	}
	if got.Count != want.Count || !within(got.Avg, want.Avg) || !within(got.Median, want.Median) || !within(got.P90, want.P90) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

// TestApproximatePercentilesStayWithinTheirBound puts durations on every kind
// of bin edge (whole seconds below 100, the geometric bins above, days) and
// checks the approximate median and 90th percentile of a long period against the
// exact ones.
func TestApproximatePercentilesStayWithinTheirBound(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		rng := rand.New(rand.NewPCG(9, 10))
		base := time.Date(2026, 1, 10, 0, 0, 0, 0, time.UTC)
		for i := range 60 {
			for _, scale := range []float64{1, 50, 99, 100, 101, 3600, 86400 * 3} {
				created := base.Add(time.Duration(i*24+rng.IntN(20)) * time.Hour)
				assigned := created.Add(time.Duration(rng.IntN(100)) * time.Second)
				started := assigned.Add(time.Duration(scale*rng.Float64()) * time.Second)
				done := created.Add(time.Duration(scale*(0.5+rng.Float64())) * time.Second)
				if done.Before(started) {
					done = started
				}
				o.tickets = append(o.tickets, tkt{asset: o.devices[i%len(o.devices)], problem: o.problems[0], dep: o.it, assignee: o.x.ID,
					created: created, assigned: &assigned, started: &started, done: &done, status: "done"})
			}
		}
		o.insert(t)
		long := reports.Period{From: time.Date(2026, 1, 5, 0, 0, 0, 0, o.loc), To: time.Date(2026, 3, 31, 0, 0, 0, 0, o.loc)}
		rep := must(o.svc.Summary(o.ctx, o.admin, reports.Query{Period: long}))(t)
		want := o.want(long, nil)
		checkApprox(t, "completion", rep.Current.Completion, want.Completion)
		checkApprox(t, "first action", rep.Current.FirstAction, want.FirstAction)
	})
}
