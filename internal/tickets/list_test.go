package tickets_test

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestJournal runs the journal's cases (list, counts, rows, actions, export) on
// SQLite and on PostgreSQL. Run one with -run 'TestJournal/sqlite/Filters'.
func TestJournal(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range []struct {
			name string
			fn   func(t *testing.T, e *jenv)
		}{
			{"Filters", testJournalFilters},
			{"Scoping", testJournalScoping},
			{"Row", testJournalRow},
			{"Pagination", testJournalPagination},
			{"BadInput", testJournalBadInput},
			{"Counts", testJournalCounts},
			{"CappedScoped", testJournalCappedScoped},
			{"Actions", testJournalActions},
			{"FollowActions", testJournalFollowActions},
			{"Desk", testJournalDesk},
			{"ExportCSV", testJournalExport},
			{"People", testJournalPeople},
		} {
			t.Run(c.name, func(t *testing.T) {
				emptyTicketsDB(t, d)
				t.Cleanup(func() { emptyTicketsDB(t, d) })
				c.fn(t, newJenv(t, d, acc))
			})
		}
	})
}

// jenv is tenv plus a second class (kitchen: a coffee machine that leaks, routed
// to fac) and a second printer, and seven tickets of every kind:
//
//	t1 emp  printer  paper "no paper in tray"     it, assigned to a
//	t2 emp2 coffee   leak  "water everywhere"     fac, assigned to other
//	t3 emp  printer2 jam                          empty's queue (new)
//	t4 emp2 printer  smoke                        unrouted (new)
//	t5 emp  coffee   leak  "Кофе ТЕЧЁТ"           fac, other, in progress
//	t6 emp2 printer2 paper "100% empty_tray"      it, b, done
//	t7 emp  printer  paper                        it, a, cancelled by emp
//
// Each is filed an hour after the previous one, from 09:30 UTC on 2 March 2026.
type jenv struct {
	*tenv
	kitchen, coffeeType int64
	coffee, printer2    *assets.Asset
	tk                  map[string]*tickets.Ticket
}

func newJenv(t *testing.T, d *db.DB, acc *users.Service) *jenv {
	t.Helper()
	e := &jenv{tenv: newTenv(t, d, acc), tk: map[string]*tickets.Ticket{}}
	ctx := e.ctx
	class := must(e.cat.CreateClass(ctx, e.admin, assets.Names{EN: "Kitchen", RU: "Кухня"}))(t)
	typ := must(e.cat.CreateType(ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Coffee machine", RU: "Кофемашина"}}))(t)
	e.kitchen, e.coffeeType = class.ID, typ.ID
	must(e.cat.SetOffers(ctx, e.admin, typ.ID, []assets.OfferInput{{ProblemID: e.leak}}))(t)
	must(e.rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.leak, DepartmentID: e.fac}))(t)
	e.coffee = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Coffee machine", TypeID: typ.ID,
		Location: assets.Location{Building: "HQ", Floor: "2", Room: "Kitchen"}}))(t)
	e.printer2 = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Printer 2nd floor", TypeID: e.typeID, InventoryNumber: "INV-42"}))(t)

	e.tk["t1"] = e.fileAs(t, e.emp, e.printer, e.paper, "no paper in tray")
	e.tk["t2"] = e.fileAs(t, e.emp2, e.coffee, e.leak, "water everywhere")
	e.tk["t3"] = e.fileAs(t, e.emp, e.printer2, e.jam, "")
	e.tk["t4"] = e.fileAs(t, e.emp2, e.printer, e.smoke, "")
	e.tk["t5"] = e.fileAs(t, e.emp, e.coffee, e.leak, "Кофе ТЕЧЁТ")
	must(e.svc.Start(ctx, e.other, e.tk["t5"].ID))(t)
	e.tk["t6"] = e.fileAs(t, e.emp2, e.printer2, e.paper, "100% empty_tray")
	if e.tk["t6"].AssigneeID != e.b.ID {
		t.Fatalf("t6 went to %d, want b", e.tk["t6"].AssigneeID)
	}
	must(e.svc.Complete(ctx, e.b, e.tk["t6"].ID, "paper added"))(t)
	e.tk["t7"] = e.fileAs(t, e.emp, e.printer, e.paper, "")
	must(e.svc.Cancel(ctx, e.emp, e.tk["t7"].ID, "found paper"))(t)
	for k, tk := range e.tk {
		e.tk[k] = must(e.svc.Get(ctx, e.admin, tk.ID))(t)
	}
	return e
}

// fileAs files a ticket by u and moves the clock an hour on.
func (e *jenv) fileAs(t *testing.T, u *users.User, a *assets.Asset, problem int64, comment string) *tickets.Ticket {
	t.Helper()
	tk := must(e.svc.File(e.ctx, u, tickets.FileInput{AssetID: a.ID, ProblemID: problem, Comment: comment}))(t)
	e.clk.Add(time.Hour)
	return tk
}

// names turns ticket names into their ids, newest first (the journal's order).
// actions are the changes u may make to ticket id, as its page offers them.
func (e *jenv) actions(t *testing.T, u *users.User, id int64) tickets.Actions {
	t.Helper()
	return must(e.svc.View(e.ctx, u, id))(t).Actions
}

func (e *jenv) ids(names ...string) []int64 {
	var out []int64
	for _, n := range names {
		out = append(out, e.tk[n].ID)
	}
	slices.SortFunc(out, func(a, b int64) int { return int(b - a) })
	return out
}

func rowIDs(rows []tickets.Row) []int64 {
	out := []int64{}
	for _, r := range rows {
		out = append(out, r.ID)
	}
	return out
}

// list returns the ids of f's first page for u.
func (e *jenv) list(t *testing.T, u *users.User, f tickets.Filter) []int64 {
	t.Helper()
	return rowIDs(must(e.svc.List(e.ctx, u, f))(t).Items)
}

func testJournalFilters(t *testing.T, e *jenv) {
	at := func(n string) time.Time { return e.tk[n].CreatedAt }
	for _, c := range []struct {
		name string
		f    tickets.Filter
		want []string
	}{
		{"all", tickets.Filter{}, []string{"t1", "t2", "t3", "t4", "t5", "t6", "t7"}},
		{"status new", tickets.Filter{Statuses: []tickets.Status{tickets.StatusNew}}, []string{"t3", "t4"}},
		{"status open", tickets.Filter{Statuses: tickets.OpenStatuses}, []string{"t1", "t2", "t3", "t4", "t5"}},
		{"status done+cancelled", tickets.Filter{Statuses: []tickets.Status{tickets.StatusDone, tickets.StatusCancelled}}, []string{"t6", "t7"}},
		{"status repeated", tickets.Filter{Statuses: []tickets.Status{tickets.StatusInProgress, tickets.StatusInProgress}}, []string{"t5"}},
		{"class", tickets.Filter{ClassID: e.kitchen}, []string{"t2", "t5"}},
		{"type", tickets.Filter{TypeID: e.typeID}, []string{"t1", "t3", "t4", "t6", "t7"}},
		{"problem", tickets.Filter{ProblemID: e.paper}, []string{"t1", "t6", "t7"}},
		{"department", tickets.Filter{DepartmentID: e.it}, []string{"t1", "t6", "t7"}},
		{"assignee", tickets.Filter{AssigneeID: e.other.ID}, []string{"t2", "t5"}},
		{"device", tickets.Filter{AssetID: e.printer2.ID}, []string{"t3", "t6"}},
		{"reporter", tickets.Filter{ReporterID: e.emp2.ID}, []string{"t2", "t4", "t6"}},
		{"from", tickets.Filter{CreatedFrom: at("t6")}, []string{"t6", "t7"}},
		{"to (exclusive)", tickets.Filter{CreatedTo: at("t2")}, []string{"t1"}},
		{"period", tickets.Filter{CreatedFrom: at("t2"), CreatedTo: at("t5")}, []string{"t2", "t3", "t4"}},
		{"period in another zone", tickets.Filter{CreatedFrom: at("t2").In(time.FixedZone("MSK", 3*3600)), CreatedTo: at("t3").Add(time.Second)}, []string{"t2", "t3"}},
		{"q comment, Cyrillic upper case", tickets.Filter{Q: "кофе течёт"}, []string{"t5"}},
		{"q comment typed in capitals", tickets.Filter{Q: "  ТЕЧЁТ "}, []string{"t5"}},
		{"q device name", tickets.Filter{Q: "COFFEE"}, []string{"t2", "t5"}},
		{"q location", tickets.Filter{Q: "kitchen"}, []string{"t2", "t5"}},
		{"q inventory number", tickets.Filter{Q: "inv-42"}, []string{"t3", "t6"}},
		{"q device code", tickets.Filter{Q: strings.ToLower(e.printer2.Code)}, []string{"t3", "t6"}},
		{"q percent is literal", tickets.Filter{Q: "%"}, []string{"t6"}},
		{"q underscore is literal", tickets.Filter{Q: "y_t"}, []string{"t6"}},
		{"q underscore is no wildcard", tickets.Filter{Q: "e_ery"}, nil},
		{"q backslash is literal", tickets.Filter{Q: `\`}, nil},
		{"q nothing", tickets.Filter{Q: "zebra"}, nil},
		{"q ticket number", tickets.Filter{Q: e.tk["t3"].Number()}, []string{"t3"}},
		{"q ticket number, lower case", tickets.Filter{Q: " " + strings.ToLower(e.tk["t5"].Number())}, []string{"t5"}},
		{"q ticket number with №", tickets.Filter{Q: fmt.Sprintf("№%d", e.tk["t6"].ID)}, []string{"t6"}},
		{"q ticket number and a status", tickets.Filter{Q: e.tk["t6"].Number(), Statuses: tickets.OpenStatuses}, nil},
		{"q absent ticket number", tickets.Filter{Q: "T-987654"}, nil},
		{"combined", tickets.Filter{ReporterID: e.emp.ID, Statuses: tickets.OpenStatuses, TypeID: e.typeID}, []string{"t1", "t3"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			want := e.ids(c.want...)
			if want == nil {
				want = []int64{}
			}
			if got := e.list(t, e.admin, c.f); !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
			// Counts agree with the list for the same filter minus the statuses.
			counts := must(e.svc.Counts(e.ctx, e.admin, c.f))(t)
			capped := must(e.svc.CappedCounts(e.ctx, e.admin, c.f))(t)
			nf := c.f
			nf.Statuses = nil
			all := must(e.svc.List(e.ctx, e.admin, nf))(t).Items
			for _, st := range tickets.Statuses {
				n := 0
				for _, r := range all {
					if r.Status == st {
						n++
					}
				}
				if counts[st] != n {
					t.Fatalf("count of %s: %d, list has %d", st, counts[st], n)
				}
				if c := capped[st]; c.N != n || c.More {
					t.Fatalf("capped count of %s: %+v, list has %d", st, c, n)
				}
			}
		})
	}
}

// testJournalScoping: for every person, the journal holds exactly the tickets Get
// lets them open, and Row answers like Get.
func testJournalScoping(t *testing.T, e *jenv) {
	must(0, e.svc.Follow(e.ctx, e.emp2, e.tk["t1"].ID, e.printer.Code))(t)
	fhead := e.member(t, must(e.acc.CreateUser(e.ctx, users.CreateInput{Email: "fh@example.test", FullName: "FH",
		Roles: []users.Role{users.RoleEmployee, users.RoleHead}, Password: "correct-horse-battery-9", Language: "en"}))(t), e.fac)
	nobody := must(e.acc.CreateUser(e.ctx, users.CreateInput{Email: "nobody@example.test", FullName: "Nobody",
		Roles: []users.Role{users.RoleEmployee}, Password: "correct-horse-battery-9", Language: "en"}))(t)
	want := map[string][]string{
		"emp":    {"t1", "t3", "t5", "t7"},
		"emp2":   {"t1", "t2", "t4", "t6"}, // t1 followed
		"a":      {"t1", "t6", "t7"},       // department it
		"b":      {"t1", "t6", "t7"},
		"other":  {"t2", "t5"}, // department fac
		"boss":   {"t1", "t2", "t3", "t4", "t5", "t6", "t7"},
		"fhead":  {"t1", "t2", "t3", "t4", "t5", "t6", "t7"},
		"admin":  {"t1", "t2", "t3", "t4", "t5", "t6", "t7"},
		"nobody": {},
	}
	people := map[string]*users.User{"emp": e.emp, "emp2": e.emp2, "a": e.a, "b": e.b, "other": e.other, "boss": e.boss,
		"fhead": fhead, "admin": e.admin, "nobody": nobody}
	// An executor also sees a ticket of another department they reported: other
	// reports on the printer (it, assigned to a or b).
	mine := must(e.svc.File(e.ctx, e.other, tickets.FileInput{AssetID: e.printer.ID, ProblemID: e.paper}))(t)
	e.tk["mine"] = mine
	for _, k := range []string{"other", "boss", "fhead", "admin", "a", "b"} {
		want[k] = append(want[k], "mine")
	}
	for name, u := range people {
		t.Run(name, func(t *testing.T) {
			items := must(e.svc.List(e.ctx, u, tickets.Filter{Limit: tickets.MaxLimit}))(t).Items
			got := rowIDs(items)
			if w := e.ids(want[name]...); !slices.Equal(got, append([]int64{}, w...)) {
				t.Fatalf("journal %v, want %v", got, w)
			}
			total := 0
			for _, n := range must(e.svc.Counts(e.ctx, u, tickets.Filter{}))(t) {
				total += n
			}
			if total != len(got) {
				t.Fatalf("counts add up to %d, journal has %d", total, len(got))
			}
			// The tabs' capped counts, under the cap, are the same, reader by reader.
			total = 0
			for _, n := range must(e.svc.CappedCounts(e.ctx, u, tickets.Filter{}))(t) {
				total += n.N
			}
			if total != len(got) {
				t.Fatalf("capped counts add up to %d, journal has %d", total, len(got))
			}
			// Status by status and under filters, the tabs' branches (one per way
			// of seeing a ticket) count what the exact count's single scope counts.
			for _, f := range []tickets.Filter{{}, {ProblemID: e.paper}, {Q: "printer"}, {ReporterID: e.emp2.ID},
				{DepartmentID: e.it}, {AssetID: e.printer.ID, Statuses: tickets.OpenStatuses}} {
				exact := must(e.svc.Counts(e.ctx, u, f))(t)
				for st, c := range must(e.svc.CappedCounts(e.ctx, u, f))(t) {
					if c.N != exact[st] || c.More {
						t.Fatalf("filter %+v, %s: capped %+v, exact %d", f, st, c, exact[st])
					}
				}
			}
			for _, tk := range e.tk {
				_, getErr := e.svc.Get(e.ctx, u, tk.ID)
				row, rowErr := e.svc.Row(e.ctx, u, tk.ID)
				listed := slices.Contains(got, tk.ID)
				if (getErr == nil) != listed {
					t.Fatalf("ticket %d: Get %v but listed %v", tk.ID, getErr, listed)
				}
				if getErr != nil {
					wantErr(t, getErr, apperr.NotFound, "")
					wantErr(t, rowErr, apperr.NotFound, "")
				} else if rowErr != nil || row.ID != tk.ID {
					t.Fatalf("ticket %d: Row %v", tk.ID, rowErr)
				} else if item := items[slices.Index(got, tk.ID)]; !rowsEqual(item, *row) {
					// Limited alike too: what a follower reads of a ticket is the same
					// in the journal as on its page.
					t.Fatalf("ticket %d: the journal's row %+v\n differs from Row %+v", tk.ID, item, *row)
				}
			}
		})
	}
	// emp2 sees t1 only as its follower: limited, the one such case above.
	if r := must(e.svc.Row(e.ctx, e.emp2, e.tk["t1"].ID))(t); !r.Limited || r.Comment != "" {
		t.Fatalf("the follower's t1: %+v", r)
	}
	wantErr(t, first(e.svc.List(e.ctx, nil, tickets.Filter{})), apperr.Unauthenticated, "")
	wantErr(t, first(e.svc.Counts(e.ctx, nil, tickets.Filter{})), apperr.Unauthenticated, "")
	wantErr(t, first(e.svc.Row(e.ctx, nil, e.tk["t1"].ID)), apperr.Unauthenticated, "")
	wantErr(t, first(e.svc.Row(e.ctx, e.admin, 999999)), apperr.NotFound, "")
}

func testJournalRow(t *testing.T, e *jenv) {
	must(0, e.svc.Follow(e.ctx, e.emp2, e.tk["t5"].ID, e.coffee.Code))(t)
	r := must(e.svc.Row(e.ctx, e.emp, e.tk["t5"].ID))(t)
	want := tickets.Row{Ticket: *e.tk["t5"], AssetName: "Coffee machine", AssetCode: e.coffee.Code, Location: "HQ, 2, Kitchen",
		ClassID: e.kitchen, TypeID: e.coffeeType, ClassEN: "Kitchen", ClassRU: "Кухня", TypeEN: "Coffee machine", TypeRU: "Кофемашина",
		ProblemEN: "leaking", ProblemRU: "leaking ru", ReporterName: e.emp.FullName, ReporterEmail: e.emp.Email,
		DepartmentEN: "Dept fac", DepartmentRU: "Отдел fac", AssigneeName: e.other.FullName, AssigneeEmail: e.other.Email, FollowersCount: 2}
	if !rowsEqual(*r, want) {
		t.Fatalf("row\n got %+v\nwant %+v", *r, want)
	}
	// An unrouted, unassigned ticket: the optional names are empty.
	u := must(e.svc.Row(e.ctx, e.admin, e.tk["t4"].ID))(t)
	if u.DepartmentEN != "" || u.DepartmentRU != "" || u.AssigneeName != "" || u.AssigneeEmail != "" || u.FollowersCount != 1 ||
		u.HasPhoto || u.InventoryNumber != "" || u.Location != "" {
		t.Fatalf("unrouted row %+v", u)
	}
	// The journal's rows are the same as Row's.
	for _, item := range must(e.svc.List(e.ctx, e.admin, tickets.Filter{}))(t).Items {
		one := must(e.svc.Row(e.ctx, e.admin, item.ID))(t)
		if !rowsEqual(item, *one) {
			t.Fatalf("journal row %+v\n differs from Row %+v", item, *one)
		}
	}
	if i := must(e.svc.Row(e.ctx, e.admin, e.tk["t3"].ID))(t).InventoryNumber; i != "INV-42" {
		t.Fatalf("inventory number %q", i)
	}
}

// rowsEqual compares rows, the times by instant (drivers differ in zones).
func rowsEqual(a, b tickets.Row) bool {
	norm := func(r tickets.Row) tickets.Row {
		r.CreatedAt = r.CreatedAt.UTC()
		for _, p := range []**time.Time{&r.AssignedAt, &r.StartedAt, &r.DoneAt, &r.CancelledAt} {
			if *p != nil {
				v := (*p).UTC()
				*p = &v
			}
		}
		return r
	}
	a, b = norm(a), norm(b)
	ta, tb := a.Ticket, b.Ticket
	a.Ticket, b.Ticket = tickets.Ticket{}, tickets.Ticket{}
	same := func(x, y *time.Time) bool { return (x == nil) == (y == nil) && (x == nil || x.Equal(*y)) }
	if !same(ta.AssignedAt, tb.AssignedAt) || !same(ta.StartedAt, tb.StartedAt) || !same(ta.DoneAt, tb.DoneAt) ||
		!same(ta.CancelledAt, tb.CancelledAt) || !ta.CreatedAt.Equal(tb.CreatedAt) {
		return false
	}
	// The service level's times (sla.go).
	if !same(ta.TakeBy, tb.TakeBy) || !same(ta.TakeWarnAt, tb.TakeWarnAt) || !same(ta.DoneBy, tb.DoneBy) ||
		!same(ta.DoneWarnAt, tb.DoneWarnAt) || !same(ta.TakenAt, tb.TakenAt) {
		return false
	}
	ta.AssignedAt, ta.StartedAt, ta.DoneAt, ta.CancelledAt = nil, nil, nil, nil
	tb.AssignedAt, tb.StartedAt, tb.DoneAt, tb.CancelledAt = nil, nil, nil, nil
	ta.TakeBy, ta.TakeWarnAt, ta.DoneBy, ta.DoneWarnAt, ta.TakenAt = nil, nil, nil, nil, nil
	tb.TakeBy, tb.TakeWarnAt, tb.DoneBy, tb.DoneWarnAt, tb.TakenAt = nil, nil, nil, nil, nil
	ta.CreatedAt, tb.CreatedAt = time.Time{}, time.Time{}
	return a == b && ta == tb
}

// testJournalPagination walks the journal three at a time while new tickets
// arrive between the pages: every ticket of the first page's moment appears once,
// in order, and the new ones wait for the next first page.
func testJournalPagination(t *testing.T, e *jenv) {
	before := e.list(t, e.admin, tickets.Filter{Limit: tickets.MaxLimit})
	var got []int64
	f := tickets.Filter{Limit: 3}
	pages := 0
	for {
		p := must(e.svc.List(e.ctx, e.admin, f))(t)
		pages++
		if len(p.Items) > 3 {
			t.Fatalf("page of %d", len(p.Items))
		}
		got = append(got, rowIDs(p.Items)...)
		// New tickets arrive between pages.
		e.fileAs(t, e.emp, e.printer, e.paper, "late")
		if p.NextCursor == "" {
			break
		}
		if pages > 10 {
			t.Fatal("no end")
		}
		f.Cursor = p.NextCursor
	}
	if !slices.Equal(got, before) || pages != 3 {
		t.Fatalf("pages %d gave %v, want %v", pages, got, before)
	}
	// An exact multiple of the page size ends without an empty page.
	p := must(e.svc.List(e.ctx, e.admin, tickets.Filter{Limit: 10}))(t)
	if len(p.Items) != 10 || p.NextCursor != "" {
		t.Fatalf("10 of 10: %d items, cursor %q", len(p.Items), p.NextCursor)
	}
	// Filters hold across pages.
	f = tickets.Filter{Limit: 1, ReporterID: e.emp2.ID}
	got = nil
	for {
		p := must(e.svc.List(e.ctx, e.admin, f))(t)
		got = append(got, rowIDs(p.Items)...)
		if p.NextCursor == "" {
			break
		}
		f.Cursor = p.NextCursor
	}
	if want := e.ids("t2", "t4", "t6"); !slices.Equal(got, want) {
		t.Fatalf("filtered pages %v, want %v", got, want)
	}
	// The default page is 50.
	for range 45 {
		e.fileAs(t, e.emp, e.printer, e.paper, "more")
	}
	if p := must(e.svc.List(e.ctx, e.admin, tickets.Filter{}))(t); len(p.Items) != tickets.DefaultLimit || p.NextCursor == "" {
		t.Fatalf("default page: %d items, cursor %q", len(p.Items), p.NextCursor)
	}
}

func testJournalBadInput(t *testing.T, e *jenv) {
	field := func(f tickets.Filter, name string) {
		t.Helper()
		_, err := e.svc.List(e.ctx, e.admin, f)
		ae := wantErr(t, err, apperr.Invalid, "")
		if len(ae.Fields) == 0 || ae.Fields[0].Field != name {
			t.Fatalf("fields %+v, want %s", ae.Fields, name)
		}
	}
	good := must(e.svc.List(e.ctx, e.admin, tickets.Filter{Limit: 1}))(t).NextCursor
	// Not base64, trailing junk, "-1", "0", "010" (a second spelling of 10).
	for _, c := range []string{"x", "!!", good + "A", "LTE", "MA", "MDEw"} {
		field(tickets.Filter{Cursor: c}, "cursor")
	}
	// A well-formed cursor past every ticket is an empty page, not an error.
	if p := must(e.svc.List(e.ctx, e.admin, tickets.Filter{Cursor: "MQ"}))(t); len(p.Items) != 0 || p.NextCursor != "" {
		t.Fatalf("after id 1: %+v", p)
	}
	field(tickets.Filter{Limit: tickets.MaxLimit + 1}, "limit")
	field(tickets.Filter{Limit: -1}, "limit")
	must(e.svc.List(e.ctx, e.admin, tickets.Filter{Limit: tickets.MaxLimit}))(t)
	field(tickets.Filter{Statuses: []tickets.Status{"open"}}, "status")
	field(tickets.Filter{Q: strings.Repeat("ж", tickets.MaxQuery+1)}, "q")
	must(e.svc.List(e.ctx, e.admin, tickets.Filter{Q: strings.Repeat("ж", tickets.MaxQuery)}))(t)
	field(tickets.Filter{Q: "bad \xff"}, "q")
	field(tickets.Filter{Q: "nul \x00"}, "q")
	field(tickets.Filter{ClassID: -1}, "class_id")
	at := e.tk["t3"].CreatedAt
	field(tickets.Filter{CreatedFrom: at, CreatedTo: at}, "created_to")
	field(tickets.Filter{CreatedFrom: at.Add(time.Hour), CreatedTo: at}, "created_to")
	_, err := e.svc.Counts(e.ctx, e.admin, tickets.Filter{Q: "bad \xff"})
	wantErr(t, err, apperr.Invalid, "")
	// Counts ignore what only pages have.
	must(e.svc.Counts(e.ctx, e.admin, tickets.Filter{Cursor: "x", Limit: -5, Statuses: []tickets.Status{"nonsense"}}))(t)
}

func testJournalCounts(t *testing.T, e *jenv) {
	want := map[tickets.Status]int{tickets.StatusNew: 2, tickets.StatusAssigned: 2, tickets.StatusInProgress: 1,
		tickets.StatusDone: 1, tickets.StatusCancelled: 1}
	got := must(e.svc.Counts(e.ctx, e.admin, tickets.Filter{Statuses: []tickets.Status{tickets.StatusDone}}))(t)
	if len(got) != len(want) {
		t.Fatalf("counts %v", got)
	}
	for st, n := range want {
		if got[st] != n {
			t.Fatalf("counts %v, want %v", got, want)
		}
	}
	got = must(e.svc.Counts(e.ctx, e.emp, tickets.Filter{ProblemID: e.paper}))(t)
	if got[tickets.StatusAssigned] != 1 || got[tickets.StatusCancelled] != 1 || got[tickets.StatusDone] != 0 || got[tickets.StatusNew] != 0 {
		t.Fatalf("emp's paper counts %v", got)
	}
}

// testJournalActions: for every kind of ticket and every person, each change
// succeeds exactly when Actions offered it (each tried on a fresh ticket in that
// state), and someone who may not see the ticket gets NotFound from both.
func testJournalActions(t *testing.T, e *jenv) {
	// Nobody is available, so a filed ticket waits in it's queue and its state is
	// built by hand.
	e.available(t, e.a, false)
	e.available(t, e.b, false)
	follower := must(e.acc.CreateUser(e.ctx, users.CreateInput{Email: "fol@example.test", FullName: "Follower",
		Roles: []users.Role{users.RoleEmployee}, Password: "correct-horse-battery-9", Language: "en"}))(t)
	// The follower follows while the ticket is open (a closed one takes no new
	// followers from people who do not see it).
	fileF := func(t *testing.T, problem int64) int64 {
		id := e.file(t, problem).ID
		must(0, e.svc.Follow(e.ctx, follower, id, e.printer.Code))(t)
		return id
	}
	states := []struct {
		name string
		make func(t *testing.T) int64
	}{
		{"queued", func(t *testing.T) int64 { return fileF(t, e.paper) }},
		{"unrouted", func(t *testing.T) int64 { return fileF(t, e.smoke) }},
		{"assigned", func(t *testing.T) int64 {
			id := fileF(t, e.paper)
			must(e.svc.Take(e.ctx, e.a, id))(t)
			return id
		}},
		{"in_progress", func(t *testing.T) int64 {
			id := fileF(t, e.paper)
			must(e.svc.Take(e.ctx, e.a, id))(t)
			must(e.svc.Start(e.ctx, e.a, id))(t)
			return id
		}},
		{"done", func(t *testing.T) int64 {
			id := fileF(t, e.paper)
			must(e.svc.Take(e.ctx, e.a, id))(t)
			must(e.svc.Complete(e.ctx, e.a, id, "fixed"))(t)
			return id
		}},
		{"done_long_ago", func(t *testing.T) int64 {
			id := fileF(t, e.paper)
			must(e.svc.Take(e.ctx, e.a, id))(t)
			must(e.svc.Complete(e.ctx, e.a, id, "fixed"))(t)
			e.clk.Add(tickets.ReopenWindow + time.Minute)
			return id
		}},
		{"cancelled", func(t *testing.T) int64 {
			id := fileF(t, e.paper)
			must(e.svc.Cancel(e.ctx, e.emp, id, "never mind"))(t)
			return id
		}},
	}
	people := []struct {
		name string
		u    *users.User
	}{{"reporter", e.emp}, {"stranger", e.emp2}, {"follower", follower}, {"assignee a", e.a}, {"executor b", e.b},
		{"other department", e.other}, {"head", e.boss}, {"admin", e.admin}}
	type change struct {
		name    string
		offered func(tickets.Actions) bool
		do      func(u *users.User, id int64) error
	}
	changes := []change{
		{"take", func(a tickets.Actions) bool { return a.Take }, func(u *users.User, id int64) error { return first(e.svc.Take(e.ctx, u, id)) }},
		{"start", func(a tickets.Actions) bool { return a.Start }, func(u *users.User, id int64) error { return first(e.svc.Start(e.ctx, u, id)) }},
		{"complete", func(a tickets.Actions) bool { return a.Complete }, func(u *users.User, id int64) error {
			return first(e.svc.Complete(e.ctx, u, id, "done"))
		}},
		{"cancel", func(a tickets.Actions) bool { return a.Cancel }, func(u *users.User, id int64) error {
			return first(e.svc.Cancel(e.ctx, u, id, "no longer needed"))
		}},
		{"reassign", func(a tickets.Actions) bool { return a.Reassign }, func(u *users.User, id int64) error {
			tk := must(e.svc.Get(e.ctx, e.admin, id))(t)
			to := e.b.ID
			if tk.AssigneeID == e.b.ID {
				to = e.a.ID
			}
			return first(e.svc.Reassign(e.ctx, u, id, to))
		}},
		{"reopen", func(a tickets.Actions) bool { return a.Reopen }, func(u *users.User, id int64) error { return first(e.svc.Reopen(e.ctx, u, id)) }},
		{"comment", func(a tickets.Actions) bool { return a.Comment }, func(u *users.User, id int64) error { return first(e.svc.Comment(e.ctx, u, id, "hello")) }},
	}
	offeredSomewhere := map[string]bool{}
	for _, st := range states {
		for _, p := range people {
			for _, c := range changes {
				id := st.make(t)
				v, verr := e.svc.View(e.ctx, p.u, id)
				err := c.do(p.u, id)
				if verr != nil {
					wantErr(t, verr, apperr.NotFound, "")
					wantErr(t, err, apperr.NotFound, "")
					continue
				}
				if got := c.offered(v.Actions); got != (err == nil) {
					t.Errorf("%s, %s, %s: Actions says %v, the change answered %v", st.name, p.name, c.name, got, err)
				}
				if err != nil && apperr.CodeOf(err) == apperr.Internal {
					t.Errorf("%s, %s, %s: %v", st.name, p.name, c.name, err)
				}
				if err == nil {
					offeredSomewhere[c.name] = true
				}
			}
		}
	}
	// Every change was possible somewhere, so the table cannot pass by refusing all.
	for _, c := range changes {
		if !offeredSomewhere[c.name] {
			t.Errorf("%s never succeeded", c.name)
		}
	}
	// A few expectations spelt out, against a drift of both sides.
	q := e.file(t, e.paper)
	acts := e.actions(t, e.a, q.ID)
	if !acts.Take || acts.Start || acts.Complete || !acts.Cancel || acts.Reassign || acts.Reopen || !acts.Comment || !acts.Follow || acts.Unfollow {
		t.Fatalf("executor on a queued ticket: %+v", acts)
	}
	acts = e.actions(t, e.emp, q.ID)
	if acts.Take || !acts.Cancel || acts.Reassign || !acts.Unfollow || acts.Follow {
		t.Fatalf("reporter on a queued ticket: %+v", acts)
	}
	acts = e.actions(t, e.boss, q.ID)
	if acts.Take || !acts.Reassign || !acts.Cancel || acts.Complete {
		t.Fatalf("head on a queued ticket: %+v", acts)
	}
	wantErr(t, first(e.svc.View(e.ctx, nil, q.ID)), apperr.Unauthenticated, "")
}

func testJournalFollowActions(t *testing.T, e *jenv) {
	tk := e.tk["t2"] // emp2's coffee ticket; a does not see it
	wantErr(t, first(e.svc.View(e.ctx, e.a, tk.ID)), apperr.NotFound, "")
	acts := must(e.svc.View(e.ctx, e.admin, tk.ID))(t).Actions
	if !acts.Follow || acts.Unfollow {
		t.Fatalf("admin before following: %+v", acts)
	}
	must(0, e.svc.Follow(e.ctx, e.admin, tk.ID, ""))(t)
	acts = must(e.svc.View(e.ctx, e.admin, tk.ID))(t).Actions
	if acts.Follow || !acts.Unfollow {
		t.Fatalf("admin following: %+v", acts)
	}
	// The reporter follows from the start.
	if acts := must(e.svc.View(e.ctx, e.emp2, tk.ID))(t).Actions; acts.Follow || !acts.Unfollow {
		t.Fatalf("reporter: %+v", acts)
	}
}

func testJournalDesk(t *testing.T, e *jenv) {
	ids := func(rows []tickets.Row) []int64 { return rowIDs(rows) }
	oldestFirst := func(names ...string) []int64 { v := e.ids(names...); slices.Reverse(v); return v }
	e.available(t, e.a, false)
	e.available(t, e.b, false)
	q1 := e.fileAs(t, e.emp, e.printer, e.paper, "queued one")
	q2 := e.fileAs(t, e.emp2, e.printer, e.paper, "queued two")
	e.tk["q1"], e.tk["q2"] = q1, q2

	d := must(e.svc.Desk(e.ctx, e.emp))(t)
	if got, want := ids(d.Mine), oldestFirst("t1", "t3", "t5", "q1"); !slices.Equal(got, want) {
		t.Fatalf("emp's open tickets %v, want %v", got, want)
	}
	if d.Queue != nil || d.Working != nil || d.Departments != nil || d.Waiting != nil {
		t.Fatalf("an employee's desk has staff lists: %+v", d)
	}
	d = must(e.svc.Desk(e.ctx, e.a))(t)
	if got, want := ids(d.Queue), oldestFirst("q1", "q2"); !slices.Equal(got, want) {
		t.Fatalf("a's queue %v, want %v", got, want)
	}
	if got, want := ids(d.Working), oldestFirst("t1"); !slices.Equal(got, want) {
		t.Fatalf("a's work %v, want %v", got, want)
	}
	if d.Departments != nil || d.Waiting != nil {
		t.Fatalf("an executor's desk has head or admin lists")
	}
	d = must(e.svc.Desk(e.ctx, e.other))(t)
	if got, want := ids(d.Working), oldestFirst("t2", "t5"); !slices.Equal(got, want) || len(d.Queue) != 0 {
		t.Fatalf("other's work %v, want %v; queue %v", got, want, ids(d.Queue))
	}
	d = must(e.svc.Desk(e.ctx, e.boss))(t)
	if got, want := ids(d.Departments), oldestFirst("t1", "q1", "q2"); !slices.Equal(got, want) {
		t.Fatalf("head's departments %v, want %v", got, want)
	}
	// Nobody can take q1 and q2 (it's executors are away) nor t3 (its
	// department has nobody): the head of it sees its two, with whom to assign them to.
	if got, want := ids(d.Waiting), oldestFirst("q1", "q2"); !slices.Equal(got, want) {
		t.Fatalf("head's waiting %v, want %v", got, want)
	}
	if ex := d.Executors[e.it]; len(ex) != 2 || ex[0].ID != e.a.ID || ex[1].ID != e.b.ID || len(d.Executors) != 1 {
		t.Fatalf("head's choices %+v", d.Executors)
	}
	// The admin sees every waiting ticket, the unrouted t4 included.
	d = must(e.svc.Desk(e.ctx, e.admin))(t)
	if got, want := ids(d.Waiting), oldestFirst("t3", "t4", "q1", "q2"); !slices.Equal(got, want) {
		t.Fatalf("admin's waiting %v, want %v", got, want)
	}
	if len(d.Executors[e.empty]) != 0 || len(d.Executors[e.it]) != 2 {
		t.Fatalf("admin's choices %+v", d.Executors)
	}
	// Once b is back, it's tickets can be taken: they leave the waiting list.
	e.available(t, e.b, true)
	if got, want := ids(must(e.svc.Desk(e.ctx, e.admin))(t).Waiting), oldestFirst("t3", "t4"); !slices.Equal(got, want) {
		t.Fatalf("admin's waiting with b back %v, want %v", got, want)
	}
	if ok := must(e.svc.CanBeTaken(e.ctx, e.it))(t); !ok {
		t.Fatal("it has b, yet nobody can take its tickets")
	}
	if ok := must(e.svc.CanBeTaken(e.ctx, e.empty))(t); ok {
		t.Fatal("a department with nobody can take tickets")
	}
	wantErr(t, first(e.svc.Desk(e.ctx, nil)), apperr.Unauthenticated, "")
}

func testJournalExport(t *testing.T, e *jenv) {
	restore := tickets.SetExportPage(2) // several pages with seven tickets
	defer restore()
	for _, c := range []string{"=HYPERLINK(\"http://evil\")", "+1", "-2", "@SUM(A1)", "plain, \"quoted\"\nline"} {
		e.fileAs(t, e.emp, e.printer, e.paper, c)
	}
	var buf bytes.Buffer
	must(0, e.svc.ExportCSV(e.ctx, e.admin, tickets.Filter{}, &buf))(t)
	recs, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], tickets.ExportHeader) {
		t.Fatalf("header %v", recs[0])
	}
	all := e.list(t, e.admin, tickets.Filter{Limit: tickets.MaxLimit})
	if len(recs)-1 != len(all) {
		t.Fatalf("%d rows, want %d", len(recs)-1, len(all))
	}
	col := func(name string) int { return slices.Index(tickets.ExportHeader, name) }
	for i, id := range all {
		if recs[i+1][col("number")] != "T-"+strconv.FormatInt(id, 10) {
			t.Fatalf("row %d is %s, want ticket %d", i+1, recs[i+1][0], id)
		}
	}
	comments := map[string]bool{}
	for _, r := range recs[1:] {
		comments[r[col("comment")]] = true
	}
	for _, want := range []string{"'=HYPERLINK(\"http://evil\")", "'+1", "'-2", "'@SUM(A1)", "plain, \"quoted\"\nline", "Кофе ТЕЧЁТ"} {
		if !comments[want] {
			t.Errorf("no comment %q in %v", want, comments)
		}
	}
	t5 := recs[1+slices.Index(all, e.tk["t5"].ID)]
	if t5[col("status")] != "in_progress" || t5[col("class")] != "Kitchen" || t5[col("department")] != "Dept fac" ||
		t5[col("assignee_email")] != e.other.Email || t5[col("location")] != "HQ, 2, Kitchen" ||
		t5[col("created_utc")] != e.tk["t5"].CreatedAt.UTC().Format("2006-01-02 15:04:05") {
		t.Fatalf("t5 row %v", t5)
	}
	// Scope and filter as the journal: emp2's export of leaks holds only t2.
	buf.Reset()
	must(0, e.svc.ExportCSV(e.ctx, e.emp2, tickets.Filter{ProblemID: e.leak}, &buf))(t)
	recs = must(csv.NewReader(&buf).ReadAll())(t)
	if len(recs) != 2 || recs[1][col("number")] != e.tk["t2"].Number() {
		t.Fatalf("emp2's leaks %v", recs)
	}
	// Names follow the reader's language.
	ru := *e.admin
	ru.Language = "ru"
	buf.Reset()
	must(0, e.svc.ExportCSV(e.ctx, &ru, tickets.Filter{AssetID: e.coffee.ID}, &buf))(t)
	recs = must(csv.NewReader(&buf).ReadAll())(t)
	if recs[1][col("class")] != "Кухня" || recs[1][col("department")] != "Отдел fac" {
		t.Fatalf("russian row %v", recs[1])
	}
	err = e.svc.ExportCSV(e.ctx, e.admin, tickets.Filter{Q: "bad \xff"}, &buf)
	wantErr(t, err, apperr.Invalid, "")
	wantErr(t, e.svc.ExportCSV(e.ctx, nil, tickets.Filter{}, &buf), apperr.Unauthenticated, "")
}

func TestSearchText(t *testing.T) {
	for _, c := range []struct {
		in   []string
		want string
	}{
		{[]string{"Принтер ЁЖ", " ", "", "HQ"}, "принтер ёж hq"},
		{[]string{"  Straße  ", "ΣΑΣ"}, "straße σασ"},
		{nil, ""},
	} {
		if got := tickets.SearchText(c.in...); got != c.want {
			t.Errorf("SearchText(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// testJournalPeople: the executor choices of the journal and of reassigning, and
// the names a ticket's history refers to by id.
func testJournalPeople(t *testing.T, e *jenv) {
	names := func(ps []tickets.Person) []string {
		var out []string
		for _, p := range ps {
			out = append(out, p.Email)
		}
		return out
	}
	all := []string{"a@example.test", "b@example.test", "other@example.test"}
	if got := names(must(e.svc.Assignees(e.ctx, e.admin))(t)); !slices.Equal(got, all) {
		t.Fatalf("admin's executor choices %v", got)
	}
	if got := names(must(e.svc.Assignees(e.ctx, e.boss))(t)); !slices.Equal(got, all) {
		t.Fatalf("head's executor choices %v", got)
	}
	if got := names(must(e.svc.Assignees(e.ctx, e.a))(t)); !slices.Equal(got, all[:2]) {
		t.Fatalf("a's executor choices %v", got)
	}
	if got := must(e.svc.Assignees(e.ctx, e.emp))(t); got != nil {
		t.Fatalf("an employee's executor choices %v", got)
	}
	// Reassign choices: the department's executors, for who may reassign, and
	// read only for them.
	if got := names(must(e.svc.View(e.ctx, e.boss, e.tk["t1"].ID))(t).Executors); !slices.Equal(got, all[:2]) {
		t.Fatalf("reassign choices %v", got)
	}
	if v := must(e.svc.View(e.ctx, e.a, e.tk["t1"].ID))(t); v.Actions.Reassign || v.Executors != nil {
		t.Fatalf("an executor's reassign choices %+v %v", v.Actions, v.Executors)
	}
	wantErr(t, first(e.svc.View(e.ctx, e.emp2, e.tk["t1"].ID)), apperr.NotFound, "")
	if v := must(e.svc.View(e.ctx, e.admin, e.tk["t4"].ID))(t); v.Actions.Reassign || v.Executors != nil { // unrouted
		t.Fatalf("an unrouted ticket's reassign choices %+v %v", v.Actions, v.Executors)
	}
	// The history's people: t1 was assigned to a, then reassigned to b by the head.
	must(e.svc.Reassign(e.ctx, e.boss, e.tk["t1"].ID, e.b.ID))(t)
	var got []string
	for _, ev := range must(e.svc.View(e.ctx, e.emp, e.tk["t1"].ID))(t).Events {
		if ev.SubjectID != 0 {
			got = append(got, fmt.Sprintf("%s by %q: %d %s %s %q", ev.Kind, ev.ActorName, ev.SubjectID, ev.SubjectName, ev.SubjectEmail, ev.Detail))
		}
	}
	want := []string{fmt.Sprintf("assigned by \"\": %d %s %s \"\"", e.a.ID, e.a.FullName, e.a.Email),
		fmt.Sprintf("reassigned by %q: %d %s %s \"\"", e.boss.FullName, e.b.ID, e.b.FullName, e.b.Email)}
	if !slices.Equal(got, want) {
		t.Fatalf("history's people %q, want %q", got, want)
	}
	for _, ev := range must(e.svc.View(e.ctx, e.admin, e.tk["t4"].ID))(t).Events {
		if ev.SubjectID != 0 || ev.SubjectName != "" {
			t.Fatalf("an unrouted ticket names %+v", ev)
		}
	}
}
