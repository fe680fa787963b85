package telegram_test

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// recipients links n executors of the department (distinct chats) and files a
// ticket they all see.
func (e *env) recipients(b *testing.B, n int) ([]*users.User, int64) {
	b.Helper()
	var out []*users.User
	for i := range n {
		u, err := e.acc.CreateUser(e.ctx, users.CreateInput{Email: fmt.Sprintf("x%d@example.test", i), FullName: fmt.Sprintf("X %d", i),
			Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, Password: "correct-horse-battery-9", Language: "en"})
		if err != nil {
			b.Fatal(err)
		}
		ids, off := []int64{e.it}, false
		if u, err = e.acc.UpdateUser(e.ctx, e.admin, u.ID, users.UserPatch{DepartmentIDs: &ids, Available: &off}); err != nil {
			b.Fatal(err)
		}
		e.link(b, u)
		out = append(out, u)
	}
	return out, e.file(b, "jam").ID
}

// sendAll delivers one message to each recipient in turn, as notify's worker
// would, waiting out each RetryAfterError before trying that message again.
func (e *env) sendAll(b *testing.B, ch notify.Channel, to []*users.User, ticketID int64, count int) {
	for range count {
		e.send(b, ch, to, ticketID)
	}
}

var nextID atomic.Int64

// send delivers one fresh notification to the next recipient, retrying after a 429.
func (e *env) send(b *testing.B, ch notify.Channel, to []*users.User, ticketID int64) {
	{
		id := nextID.Add(1)
		u := to[int(id)%len(to)]
		n := notify.Notification{ID: 1_000_000 + id, Kind: notify.KindTaken, UserID: u.ID, TicketID: ticketID, Lang: "en"}
		for {
			_, err := ch.Deliver(e.ctx, n)
			var ra *notify.RetryAfterError
			if errors.As(err, &ra) {
				time.Sleep(ra.After)
				continue
			}
			if err != nil {
				b.Error(err) // not Fatal: workers are goroutines
			}
			break
		}
	}
}

// BenchmarkDeliver measures the messages per second one instance delivers to
// the fake Bot API over distinct chats, by one worker and by eight at once (as
// River's workers do): within Telegram's limits (30/s overall is the ceiling)
// and with the limiter out of the way (what rendering, the database and HTTP
// cost).
func BenchmarkDeliver(b *testing.B) {
	unlimited := telegram.Limits{Global: time.Nanosecond, PerChat: time.Nanosecond, PerGroup: time.Nanosecond}
	for _, c := range []struct {
		name    string
		limits  telegram.Limits
		workers int
	}{
		{"telegram-limits/1-worker", telegram.TelegramLimits, 1},
		{"telegram-limits/8-workers", telegram.TelegramLimits, 8},
		{"unlimited/1-worker", unlimited, 1},
		{"unlimited/8-workers", unlimited, 8},
	} {
		b.Run(c.name, func(b *testing.B) {
			e := newEnv(b, testkit.NewDB(b, db.SQLite))
			deps := e.deps
			deps.Limits = c.limits
			ch := telegram.NewChannel(telegram.New(deps))
			to, ticket := e.recipients(b, 50)
			b.ResetTimer()
			began := time.Now()
			var wg sync.WaitGroup
			var left atomic.Int64
			left.Store(int64(b.N))
			for range c.workers {
				wg.Go(func() {
					for left.Add(-1) >= 0 {
						e.send(b, ch, to, ticket)
					}
				})
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/time.Since(began).Seconds(), "msgs/s")
		})
	}
}

// BenchmarkBurst429 measures what a burst of 429s does to delivering 100
// messages to 100 chats within Telegram's limits: each 429 (retry_after 1 s)
// holds the whole sender for that second.
func BenchmarkBurst429(b *testing.B) {
	for _, burst := range []int{0, 5} {
		b.Run(fmt.Sprintf("429x%d", burst), func(b *testing.B) {
			e := newEnv(b, testkit.NewDB(b, db.SQLite))
			deps := e.deps
			deps.Limits = telegram.TelegramLimits
			ch := telegram.NewChannel(telegram.New(deps))
			to, ticket := e.recipients(b, 100)
			b.ResetTimer()
			var total time.Duration
			for range b.N {
				e.fake.Fail("sendMessage", 429, 1, burst)
				began := time.Now()
				e.sendAll(b, ch, to, ticket, 100)
				total += time.Since(began)
			}
			b.ReportMetric(total.Seconds()/float64(b.N), "s/100msgs")
		})
	}
}
