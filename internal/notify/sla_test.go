package notify_test

import (
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/reports"
	"smartservice/internal/sla"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// slaKinds is the ticket's service-level events, "kind:clock", as the admin reads
// the history.
func (e *env) slaKinds(t *testing.T, id int64) []string {
	t.Helper()
	var out []string
	for _, ev := range must(e.tk.View(e.ctx, e.admin, id))(t).Events {
		if ev.Kind == tickets.EventSLAAtRisk || ev.Kind == tickets.EventSLABreached {
			out = append(out, ev.Kind+":"+ev.Detail)
		}
	}
	return out
}

func sameList(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// At risk, the assignee is reminded (the heads when nobody has the ticket);
// breached, the heads are told; each level once per ticket, as an event on the
// history, whatever the number of runs.
func TestSLAEscalationOncePerLevel(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		levels := sla.NewService(d, time.UTC, e.clk.Now)
		must(levels.SetProblemTarget(e.ctx, e.admin, e.paper, sla.TargetInput{Take: "30m", Done: "2h"}))(t)
		e.available(t, e.a, false)
		e.available(t, e.b, false)
		t1 := e.file(t, e.paper) // 09:30 Monday, around the clock (no hours set)
		if t1.TakeBy == nil || !t1.TakeBy.Equal(time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)) ||
			!t1.TakeWarnAt.Equal(time.Date(2026, 3, 2, 9, 54, 0, 0, time.UTC)) || !t1.DoneBy.Equal(time.Date(2026, 3, 2, 11, 30, 0, 0, time.UTC)) {
			t.Fatalf("due times %v %v %v", t1.TakeBy, t1.TakeWarnAt, t1.DoneBy)
		}
		if st := t1.SLAState(e.clk.Now()); st != sla.StateOnTrack {
			t.Fatalf("fresh ticket is %q", st)
		}
		last := e.lastID(t)
		e.clk.Add(23 * time.Minute)
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 0 {
			t.Fatalf("escalated %d before 80%%", n)
		}
		e.clk.Add(time.Minute) // 09:54: take at risk, nobody has it: the head
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 1 {
			t.Fatalf("escalated %d at 80%% of the take time, want 1", n)
		}
		e.expect(t, "take at risk", last, "sla_at_risk telegram boss pending", "sla_at_risk mail boss pending")
		last = e.lastID(t)
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 0 {
			t.Fatalf("escalated %d on the second run", n)
		}
		e.expect(t, "second run", last)
		must(e.tk.Take(e.ctx, e.a, t1.ID))(t) // 09:54, in time
		last = e.lastID(t)
		e.clk.Add(72 * time.Minute) // 11:06: done at risk, a has it
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 1 {
			t.Fatalf("escalated %d at 80%% of the done time, want 1", n)
		}
		e.expect(t, "done at risk", last, "sla_at_risk telegram a pending", "sla_at_risk mail a pending")
		last = e.lastID(t)
		e.clk.Add(25 * time.Minute) // 11:31
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 1 {
			t.Fatalf("escalated %d past the due time, want 1", n)
		}
		e.expect(t, "done breached", last, "sla_breached telegram boss pending", "sla_breached mail boss pending")
		e.clk.Add(time.Hour)
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 0 {
			t.Fatalf("escalated %d after every level", n)
		}
		if got, want := e.slaKinds(t, t1.ID), []string{"sla_at_risk:take", "sla_at_risk:done", "sla_breached:done"}; !sameList(got, want) {
			t.Fatalf("history %v, want %v", got, want)
		}
		if st := must(e.tk.Get(e.ctx, e.admin, t1.ID))(t).SLAState(e.clk.Now()); st != sla.StateBreached {
			t.Fatalf("overdue ticket is %q", st)
		}

		// Two instances after downtime: both clocks breached, each told once (and
		// no "at risk" on top of a breach).
		t2 := e.file(t, e.paper)
		e.clk.Add(5 * time.Hour)
		tk2 := tickets.NewService(d, tickets.NewRules(d, e.clk.Now), e.cat, e.clk.Now, tickets.WithNotifier(e.n))
		var wg sync.WaitGroup
		counts := make([]int, 4)
		errs := make([]error, 4)
		for i := range counts {
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				svc := e.tk
				if i%2 == 1 {
					svc = tk2
				}
				counts[i], errs[i] = svc.EscalateSLA(e.ctx)
			}(i)
		}
		wg.Wait()
		total := 0
		for i := range counts {
			if errs[i] != nil {
				t.Fatal(errs[i])
			}
			total += counts[i]
		}
		if got, want := e.slaKinds(t, t2.ID), []string{"sla_breached:take", "sla_breached:done"}; total != 2 || !sameList(got, want) {
			t.Fatalf("four runs on two instances escalated %d, history %v; want 2, %v", total, got, want)
		}
		var rows int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM sla_escalations WHERE ticket_id = $1", t2.ID).Scan(&rows); err != nil || rows != 2 {
			t.Fatalf("escalation rows %d (%v), want 2", rows, err)
		}
		var next db.NullTime
		if err := d.R.QueryRow("SELECT sla_next_at FROM tickets WHERE id = $1", t2.ID).Scan(&next); err != nil || next.Valid {
			t.Fatalf("sla_next_at after the last level: %v (%v), want NULL", next, err)
		}
	})
}

// A ticket with no target has no due times and no state, and is never escalated;
// a cancelled one leaves the job's index range.
func TestSLANoTargetNoState(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, false)
		t1 := e.file(t, e.jam)
		if t1.TakeBy != nil || t1.DoneBy != nil {
			t.Fatalf("a ticket with no target has due times %v %v", t1.TakeBy, t1.DoneBy)
		}
		e.clk.Add(1000 * time.Hour)
		if st := t1.SLAState(e.clk.Now()); st != sla.StateNone {
			t.Fatalf("no target, state %q", st)
		}
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 0 {
			t.Fatalf("escalated %d tickets with no target", n)
		}
		levels := sla.NewService(d, time.UTC, e.clk.Now)
		must(levels.SetProblemTarget(e.ctx, e.admin, e.paper, sla.TargetInput{Done: "1h"}))(t)
		t2 := e.file(t, e.paper)
		must(e.tk.Cancel(e.ctx, e.emp, t2.ID, "found paper"))(t)
		e.clk.Add(2 * time.Hour)
		if n := must(e.tk.EscalateSLA(e.ctx))(t); n != 0 {
			t.Fatalf("escalated a cancelled ticket")
		}
		if st := must(e.tk.Get(e.ctx, e.admin, t2.ID))(t).SLAState(e.clk.Now()); st != sla.StateNone {
			t.Fatalf("cancelled ticket state %q", st)
		}
	})
}

// Due times count the office's working time in its zone: a ticket filed on a
// Friday evening is due on Monday, a holiday on the due day moves it on, a rule
// row's own target wins over the problem type's, and a reopening restarts the
// completion clock.
func TestSLADueTimesAcrossOfficeHours(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, false)
		berlin, err := time.LoadLocation("Europe/Berlin")
		if err != nil {
			t.Fatal(err)
		}
		levels := sla.NewService(d, berlin, e.clk.Now)
		e.available(t, e.a, false)
		e.available(t, e.b, false)
		var week [7]sla.DayInput
		for wd := time.Monday; wd <= time.Friday; wd++ {
			week[wd] = sla.DayInput{Opens: "09:00", Closes: "18:00"}
		}
		must(levels.SetHours(e.ctx, e.admin, week))(t)
		must(levels.AddHoliday(e.ctx, e.admin, "2026-03-30", "Spring holiday"))(t) // the Monday after the clocks change
		must(levels.SetProblemTarget(e.ctx, e.admin, e.paper, sla.TargetInput{Take: "30m", Done: "9h"}))(t)
		tk := tickets.NewService(d, tickets.NewRules(d, e.clk.Now), e.cat, e.clk.Now, tickets.WithNotifier(e.n), tickets.WithLocation(berlin))
		// Friday 27 March 2026, 17:45 in Berlin (CET, UTC+1).
		e.clk.Set(time.Date(2026, 3, 27, 16, 45, 0, 0, time.UTC))
		t1 := must(tk.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper}))(t)
		// 15 minutes on Friday, the weekend (and the clock change), the holiday
		// Monday: take at Tuesday 09:15 CEST, done (9h) at Tuesday 17:45 CEST.
		if want := time.Date(2026, 3, 31, 7, 15, 0, 0, time.UTC); !t1.TakeBy.Equal(want) {
			t.Fatalf("take by %s, want %s", t1.TakeBy.In(berlin), want.In(berlin))
		}
		if want := time.Date(2026, 3, 31, 15, 45, 0, 0, time.UTC); !t1.DoneBy.Equal(want) {
			t.Fatalf("done by %s, want %s", t1.DoneBy.In(berlin), want.In(berlin))
		}
		// A rule row's own target: paper to it in 10 minutes' take.
		rules := must(tickets.NewRules(d, e.clk.Now).List(e.ctx, e.admin))(t)
		for _, r := range rules {
			if r.ProblemID == e.paper {
				must(levels.SetRuleTarget(e.ctx, e.admin, r.ID, sla.TargetInput{Take: "10m"}))(t)
			}
		}
		e.clk.Set(time.Date(2026, 3, 31, 8, 0, 0, 0, time.UTC)) // Tuesday 10:00 CEST
		t2 := must(tk.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper}))(t)
		if want := e.clk.Now().Add(10 * time.Minute); !t2.TakeBy.Equal(want) {
			t.Fatalf("rule's take by %s, want %s", t2.TakeBy, want)
		}
		if want := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC); !t2.DoneBy.Equal(want) {
			t.Fatalf("problem's done by %s, want %s (a working day on)", t2.DoneBy.In(berlin), want.In(berlin))
		}
		// Done late, reopened: the completion clock starts again at the reopening.
		must(tk.Take(e.ctx, e.a, t2.ID))(t)
		e.clk.Set(time.Date(2026, 4, 2, 8, 0, 0, 0, time.UTC))
		done := must(tk.Complete(e.ctx, e.a, t2.ID, "paper added"))(t)
		if st := done.SLAState(e.clk.Now()); st != sla.StateBreached {
			t.Fatalf("done a day late, state %q", st)
		}
		re := must(tk.Reopen(e.ctx, e.emp, t2.ID))(t)
		if want := time.Date(2026, 4, 3, 8, 0, 0, 0, time.UTC); re.DoneBy == nil || !re.DoneBy.Equal(want) {
			t.Fatalf("reopened done by %v, want %s", re.DoneBy, want)
		}
	})
}

// Only administrators set hours and targets; staff read them; nonsense is refused
// with a field error and changes nothing.
func TestSLASettingsAccessAndBadInput(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, false)
		levels := sla.NewService(d, time.UTC, e.clk.Now)
		for _, who := range []struct {
			name string
			err  error
		}{
			{"employee", func() error {
				_, err := levels.SetProblemTarget(e.ctx, e.emp, e.paper, sla.TargetInput{Take: "1h"})
				return err
			}()},
			{"head", func() error {
				_, err := levels.SetProblemTarget(e.ctx, e.boss, e.paper, sla.TargetInput{Take: "1h"})
				return err
			}()},
			{"executor hours", func() error { _, err := levels.SetHours(e.ctx, e.a, [7]sla.DayInput{}); return err }()},
			{"head holiday", func() error { _, err := levels.AddHoliday(e.ctx, e.boss, "2026-05-01", ""); return err }()},
		} {
			if apperr.CodeOf(who.err) != apperr.Forbidden {
				t.Errorf("%s: %v, want Forbidden", who.name, who.err)
			}
		}
		if _, err := levels.Settings(e.ctx, e.emp); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("employee reads the settings: %v", err)
		}
		must(levels.Settings(e.ctx, e.boss))(t)
		for in, field := range map[sla.TargetInput]string{{Take: "0"}: "take", {Done: "-2h"}: "done", {Done: "100000h"}: "done",
			{Take: "soon"}: "take", {Take: "3h", Done: "1h"}: "take"} {
			_, err := levels.SetProblemTarget(e.ctx, e.admin, e.paper, in)
			if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || len(ae.Fields) == 0 || ae.Fields[0].Field != field {
				t.Errorf("%+v: %v, want a field error on %s", in, err, field)
			}
		}
		if _, err := levels.SetProblemTarget(e.ctx, e.admin, 999999, sla.TargetInput{Take: "1h"}); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("absent problem type: %v", err)
		}
		var week [7]sla.DayInput
		week[time.Monday] = sla.DayInput{Opens: "18:00", Closes: "09:00"}
		if _, err := levels.SetHours(e.ctx, e.admin, week); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("closing before opening: %v", err)
		}
		week[time.Monday] = sla.DayInput{Opens: "9", Closes: "25:00"}
		if _, err := levels.SetHours(e.ctx, e.admin, week); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("malformed hours: %v", err)
		}
		if _, err := levels.AddHoliday(e.ctx, e.admin, "2026-02-30", ""); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("impossible date: %v", err)
		}
		st := must(levels.Settings(e.ctx, e.admin))(t)
		if !st.RoundTheClock() || len(st.Holidays) != 0 {
			t.Fatalf("refused input changed the settings: %+v", st)
		}
		for _, p := range st.Problems {
			if p.Any() {
				t.Fatalf("refused target stored: %+v", p)
			}
		}
	})
}

// The report's service-level section counts the period's completed tickets that
// had a target, and those that kept it, per department, problem and executor.
func TestSLAInReports(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, false)
		levels := sla.NewService(d, time.UTC, e.clk.Now)
		must(levels.SetProblemTarget(e.ctx, e.admin, e.paper, sla.TargetInput{Take: "30m", Done: "1h"}))(t)
		e.available(t, e.a, false)
		e.available(t, e.b, false)
		quick, slow := e.file(t, e.paper), e.file(t, e.paper)
		e.file(t, e.jam) // no target: not counted
		must(e.tk.Take(e.ctx, e.a, quick.ID))(t)
		must(e.tk.Complete(e.ctx, e.a, quick.ID, "done"))(t)
		e.clk.Add(2 * time.Hour)
		must(e.tk.Take(e.ctx, e.b, slow.ID))(t)
		must(e.tk.Complete(e.ctx, e.b, slow.ID, "late"))(t)
		rs := reports.NewService(d, time.UTC, e.clk.Now)
		rep := must(rs.Summary(e.ctx, e.admin, reports.Query{Period: reports.Today(e.clk.Now(), time.UTC)}))(t)
		if got := rep.SLA.Total; got.TakeOf != 2 || got.TakeMet != 1 || got.DoneOf != 2 || got.DoneMet != 1 || got.DoneShare() != 50 {
			t.Fatalf("total %+v", got)
		}
		if len(rep.SLA.Executors) != 2 || rep.SLA.Executors[0].DoneMet+rep.SLA.Executors[1].DoneMet != 1 {
			t.Fatalf("by executor %+v", rep.SLA.Executors)
		}
		if len(rep.SLA.Departments) != 1 || rep.SLA.Departments[0].ID != e.it || len(rep.SLA.Problems) != 1 {
			t.Fatalf("by department %+v, by problem %+v", rep.SLA.Departments, rep.SLA.Problems)
		}
		// A head of another department sees none of it.
		if _, err := rs.Summary(e.ctx, e.boss, reports.Query{Period: reports.Today(e.clk.Now(), time.UTC), DepartmentID: e.empty}); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("a head reads another department's report: %v", err)
		}
	})
}
