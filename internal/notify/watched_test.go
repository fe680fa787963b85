package notify_test

import (
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestGetUpdatesTellsNobody: staff pressing "Get updates" (tickets.EventWatched)
// is news for nobody, like "me too", and from then on they hear what a follower
// with the full view hears: the reporter's own comment included, which a
// "me too" follower does not read.
func TestGetUpdatesTellsNobody(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		t1 := e.file(t, e.paper)
		last := e.lastID(t)
		if err := e.tk.Follow(e.ctx, e.b, t1.ID, ""); err != nil {
			t.Fatal(err)
		}
		e.expect(t, "get updates", last)
		last = e.lastID(t)
		must(e.tk.Comment(e.ctx, e.emp, t1.ID, "thanks"))(t)
		e.expect(t, "reporter's comment", last, "comment telegram a pending", "comment telegram b pending")
	})
}
