package demo_test

import (
	"context"
	"testing"
	"time"

	"smartservice/internal/reports"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// BenchmarkReports measures the period report (internal/reports: every figure,
// the previous period's, the per-day series, the breakdowns and the backlog) on
// the same generated office as BenchmarkTickets, whose history spreads over a
// year: the year, a month and a week, for the administrator (every department)
// and the head of three departments. Reported as the median and 95th percentile
// in milliseconds. The target: the year over 1,000,000 tickets under
// 300 ms on both databases:
//
//	smartservice demo --tickets 1000000 --days 365 --seed 7   (once per database)
//	SMARTSERVICE_BENCH_SQLITE_URL=sqlite:/path.db SMARTSERVICE_BENCH_POSTGRES_URL=postgres://… \
//	  go test -run '^$' -bench BenchmarkReports -benchtime 20x -timeout 1h ./internal/demo/
func BenchmarkReports(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			o := newBenchOffice(b, dialect)
			ctx := context.Background()
			loc, err := time.LoadLocation("Europe/Moscow")
			if err != nil {
				b.Fatal(err)
			}
			svc := reports.NewService(o.d, loc, nil)
			head, err := testkit.Accounts(b, o.d).UserByEmail(ctx, "sergey.volkov@demo.office")
			if err != nil || !head.Has(users.RoleHead) {
				b.Fatalf("the demo office's head: %v", err)
			}
			admin := o.byEmail["elena.morozova@demo.office"]
			now := time.Now()
			for _, c := range []struct {
				name  string
				actor *users.User
				p     reports.Period
			}{
				{"year/admin", admin, reports.LastDays(now, loc, 365)},
				{"year/head", head, reports.LastDays(now, loc, 365)},
				{"month/admin", admin, reports.LastDays(now, loc, 30)},
				{"week/head", head, reports.LastDays(now, loc, 7)},
			} {
				b.Run(c.name, func(b *testing.B) {
					var took []time.Duration
					for b.Loop() {
						start := time.Now()
						rep, err := svc.Summary(ctx, c.actor, reports.Query{Period: c.p})
						if err != nil {
							b.Fatal(err)
						}
						if rep.Current.Created == 0 {
							b.Fatal("an empty report measures nothing")
						}
						took = append(took, time.Since(start))
					}
					reportPercentiles(b, took)
				})
			}
		})
	}
}
