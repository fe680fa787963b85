package demo_test

import (
	"context"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// BenchTicketsEnv sets how many tickets the benchmarks' office has (20,000 unless
// set); the closing numbers of issue #5 use 1,000,000:
//
//	SMARTSERVICE_BENCH_TICKETS=1000000 SMARTSERVICE_TEST_POSTGRES_URL=... \
//	  go test -run '^$' -bench BenchmarkTickets -benchtime 200x -timeout 2h ./internal/demo/
//
// Generating a million tickets takes minutes; to measure the same office again
// and again, make it once with "smartservice demo --tickets 1000000" and name it
// in BenchSQLiteEnv or BenchPostgresEnv (filing then adds to it).
const BenchTicketsEnv = "SMARTSERVICE_BENCH_TICKETS"

// The URLs of databases made by "smartservice demo" for the benchmarks to use
// instead of generating an office.
const (
	BenchSQLiteEnv   = "SMARTSERVICE_BENCH_SQLITE_URL"
	BenchPostgresEnv = "SMARTSERVICE_BENCH_POSTGRES_URL"
)

// benchOffice is the demo office with a generated history.
type benchOffice struct {
	d       *db.DB
	svc     *tickets.Service
	byEmail map[string]*users.User
	devices []*assets.Asset
	offers  map[int64][]int64
}

func newBenchOffice(b *testing.B, dialect db.Dialect) *benchOffice {
	ctx := context.Background()
	env := BenchSQLiteEnv
	if dialect == db.Postgres {
		env = BenchPostgresEnv
	}
	var d *db.DB
	if url := os.Getenv(env); url != "" {
		d = testkit.OpenURL(b, url)
		if err := d.Migrate(ctx, nil); err != nil {
			b.Fatal(err)
		}
		var n int
		if err := d.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets").Scan(&n); err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: the office of %s with %d tickets", dialect, env, n)
	} else {
		n := 20000
		if v := os.Getenv(BenchTicketsEnv); v != "" {
			var err error
			if n, err = strconv.Atoi(v); err != nil || n < 1 {
				b.Fatalf("%s=%q: want a positive number", BenchTicketsEnv, v)
			}
		}
		d = testkit.NewDB(b, dialect)
		if _, err := demo.Load(ctx, d, users.NewStore(d, nil), testkit.Accounts(b, d)); err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		hist, err := demo.History(ctx, d, demo.HistoryOptions{Tickets: n, Days: 365, Seed: 7})
		if err != nil {
			b.Fatal(err)
		}
		b.Logf("%s: generated %d tickets and %d events in %s", dialect, hist.Tickets, hist.Events, time.Since(start).Round(time.Millisecond))
	}
	acc := testkit.Accounts(b, d)
	o := &benchOffice{d: d, byEmail: map[string]*users.User{}, offers: map[int64][]int64{}}
	for _, email := range []string{"elena.morozova@demo.office", "sergey.volkov@demo.office", "ivan.sidorov@demo.office", "anna.petrova@demo.office"} {
		u, err := acc.UserByEmail(ctx, email)
		if err != nil {
			b.Fatalf("%s: %v (is this the demo office?)", email, err)
		}
		o.byEmail[email] = u
	}
	admin := o.byEmail["elena.morozova@demo.office"]
	as := assets.NewService(d, nil)
	o.svc = tickets.NewService(d, tickets.NewRules(d, nil), as, nil)
	page, err := as.List(ctx, admin, assets.Filter{Limit: 200})
	if err != nil {
		b.Fatal(err)
	}
	for _, dv := range page.Items {
		if dv.Archived || dv.OwnerID != 0 {
			continue
		}
		v, err := as.ViewByID(ctx, admin, dv.ID)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range v.Type.Problems {
			o.offers[dv.ID] = append(o.offers[dv.ID], p.ID)
		}
		o.devices = append(o.devices, dv)
	}
	return o
}

// BenchmarkTickets measures, on one generated office per database:
//
//   - filing: tickets filed through the domain, as the device page and the API do
//     (validation, routing, least-loaded assignment, the ticket, its follower and its
//     events in one transaction), reported as tickets/s;
//   - journal: the journal's first page (List, then List with the per-status counts
//     the page shows) for several people and filter mixes, reported as the median
//     and 95th percentile in milliseconds.
func BenchmarkTickets(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			o := newBenchOffice(b, dialect)
			b.Run("filing", o.benchFiling)
			o.benchJournal(b)
		})
	}
}

func (o *benchOffice) benchFiling(b *testing.B) {
	reporter := o.byEmail["anna.petrova@demo.office"]
	rng := rand.New(rand.NewPCG(1, 2))
	ctx := context.Background()
	for b.Loop() {
		dv := o.devices[rng.IntN(len(o.devices))]
		probs := o.offers[dv.ID]
		if _, err := o.svc.File(ctx, reporter, tickets.FileInput{AssetID: dv.ID, ProblemID: probs[rng.IntN(len(probs))], Comment: "bench"}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tickets/s")
}

func (o *benchOffice) benchJournal(b *testing.B) {
	admin, exec, emp := o.byEmail["elena.morozova@demo.office"], o.byEmail["ivan.sidorov@demo.office"], o.byEmail["anna.petrova@demo.office"]
	var it int64
	for _, dep := range exec.Departments {
		it = dep.ID
	}
	monthAgo := time.Now().AddDate(0, -1, 0)
	open := []tickets.Status{tickets.StatusNew, tickets.StatusAssigned, tickets.StatusInProgress}
	mixes := []struct {
		name  string
		actor *users.User
		f     tickets.Filter
	}{
		{"admin-all", admin, tickets.Filter{}},
		{"admin-open", admin, tickets.Filter{Statuses: open}},
		{"admin-dept-done", admin, tickets.Filter{DepartmentID: it, Statuses: []tickets.Status{tickets.StatusDone}}},
		{"admin-week", admin, tickets.Filter{CreatedFrom: monthAgo, CreatedTo: monthAgo.AddDate(0, 0, 7)}},
		{"admin-device", admin, tickets.Filter{AssetID: o.devices[0].ID}},
		{"admin-text", admin, tickets.Filter{Q: "срочно"}},
		{"executor-all", exec, tickets.Filter{}},
		{"executor-open", exec, tickets.Filter{Statuses: open}},
		{"employee-all", emp, tickets.Filter{}},
	}
	ctx := context.Background()
	for _, m := range mixes {
		for _, withCounts := range []bool{false, true} {
			name := "journal/" + m.name + "/list"
			if withCounts {
				name += "+counts"
			}
			b.Run(name, func(b *testing.B) {
				var took []time.Duration
				for b.Loop() {
					start := time.Now()
					if _, err := o.svc.List(ctx, m.actor, m.f); err != nil {
						b.Fatal(err)
					}
					if withCounts {
						if _, err := o.svc.Counts(ctx, m.actor, m.f); err != nil {
							b.Fatal(err)
						}
					}
					took = append(took, time.Since(start))
				}
				reportPercentiles(b, took)
			})
		}
	}
}

func reportPercentiles(b *testing.B, took []time.Duration) {
	slices.Sort(took)
	at := func(p float64) float64 {
		i := int(p * float64(len(took)-1))
		return float64(took[i].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
}

// BenchmarkCappedCounts measures the journal's first page and its tabs as the
// page reads them (tickets.CappedCounts, then List) for an admin, a head, an
// executor and an employee. The page's rendering and its filter's choices are
// not in it: scripts/bench-journal.sh times the whole page over HTTP.
func BenchmarkCappedCounts(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			o := newBenchOffice(b, dialect)
			ctx := context.Background()
			for _, who := range []string{"elena.morozova@demo.office", "sergey.volkov@demo.office", "ivan.sidorov@demo.office", "anna.petrova@demo.office"} {
				b.Run(strings.Split(who, "@")[0], func(b *testing.B) {
					var took []time.Duration
					cpu0 := testkit.ProcessCPU(b)
					for b.Loop() {
						start := time.Now()
						if _, err := o.svc.CappedCounts(ctx, o.byEmail[who], tickets.Filter{}); err != nil {
							b.Fatal(err)
						}
						if _, err := o.svc.List(ctx, o.byEmail[who], tickets.Filter{}); err != nil {
							b.Fatal(err)
						}
						took = append(took, time.Since(start))
					}
					reportPercentiles(b, took)
					b.ReportMetric(float64((testkit.ProcessCPU(b)-cpu0).Microseconds())/1000/float64(b.N), "cpu-ms/op")
				})
			}
		})
	}
}
