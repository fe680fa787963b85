package app_test

import (
	"context"
	"io"
	"log/slog"
	"runtime"
	"testing"

	"smartservice/internal/app"
	"smartservice/internal/assets"
	"smartservice/internal/config"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// BenchmarkFilingCeiling files tickets in the demo office through the domain
// (tickets.Service.FileBrief, what POST /api/v1/tickets calls) from 8 goroutines
// at once, with the application's notifier recording each filing's
// notifications and job, but without HTTP and without the job workers: no
// request is parsed, no session read (the cache versions are, as a request
// reads them first), nothing delivered. Its rate is the most
// that filing over HTTP could reach on the same database with what a filing
// writes today, the ceiling for scripts/bench.sh's filing row:
//
//	SMARTSERVICE_TEST_POSTGRES_URL=… go test -run '^$' -bench FilingCeiling -benchtime 6000x ./internal/app/
func BenchmarkFilingCeiling(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			cfg := config.Default()
			cfg.DatabaseURL = testkit.FreshURL(b, dialect)
			ctx := context.Background()
			a, err := app.New(ctx, cfg, slog.New(slog.NewTextHandler(io.Discard, nil)), app.Options{Directory: demo.Directory(), Argon2: testkit.CheapArgon2})
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { a.Close() })
			if _, err := demo.Load(ctx, a.DB, a.Users, a.Accounts); err != nil {
				b.Fatal(err)
			}
			emp, err := a.Accounts.UserByEmail(ctx, "anna.petrova@demo.office")
			if err != nil {
				b.Fatal(err)
			}
			in := filingInput(b, a)
			if _, err := a.Tickets.FileBrief(a.Accounts.Fresh(ctx, false), emp, in); err != nil { // warm the caches
				b.Fatal(err)
			}
			// 8 filers in all (goroutines per CPU × GOMAXPROCS), as the
			// bench's filer runs 8 clients.
			b.SetParallelism(max(1, 8/runtime.GOMAXPROCS(0)))
			cpu0 := testkit.ProcessCPU(b)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					// As a request does: the cache versions first (one read),
					// then the device and catalogue from the caches.
					if _, err := a.Tickets.FileBrief(a.Accounts.Fresh(ctx, false), emp, in); err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
			b.ReportMetric(float64((testkit.ProcessCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// filingInput is a filing of the first device the employee may report on and
// the first problem its type offers, with a comment.
func filingInput(b *testing.B, a *app.App) tickets.FileInput {
	b.Helper()
	ctx := context.Background()
	u, err := a.Accounts.UserByEmail(ctx, "elena.morozova@demo.office")
	if err != nil {
		b.Fatal(err)
	}
	page, err := a.Assets.List(ctx, u, assets.Filter{Limit: 50})
	if err != nil {
		b.Fatal(err)
	}
	for _, dv := range page.Items {
		if dv.Archived || dv.OwnerID != 0 {
			continue
		}
		v, err := a.Assets.ViewByID(ctx, u, dv.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(v.Type.Problems) > 0 {
			return tickets.FileInput{AssetID: dv.ID, ProblemID: v.Type.Problems[0].ID, Comment: "bench"}
		}
	}
	b.Fatal("no device with a problem to report in the demo office")
	return tickets.FileInput{}
}
