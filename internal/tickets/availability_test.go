package tickets_test

import (
	"slices"
	"strconv"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestOwnAvailability: an executor goes away keeping their tickets or handing
// them back; handed back, a ticket goes to a colleague who is in, or waits.
func TestOwnAvailability(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		emptyTicketsDB(t, d)
		t.Cleanup(func() { emptyTicketsDB(t, d) })
		e := newTenv(t, d, acc)
		fresh := func(u *users.User) *users.User {
			return must(acc.User(e.ctx, e.admin, u.ID))(t)
		}
		wantErr(t, first(e.svc.SetAvailability(e.ctx, e.emp, false, false)), apperr.Forbidden, "")
		wantErr(t, first(e.svc.MyAvailability(e.ctx, e.boss)), apperr.Forbidden, "")
		wantErr(t, first(e.svc.SetAvailability(e.ctx, e.a, true, true)), apperr.Invalid, "")

		t1 := e.file(t, e.paper) // to a
		must(e.svc.Start(e.ctx, e.a, t1.ID))(t)
		if av := must(e.svc.MyAvailability(e.ctx, e.a))(t); !av.Available || av.Holding != 1 {
			t.Fatalf("a's availability %+v", av)
		}
		// a leaves and hands t1 back: b, who is in, gets it, not started.
		if n := must(e.svc.SetAvailability(e.ctx, e.a, false, true))(t); n != 1 {
			t.Fatalf("handed back %d", n)
		}
		e.a = fresh(e.a)
		if e.a.Available {
			t.Fatal("a is still available")
		}
		got := must(e.svc.Get(e.ctx, e.admin, t1.ID))(t)
		if got.AssigneeID != e.b.ID || got.Status != tickets.StatusAssigned || got.StartedAt != nil {
			t.Fatalf("handed back to b: %+v", got)
		}
		if k := e.kinds(t, t1.ID); !slices.Equal(k[len(k)-2:], []string{"handed_back:", "assigned:@" + strconv.FormatInt(e.b.ID, 10)}) {
			t.Fatalf("events %v", k)
		}
		// New tickets skip a while away.
		if t2 := e.file(t, e.paper); t2.AssigneeID != e.b.ID {
			t.Fatalf("filed while a is away: %+v", t2)
		}
		// b leaves keeping their tickets: they stay b's.
		must(e.svc.SetAvailability(e.ctx, e.b, false, false))(t)
		if got := must(e.svc.Get(e.ctx, e.admin, t1.ID))(t); got.AssigneeID != e.b.ID {
			t.Fatalf("kept: %+v", got)
		}
		// Then hands them back with nobody in: both wait, and the head sees them.
		e.b = fresh(e.b)
		if n := must(e.svc.SetAvailability(e.ctx, e.b, false, true))(t); n != 2 {
			t.Fatalf("b handed back %d", n)
		}
		got = must(e.svc.Get(e.ctx, e.admin, t1.ID))(t)
		if got.AssigneeID != 0 || got.Status != tickets.StatusNew || got.AssignedAt != nil {
			t.Fatalf("handed back to nobody: %+v", got)
		}
		if w := must(e.svc.Desk(e.ctx, e.boss))(t).Waiting; len(w) != 2 {
			t.Fatalf("the head's waiting list has %d", len(w))
		}
		// a comes back: available again, and the next filing goes to them.
		must(e.svc.SetAvailability(e.ctx, e.a, true, false))(t)
		if !fresh(e.a).Available {
			t.Fatal("a is not back")
		}
		if t3 := e.file(t, e.paper); t3.AssigneeID != e.a.ID {
			t.Fatalf("filed with a back: %+v", t3)
		}
	})
}
