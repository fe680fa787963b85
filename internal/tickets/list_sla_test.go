package tickets_test

import (
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/sla"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// The journal's service-level filter (SQL) agrees with the state the pages show
// (Go) for every ticket, and the order by due time pages through every ticket
// with a due time once, soonest first.
func TestJournalBySLAState(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		levels := sla.NewService(d, time.UTC, e.clk.Now)
		must(levels.SetProblemTarget(e.ctx, e.admin, e.paper, sla.TargetInput{Take: "30m", Done: "2h"}))(t)
		e.available(t, e.a, false)
		e.available(t, e.b, false)
		var ids []int64
		for i := 0; i < 12; i++ {
			tk := e.file(t, e.paper)
			ids = append(ids, tk.ID)
			switch i % 6 {
			case 1:
				must(e.svc.Take(e.ctx, e.a, tk.ID))(t)
			case 2:
				must(e.svc.Take(e.ctx, e.a, tk.ID))(t)
				must(e.svc.Complete(e.ctx, e.a, tk.ID, "fixed"))(t)
			case 3:
				must(e.svc.Cancel(e.ctx, e.emp, tk.ID, "never mind"))(t)
			}
			e.clk.Add(17 * time.Minute)
		}
		e.file(t, e.smoke) // no department, no target
		all := map[int64]sla.State{}
		for _, id := range ids {
			all[id] = must(e.svc.Get(e.ctx, e.admin, id))(t).SLAState(e.clk.Now())
		}
		seen := map[sla.State]int{}
		for _, st := range sla.States {
			page := must(e.svc.List(e.ctx, e.admin, tickets.Filter{SLA: st, Limit: tickets.MaxLimit}))(t)
			for _, r := range page.Items {
				if got := all[r.ID]; got != st {
					t.Errorf("filter %q lists %d whose state is %q", st, r.ID, got)
				}
				seen[st]++
			}
		}
		want := map[sla.State]int{}
		for _, st := range all {
			if st != sla.StateNone {
				want[st]++
			}
		}
		for _, st := range sla.States {
			if seen[st] != want[st] {
				t.Errorf("filter %q listed %d, want %d", st, seen[st], want[st])
			}
		}
		if want[sla.StateBreached] == 0 || want[sla.StateOnTrack]+want[sla.StateAtRisk] == 0 || want[sla.StateMet] == 0 {
			t.Fatalf("the case does not cover the states: %v", want)
		}
		counts := must(e.svc.Counts(e.ctx, e.admin, tickets.Filter{SLA: sla.StateBreached}))(t)
		n := 0
		for _, c := range counts {
			n += c
		}
		if n != want[sla.StateBreached] {
			t.Errorf("counts of breached %d, want %d", n, want[sla.StateBreached])
		}
		// By due time, three at a time.
		var got []int64
		var last time.Time
		f := tickets.Filter{Sort: tickets.SortDue, Limit: 3}
		for {
			page := must(e.svc.List(e.ctx, e.admin, f))(t)
			for _, r := range page.Items {
				if r.DoneBy == nil || r.DoneBy.Before(last) {
					t.Fatalf("ticket %d out of order (%v after %v)", r.ID, r.DoneBy, last)
				}
				last = *r.DoneBy
				got = append(got, r.ID)
			}
			if page.NextCursor == "" {
				break
			}
			f.Cursor = page.NextCursor
		}
		if len(got) != len(ids) {
			t.Fatalf("by due time listed %d tickets, want %d", len(got), len(ids))
		}
		if _, err := e.svc.List(e.ctx, e.admin, tickets.Filter{SLA: "late"}); err == nil {
			t.Fatal("an unknown state was accepted")
		}
		if _, err := e.svc.List(e.ctx, e.admin, tickets.Filter{Sort: "due", Cursor: "MTIz"}); err == nil {
			t.Fatal("a newest-first cursor was accepted by the due order")
		}
	})
}
