package upkeep_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/reports"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// clock is a settable clock, safe for concurrent use.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

// env is one upkeep case's world, in Europe/Berlin. Department "fac" (head
// facHead) descales coffee machines, "it" (head itHead, executor exec) restocks
// printers' paper. Coffee machines: kitchen A (building A, floor 1), kitchen B
// (building B) and an archived one.
type env struct {
	ctx                          context.Context
	d                            *db.DB
	acc                          *users.Service
	cat                          *assets.Service
	rules                        *tickets.Rules
	tix                          *tickets.Service
	svc                          *upkeep.Service
	clk                          *clock
	loc                          *time.Location
	admin, facHead, itHead, exec *users.User
	emp                          *users.User
	fac, it                      int64
	kitchen, coffee, printer     int64
	descale, paper, jam          int64
	coffeeA, coffeeB, oldCoffee  *assets.Asset
	printer1                     *assets.Asset
}

func must[T any](v T, err error) func(t testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func newEnv(t *testing.T, d *db.DB) *env { return newEnvTB(t, d) }

func newEnvTB(t testing.TB, d *db.DB) *env {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	clk := &clock{t: time.Date(2026, 3, 2, 10, 0, 0, 0, loc)}
	e := &env{ctx: ctx, d: d, clk: clk, loc: loc, acc: testkit.Accounts(t, d)}
	e.cat = assets.NewService(d, clk.Now)
	e.rules = tickets.NewRules(d, clk.Now)
	e.tix = tickets.NewService(d, e.rules, e.cat, clk.Now)
	e.svc = upkeep.NewService(d, e.tix, e.rules, e.acc, loc, clk.Now)
	mk := func(email string, roles ...users.Role) *users.User {
		return must(e.acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Test " + email, Roles: roles, Password: "correct-horse-battery-9", Language: "en"}))(t)
	}
	e.admin = mk("admin@example.test", users.RoleEmployee, users.RoleAdmin)
	dep := func(code string) int64 {
		return must(e.acc.CreateDepartment(ctx, e.admin, users.DepartmentInput{Code: code, NameEN: "Dept " + code}))(t).ID
	}
	e.fac, e.it = dep("fac"), dep("it")
	member := func(u *users.User, dep int64) *users.User {
		ids := []int64{dep}
		return must(e.acc.UpdateUser(ctx, e.admin, u.ID, users.UserPatch{DepartmentIDs: &ids}))(t)
	}
	e.facHead = member(mk("fachead@example.test", users.RoleEmployee, users.RoleHead), e.fac)
	e.itHead = member(mk("ithead@example.test", users.RoleEmployee, users.RoleHead), e.it)
	e.exec = member(mk("exec@example.test", users.RoleEmployee, users.RoleExecutor), e.fac)
	e.emp = mk("emp@example.test", users.RoleEmployee)
	class := must(e.cat.CreateClass(ctx, e.admin, assets.Names{EN: "Kitchen", RU: "Кухня"}))(t)
	e.kitchen = class.ID
	e.coffee = must(e.cat.CreateType(ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Coffee machine", RU: "Кофемашина"}}))(t).ID
	e.printer = must(e.cat.CreateType(ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}}))(t).ID
	prob := func(en string) int64 {
		return must(e.cat.CreateProblem(ctx, e.admin, assets.Names{EN: en, RU: en + " ru"}))(t).ID
	}
	e.descale, e.paper, e.jam = prob("Descaling"), prob("Out of paper"), prob("Paper jam")
	must(e.cat.SetOffers(ctx, e.admin, e.coffee, []assets.OfferInput{{ProblemID: e.descale}}))(t)
	must(e.cat.SetOffers(ctx, e.admin, e.printer, []assets.OfferInput{{ProblemID: e.paper}, {ProblemID: e.jam}}))(t)
	must(e.rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.descale, DepartmentID: e.fac}))(t)
	must(e.rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.paper, DepartmentID: e.it}))(t)
	e.coffeeA = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Coffee A", TypeID: e.coffee, Location: assets.Location{Building: "A", Floor: "1"}}))(t)
	e.coffeeB = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Coffee B", TypeID: e.coffee, Location: assets.Location{Building: "B", Floor: "2"}}))(t)
	e.oldCoffee = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Old coffee", TypeID: e.coffee, Archived: true}))(t)
	e.printer1 = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Printer 1", TypeID: e.printer}))(t)
	return e
}

// daily is a plan descaling every coffee machine daily at 09:00 from 2 March 2026.
func (e *env) daily() upkeep.Input {
	start, _ := upkeep.ParseDate("2026-03-02")
	return upkeep.Input{Name: "Descale", Target: upkeep.TargetType, TypeID: e.coffee, ProblemID: e.descale, Note: "Descale, refill the filter",
		Active: true, Schedule: upkeep.Schedule{Every: upkeep.EveryDays, N: 1, AtMinute: 9 * 60, Start: start}}
}

// upkeepTickets lists the plan's tickets by device id.
func (e *env) upkeepTickets(t *testing.T, plan int64) map[int64][]*tickets.Ticket {
	t.Helper()
	page := must(e.tix.List(e.ctx, e.admin, tickets.Filter{Upkeep: true, Limit: 100}))(t)
	out := map[int64][]*tickets.Ticket{}
	for _, r := range page.Items {
		if r.UpkeepPlanID == plan {
			tk := r.Ticket
			out[r.AssetID] = append(out[r.AssetID], &tk)
		}
	}
	return out
}

func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	ae := apperr.As(err)
	if ae == nil || ae.Code != apperr.Invalid {
		t.Fatalf("got %v, want Invalid %s=%s", err, field, key)
	}
	for _, f := range ae.Fields {
		if f.Field == field && f.Key == key {
			return
		}
	}
	t.Fatalf("got fields %+v, want %s=%s", ae.Fields, field, key)
}

func TestPlansRefuseBadSchedulesAndProblemsNotOffered(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := e.daily()
		in.Schedule.N = 0
		_, err := e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "every_n", "upkeep.err_days")
		in = e.daily()
		in.Schedule = upkeep.Schedule{Every: upkeep.EveryWeeks, N: 1, AtMinute: 60, Start: in.Schedule.Start}
		_, err = e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "weekdays", "upkeep.err_weekdays")
		in = e.daily()
		in.Schedule.End, _ = upkeep.ParseDate("2026-03-01")
		_, err = e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "end", "upkeep.err_end_before_start")
		// Monthly on the 31st from 1 to 30 April: never.
		in = e.daily()
		in.Schedule = upkeep.Schedule{Every: upkeep.EveryMonths, N: 1, MonthDay: 31, AtMinute: 60}
		in.Schedule.Start, _ = upkeep.ParseDate("2026-04-01")
		in.Schedule.End, _ = upkeep.ParseDate("2026-04-29")
		_, err = e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "end", "upkeep.err_never")
		// Paper on coffee machines: not offered.
		in = e.daily()
		in.ProblemID = e.paper
		_, err = e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "problem_type_id", "upkeep.err_not_offered")
		in = e.daily()
		in.Target, in.AssetID = upkeep.TargetDevice, e.printer1.ID
		_, err = e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "problem_type_id", "upkeep.err_not_offered")
		in = e.daily()
		in.Target, in.AssetID = upkeep.TargetDevice, e.oldCoffee.ID
		_, err = e.svc.Create(e.ctx, e.admin, in)
		wantField(t, err, "asset_id", "upkeep.err_device_archived")
		if n := len(must(e.svc.List(e.ctx, e.admin, upkeep.ListFilter{}))(t)); n != 0 {
			t.Fatalf("%d plans stored after refusals", n)
		}
	})
}

func TestDueUpkeepIsFiledOncePerDeviceAfterDowntime(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := must(e.svc.Create(e.ctx, e.facHead, e.daily()))(t)
		if want := time.Date(2026, 3, 3, 9, 0, 0, 0, e.loc); p.NextDue == nil || !p.NextDue.Equal(want) {
			t.Fatalf("first due %v, want %v (after creation, never before)", p.NextDue, want)
		}
		if p.DepartmentID != e.fac {
			t.Fatalf("plan's department %d, want fac %d", p.DepartmentID, e.fac)
		}
		// Nothing due yet.
		if res := must(e.svc.RunDue(e.ctx))(t); res.Filed != 0 {
			t.Fatalf("filed %d before the due time", res.Filed)
		}
		// The server was down from 3 to 7 March: five due times passed.
		e.clk.Set(time.Date(2026, 3, 7, 12, 0, 0, 0, e.loc))
		res := must(e.svc.RunDue(e.ctx))(t)
		if res.Filed != 2 {
			t.Fatalf("filed %d, want 2 (one per live coffee machine, the archived one skipped): %+v", res.Filed, res)
		}
		got := e.upkeepTickets(t, p.ID)
		if len(got) != 2 || len(got[e.coffeeA.ID]) != 1 || len(got[e.coffeeB.ID]) != 1 || len(got[e.oldCoffee.ID]) != 0 {
			t.Fatalf("tickets by device: %v", got)
		}
		tk := got[e.coffeeA.ID][0]
		if tk.ReporterID != e.facHead.ID || tk.Comment != "Descale, refill the filter" || tk.DepartmentID != e.fac || tk.ProblemID != e.descale {
			t.Fatalf("ticket %+v: want reporter the author, the note, routed to fac", tk)
		}
		p = must(e.svc.Get(e.ctx, e.admin, p.ID))(t)
		if want := time.Date(2026, 3, 8, 9, 0, 0, 0, e.loc); !p.NextDue.Equal(want) {
			t.Fatalf("next due %v, want %v (past now)", p.NextDue, want)
		}
		// A second pass for the same time files nothing.
		if res := must(e.svc.RunDue(e.ctx))(t); res.Filed != 0 || res.Plans != 0 {
			t.Fatalf("second pass: %+v", res)
		}
		// Next day: the tickets are still open, so the devices are skipped.
		e.clk.Set(time.Date(2026, 3, 8, 9, 1, 0, 0, e.loc))
		if res := must(e.svc.RunDue(e.ctx))(t); res.Filed != 0 || res.Skipped != 2 {
			t.Fatalf("with open tickets: %+v, want 2 skipped", res)
		}
		// Once kitchen A's is done, its next one is filed; B's stays skipped.
		must(e.tix.Complete(e.ctx, e.exec, tk.ID, "done"))(t)
		e.clk.Set(time.Date(2026, 3, 9, 9, 1, 0, 0, e.loc))
		if res := must(e.svc.RunDue(e.ctx))(t); res.Filed != 1 || res.Skipped != 1 {
			t.Fatalf("after completion: %+v, want 1 filed, 1 skipped", res)
		}
		p = must(e.svc.Get(e.ctx, e.admin, p.ID))(t)
		if p.LastDone == nil {
			t.Fatal("the plan does not say when it was last done")
		}
		box := must(e.svc.ForDevice(e.ctx, e.exec, e.coffeeA.ID))(t)
		if box == nil || len(box.Plans) != 1 || box.LastDone == nil {
			t.Fatalf("device box %+v", box)
		}
		if box := must(e.svc.ForDevice(e.ctx, e.emp, e.coffeeA.ID))(t); box != nil {
			t.Fatal("an employee sees the upkeep box")
		}
	})
}

func TestPlacesAndDeletedDevices(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		in := e.daily()
		in.Building = "B"
		inB := must(e.svc.Create(e.ctx, e.admin, in))(t)
		lone := must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Lone coffee", TypeID: e.coffee}))(t)
		in = e.daily()
		in.Target, in.TypeID, in.AssetID = upkeep.TargetDevice, 0, lone.ID
		dev := must(e.svc.Create(e.ctx, e.admin, in))(t)
		if err := e.cat.DeleteAsset(e.ctx, e.admin, lone.ID); err != nil {
			t.Fatalf("a device under a plan cannot be deleted: %v", err)
		}
		if p := must(e.svc.Get(e.ctx, e.admin, dev.ID))(t); !p.DeviceGone {
			t.Fatal("the plan does not say its device is gone")
		}
		e.clk.Set(time.Date(2026, 3, 3, 9, 30, 0, 0, e.loc))
		res := must(e.svc.RunDue(e.ctx))(t)
		if res.Filed != 1 {
			t.Fatalf("%+v: want one ticket, kitchen B's", res)
		}
		if got := e.upkeepTickets(t, inB.ID); len(got[e.coffeeB.ID]) != 1 {
			t.Fatalf("building B plan filed %v", got)
		}
		// Archived since the plan was made: skipped at the next due time.
		a := e.coffeeA
		must(e.cat.UpdateAsset(e.ctx, e.admin, a.ID, assets.AssetInput{Name: a.Name, TypeID: a.TypeID, Location: a.Location, Archived: true}))(t)
		all := must(e.svc.Create(e.ctx, e.admin, e.daily()))(t)
		e.clk.Set(time.Date(2026, 3, 4, 9, 30, 0, 0, e.loc))
		must(e.svc.RunDue(e.ctx))(t)
		if got := e.upkeepTickets(t, all.ID); len(got[e.coffeeA.ID]) != 0 {
			t.Fatal("an archived device got upkeep")
		}
	})
}

func TestDaylightSavingOnTheDueTime(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.clk.Set(time.Date(2026, 3, 28, 12, 0, 0, 0, e.loc))
		in := e.daily()
		in.Target, in.TypeID, in.AssetID = upkeep.TargetDevice, 0, e.coffeeA.ID
		in.Schedule.AtMinute = 2*60 + 30 // skipped on 29 March in Berlin
		p := must(e.svc.Create(e.ctx, e.admin, in))(t)
		if want := time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC); !p.NextDue.Equal(want) {
			t.Fatalf("due %v, want 03:00 CEST (%v), the first instant after the jump", p.NextDue.UTC(), want)
		}
		e.clk.Set(time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC))
		if res := must(e.svc.RunDue(e.ctx))(t); res.Filed != 1 {
			t.Fatalf("%+v, want the ticket at the jump", res)
		}
		p = must(e.svc.Get(e.ctx, e.admin, p.ID))(t)
		if want := time.Date(2026, 3, 30, 0, 30, 0, 0, time.UTC); !p.NextDue.Equal(want) {
			t.Fatalf("next %v, want 02:30 CEST on the 30th", p.NextDue.UTC())
		}
	})
}

func TestTwoSchedulersFileEachDueUpkeepOnce(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			url := testkit.FreshURL(t, dialect)
			d1 := testkit.OpenURL(t, url)
			if err := d1.Migrate(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			e := newEnv(t, d1)
			for i := range 8 {
				must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Coffee " + string(rune('C'+i)), TypeID: e.coffee}))(t)
			}
			must(e.svc.Create(e.ctx, e.admin, e.daily()))(t)
			// A second instance: its own connections, its own services.
			d2 := testkit.OpenURL(t, url)
			cat2 := assets.NewService(d2, e.clk.Now)
			rules2 := tickets.NewRules(d2, e.clk.Now)
			tix2 := tickets.NewService(d2, rules2, cat2, e.clk.Now)
			svc2 := upkeep.NewService(d2, tix2, rules2, testkit.Accounts(t, d2), e.loc, e.clk.Now)
			e.clk.Set(time.Date(2026, 3, 3, 9, 0, 0, 0, e.loc))
			var wg sync.WaitGroup
			errs := make([]error, 4)
			for i, s := range []*upkeep.Service{e.svc, svc2, e.svc, svc2} {
				wg.Go(func() { _, errs[i] = s.RunDue(e.ctx) })
			}
			wg.Wait()
			for _, err := range errs {
				if err != nil {
					t.Fatal(err)
				}
			}
			var n, runs int
			if err := d1.R.QueryRow(`SELECT COUNT(*) FROM tickets WHERE upkeep_plan_id IS NOT NULL`).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if err := d1.R.QueryRow(`SELECT COUNT(*) FROM upkeep_runs`).Scan(&runs); err != nil {
				t.Fatal(err)
			}
			if n != 10 || runs != 10 {
				t.Fatalf("%d tickets and %d runs, want 10 each (one per coffee machine)", n, runs)
			}
		})
	}
}

func TestOnlyAdminsAndTheDepartmentsHeadsSeePlans(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		p := must(e.svc.Create(e.ctx, e.facHead, e.daily()))(t)
		for _, u := range []*users.User{e.exec, e.emp} {
			if _, err := e.svc.List(e.ctx, u, upkeep.ListFilter{}); apperr.CodeOf(err) != apperr.Forbidden {
				t.Fatalf("%s lists plans: %v", u.Email, err)
			}
			if _, err := e.svc.Create(e.ctx, u, e.daily()); apperr.CodeOf(err) != apperr.Forbidden {
				t.Fatalf("%s creates a plan: %v", u.Email, err)
			}
		}
		// Forbidden and absent look the same.
		for _, u := range []*users.User{e.exec, e.emp, e.itHead} {
			_, errSeen := e.svc.Get(e.ctx, u, p.ID)
			_, errAbsent := e.svc.Get(e.ctx, u, p.ID+1000)
			if apperr.CodeOf(errSeen) != apperr.NotFound || apperr.As(errSeen).Key != apperr.As(errAbsent).Key {
				t.Fatalf("%s: got %v for another's plan, %v for an absent one", u.Email, errSeen, errAbsent)
			}
			if err := e.svc.Delete(e.ctx, u, p.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("%s deletes another's plan: %v", u.Email, err)
			}
			if _, err := e.svc.Update(e.ctx, u, p.ID, e.daily()); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("%s changes another's plan: %v", u.Email, err)
			}
			if _, err := e.svc.RunNow(e.ctx, u, p.ID); apperr.CodeOf(err) != apperr.NotFound {
				t.Fatalf("%s runs another's plan: %v", u.Email, err)
			}
		}
		if got := must(e.svc.List(e.ctx, e.itHead, upkeep.ListFilter{}))(t); len(got) != 0 {
			t.Fatalf("IT's head lists %d of facilities' plans", len(got))
		}
		// IT's head may not plan work the rules send to facilities.
		_, err := e.svc.Create(e.ctx, e.itHead, e.daily())
		wantField(t, err, "problem_type_id", "upkeep.err_not_your_department")
		// The plan's head pauses, edits and deletes it.
		p = must(e.svc.SetActive(e.ctx, e.facHead, p.ID, false))(t)
		if p.Active {
			t.Fatal("not paused")
		}
		in := e.daily()
		in.Note = "new note"
		if p = must(e.svc.Update(e.ctx, e.facHead, p.ID, in))(t); p.Note != "new note" || !p.Active {
			t.Fatalf("update: %+v", p)
		}
		if res := must(e.svc.RunNow(e.ctx, e.facHead, p.ID))(t); res.Filed != 2 {
			t.Fatalf("run now: %+v", res)
		}
		if err := e.svc.Delete(e.ctx, e.facHead, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Get(e.ctx, e.admin, p.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("deleted plan: %v", err)
		}
		// Its tickets stay marked as upkeep, and its id is never given to another plan.
		if got := e.upkeepTickets(t, p.ID); len(got) != 2 {
			t.Fatalf("tickets of the deleted plan: %v", got)
		}
		if again := must(e.svc.Create(e.ctx, e.admin, e.daily()))(t); again.ID == p.ID {
			t.Fatalf("a new plan took the deleted plan's id %d", p.ID)
		}
	})
}

func TestReportCountsUpkeepOnTimeAndLate(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rep := reports.NewService(d, e.loc, e.clk.Now)
		p := must(e.svc.Create(e.ctx, e.admin, e.daily()))(t)
		// Day 1 (3 March): both machines get a ticket; A's is done within the day,
		// B's the day after its deadline (4 March 09:00).
		e.clk.Set(time.Date(2026, 3, 3, 9, 0, 0, 0, e.loc))
		must(e.svc.RunDue(e.ctx))(t)
		byDev := e.upkeepTickets(t, p.ID)
		e.clk.Set(time.Date(2026, 3, 3, 15, 0, 0, 0, e.loc))
		must(e.tix.Complete(e.ctx, e.exec, byDev[e.coffeeA.ID][0].ID, "done"))(t)
		e.clk.Set(time.Date(2026, 3, 5, 8, 0, 0, 0, e.loc))
		must(e.tix.Complete(e.ctx, e.exec, byDev[e.coffeeB.ID][0].ID, "done late"))(t)
		// 5 March 09:00: the next round; B's is left open past its deadline.
		e.clk.Set(time.Date(2026, 3, 5, 9, 0, 0, 0, e.loc))
		must(e.svc.RunDue(e.ctx))(t)
		e.clk.Set(time.Date(2026, 3, 7, 12, 0, 0, 0, e.loc))
		period, err := reports.ParsePeriod("2026-03-01", "2026-03-07", e.clk.Now(), e.loc)
		if err != nil {
			t.Fatal(err)
		}
		r := must(rep.Summary(e.ctx, e.admin, reports.Query{Period: period}))(t)
		u := r.Upkeep
		if u.Due != 4 || u.OnTime != 1 || u.Late != 3 || u.Pending != 0 {
			t.Fatalf("upkeep %+v: want 4 due, 1 on time, 3 late (B done late, both second ones open past their deadline)", u)
		}
		if len(u.Slipping) != 1 || u.Slipping[0].ID != e.coffeeB.ID || u.Slipping[0].Late != 2 {
			t.Fatalf("slipping %+v, want kitchen B twice", u.Slipping)
		}
		// IT's head covers IT only: none of facilities' upkeep.
		r = must(rep.Summary(e.ctx, e.itHead, reports.Query{Period: period}))(t)
		if r.Upkeep.Due != 0 {
			t.Fatalf("IT's head sees facilities' upkeep: %+v", r.Upkeep)
		}
	})
}
