package tickets_test

import (
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestPhotoRetention: the photos of tickets done or cancelled before the cutoff go;
// open, reopened and recently closed tickets keep theirs, and every ticket stays.
func TestPhotoRetention(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		photo := jpegOf(t, halves(64, 48))
		file := func() *tickets.Ticket {
			return must(e.fileWith(photo, ""))(t)
		}
		assignee := func(tk *tickets.Ticket) *users.User {
			if tk.AssigneeID == e.a.ID {
				return e.a
			}
			return e.b
		}
		done := file()
		must(e.svc.Complete(e.ctx, assignee(done), done.ID, "fixed"))(t)
		cancelled := file()
		must(e.svc.Cancel(e.ctx, e.emp, cancelled.ID, "my mistake"))(t)
		open := file()
		reopened := file()
		must(e.svc.Complete(e.ctx, assignee(reopened), reopened.ID, "fixed"))(t)
		must(e.svc.Reopen(e.ctx, e.emp, reopened.ID))(t)
		e.clk.Add(200 * 24 * time.Hour)
		recent := file()
		must(e.svc.Complete(e.ctx, assignee(recent), recent.ID, "fixed"))(t)

		before := must(tickets.Space(e.ctx, d))(t)
		if before.Photos != 5 || before.PhotoBytes <= 0 || before.DatabaseBytes < before.PhotoBytes {
			t.Fatalf("space before: %+v", before)
		}
		n := must(tickets.DropOldPhotos(e.ctx, d, e.clk.Now().Add(-180*24*time.Hour)))(t)
		if n != 2 {
			t.Fatalf("dropped %d photos, want 2", n)
		}
		for _, c := range []struct {
			tk   *tickets.Ticket
			kept bool
		}{{done, false}, {cancelled, false}, {open, true}, {reopened, true}, {recent, true}} {
			var photos, rows int
			if err := d.R.QueryRow("SELECT (SELECT COUNT(*) FROM ticket_photos WHERE ticket_id = $1), (SELECT COUNT(*) FROM tickets WHERE id = $1)", c.tk.ID).Scan(&photos, &rows); err != nil {
				t.Fatal(err)
			}
			if rows != 1 || (photos == 1) != c.kept {
				t.Errorf("ticket %d (%s): %d rows, %d photos; kept want %v", c.tk.ID, c.tk.Status, rows, photos, c.kept)
			}
		}
		after := must(tickets.Space(e.ctx, d))(t)
		if after.Photos != 3 || after.PhotoBytes >= before.PhotoBytes {
			t.Fatalf("space after: %+v (before %+v)", after, before)
		}
	})
}
