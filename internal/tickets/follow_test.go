package tickets_test

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestFollow runs the "me too" cases of issue 10, item 5 on SQLite and PostgreSQL:
// following by a guessed id opened any ticket on a shared device, its photo and
// its comments included.
func TestFollow(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range []struct {
			name string
			fn   func(t *testing.T, e *tenv)
		}{
			{"NeedsTheDevice", testFollowNeedsTheDevice},
			{"LimitedView", testFollowLimitedView},
			{"LimitedJournal", testFollowLimitedJournal},
		} {
			t.Run(c.name, func(t *testing.T) {
				emptyTicketsDB(t, d)
				t.Cleanup(func() { emptyTicketsDB(t, d) })
				c.fn(t, newTenv(t, d, acc))
			})
		}
	})
}

// secret is the reporter's comment in these cases: nothing of it may reach a
// follower. It ends in a digit and is followed by the device's name in the search
// text, so a search across that boundary tells whether the comment is cut off at
// exactly the right character.
const secret = "ЗВОНИТЕ мне 5551234"

// fileSecret files a paper ticket on the printer by emp with the secret comment
// and a photo; it goes to a.
func (e *tenv) fileSecret(t *testing.T) *tickets.Ticket {
	t.Helper()
	return must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper, Comment: secret,
		Photo: jpegOf(t, halves(64, 48))}))(t)
}

func testFollowNeedsTheDevice(t *testing.T, e *tenv) {
	tk := e.fileSecret(t)
	closed := e.file(t, e.paper)
	must(e.svc.Complete(e.ctx, e.boss, closed.ID, "fixed"))(t)
	printer2 := must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Printer 2", TypeID: e.typeID}))(t)
	laptop := must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Emp's printer", TypeID: e.typeID, OwnerID: e.emp.ID}))(t)
	personal := must(e.svc.File(e.ctx, e.emp, tickets.FileInput{AssetID: laptop.ID, ProblemID: e.paper}))(t)
	followers, history := e.count(t, "ticket_followers"), e.count(t, "ticket_events")

	// Guessing: every refusal is the NotFound of an absent ticket.
	for _, c := range []struct {
		name string
		id   int64
		code string
	}{
		{"no code", tk.ID, ""},
		{"a malformed code", tk.ID, "../" + e.printer.Code},
		{"an unknown code", tk.ID, "aaaaaaaaaaaaaaaa"},
		{"another device's code", tk.ID, printer2.Code},
		{"an absent ticket", 999999, e.printer.Code},
		{"a closed ticket", closed.ID, e.printer.Code},
	} {
		for _, u := range []*users.User{e.emp2, e.other} {
			if err := e.svc.Follow(e.ctx, u, c.id, c.code); apperr.CodeOf(err) != apperr.NotFound {
				t.Errorf("%s, %s: %v, want NotFound", u.Email, c.name, err)
			}
		}
	}
	// A colleague's personal device is not for an employee to see (staff do).
	wantErr(t, e.svc.Follow(e.ctx, e.emp2, personal.ID, laptop.Code), apperr.NotFound, "")
	// A re-issued label no longer names the device.
	old := e.printer.Code
	e.printer = must(e.cat.ReissueCode(e.ctx, e.admin, e.printer.ID))(t)
	wantErr(t, e.svc.Follow(e.ctx, e.emp2, tk.ID, old), apperr.NotFound, "")
	if f, h := e.count(t, "ticket_followers"), e.count(t, "ticket_events"); f != followers || h != history {
		t.Fatalf("refusals wrote %d followers and %d events, want %d and %d", f, h, followers, history)
	}
	wantErr(t, first(e.svc.Get(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
	wantErr(t, first(e.svc.Brief(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
	wantErr(t, first(e.svc.Brief(e.ctx, e.emp2, 999999)), apperr.NotFound, "")
	wantErr(t, first(e.svc.Brief(e.ctx, nil, tk.ID)), apperr.Unauthenticated, "")

	// At the device: the current code opens the ticket, to an employee and to an
	// executor of another department alike.
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	must(0, e.svc.Follow(e.ctx, e.other, tk.ID, e.printer.Code))(t)
	must(e.svc.Get(e.ctx, e.emp2, tk.ID))(t)
	// Once following, no code is needed (again is no change).
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, ""))(t)
	if f := e.count(t, "ticket_followers"); f != followers+2 {
		t.Fatalf("%d followers, want %d", f, followers+2)
	}
	// Those who see the ticket need no code: staff of its department, a head, the admin.
	for _, u := range []*users.User{e.b, e.boss, e.admin} {
		must(0, e.svc.Follow(e.ctx, u, tk.ID, ""))(t)
	}
	// Who sees a closed ticket may still follow it.
	must(0, e.svc.Follow(e.ctx, e.boss, closed.ID, ""))(t)
	wantErr(t, e.svc.Follow(e.ctx, nil, tk.ID, e.printer.Code), apperr.Unauthenticated, "")
}

// briefIsView fails unless Brief gives u the row and the actions of v, u's View.
func (e *tenv) briefIsView(t *testing.T, u *users.User, v *tickets.View) {
	t.Helper()
	b := must(e.svc.Brief(e.ctx, u, v.Row.ID))(t)
	if !rowsEqual(b.Row, v.Row) || b.Actions != v.Actions {
		t.Errorf("%s: Brief %+v %+v\nView %+v %+v", u.Email, b.Row, b.Actions, v.Row, v.Actions)
	}
}

// leaks names what of the reporter's shows in s (a view printed with %+v).
func (e *tenv) leaks(s string) []string {
	var out []string
	for _, w := range []string{secret, "5551234", e.emp.Email, "still broken", "desk 4.12", "admin's note"} {
		if strings.Contains(s, w) {
			out = append(out, w)
		}
	}
	return out
}

func testFollowLimitedView(t *testing.T, e *tenv) {
	tk := e.fileSecret(t)
	must(e.svc.Comment(e.ctx, e.emp, tk.ID, "still broken, desk 4.12"))(t)
	must(e.svc.Comment(e.ctx, e.a, tk.ID, "part ordered"))(t)
	must(e.svc.Comment(e.ctx, e.admin, tk.ID, "admin's note"))(t)
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	must(0, e.svc.Follow(e.ctx, e.other, tk.ID, e.printer.Code))(t)
	must(e.svc.Complete(e.ctx, e.a, tk.ID, "paper added"))(t)
	must(e.svc.Reopen(e.ctx, e.emp, tk.ID))(t)

	for _, u := range []*users.User{e.emp2, e.other} {
		v := must(e.svc.View(e.ctx, u, tk.ID))(t)
		r := v.Row
		if !r.Limited || r.Comment != "" || r.ReporterID != 0 || r.ReporterName != "" || r.ReporterEmail != "" || r.HasPhoto {
			t.Errorf("%s: the follower's row %+v", u.Email, r)
		}
		// What a "me too" needs is there.
		if r.Number() != tk.Number() || r.Status != tickets.StatusAssigned || r.AssetCode != e.printer.Code || r.AssetName != e.printer.Name ||
			r.ProblemEN != "out of paper" || r.DepartmentEN != "Dept it" || r.AssigneeName != e.a.FullName || r.FollowersCount != 3 ||
			r.ReopenedCount != 1 {
			t.Errorf("%s: the follower's row lacks what a me too needs: %+v", u.Email, r)
		}
		if v.Actions != (tickets.Actions{Unfollow: true}) {
			t.Errorf("%s: the follower's actions %+v", u.Email, v.Actions)
		}
		var got []string
		for _, ev := range v.Events {
			k := ev.Kind + ":" + ev.Detail
			if ev.ByReporter {
				k += " by the reporter"
			}
			if ev.ByReporter && (ev.ActorID != 0 || ev.ActorName != "" || ev.ActorEmail != "") {
				t.Errorf("%s: the reporter named in %+v", u.Email, ev)
			}
			got = append(got, k)
		}
		want := []string{"filed: by the reporter", "routed:" + fmt.Sprint(e.paperRule), "assigned:", "comment:part ordered", "done:paper added",
			"reopened: by the reporter"}
		if !slices.Equal(got, want) {
			t.Errorf("%s: the follower's history\n got %q\nwant %q", u.Email, got, want)
		}
		if l := e.leaks(fmt.Sprintf("%+v", *v)); l != nil {
			t.Errorf("%s: the view shows %q", u.Email, l)
		}
		// Row, Brief and Get say the same as View.
		if row := must(e.svc.Row(e.ctx, u, tk.ID))(t); !rowsEqual(*row, v.Row) {
			t.Errorf("%s: Row %+v\nView %+v", u.Email, *row, v.Row)
		}
		e.briefIsView(t, u, v)
		if g := must(e.svc.Get(e.ctx, u, tk.ID))(t); g.Comment != "" || g.ReporterID != 0 {
			t.Errorf("%s: Get %+v", u.Email, g)
		}
		wantErr(t, first(e.svc.Photo(e.ctx, u, tk.ID)), apperr.NotFound, "")
		before := e.count(t, "ticket_events")
		wantErr(t, first(e.svc.Comment(e.ctx, u, tk.ID, "me too, desk 5")), apperr.Forbidden, "")
		if n := e.count(t, "ticket_events"); n != before {
			t.Errorf("%s: a refused comment was written", u.Email)
		}
	}

	// The reporter and the staff still see everything.
	for _, u := range []*users.User{e.emp, e.a, e.b, e.boss, e.admin} {
		v := must(e.svc.View(e.ctx, u, tk.ID))(t)
		e.briefIsView(t, u, v)
		if v.Row.Limited || v.Row.Comment != secret || v.Row.ReporterID != e.emp.ID || v.Row.ReporterEmail != e.emp.Email || !v.Row.HasPhoto ||
			!v.Actions.Comment {
			t.Errorf("%s: %+v %+v", u.Email, v.Row, v.Actions)
		}
		var comments, followed int
		for _, ev := range v.Events {
			switch {
			case ev.ByReporter:
				t.Errorf("%s: %+v hides its actor", u.Email, ev)
			case ev.Kind == tickets.EventComment:
				comments++
			case ev.Kind == tickets.EventFollowed:
				followed++
			}
		}
		if comments != 3 || followed != 2 {
			t.Errorf("%s: %d comments and %d me-toos in the history, want 3 and 2", u.Email, comments, followed)
		}
		p := must(e.svc.Photo(e.ctx, u, tk.ID))(t)
		if !bytes.HasPrefix(p.Data, []byte{0xff, 0xd8}) {
			t.Errorf("%s: the photo is no JPEG", u.Email)
		}
	}
	// Unfollowing ends it all: the ticket is absent again.
	must(0, e.svc.Unfollow(e.ctx, e.emp2, tk.ID))(t)
	wantErr(t, first(e.svc.View(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
}

func testFollowLimitedJournal(t *testing.T, e *tenv) {
	tk := e.fileSecret(t)
	e.clk.Add(1)
	own := must(e.svc.File(e.ctx, e.emp2, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.jam, Comment: "also broken here"}))(t)
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	ids := func(u *users.User, f tickets.Filter) []int64 {
		t.Helper()
		return rowIDs(must(e.svc.List(e.ctx, u, f))(t).Items)
	}
	total := func(u *users.User, f tickets.Filter) int {
		n := 0
		for _, c := range must(e.svc.Counts(e.ctx, u, f))(t) {
			n += c
		}
		return n
	}
	items := must(e.svc.List(e.ctx, e.emp2, tickets.Filter{}))(t).Items
	if !slices.Equal(rowIDs(items), []int64{own.ID, tk.ID}) {
		t.Fatalf("the follower's journal %v", rowIDs(items))
	}
	if r := items[1]; !r.Limited || r.Comment != "" || r.ReporterName != "" || r.ReporterEmail != "" || r.ReporterID != 0 || r.HasPhoto {
		t.Errorf("the followed ticket's journal row %+v", r)
	}
	if r := items[0]; r.Limited || r.Comment != "also broken here" {
		t.Errorf("the follower's own ticket %+v", r)
	}
	// The text filter matches the device of a followed ticket, never its comment,
	// not even across the end of the comment.
	for q, want := range map[string][]int64{
		"5551234": nil, "also broken": {own.ID}, "звоните": nil, "ЗВОНИТЕ": nil, "4 printer": nil, "printer 4th floor": {own.ID, tk.ID},
		e.printer.Code: {own.ID, tk.ID},
	} {
		if got := ids(e.emp2, tickets.Filter{Q: q}); !slices.Equal(got, want) {
			t.Errorf("the follower's search %q: %v, want %v", q, got, want)
		}
		if got := total(e.emp2, tickets.Filter{Q: q}); got != len(want) {
			t.Errorf("the follower's counts for %q: %d, want %d", q, got, len(want))
		}
	}
	// The reporter and the staff find it by its comment.
	for _, u := range []*users.User{e.emp, e.a, e.admin} {
		if got := ids(u, tickets.Filter{Q: "звоните мне 5551234 printer"}); !slices.Contains(got, tk.ID) {
			t.Errorf("%s: the search by the comment found %v", u.Email, got)
		}
	}
	// Who reported it is not told by the reporter filter either.
	if got := ids(e.emp2, tickets.Filter{ReporterID: e.emp.ID}); len(got) != 0 {
		t.Errorf("the follower's filter by the reporter: %v", got)
	}
	if got := ids(e.admin, tickets.Filter{ReporterID: e.emp.ID}); !slices.Equal(got, []int64{tk.ID}) {
		t.Errorf("the admin's filter by the reporter: %v", got)
	}
	// The export and the home page hold the same limited row.
	var csv bytes.Buffer
	must(0, e.svc.ExportCSV(e.ctx, e.emp2, tickets.Filter{}, &csv))(t)
	if l := e.leaks(csv.String()); l != nil || !strings.Contains(csv.String(), tk.Number()) {
		t.Errorf("the follower's export shows %q:\n%s", l, csv.String())
	}
	desk := must(e.svc.Desk(e.ctx, e.emp2))(t)
	if l := e.leaks(fmt.Sprintf("%+v", desk.Mine)); l != nil || len(desk.Mine) != 2 {
		t.Errorf("the follower's home shows %q: %+v", l, desk.Mine)
	}
}
