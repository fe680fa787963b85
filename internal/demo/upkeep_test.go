package demo_test

import (
	"context"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// TestDemoUpkeep: the demo office gets its plans and their past tickets, some
// done on time and some late.
func TestDemoUpkeep(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	ctx := context.Background()
	acc := testkit.Accounts(t, d)
	sum, err := demo.Load(ctx, d, users.NewStore(d, nil), acc)
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Moscow")
	if _, err := demo.History(ctx, d, demo.HistoryOptions{Location: loc, Seed: 1, Tickets: 20000}); err != nil {
		t.Fatal(err)
	}
	as := assets.NewService(d, nil)
	rules := tickets.NewRules(d, nil)
	svc := upkeep.NewService(d, tickets.NewService(d, rules, as, nil), rules, acc, loc, nil)
	if err := demo.LoadUpkeep(ctx, d.W, svc, sum, time.Now()); err != nil {
		t.Fatal(err)
	}
	var admin *users.User
	for _, a := range sum.Accounts {
		if a.IsAdmin() {
			admin = a
		}
	}
	plans, err := svc.List(ctx, admin, upkeep.ListFilter{})
	if err != nil || len(plans) != 4 {
		t.Fatalf("%d plans, %v", len(plans), err)
	}
	var onTime, late int
	if err := d.R.QueryRow(`SELECT
		COALESCE(SUM(CASE WHEN t.done_at <= r.deadline_at THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.done_at > r.deadline_at THEN 1 ELSE 0 END), 0)
		FROM upkeep_runs r JOIN tickets t ON t.id = r.ticket_id`).Scan(&onTime, &late); err != nil {
		t.Fatal(err)
	}
	if onTime == 0 || late == 0 {
		t.Fatalf("history: %d on time, %d late; want some of each", onTime, late)
	}
}
