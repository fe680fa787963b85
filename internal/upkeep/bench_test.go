package upkeep_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// BenchmarkRunDue measures the scheduler: 10 daily plans over 50 coffee machines
// each (500 tickets a pass). Between passes (timer stopped) the tickets are
// closed so the next pass files them all again. Reports devices filed per second.
//
//	go test -run '^$' -bench RunDue -benchtime 5x ./internal/upkeep/
func BenchmarkRunDue(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			d := testkit.NewDB(b, dialect)
			e := newEnvTB(b, d)
			const plans, perPlan = 10, 50
			for p := range plans {
				typ := must(e.cat.CreateType(e.ctx, e.admin, assets.TypeInput{ClassID: e.kitchen, Names: assets.Names{EN: fmt.Sprintf("Machine %d", p)}}))(b)
				if _, err := e.cat.SetOffers(e.ctx, e.admin, typ.ID, []assets.OfferInput{{ProblemID: e.descale}}); err != nil {
					b.Fatal(err)
				}
				for i := range perPlan {
					must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: fmt.Sprintf("M %d-%d", p, i), TypeID: typ.ID}))(b)
				}
				in := e.daily()
				in.TypeID = typ.ID
				must(e.svc.Create(e.ctx, e.admin, in))(b)
			}
			day := time.Date(2026, 3, 3, 9, 30, 0, 0, e.loc)
			filed := 0
			var spent time.Duration
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				if _, err := d.W.Exec(`UPDATE tickets SET status = 'done', done_at = $1 WHERE status <> 'done'`, day.UTC()); err != nil {
					b.Fatal(err)
				}
				day = day.AddDate(0, 0, 1)
				e.clk.Set(day)
				b.StartTimer()
				start := time.Now()
				res, err := e.svc.RunDue(e.ctx)
				spent += time.Since(start)
				if err != nil {
					b.Fatal(err)
				}
				if res.Filed != plans*perPlan {
					b.Fatalf("filed %d, want %d", res.Filed, plans*perPlan)
				}
				filed += res.Filed
			}
			b.ReportMetric(float64(filed)/spent.Seconds(), "devices/s")
		})
	}
}

// BenchmarkJournalUpkeepFilter measures the journal's first page for an
// administrator over the demo history (20,000 tickets, one in 50 marked as
// upkeep): as before (no filter), and with "only upkeep tickets".
//
//	go test -run '^$' -bench JournalUpkeep ./internal/upkeep/
func BenchmarkJournalUpkeepFilter(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			d := testkit.NewDB(b, dialect)
			ctx := context.Background()
			acc := testkit.Accounts(b, d)
			sum, err := demo.Load(ctx, d, users.NewStore(d, nil), acc)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := demo.History(ctx, d, demo.HistoryOptions{Location: time.UTC, Seed: 1, Tickets: 20000}); err != nil {
				b.Fatal(err)
			}
			if _, err := d.W.Exec(`UPDATE tickets SET upkeep_plan_id = 1 WHERE id % 50 = 0`); err != nil {
				b.Fatal(err)
			}
			if dialect == db.Postgres {
				if _, err := d.W.Exec(`ANALYZE tickets`); err != nil {
					b.Fatal(err)
				}
			} else if _, err := d.W.Exec(`ANALYZE`); err != nil {
				b.Fatal(err)
			}
			var admin *users.User
			for _, a := range sum.Accounts {
				if a.IsAdmin() {
					admin = a
				}
			}
			as := assets.NewService(d, nil)
			svc := tickets.NewService(d, tickets.NewRules(d, nil), as, nil)
			for _, c := range []struct {
				name string
				f    tickets.Filter
			}{{"all", tickets.Filter{}}, {"upkeep", tickets.Filter{Upkeep: true}}, {"upkeep-done", tickets.Filter{Upkeep: true, Statuses: []tickets.Status{tickets.StatusDone}}}} {
				b.Run(c.name, func(b *testing.B) {
					for i := 0; i < b.N; i++ {
						page, err := svc.List(ctx, admin, c.f)
						if err != nil {
							b.Fatal(err)
						}
						if len(page.Items) == 0 {
							b.Fatal("empty page")
						}
					}
				})
			}
		})
	}
}
