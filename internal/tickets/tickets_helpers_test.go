package tickets_test

import (
	"context"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// emptyTicketsDB deletes the tickets' rows, then everything the rules tests empty.
func emptyTicketsDB(t *testing.T, d *db.DB) {
	t.Helper()
	for _, table := range []string{"ticket_followers", "ticket_events", "tickets"} {
		if _, err := d.W.Exec("DELETE FROM " + table); err != nil {
			t.Fatalf("empty %s: %v", table, err)
		}
	}
	emptyDB(t, d)
}

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

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// tenv is one ticket case's world. Department "it" has executors a and b and head
// boss; "fac" has executor other; "empty" has nobody. The printer type offers paper
// and jam; leak is not offered. Rules: paper -> it, jam on printers -> empty; smoke
// (offered) matches no rule and there is no default department.
type tenv struct {
	ctx                     context.Context
	d                       *db.DB
	acc                     *users.Service
	cat                     *assets.Service
	rules                   *tickets.Rules
	svc                     *tickets.Service
	clk                     *clock
	admin, emp, emp2        *users.User
	a, b, other, boss       *users.User
	it, fac, empty          int64
	paper, jam, smoke, leak int64
	classID, typeID         int64
	printer, archived       *assets.Asset
	paperRule               int64
}

func newTenv(t *testing.T, d *db.DB, acc *users.Service) *tenv {
	t.Helper()
	ctx := context.Background()
	clk := &clock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	e := &tenv{ctx: ctx, d: d, acc: acc, clk: clk, cat: assets.NewService(d, clk.Now), rules: tickets.NewRules(d, clk.Now)}
	e.svc = tickets.NewService(d, e.rules, e.cat, clk.Now)
	mk := func(email string, roles ...users.Role) *users.User {
		u, err := acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Test " + email, Roles: roles, Password: "correct-horse-battery-9", Language: "en"})
		if err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	e.admin = mk("admin@example.test", users.RoleEmployee, users.RoleAdmin)
	dep := func(code string) int64 {
		dp, err := acc.CreateDepartment(ctx, e.admin, users.DepartmentInput{Code: code, NameEN: "Dept " + code, NameRU: "Отдел " + code})
		if err != nil {
			t.Fatalf("department %s: %v", code, err)
		}
		return dp.ID
	}
	e.it, e.fac, e.empty = dep("it"), dep("fac"), dep("empty")
	e.emp = mk("emp@example.test", users.RoleEmployee)
	e.emp2 = mk("emp2@example.test", users.RoleEmployee)
	e.a = e.member(t, mk("a@example.test", users.RoleEmployee, users.RoleExecutor), e.it)
	e.b = e.member(t, mk("b@example.test", users.RoleEmployee, users.RoleExecutor), e.it)
	e.other = e.member(t, mk("other@example.test", users.RoleEmployee, users.RoleExecutor), e.fac)
	e.boss = e.member(t, mk("boss@example.test", users.RoleEmployee, users.RoleHead), e.it)

	class := must(e.cat.CreateClass(ctx, e.admin, assets.Names{EN: "IT equipment", RU: "ИТ"}))(t)
	typ := must(e.cat.CreateType(ctx, e.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}}))(t)
	e.classID, e.typeID = class.ID, typ.ID
	prob := func(en string) int64 {
		return must(e.cat.CreateProblem(ctx, e.admin, assets.Names{EN: en, RU: en + " ru"}))(t).ID
	}
	e.paper, e.jam, e.smoke, e.leak = prob("out of paper"), prob("paper jam"), prob("smoke"), prob("leaking")
	must(e.cat.SetOffers(ctx, e.admin, typ.ID, []assets.OfferInput{{ProblemID: e.paper}, {ProblemID: e.jam}, {ProblemID: e.smoke}}))(t)
	e.paperRule = must(e.rules.Create(ctx, e.admin, tickets.RuleInput{ProblemID: e.paper, DepartmentID: e.it}))(t).ID
	must(e.rules.Create(ctx, e.admin, tickets.RuleInput{ClassID: class.ID, TypeID: typ.ID, ProblemID: e.jam, DepartmentID: e.empty}))(t)
	e.printer = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Printer 4th floor", TypeID: typ.ID}))(t)
	e.archived = must(e.cat.CreateAsset(ctx, e.admin, assets.AssetInput{Name: "Old printer", TypeID: typ.ID, Archived: true}))(t)
	return e
}

// member puts u into department dep and returns the fresh user.
func (e *tenv) member(t *testing.T, u *users.User, dep int64) *users.User {
	t.Helper()
	ids := []int64{dep}
	return must(e.acc.UpdateUser(e.ctx, e.admin, u.ID, users.UserPatch{DepartmentIDs: &ids}))(t)
}

// available switches u's availability.
func (e *tenv) available(t *testing.T, u *users.User, on bool) {
	t.Helper()
	must(e.acc.UpdateUser(e.ctx, e.admin, u.ID, users.UserPatch{Available: &on}))(t)
}

// file files a ticket by emp on the printer, through FileBrief (the API's
// filing), and checks its answer against a read.
func (e *tenv) file(t *testing.T, problem int64) *tickets.Ticket {
	t.Helper()
	b := must(e.svc.FileBrief(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: problem, Comment: "please help"}))(t)
	e.asStored(t, &b.Row.Ticket)
	e.briefAsRead(t, e.emp, b)
	return &b.Row.Ticket
}

// asStored fails unless tk, as File answered it (built from what it wrote, not
// read back), is the ticket a read gives now.
func (e *tenv) asStored(t *testing.T, tk *tickets.Ticket) {
	t.Helper()
	got := must(e.svc.Get(e.ctx, e.admin, tk.ID))(t)
	sameFields(t, "File answered", reflect.ValueOf(*tk), reflect.ValueOf(*got))
}

// briefAsRead fails unless b, as FileBrief answered it to u (made from what the
// filing read and wrote), is what Brief reads for u now.
func (e *tenv) briefAsRead(t *testing.T, u *users.User, b *tickets.Brief) {
	t.Helper()
	got := must(e.svc.Brief(e.ctx, u, b.Row.ID))(t)
	sameFields(t, "FileBrief answered", reflect.ValueOf(*b), reflect.ValueOf(*got))
}

// sameFields reports every field of the structs a and b that differs, times
// compared as instants, embedded and nested structs field by field.
func sameFields(t *testing.T, what string, a, b reflect.Value) {
	t.Helper()
	for i := range a.NumField() {
		name := a.Type().Field(i).Name
		x, y := a.Field(i).Interface(), b.Field(i).Interface()
		same := x == y
		switch xv := x.(type) {
		case time.Time:
			same = xv.Equal(y.(time.Time))
		case *time.Time:
			yv := y.(*time.Time)
			same = (xv == nil) == (yv == nil) && (xv == nil || xv.Equal(*yv))
		default:
			if a.Field(i).Kind() == reflect.Struct {
				sameFields(t, what+" "+name+".", a.Field(i), b.Field(i))
				continue
			}
		}
		if !same {
			t.Errorf("%s %s = %v, a read gives %v", what, name, x, y)
		}
	}
}

// kinds is the ticket's history as the admin reads it, one "kind:detail" per
// event, with "@<id>" after the colon for the person the event is about.
func (e *tenv) kinds(t *testing.T, id int64) []string {
	t.Helper()
	var out []string
	for _, ev := range must(e.svc.View(e.ctx, e.admin, id))(t).Events {
		k := ev.Kind + ":" + ev.Detail
		if ev.SubjectID != 0 {
			k += "@" + strconv.FormatInt(ev.SubjectID, 10)
		}
		out = append(out, k)
	}
	return out
}

// must(f())(t) returns f's value, failing the test when f failed.
func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantErr fails unless err is an apperr of code with key (key "" matches any).
func wantErr(t *testing.T, err error, code apperr.Code, key string) *apperr.Error {
	t.Helper()
	ae := apperr.As(err)
	if ae == nil || ae.Code != code || (key != "" && ae.Key != key) {
		t.Fatalf("got %v, want %s %s", err, code, key)
	}
	return ae
}
