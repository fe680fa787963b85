package tickets_test

import (
	"slices"
	"strconv"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// TestSendUnrouted: an administrator sends an unrouted ticket to a department,
// which assigns it as filing would; nobody else may, and only an unrouted new one.
func TestSendUnrouted(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		emptyTicketsDB(t, d)
		t.Cleanup(func() { emptyTicketsDB(t, d) })
		e := newTenv(t, d, acc)
		u := e.file(t, e.smoke)
		if acts := must(e.svc.View(e.ctx, e.admin, u.ID))(t).Actions; !acts.Send || acts.Reassign {
			t.Fatalf("admin's actions on an unrouted ticket %+v", acts)
		}
		if acts := must(e.svc.View(e.ctx, e.boss, u.ID))(t).Actions; acts.Send {
			t.Fatal("a head may send an unrouted ticket")
		}
		wantErr(t, first(e.svc.Send(e.ctx, e.boss, u.ID, e.it)), apperr.Forbidden, "")
		wantErr(t, first(e.svc.Send(e.ctx, e.a, u.ID, e.it)), apperr.NotFound, "")
		ae := wantErr(t, first(e.svc.Send(e.ctx, e.admin, u.ID, 999999)), apperr.Invalid, "")
		if len(ae.Fields) != 1 || ae.Fields[0].Field != "department_id" {
			t.Fatalf("unknown department: %+v", ae)
		}
		wantErr(t, first(e.svc.Send(e.ctx, e.admin, u.ID, 0)), apperr.Invalid, "")
		if got := must(e.svc.Get(e.ctx, e.admin, u.ID))(t); got.DepartmentID != 0 || got.Status != tickets.StatusNew {
			t.Fatalf("a refused send changed the ticket: %+v", got)
		}
		sent := must(e.svc.Send(e.ctx, e.admin, u.ID, e.it))(t)
		if sent.DepartmentID != e.it || sent.Status != tickets.StatusAssigned || sent.AssigneeID != e.a.ID || sent.RoutedBy != tickets.RoutedByNone {
			t.Fatalf("sent: %+v", sent)
		}
		if got := e.kinds(t, u.ID); !slices.Equal(got, []string{"filed:", "routed:none", "routed:sent", "assigned:@" + strconv.FormatInt(e.a.ID, 10)}) {
			t.Fatalf("events %v", got)
		}
		// Sent once, it is routed: a second send is a conflict.
		wantErr(t, first(e.svc.Send(e.ctx, e.admin, u.ID, e.fac)), apperr.Conflict, "ticket.transition")
		// To a department where nobody can take it, it waits there.
		u2 := e.file(t, e.smoke)
		waits := must(e.svc.Send(e.ctx, e.admin, u2.ID, e.empty))(t)
		if waits.Status != tickets.StatusNew || waits.AssigneeID != 0 || waits.DepartmentID != e.empty {
			t.Fatalf("sent to nobody: %+v", waits)
		}
		if got := rowIDs(must(e.svc.Desk(e.ctx, e.admin))(t).Waiting); !slices.Equal(got, []int64{u2.ID}) {
			t.Fatalf("admin's waiting %v, want %d", got, u2.ID)
		}
	})
}
