package notify_test

// Benchmarks of the notifier's share of a filing and of a delivery. The
// machine's other work moves wall time a lot; cpu-µs/op (this process's user and
// system time per operation, from getrusage) moves far less, so compare that
// between builds, run back to back:
//
//	go test -run '^$' -bench 'Filing|Delivery' -benchtime 300x ./internal/notify/
//
// On PostgreSQL the server's own CPU is not in cpu-µs/op; the statements each
// operation sends are (TestQueriesPerRequest, TestDeliveryStatements).

import (
	"testing"

	"smartservice/internal/notify"
	"smartservice/internal/testkit"
)

// A filing that assigns the ticket: its Telegram message and mail recorded with
// their jobs in the filing's transaction.
func BenchmarkFiling(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			e := newEnv(b, testkit.NewDB(b, dialect), true)
			e.file(b, e.paper) // warm the statement caches
			b.ResetTimer()
			cpu0 := testkit.ProcessCPU(b)
			for b.Loop() {
				e.file(b, e.paper)
			}
			b.ReportMetric(float64((testkit.ProcessCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
		})
	}
}

// The delivery of a Telegram message (the channel a test double, so that only
// the notifier's own work is measured).
func BenchmarkDelivery(b *testing.B) {
	for _, dialect := range testkit.Dialects {
		b.Run(string(dialect), func(b *testing.B) {
			e := newEnv(b, testkit.NewDB(b, dialect), true)
			var ids []int64
			for len(ids) < b.N+1 {
				last := e.lastID(b)
				e.file(b, e.paper)
				for _, r := range e.since(b, last) {
					if r.Channel == notify.ChannelTelegram {
						ids = append(ids, r.ID)
					}
				}
			}
			if err := e.n.Deliver(e.ctx, ids[0], false); err != nil { // warm the statement caches
				b.Fatal(err)
			}
			ids = ids[1:]
			b.ResetTimer()
			cpu0 := testkit.ProcessCPU(b)
			for i := range b.N {
				if err := e.n.Deliver(e.ctx, ids[i], false); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64((testkit.ProcessCPU(b)-cpu0).Microseconds())/float64(b.N), "cpu-µs/op")
			if r := e.byID(b, ids[b.N-1]); r.State != notify.StateSent {
				b.Fatalf("not delivered: %+v", r)
			}
		})
	}
}
