package tickets_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestTickets runs every ticket case on SQLite and on PostgreSQL, each on an emptied
// database. Run one with -run 'TestTickets/sqlite/Reopen'.
func TestTickets(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range []struct {
			name string
			fn   func(t *testing.T, e *tenv)
		}{
			{"FileAssignsLeastLoaded", testFileAssigns},
			{"FileSkipsUnavailable", testFileSkipsUnavailable},
			{"FileQueueAndUnrouted", testFileQueueAndUnrouted},
			{"FileValidation", testFileValidation},
			{"Lifecycle", testLifecycle},
			{"QueueTakeReassign", testQueueTakeReassign},
			{"Cancel", testCancel},
			{"Reopen", testReopen},
			{"ConcurrentTake", testConcurrentTake},
			{"DuplicateAndFollow", testDuplicateAndFollow},
			{"Scoping", testScoping},
			{"Notifier", testNotifier},
			{"FileByCode", testFileByCode},
			{"View", testView},
			{"ConcurrentFilingsIsolated", testConcurrentFilingsIsolated},
		} {
			t.Run(c.name, func(t *testing.T) {
				emptyTicketsDB(t, d)
				t.Cleanup(func() { emptyTicketsDB(t, d) })
				c.fn(t, newTenv(t, d, acc))
			})
		}
	})
}

func testFileAssigns(t *testing.T, e *tenv) {
	t1 := e.file(t, e.paper)
	if t1.Status != tickets.StatusAssigned || t1.AssigneeID != e.a.ID || t1.DepartmentID != e.it || t1.RuleID != e.paperRule ||
		t1.RoutedBy != tickets.RoutedByRule || t1.AssignedAt == nil || t1.Comment != "please help" {
		t.Fatalf("first ticket: %+v", t1)
	}
	want := []string{"filed:", "routed:" + strconv.FormatInt(e.paperRule, 10), "assigned:@" + strconv.FormatInt(e.a.ID, 10)}
	if got := e.kinds(t, t1.ID); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	e.clk.Add(time.Minute)
	// a has one open ticket, b none: b.
	if t2 := e.file(t, e.paper); t2.AssigneeID != e.b.ID {
		t.Fatalf("second ticket went to %d, want b %d", t2.AssigneeID, e.b.ID)
	}
	e.clk.Add(time.Minute)
	// One each; a was assigned least recently.
	if t3 := e.file(t, e.paper); t3.AssigneeID != e.a.ID {
		t.Fatalf("third ticket went to %d, want a %d", t3.AssigneeID, e.a.ID)
	}
	e.clk.Add(time.Minute)
	// a has two, b one.
	t4 := e.file(t, e.paper)
	if t4.AssigneeID != e.b.ID {
		t.Fatalf("fourth ticket went to %d, want b %d", t4.AssigneeID, e.b.ID)
	}
	// Closed tickets do not count: b completes both; b has 0 open, a 2.
	for _, tk := range []*tickets.Ticket{t4} {
		must(e.svc.Complete(e.ctx, e.b, tk.ID, "fixed"))(t)
	}
	e.clk.Add(time.Minute)
	if t5 := e.file(t, e.paper); t5.AssigneeID != e.b.ID {
		t.Fatalf("fifth ticket went to %d, want b %d", t5.AssigneeID, e.b.ID)
	}
	// The reporter follows and sees the ticket.
	if got := must(e.svc.Get(e.ctx, e.emp, t1.ID))(t); got.ID != t1.ID {
		t.Fatal("reporter cannot see the ticket")
	}
}

func testFileSkipsUnavailable(t *testing.T, e *tenv) {
	e.available(t, e.a, false)
	if tk := e.file(t, e.paper); tk.AssigneeID != e.b.ID {
		t.Fatalf("went to %d, want b %d (a is unavailable)", tk.AssigneeID, e.b.ID)
	}
	if tk := e.file(t, e.paper); tk.AssigneeID != e.b.ID {
		t.Fatalf("went to %d, want b %d (a is unavailable)", tk.AssigneeID, e.b.ID)
	}
	// A deactivated executor is skipped as well.
	off := false
	must(e.acc.UpdateUser(e.ctx, e.admin, e.b.ID, users.UserPatch{Active: &off}))(t)
	if tk := e.file(t, e.paper); tk.Status != tickets.StatusNew || tk.AssigneeID != 0 || tk.DepartmentID != e.it {
		t.Fatalf("with nobody available: %+v", tk)
	}
}

func testFileQueueAndUnrouted(t *testing.T, e *tenv) {
	q := e.file(t, e.jam)
	if q.Status != tickets.StatusNew || q.AssigneeID != 0 || q.DepartmentID != e.empty || q.AssignedAt != nil {
		t.Fatalf("queued: %+v", q)
	}
	if got := e.kinds(t, q.ID); len(got) != 2 || got[0] != "filed:" || !strings.HasPrefix(got[1], "routed:") {
		t.Fatalf("queued events %v", got)
	}
	u := e.file(t, e.smoke)
	if u.Status != tickets.StatusNew || u.DepartmentID != 0 || u.RuleID != 0 || u.RoutedBy != tickets.RoutedByNone {
		t.Fatalf("unrouted: %+v", u)
	}
	if got := e.kinds(t, u.ID); !slices.Equal(got, []string{"filed:", "routed:none"}) {
		t.Fatalf("unrouted events %v", got)
	}
	// An unrouted ticket belongs to no department: executors do not see it, heads
	// and admins do, and nobody can take it.
	wantErr(t, first(e.svc.Take(e.ctx, e.a, u.ID)), apperr.NotFound, "")
	wantErr(t, first(e.svc.Take(e.ctx, e.boss, u.ID)), apperr.Forbidden, "")
	must(e.svc.Get(e.ctx, e.admin, u.ID))(t)
	must(0, e.rules.SetDefaultDepartment(e.ctx, e.admin, e.it))(t)
	dflt := e.file(t, e.smoke)
	if dflt.RoutedBy != tickets.RoutedByDefault || dflt.DepartmentID != e.it || dflt.AssigneeID != e.a.ID {
		t.Fatalf("default: %+v", dflt)
	}
	if got := e.kinds(t, dflt.ID); got[1] != "routed:default" {
		t.Fatalf("default events %v", got)
	}
	// The rule may be deleted; the ticket keeps its id.
	p := e.file(t, e.paper)
	must(0, e.rules.Delete(e.ctx, e.admin, e.paperRule))(t)
	if got := must(e.svc.Get(e.ctx, e.admin, p.ID))(t); got.RuleID != e.paperRule {
		t.Fatalf("rule id %d after delete, want %d", got.RuleID, e.paperRule)
	}
}

func first[T any](_ T, err error) error { return err }

func testFileValidation(t *testing.T, e *tenv) {
	file := func(u *users.User, assetID, problem int64, comment string) error {
		_, err := e.svc.File(e.ctx, u, tickets.FileInput{AssetID: assetID, ProblemID: problem, Comment: comment})
		return err
	}
	wantErr(t, file(nil, e.printer.ID, e.paper, ""), apperr.Unauthenticated, "")
	ae := wantErr(t, file(e.emp, e.printer.ID, e.leak, ""), apperr.Invalid, "")
	if len(ae.Fields) != 1 || ae.Fields[0].Field != "problem_type_id" {
		t.Fatalf("fields %+v", ae.Fields)
	}
	wantErr(t, file(e.emp, e.archived.ID, e.paper, ""), apperr.Conflict, "ticket.asset_archived")
	wantErr(t, file(e.emp, 999999, e.paper, ""), apperr.NotFound, "")
	ae = wantErr(t, file(e.emp, e.printer.ID, e.paper, strings.Repeat("ж", 2001)), apperr.Invalid, "")
	if ae.Fields[0].Field != "comment" || ae.Fields[0].Key != "ticket.text_too_long" {
		t.Fatalf("fields %+v", ae.Fields)
	}
	wantErr(t, file(e.emp, e.printer.ID, e.paper, "bad \xff byte"), apperr.Invalid, "")
	wantErr(t, file(e.emp, e.printer.ID, e.paper, "nul \x00 char"), apperr.Invalid, "")
	var n int
	if err := e.d.R.QueryRow("SELECT COUNT(*) FROM tickets").Scan(&n); err != nil || n != 0 {
		t.Fatalf("%d tickets after failures (%v)", n, err)
	}
	// Exactly 2,000 characters and no comment at all are fine.
	must(0, file(e.emp, e.printer.ID, e.paper, strings.Repeat("ж", 2000)))(t)
	must(0, file(e.emp, e.printer.ID, e.paper, ""))(t)
}

func testLifecycle(t *testing.T, e *tenv) {
	tk := e.file(t, e.paper) // assigned to a
	conflict := func(err error) { t.Helper(); wantErr(t, err, apperr.Conflict, "ticket.transition") }
	wantErr(t, first(e.svc.Start(e.ctx, e.b, tk.ID)), apperr.Forbidden, "")
	wantErr(t, first(e.svc.Complete(e.ctx, e.b, tk.ID, "x")), apperr.Forbidden, "")
	conflict(first(e.svc.Take(e.ctx, e.b, tk.ID))) // not new
	e.clk.Add(time.Hour)
	st := must(e.svc.Start(e.ctx, e.a, tk.ID))(t)
	if st.Status != tickets.StatusInProgress || st.StartedAt == nil {
		t.Fatalf("started: %+v", st)
	}
	conflict(first(e.svc.Start(e.ctx, e.a, tk.ID)))
	conflict(first(e.svc.Take(e.ctx, e.a, tk.ID)))
	conflict(first(e.svc.Reopen(e.ctx, e.emp, tk.ID)))
	if c := must(e.svc.Comment(e.ctx, e.a, tk.ID, "on my way"))(t); c.ID == 0 || c.TicketID != tk.ID || c.ActorID != e.a.ID ||
		c.Kind != tickets.EventComment || c.Detail != "on my way" || !c.CreatedAt.Equal(e.clk.Now().UTC()) {
		t.Fatalf("the comment as recorded: %+v", c)
	}
	wantErr(t, first(e.svc.Comment(e.ctx, e.a, tk.ID, "  ")), apperr.Invalid, "")
	wantErr(t, first(e.svc.Complete(e.ctx, e.a, tk.ID, " ")), apperr.Invalid, "")
	done := must(e.svc.Complete(e.ctx, e.a, tk.ID, "paper added"))(t)
	if done.Status != tickets.StatusDone || done.DoneAt == nil || done.Resolution != "paper added" {
		t.Fatalf("done: %+v", done)
	}
	conflict(first(e.svc.Complete(e.ctx, e.a, tk.ID, "again")))
	conflict(first(e.svc.Start(e.ctx, e.a, tk.ID)))
	conflict(first(e.svc.Cancel(e.ctx, e.admin, tk.ID, "no")))
	conflict(first(e.svc.Cancel(e.ctx, e.emp, tk.ID, "no")))
	conflict(first(e.svc.Reassign(e.ctx, e.boss, tk.ID, e.b.ID)))
	conflict(first(e.svc.Take(e.ctx, e.b, tk.ID)))
	want := []string{"filed", "routed", "assigned", "started", "comment", "done"}
	var got []string
	for _, k := range e.kinds(t, tk.ID) {
		got = append(got, strings.SplitN(k, ":", 2)[0])
	}
	if !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	// The head may complete an assigned ticket of the department.
	tk2 := e.file(t, e.paper)
	if d := must(e.svc.Complete(e.ctx, e.boss, tk2.ID, "done by head"))(t); d.Status != tickets.StatusDone {
		t.Fatalf("head complete: %+v", d)
	}
}

func testQueueTakeReassign(t *testing.T, e *tenv) {
	e.available(t, e.a, false)
	e.available(t, e.b, false)
	tk := e.file(t, e.paper)
	if tk.Status != tickets.StatusNew || tk.DepartmentID != e.it {
		t.Fatalf("queued: %+v", tk)
	}
	conflict := func(err error) { t.Helper(); wantErr(t, err, apperr.Conflict, "ticket.transition") }
	conflict(first(e.svc.Complete(e.ctx, e.boss, tk.ID, "x")))
	wantErr(t, first(e.svc.Start(e.ctx, e.a, tk.ID)), apperr.Forbidden, "")
	// An executor of another department does not see the ticket at all.
	wantErr(t, first(e.svc.Take(e.ctx, e.other, tk.ID)), apperr.NotFound, "")
	wantErr(t, first(e.svc.Get(e.ctx, e.other, tk.ID)), apperr.NotFound, "")
	// The head sees it but is not an executor.
	wantErr(t, first(e.svc.Take(e.ctx, e.boss, tk.ID)), apperr.Forbidden, "")
	taken := must(e.svc.Take(e.ctx, e.a, tk.ID))(t)
	if taken.Status != tickets.StatusAssigned || taken.AssigneeID != e.a.ID || taken.AssignedAt == nil {
		t.Fatalf("taken: %+v", taken)
	}
	conflict(first(e.svc.Take(e.ctx, e.b, tk.ID)))
	must(e.svc.Start(e.ctx, e.a, tk.ID))(t)
	wantErr(t, first(e.svc.Reassign(e.ctx, e.a, tk.ID, e.b.ID)), apperr.Forbidden, "")
	ae := wantErr(t, first(e.svc.Reassign(e.ctx, e.boss, tk.ID, e.other.ID)), apperr.Invalid, "")
	if ae.Fields[0].Field != "assignee_id" {
		t.Fatalf("fields %+v", ae.Fields)
	}
	wantErr(t, first(e.svc.Reassign(e.ctx, e.boss, tk.ID, e.boss.ID)), apperr.Invalid, "")
	conflict(first(e.svc.Reassign(e.ctx, e.boss, tk.ID, e.a.ID))) // already a's
	re := must(e.svc.Reassign(e.ctx, e.boss, tk.ID, e.b.ID))(t)
	if re.Status != tickets.StatusAssigned || re.AssigneeID != e.b.ID || re.StartedAt != nil {
		t.Fatalf("reassigned: %+v", re)
	}
	if re = must(e.svc.Reassign(e.ctx, e.admin, tk.ID, e.a.ID))(t); re.AssigneeID != e.a.ID {
		t.Fatalf("admin reassign: %+v", re)
	}
	// The new assignee works it; the former one no longer may.
	wantErr(t, first(e.svc.Start(e.ctx, e.b, tk.ID)), apperr.Forbidden, "")
	must(e.svc.Start(e.ctx, e.a, tk.ID))(t)
}

func testCancel(t *testing.T, e *tenv) {
	e.available(t, e.a, false)
	e.available(t, e.b, false)
	queued := e.file(t, e.paper)
	wantErr(t, first(e.svc.Cancel(e.ctx, e.emp, queued.ID, "")), apperr.Invalid, "")
	wantErr(t, first(e.svc.Cancel(e.ctx, e.emp2, queued.ID, "not mine")), apperr.NotFound, "")
	c := must(e.svc.Cancel(e.ctx, e.emp, queued.ID, "fixed it myself"))(t)
	if c.Status != tickets.StatusCancelled || c.CancelledAt == nil || c.CancelReason != "fixed it myself" {
		t.Fatalf("cancelled: %+v", c)
	}
	wantErr(t, first(e.svc.Cancel(e.ctx, e.emp, queued.ID, "again")), apperr.Conflict, "ticket.transition")

	e.available(t, e.a, true)
	assigned := e.file(t, e.paper)
	must(e.svc.Cancel(e.ctx, e.emp, assigned.ID, "never mind"))(t)

	started := e.file(t, e.paper)
	must(e.svc.Start(e.ctx, e.a, started.ID))(t)
	wantErr(t, first(e.svc.Cancel(e.ctx, e.emp, started.ID, "never mind")), apperr.Conflict, "ticket.cancel_started")
	// Staff of the department may cancel a started ticket; so may the admin.
	must(e.svc.Cancel(e.ctx, e.b, started.ID, "duplicate"))(t)
	other := e.file(t, e.paper)
	must(e.svc.Start(e.ctx, e.a, other.ID))(t)
	must(e.svc.Cancel(e.ctx, e.admin, other.ID, "duplicate"))(t)
	// A head of another department sees it (heads see tickets) but may not cancel.
	fhead := e.member(t, must(e.acc.CreateUser(e.ctx, users.CreateInput{Email: "fh@example.test", FullName: "FH", Roles: []users.Role{users.RoleEmployee, users.RoleHead},
		Password: "correct-horse-battery-9", Language: "en"}))(t), e.fac)
	third := e.file(t, e.paper)
	wantErr(t, first(e.svc.Cancel(e.ctx, fhead, third.ID, "mine?")), apperr.Forbidden, "")
}

func testReopen(t *testing.T, e *tenv) {
	tk := e.file(t, e.paper)
	must(e.svc.Complete(e.ctx, e.a, tk.ID, "fixed"))(t)
	wantErr(t, first(e.svc.Reopen(e.ctx, e.a, tk.ID)), apperr.Forbidden, "")
	wantErr(t, first(e.svc.Reopen(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
	e.clk.Add(7 * 24 * time.Hour)
	r := must(e.svc.Reopen(e.ctx, e.emp, tk.ID))(t)
	if r.Status != tickets.StatusAssigned || r.AssigneeID != e.a.ID || r.ReopenedCount != 1 || r.DoneAt != nil {
		t.Fatalf("reopened: %+v", r)
	}
	wantErr(t, first(e.svc.Reopen(e.ctx, e.emp, tk.ID)), apperr.Conflict, "ticket.transition")
	must(e.svc.Complete(e.ctx, e.a, tk.ID, "fixed again"))(t)
	e.clk.Add(7*24*time.Hour + time.Second)
	wantErr(t, first(e.svc.Reopen(e.ctx, e.emp, tk.ID)), apperr.Conflict, "ticket.reopen_expired")
	if got := must(e.svc.Get(e.ctx, e.emp, tk.ID))(t); got.Status != tickets.StatusDone || got.ReopenedCount != 1 {
		t.Fatalf("after late reopen: %+v", got)
	}
}

func testConcurrentTake(t *testing.T, e *tenv) {
	e.available(t, e.a, false)
	e.available(t, e.b, false)
	for round := 0; round < 5; round++ {
		tk := e.file(t, e.paper)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []*users.User{e.a, e.b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = e.svc.Take(e.ctx, u, tk.ID)
			}()
		}
		wg.Wait()
		wins := 0
		for _, err := range errs {
			if err == nil {
				wins++
			} else if ae := apperr.As(err); ae == nil || ae.Key != "ticket.transition" {
				t.Fatalf("round %d: loser got %v", round, err)
			}
		}
		if wins != 1 {
			t.Fatalf("round %d: %d winners (%v)", round, wins, errs)
		}
		var taken int
		for _, k := range e.kinds(t, tk.ID) {
			if strings.HasPrefix(k, "taken:") {
				taken++
			}
		}
		if taken != 1 {
			t.Fatalf("round %d: %d taken events", round, taken)
		}
	}
}

// openOn lists the ids and problems of the device's open tickets as emp2 (who
// filed none of them) reads them on the device page: "already reported".
func (e *tenv) openOn(t *testing.T, assetID int64) []string {
	t.Helper()
	var out []string
	for _, o := range must(e.svc.OpenOnAsset(e.ctx, e.emp2, assetID))(t) {
		out = append(out, fmt.Sprint(o.ID, ":", o.ProblemID))
	}
	return out
}

func testDuplicateAndFollow(t *testing.T, e *tenv) {
	if d := e.openOn(t, e.printer.ID); len(d) != 0 {
		t.Fatalf("open tickets before filing: %v", d)
	}
	tk := e.file(t, e.paper)
	if d, want := e.openOn(t, e.printer.ID), []string{fmt.Sprint(tk.ID, ":", e.paper)}; !slices.Equal(d, want) {
		t.Fatalf("open tickets: %v, want %v", d, want)
	}
	wantErr(t, first(e.svc.OpenOnAsset(e.ctx, e.emp2, 999999)), apperr.NotFound, "")
	wantErr(t, first(e.svc.Get(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t)
	must(0, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code))(t) // twice is fine
	must(e.svc.Get(e.ctx, e.emp2, tk.ID))(t)
	must(0, e.svc.Unfollow(e.ctx, e.emp2, tk.ID))(t)
	wantErr(t, first(e.svc.Get(e.ctx, e.emp2, tk.ID)), apperr.NotFound, "")
	wantErr(t, e.svc.Follow(e.ctx, e.emp2, 999999, e.printer.Code), apperr.NotFound, "")
	must(e.svc.Complete(e.ctx, e.a, tk.ID, "fixed"))(t)
	if d := e.openOn(t, e.printer.ID); len(d) != 0 {
		t.Fatalf("open tickets after done: %v", d)
	}
	// A closed ticket cannot be followed by a stranger.
	wantErr(t, e.svc.Follow(e.ctx, e.emp2, tk.ID, e.printer.Code), apperr.NotFound, "")
}

func testScoping(t *testing.T, e *tenv) {
	tk := e.file(t, e.paper)
	for _, u := range []*users.User{e.emp, e.a, e.b, e.boss, e.admin} {
		must(e.svc.Get(e.ctx, u, tk.ID))(t)
	}
	for _, u := range []*users.User{e.emp2, e.other} {
		wantErr(t, first(e.svc.Get(e.ctx, u, tk.ID)), apperr.NotFound, "")
		wantErr(t, first(e.svc.View(e.ctx, u, tk.ID)), apperr.NotFound, "")
		wantErr(t, first(e.svc.Comment(e.ctx, u, tk.ID, "hi")), apperr.NotFound, "")
	}
	wantErr(t, first(e.svc.Get(e.ctx, nil, tk.ID)), apperr.Unauthenticated, "")
	wantErr(t, first(e.svc.Get(e.ctx, e.admin, 999999)), apperr.NotFound, "")
}

// TestTicketKeysTranslated checks that every ticket.* key the package names is in
// the catalogues.
func TestTicketKeysTranslated(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	key := regexp.MustCompile(`"(ticket\.[a-z_]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			found++
			if !cat.Has(m[1]) {
				t.Errorf("%s: key %s is missing from a catalogue", f, m[1])
			}
		}
	}
	if found < 8 {
		t.Fatalf("found only %d keys", found)
	}
}
