package assets_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// domainCase is one database test of the package; each file adds its own in init.
type domainCase struct {
	name string
	fn   func(t *testing.T, e *assetsEnv)
}

var domainCases []domainCase

// TestDomain runs every database case on SQLite and on PostgreSQL, each on an
// emptied database (migrating a fresh one per case would cost more than the cases).
// Run one with -run 'TestDomain/sqlite/Reissue'.
func TestDomain(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		for _, c := range domainCases {
			t.Run(c.name, func(t *testing.T) {
				emptyAssetsDB(t, d)
				c.fn(t, newAssetsEnv(t, d, acc))
			})
		}
	})
}

// emptyAssetsDB deletes every row the cases write, children first.
func emptyAssetsDB(t *testing.T, d *db.DB) {
	t.Helper()
	for _, table := range []string{"retired_codes", "assets", "type_problems", "service_types", "problem_types", "service_classes",
		"login_failures", "api_tokens", "registrations", "sessions", "user_departments", "user_roles", "users", "departments", "river_job"} {
		if _, err := d.W.Exec("DELETE FROM " + table); err != nil {
			t.Fatalf("empty %s: %v", table, err)
		}
	}
}

// assetsEnv is one case's world: the service on a settable clock and four people.
type assetsEnv struct {
	ctx   context.Context
	d     *db.DB
	svc   *assets.Service
	clock *testClock
	// admin administers; exec is an executor (staff); owner and colleague are employees.
	admin, exec, owner, colleague *users.User
}

const testPassword = "correct-horse-battery-9"

func newAssetsEnv(t *testing.T, d *db.DB, acc *users.Service) *assetsEnv {
	t.Helper()
	ctx := context.Background()
	clk := &testClock{t: time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)}
	e := &assetsEnv{ctx: ctx, d: d, clock: clk, svc: assets.NewService(d, clk.Now)}
	mk := func(email string, roles ...users.Role) *users.User {
		u, err := acc.CreateUser(ctx, users.CreateInput{Email: email, FullName: "Test " + email, Roles: roles, Password: testPassword, Language: "en"})
		if err != nil {
			t.Fatalf("create %s: %v", email, err)
		}
		return u
	}
	e.admin = mk("admin@example.test", users.RoleEmployee, users.RoleAdmin)
	e.exec = mk("exec@example.test", users.RoleEmployee, users.RoleExecutor)
	e.owner = mk("owner@example.test", users.RoleEmployee)
	e.colleague = mk("colleague@example.test", users.RoleEmployee)
	return e
}

// testClock is a settable clock, safe for concurrent use.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// basics is a small catalogue: two classes, a type in each, three problems.
type basics struct {
	it, kitchen            assets.Class
	printer, coffee        *assets.Type
	paper, leaking, jammed assets.Problem
}

func (e *assetsEnv) basics(t *testing.T) *basics {
	t.Helper()
	b := &basics{}
	b.it = ok(e.svc.CreateClass(e.ctx, e.admin, assets.Names{EN: "IT equipment", RU: "ИТ-оборудование"}))(t)
	b.kitchen = ok(e.svc.CreateClass(e.ctx, e.admin, assets.Names{EN: "Kitchen and food", RU: "Кухня и питание"}))(t)
	b.printer = ok(e.svc.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: b.it.ID, Names: assets.Names{EN: "Printer or MFP", RU: "Принтер, МФУ"}}))(t)
	b.coffee = ok(e.svc.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: b.kitchen.ID, Names: assets.Names{EN: "Coffee machine", RU: "Кофемашина"}}))(t)
	b.paper = ok(e.svc.CreateProblem(e.ctx, e.admin, assets.Names{EN: "out of paper", RU: "закончилась бумага"}))(t)
	b.leaking = ok(e.svc.CreateProblem(e.ctx, e.admin, assets.Names{EN: "leaking", RU: "протекает"}))(t)
	b.jammed = ok(e.svc.CreateProblem(e.ctx, e.admin, assets.Names{EN: "paper jam", RU: "замялась бумага"}))(t)
	return b
}

// device creates a device of type typeID (admin).
func (e *assetsEnv) device(t *testing.T, typeID int64, in assets.AssetInput) *assets.Asset {
	t.Helper()
	in.TypeID = typeID
	a, err := e.svc.CreateAsset(e.ctx, e.admin, in)
	if err != nil {
		t.Fatalf("create device %q: %v", in.Name, err)
	}
	return a
}

// ok(f())(t) returns f's value, failing the test when f failed.
func ok[T any](v T, err error) func(t *testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// wantCode fails unless err is an apperr of code with key (key "" matches any).
func wantCode(t *testing.T, err error, code apperr.Code, key string) *apperr.Error {
	t.Helper()
	ae := apperr.As(err)
	if ae == nil || ae.Code != code || (key != "" && ae.Key != key) {
		t.Fatalf("got %v, want %s %s", err, code, key)
	}
	return ae
}

// wantField fails unless err is Invalid and names field with key.
func wantField(t *testing.T, err error, field, key string) {
	t.Helper()
	ae := apperr.As(err)
	if ae == nil || ae.Code != apperr.Invalid {
		t.Fatalf("got %v, want invalid %s: %s", err, field, key)
	}
	for _, f := range ae.Fields {
		if f.Field == field && f.Key == key {
			return
		}
	}
	t.Fatalf("got %v, want field %s: %s", err, field, key)
}
