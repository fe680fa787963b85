package reports_test

import (
	"context"
	"database/sql"
	"math/rand/v2"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/reports"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// tkt is one ticket of the test office as the test wrote it; the expected
// figures are computed from these in Go, one ticket at a time.
type tkt struct {
	asset, problem, dep, assignee      int64
	created                            time.Time
	assigned, started, done, cancelled *time.Time
	status                             string
	// takeBy and doneBy are the service-level due times (nil: no target), taken
	// when an executor took or started it (tickets.taken_at).
	takeBy, doneBy, taken *time.Time
}

// office is a small office with a known history: departments it and fac, a head
// of it (boss), a head of none, executors x (it) and y (fac), an employee; two
// classes with a type each, three problems, twelve devices.
type office struct {
	ctx                      context.Context
	d                        *db.DB
	loc                      *time.Location
	now                      time.Time
	svc                      *reports.Service
	admin, boss, lost        *users.User
	x, y, emp                *users.User
	it, fac                  int64
	classOf, typeOf          map[int64]int64 // device → class, device → type
	classes, types, problems []int64
	devices                  []int64
	deviceName               map[int64]string
	tickets                  []tkt
}

func must[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

func newOffice(t *testing.T, d *db.DB) *office {
	t.Helper()
	ctx := context.Background()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	o := &office{ctx: ctx, d: d, loc: loc, now: time.Date(2026, 4, 6, 10, 0, 0, 0, time.UTC),
		classOf: map[int64]int64{}, typeOf: map[int64]int64{}, deviceName: map[int64]string{}}
	o.svc = reports.NewService(d, loc, func() time.Time { return o.now })
	acc := testkit.Accounts(t, d)
	cat := assets.NewService(d, nil)
	mk := func(email string, roles ...users.Role) *users.User {
		return must(acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Person " + email, Roles: roles,
			Password: "correct-horse-battery-9", Language: "en"}))(t)
	}
	o.admin = mk("admin@example.test", users.RoleEmployee, users.RoleAdmin)
	dep := func(code string) int64 {
		return must(acc.CreateDepartment(ctx, o.admin, users.DepartmentInput{Code: code, NameEN: "Dept " + code, NameRU: "Отдел " + code}))(t).ID
	}
	o.it, o.fac = dep("it"), dep("fac")
	member := func(u *users.User, deps ...int64) *users.User {
		return must(acc.UpdateUser(ctx, o.admin, u.ID, users.UserPatch{DepartmentIDs: &deps}))(t)
	}
	o.boss = member(mk("boss@example.test", users.RoleEmployee, users.RoleHead), o.it)
	o.lost = mk("lost@example.test", users.RoleEmployee, users.RoleHead)
	o.x = member(mk("x@example.test", users.RoleEmployee, users.RoleExecutor), o.it)
	o.y = member(mk("y@example.test", users.RoleEmployee, users.RoleExecutor), o.fac)
	o.emp = mk("emp@example.test", users.RoleEmployee)
	for i, n := range []string{"IT", "Facilities"} {
		c := must(cat.CreateClass(ctx, o.admin, assets.Names{EN: n, RU: n + " ru"}))(t)
		typ := must(cat.CreateType(ctx, o.admin, assets.TypeInput{ClassID: c.ID, Names: assets.Names{EN: n + " type", RU: n + " тип"}}))(t)
		o.classes, o.types = append(o.classes, c.ID), append(o.types, typ.ID)
		for j := range 6 {
			name := n + " device " + string(rune('A'+j))
			a := must(cat.CreateAsset(ctx, o.admin, assets.AssetInput{Name: name, TypeID: typ.ID}))(t)
			o.devices = append(o.devices, a.ID)
			o.classOf[a.ID], o.typeOf[a.ID], o.deviceName[a.ID] = c.ID, typ.ID, name
		}
		_ = i
	}
	for _, n := range []string{"broken", "noisy", "dirty"} {
		o.problems = append(o.problems, must(cat.CreateProblem(ctx, o.admin, assets.Names{EN: n, RU: n + " ru"}))(t).ID)
	}
	return o
}

// generate writes n tickets at random (seeded) between from and to, plus a few
// placed on purpose around the daylight-saving change of 29 March 2026 in Berlin.
func (o *office) generate(t *testing.T, n int, from, to time.Time) {
	t.Helper()
	rng := rand.New(rand.NewPCG(12, 34))
	at := func(t time.Time) *time.Time { return &t }
	span := int64(to.Sub(from) / time.Second)
	add := func(k tkt) { o.tickets = append(o.tickets, k) }
	for range n {
		k := tkt{asset: o.devices[rng.IntN(len(o.devices))], problem: o.problems[rng.IntN(len(o.problems))],
			created: from.Add(time.Duration(rng.Int64N(span)) * time.Second)}
		switch rng.IntN(3) {
		case 0:
			k.dep = o.it
		case 1:
			k.dep = o.fac
		}
		k.status = "new"
		if k.dep != 0 && rng.IntN(10) > 0 {
			k.assignee = o.x.ID
			if k.dep == o.fac {
				k.assignee = o.y.ID
			}
			k.assigned, k.status = at(k.created.Add(time.Duration(rng.IntN(600))*time.Second)), "assigned"
		}
		r := rng.IntN(10)
		switch {
		case r < 6 && k.assignee != 0:
			k.started = at(k.assigned.Add(time.Duration(rng.IntN(7200)) * time.Second))
			k.done = at(k.started.Add(time.Duration(rng.IntN(3*86400)) * time.Second))
			k.status = "done"
		case r < 8:
			k.cancelled = at(k.created.Add(time.Duration(rng.IntN(86400)) * time.Second))
			k.status = "cancelled"
		case r < 9 && k.assignee != 0:
			k.started = at(k.assigned.Add(time.Duration(rng.IntN(7200)) * time.Second))
			k.status = "in_progress"
		}
		add(k)
	}
	// Around the change: 23:30 UTC on the 28th is 00:30 on the 29th in Berlin
	// (CET); 22:30 UTC on the 29th is 00:30 on the 30th (CEST); 21:59 UTC on the
	// 29th is still the 29th.
	for _, c := range []time.Time{time.Date(2026, 3, 28, 23, 30, 0, 0, time.UTC), time.Date(2026, 3, 29, 22, 30, 0, 0, time.UTC),
		time.Date(2026, 3, 29, 21, 59, 0, 0, time.UTC), time.Date(2026, 3, 28, 22, 59, 59, 0, time.UTC)} {
		add(tkt{asset: o.devices[0], problem: o.problems[0], dep: o.it, created: c, status: "new"})
	}
	o.targets()
	o.insert(t)
}

// targets gives most tickets service-level due times, some kept, some missed,
// some due exactly when the ticket was taken or completed (kept: the due time
// itself is in time), from a generator of its own so the rest of the office
// stays what it was.
func (o *office) targets() {
	rng := rand.New(rand.NewPCG(77, 88))
	at := func(t time.Time) *time.Time { return &t }
	for i := range o.tickets {
		k := &o.tickets[i]
		switch {
		case k.started != nil:
			k.taken = k.started
		case k.assigned != nil && rng.IntN(2) == 0:
			k.taken = k.assigned
		}
		r := rng.IntN(4)
		if r == 1 || r == 3 {
			k.takeBy = at(k.created.Add(time.Duration(rng.IntN(7200)) * time.Second))
			if k.taken != nil && rng.IntN(8) == 0 {
				k.takeBy = at(*k.taken)
			}
		}
		if r == 2 || r == 3 {
			k.doneBy = at(k.created.Add(time.Duration(rng.IntN(3*86400)) * time.Second))
			if k.done != nil && rng.IntN(8) == 0 {
				k.doneBy = at(*k.done)
			}
		}
	}
}

func (o *office) insert(t *testing.T) {
	t.Helper()
	nt := func(p *time.Time) any {
		if p == nil {
			return nil
		}
		return p.UTC()
	}
	ni := func(id int64) any {
		if id == 0 {
			return nil
		}
		return id
	}
	err := o.d.InTx(o.ctx, func(tx *sql.Tx) error {
		for _, k := range o.tickets {
			routed := "rule"
			if k.dep == 0 {
				routed = "none"
			}
			if _, err := tx.ExecContext(o.ctx, `INSERT INTO tickets (asset_id, problem_type_id, reporter_id, department_id, routed_by,
				assignee_id, status, created_at, assigned_at, started_at, done_at, cancelled_at, take_by, done_by, taken_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
				k.asset, k.problem, o.emp.ID, ni(k.dep), routed, ni(k.assignee), k.status, k.created.UTC(),
				nt(k.assigned), nt(k.started), nt(k.done), nt(k.cancelled), nt(k.takeBy), nt(k.doneBy), nt(k.taken)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("insert tickets: %v", err)
	}
}
