package tickets_test

import (
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestGetUpdatesIsNotMeToo is issue 13's leftover on both databases: staff who
// press "Get updates" on a ticket they see by their role are recorded as
// EventWatched ("X gets this ticket's updates"), while an employee's "me too" at
// the device, and staff's own "me too" there (a code given), stay EventFollowed.
// A follower who reads the limited history sees neither.
func TestGetUpdatesIsNotMeToo(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		tk := e.fileSecret(t)
		must(0, e.svc.Follow(e.ctx, e.b, tk.ID, ""))(t)                 // an executor of the department, on the ticket
		must(0, e.svc.Follow(e.ctx, e.admin, tk.ID, ""))(t)             // an admin, on the ticket
		must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)  // an employee at the device
		must(0, e.svc.Follow(e.ctx, e.other, tk.ID, e.printer.Code))(t) // staff of another department at the device: the same problem
		must(0, e.svc.Follow(e.ctx, e.b, tk.ID, ""))(t)                 // again: nothing new

		kinds := map[int64]string{}
		for _, ev := range must(e.svc.View(e.ctx, e.boss, tk.ID))(t).Events {
			if ev.Kind == tickets.EventFollowed || ev.Kind == tickets.EventWatched {
				if _, dup := kinds[ev.ActorID]; dup {
					t.Errorf("%s follows twice in the history", ev.ActorEmail)
				}
				kinds[ev.ActorID] = ev.Kind
			}
		}
		for _, w := range []struct {
			u    *users.User
			kind string
		}{{e.b, tickets.EventWatched}, {e.admin, tickets.EventWatched}, {e.emp2, tickets.EventFollowed}, {e.other, tickets.EventFollowed}} {
			if kinds[w.u.ID] != w.kind {
				t.Errorf("%s: history event %q, want %q", w.u.Email, kinds[w.u.ID], w.kind)
			}
		}
		if len(kinds) != 4 {
			t.Errorf("history events of following: %v, want 4", kinds)
		}
		// The employee who only follows reads status changes: no one's following.
		for _, ev := range must(e.svc.View(e.ctx, e.emp2, tk.ID))(t).Events {
			if ev.Kind == tickets.EventFollowed || ev.Kind == tickets.EventWatched {
				t.Errorf("a limited follower reads %+v", ev)
			}
		}
	})
}
