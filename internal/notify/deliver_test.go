package notify_test

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/jobs"
	"smartservice/internal/notify"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// deliverAll runs the delivery of each row as the worker would, once.
func (e *env) deliverAll(t *testing.T, rs []row) []error {
	t.Helper()
	out := make([]error, len(rs))
	for i, r := range rs {
		out[i] = e.n.Deliver(e.ctx, r.ID, false)
	}
	return out
}

// byID returns the stored state of notification id.
func (e *env) byID(t testing.TB, id int64) row {
	t.Helper()
	for _, r := range e.since(t, id-1) {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no notification %d", id)
	return row{}
}

// An event's notifications that leave together share one job, and each is
// delivered on its own: Telegram failing, rate limited or panicking neither holds
// nor fails the mail, and the job's retry sends only what is still pending.
func TestOneJobSeveralNotifications(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := e.ctx
		e.available(t, e.b, false) // every ticket to a
		fileOne := func() (ids []int64, tg, ml int64) {
			t.Helper()
			last := e.lastID(t)
			e.file(t, e.paper)
			rs := e.expect(t, "filed", last, "assigned telegram a pending", "assigned mail a pending")
			for _, r := range rs {
				if r.Channel == notify.ChannelTelegram {
					tg = r.ID
				} else {
					ml = r.ID
				}
			}
			jobs := e.deliveryJobs(t)
			if len(jobs[tg]) != 1 || len(jobs[ml]) != 1 || jobs[tg][0].id != jobs[ml][0].id {
				t.Fatalf("the Telegram message and the mail of one assignment are not in one job: %v", jobs)
			}
			return []int64{tg, ml}, tg, ml
		}

		// A passing Telegram error: the mail leaves, the job is retried.
		ids, tg, ml := fileOne()
		e.tg.failWith(errors.New("connection reset"))
		var snooze *rivertype.JobSnoozeError
		if err := e.n.DeliverEach(ctx, ids, false); err == nil || errors.As(err, &snooze) {
			t.Fatalf("Telegram failing: %v, want its error for River to retry", err)
		}
		e.smtp.WaitMail(t, "a@example.test", 5*time.Second)
		if r := e.byID(t, ml); r.State != notify.StateSent {
			t.Errorf("the mail beside a failing Telegram message: %+v, want sent", r)
		}
		if r := e.byID(t, tg); r.State != notify.StatePending || r.Attempts != 1 || r.LastError != "connection reset" {
			t.Errorf("the failing Telegram message: %+v", r)
		}
		e.tg.failWith(nil)
		sent := e.tg.count()
		must(0, e.n.DeliverEach(ctx, ids, false))(t)
		if r := e.byID(t, tg); r.State != notify.StateSent || e.tg.count() != sent+1 {
			t.Errorf("the retry: %+v, %d Telegram messages, want %d", r, e.tg.count(), sent+1)
		}
		if n := len(e.smtp.Mails()); n != 1 {
			t.Errorf("%d mails after the retry, want 1: the retry sent the mail again", n)
		}

		// Telegram rate limited: the mail leaves, the job snoozes.
		ids, tg, ml = fileOne()
		e.tg.failWith(&notify.RetryAfterError{After: 30 * time.Second})
		if err := e.n.DeliverEach(ctx, ids, false); !errors.As(err, &snooze) || snooze.Duration != 30*time.Second {
			t.Fatalf("Telegram rate limited: %v, want a 30 s snooze", err)
		}
		if r := e.byID(t, ml); r.State != notify.StateSent {
			t.Errorf("the mail beside a rate limited Telegram message: %+v, want sent", r)
		}
		e.tg.failWith(nil)
		e.clk.Add(31 * time.Second)
		must(0, e.n.DeliverEach(ctx, ids, false))(t)
		if r := e.byID(t, tg); r.State != notify.StateSent {
			t.Errorf("after the wait: %+v", r)
		}

		// A channel that panics: the panic becomes the job's error, the process
		// lives on, and the mail leaves.
		ids, tg, ml = fileOne()
		e.tg.panicWith("a bug in a channel")
		if err := e.n.DeliverEach(ctx, ids, false); err == nil || !strings.Contains(err.Error(), "a bug in a channel") {
			t.Fatalf("a panicking channel: %v, want the panic as an error", err)
		}
		e.tg.panicWith("")
		if r := e.byID(t, ml); r.State != notify.StateSent {
			t.Errorf("the mail beside a panicking Telegram channel: %+v, want sent", r)
		}
		if r := e.byID(t, tg); r.State != notify.StatePending {
			t.Errorf("the Telegram message whose channel panicked: %+v, want pending", r)
		}
		if n := len(e.smtp.Mails()); n != 3 {
			t.Errorf("%d mails, want 3", n)
		}
	})
}

// A job queued before jobs carried several notifications (its args name one, as
// "notification_id") is still delivered after an upgrade.
func TestDeliverArgsOfOlderJobs(t *testing.T) {
	for raw, want := range map[string][]int64{
		`{"notification_id":42}`:        {42},
		`{"notification_ids":[7,8,9]}`:  {7, 8, 9},
		`{"notification_ids":[],"x":1}`: nil,
	} {
		var args notify.DeliverArgs
		if err := json.Unmarshal([]byte(raw), &args); err != nil {
			t.Fatal(err)
		}
		if got := args.IDs(); !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", raw, got, want)
		}
	}
	b, err := json.Marshal(notify.DeliverArgs{NotificationIDs: []int64{1, 2}})
	if err != nil || string(b) != `{"notification_ids":[1,2]}` {
		t.Errorf("a new job's args: %s, %v", b, err)
	}
}

// Mail goes out through SMTP in the recipient's language with the device, the
// place, the problem and the link; every message is sent once, however often its
// job runs (a re-run after a crash finds it sent); the metrics count it.
func TestDeliveryOnce(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		last := e.lastID(t)
		t1 := e.file(t, e.paper)
		rs := e.expect(t, "filed", last, "assigned telegram a pending", "assigned mail a pending")
		for _, err := range e.deliverAll(t, rs) {
			if err != nil {
				t.Fatal(err)
			}
		}
		m := e.smtp.WaitMail(t, "a@example.test", 5*time.Second)
		for _, want := range []string{"Subject: Ticket T-", "Printer <b>4th</b> floor", "Where: HQ, 4, 401", "Problem: Out of paper",
			"Comment: please <i>help</i>", "https://desk.example.test/tickets/"} {
			if !strings.Contains(m.Data, want) {
				t.Errorf("the mail lacks %q:\n%s", want, m.Data)
			}
		}
		for _, r := range rs {
			got := e.byID(t, r.ID)
			if got.State != notify.StateSent || got.External == "" || got.Text == "" || got.Attempts != 1 {
				t.Errorf("after delivery: %+v", got)
			}
		}
		// The worker killed after the send was recorded: the job runs again.
		for _, err := range e.deliverAll(t, rs) {
			if err != nil {
				t.Fatal(err)
			}
		}
		if n := len(e.smtp.Mails()); n != 1 {
			t.Errorf("%d mails after a re-run, want 1", n)
		}
		if n := e.tg.count(); n != 1 {
			t.Errorf("%d Telegram messages after a re-run, want 1", n)
		}
		if got := e.metric(t, "smartservice_notifications_sent_total", "mail"); got != 1 {
			t.Errorf("sent{mail} = %v", got)
		}
		// The Russian reader gets Russian.
		last = e.lastID(t)
		must(e.n.SaveSettings(e.ctx, e.boss, notify.SettingsInput{Kinds: map[string]string{notify.KindDone: "mail"}}))(t)
		if err := e.tk.Follow(e.ctx, e.boss, t1.ID, ""); err != nil {
			t.Fatal(err)
		}
		must(e.tk.Complete(e.ctx, e.a, t1.ID, "бумага добавлена"))(t)
		for _, r := range e.since(t, last) {
			if r.To == "boss" {
				if err := e.n.Deliver(e.ctx, r.ID, false); err != nil {
					t.Fatal(err)
				}
			}
		}
		m = e.smtp.WaitMail(t, "boss@example.test", 5*time.Second)
		for _, want := range []string{"Проблема: Нет бумаги", "Решение: бумага добавлена"} {
			if !strings.Contains(m.Data, want) {
				t.Errorf("the Russian mail lacks %q:\n%s", want, m.Data)
			}
		}
	})
}

// metric reads a counter of the notify metrics for channel from the registry.
func (e *env) metric(t *testing.T, name, channel string) float64 {
	t.Helper()
	mfs, err := e.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "channel" && l.GetValue() == channel {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	return 0
}

// telegramRow files a ticket and returns its Telegram notification.
func (e *env) telegramRow(t *testing.T) row {
	t.Helper()
	last := e.lastID(t)
	e.file(t, e.paper)
	for _, r := range e.since(t, last) {
		if r.Channel == notify.ChannelTelegram {
			return r
		}
	}
	t.Fatal("no Telegram notification")
	return row{}
}

// Each error class of a channel: a recipient gone is dead at once; a channel down
// stops the channel for everyone until an admin resumes it; a rate limit pauses
// the whole channel and snoozes the job; anything else is retried, and fails on
// the last attempt; an admin sends a failed or dead one again.
func TestDeliveryFaults(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := e.ctx

		gone := e.telegramRow(t)
		e.tg.failWith(notify.ErrRecipientGone)
		if err := e.n.Deliver(ctx, gone.ID, false); err != nil {
			t.Fatalf("recipient gone: %v, want no retry", err)
		}
		if r := e.byID(t, gone.ID); r.State != notify.StateDead || r.LastError == "" {
			t.Errorf("recipient gone: %+v", r)
		}

		flaky := e.telegramRow(t)
		e.tg.failWith(errors.New("connection reset"))
		if err := e.n.Deliver(ctx, flaky.ID, false); err == nil {
			t.Error("a passing error was not returned for River to retry")
		}
		if r := e.byID(t, flaky.ID); r.State != notify.StatePending || r.LastError != "connection reset" || r.Attempts != 1 {
			t.Errorf("after a passing error: %+v", r)
		}
		if err := e.n.Deliver(ctx, flaky.ID, true); err == nil {
			t.Error("the last attempt's error was not returned")
		}
		if r := e.byID(t, flaky.ID); r.State != notify.StateFailed || r.Attempts != 2 {
			t.Errorf("after the last attempt: %+v", r)
		}

		// Retry by an admin; nobody else; only failed or dead ones.
		if err := e.n.Retry(ctx, e.emp, flaky.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("retry by an employee: %v", err)
		}
		if err := e.n.Retry(ctx, e.admin, 999999); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("retry of nothing: %v", err)
		}
		must(0, e.n.Retry(ctx, e.admin, flaky.ID))(t)
		if r := e.byID(t, flaky.ID); r.State != notify.StatePending || e.jobsFor(t, flaky.ID) != 2 {
			t.Errorf("after retry: %+v, %d jobs", r, e.jobsFor(t, flaky.ID))
		}
		if err := e.n.Retry(ctx, e.admin, flaky.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Errorf("retry of a pending one: %v", err)
		}
		e.tg.failWith(nil)
		must(0, e.n.Deliver(ctx, flaky.ID, false))(t)
		if r := e.byID(t, flaky.ID); r.State != notify.StateSent {
			t.Errorf("retried: %+v", r)
		}

		// 429: the job snoozes and the whole channel waits.
		limited, other := e.telegramRow(t), e.telegramRow(t)
		e.tg.failWith(&notify.RetryAfterError{After: 30 * time.Second})
		var snooze *rivertype.JobSnoozeError
		if err := e.n.Deliver(ctx, limited.ID, false); !errors.As(err, &snooze) || snooze.Duration != 30*time.Second {
			t.Fatalf("rate limited: %v, want a 30 s snooze", err)
		}
		e.tg.failWith(nil)
		sent := e.tg.count()
		e.clk.Add(10 * time.Second)
		if err := e.n.Deliver(ctx, other.ID, false); !errors.As(err, &snooze) || snooze.Duration != 20*time.Second {
			t.Fatalf("another message while the channel waits: %v, want a 20 s snooze", err)
		}
		if e.tg.count() != sent {
			t.Fatal("a message left while the channel waited")
		}
		// Waiting is no attempt: nothing was sent.
		if r := e.byID(t, other.ID); r.Attempts != 0 || r.State != notify.StatePending {
			t.Errorf("a message that waited for the channel: %+v, want pending with no attempt", r)
		}
		e.clk.Add(21 * time.Second)
		must(0, e.n.Deliver(ctx, other.ID, false))(t)
		must(0, e.n.Deliver(ctx, limited.ID, false))(t)
		if e.tg.count() != sent+2 {
			t.Fatalf("after the wait: %d sent, want %d", e.tg.count(), sent+2)
		}

		// 401: the channel is down for everyone until an admin resumes it.
		down, queued := e.telegramRow(t), e.telegramRow(t)
		e.tg.failWith(errors.Join(errors.New("401 Unauthorized"), notify.ErrChannelDown))
		must(0, e.n.Deliver(ctx, down.ID, false))(t)
		e.tg.failWith(nil)
		sent = e.tg.count()
		must(0, e.n.Deliver(ctx, queued.ID, false))(t)
		if e.tg.count() != sent {
			t.Fatal("a message left on a channel that is down")
		}
		for _, id := range []int64{down.ID, queued.ID} {
			if r := e.byID(t, id); r.State != notify.StateFailed {
				t.Errorf("on a channel down: %+v", r)
			}
		}
		// The one tried counts its attempt; the one stopped before the send does not.
		if r, q := e.byID(t, down.ID), e.byID(t, queued.ID); r.Attempts != 1 || q.Attempts != 0 {
			t.Errorf("attempts: %d for the message the channel refused (want 1), %d for the one held back (want 0)", r.Attempts, q.Attempts)
		}
		alerts := must(e.n.Alerts(ctx, e.admin))(t)
		if len(alerts) != 1 || alerts[0].Channel != notify.ChannelTelegram || !strings.Contains(alerts[0].Reason, "401") {
			t.Errorf("alerts: %+v", alerts)
		}
		if a := must(e.n.Alerts(ctx, e.emp))(t); a != nil {
			t.Errorf("an employee sees alerts: %+v", a)
		}
		if _, err := e.n.Resume(ctx, e.emp, notify.ChannelTelegram); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("resume by an employee: %v", err)
		}
		if n := must(e.n.Resume(ctx, e.admin, notify.ChannelTelegram))(t); n != 2 {
			t.Errorf("resumed %d notifications, want 2", n)
		}
		if a := must(e.n.Alerts(ctx, e.admin))(t); len(a) != 0 {
			t.Errorf("alerts after resume: %+v", a)
		}
		for _, id := range []int64{down.ID, queued.ID} {
			must(0, e.n.Deliver(ctx, id, false))(t)
			if r := e.byID(t, id); r.State != notify.StateSent {
				t.Errorf("after resume: %+v", r)
			}
		}
		if got := e.metric(t, "smartservice_notifications_failed_total", "telegram"); got != 4 {
			t.Errorf("failed{telegram} = %v, want 4 (gone, last attempt, down, down)", got)
		}
		if got := e.metric(t, "smartservice_notifications_retried_total", "telegram"); got != 2 {
			t.Errorf("retried{telegram} = %v, want 2 (an error, a rate limit)", got)
		}
		// The audit trail: one entry per retry and resume that happened, none for
		// the refused ones.
		trail, err := audit.List(ctx, d, e.admin, audit.Filter{Kind: "notification."})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []string
		for _, r := range trail.Rows {
			kinds = append(kinds, r.Kind+" "+r.Subject)
			if r.ActorID != e.admin.ID {
				t.Errorf("%s by %d", r.Kind, r.ActorID)
			}
		}
		if want := []string{audit.ChannelResumed + " channel telegram", audit.NotificationRetried + " notification " + strconv.FormatInt(flaky.ID, 10)}; strings.Join(kinds, "|") != strings.Join(want, "|") ||
			!strings.Contains(trail.Rows[0].Before, `"down":true`) || !strings.Contains(trail.Rows[0].After, `"queued_again":2`) {
			t.Errorf("audit trail %v, want %v; %+v", kinds, want, trail.Rows)
		}
	})
}

// Through River as the server runs it: a filing's mail and Telegram message are
// delivered by the job worker, once, in the background.
func TestDeliveryThroughRiver(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		workers := jobs.NewWorkers()
		river.AddWorker(workers, &notify.Worker{Service: e.n})
		river.AddWorker(workers, &notify.EscalateWorker{Service: e.n})
		c, err := jobs.New(d, workers, jobs.Options{FetchPollInterval: 50 * time.Millisecond, FetchCooldown: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Start(e.ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = c.Stop(ctx)
		})
		last := e.lastID(t)
		e.file(t, e.paper)
		e.smtp.WaitMail(t, "a@example.test", 10*time.Second)
		deadline := time.Now().Add(10 * time.Second)
		for {
			rs := e.since(t, last)
			done := len(rs) == 2
			for _, r := range rs {
				done = done && r.State == notify.StateSent
			}
			if done {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("not delivered: %+v", rs)
			}
			time.Sleep(50 * time.Millisecond)
		}
		if n, m := e.tg.count(), len(e.smtp.Mails()); n != 1 || m != 1 {
			t.Errorf("%d Telegram messages and %d mails, want one each", n, m)
		}
	})
}

// A delivery runs in the worker alongside filings, on the same cores and (on
// SQLite) the same writer: a message sent at the first try costs two statements
// of the notifier's, its attempt counted with its row read back in one, and the
// outcome (before: the row, the channel's state, the attempt, the outcome), plus
// what its channel reads.
func TestDeliveryStatements(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			d := testkit.NewCountedDB(t, dialect)
			e := newEnv(t, d, true)
			last := e.lastID(t)
			e.file(t, e.paper)
			// The Telegram double reads nothing; the mail channel reads the
			// recipient's account and the ticket in one query (before: two).
			want := map[string]int64{notify.ChannelTelegram: 2, notify.ChannelMail: 3}
			for _, r := range e.since(t, last) {
				ctx, count := testkit.WithQueryCount(e.ctx)
				if err := e.n.Deliver(ctx, r.ID, false); err != nil {
					t.Fatal(err)
				}
				if n := count(); n.Statements != want[r.Channel] {
					t.Errorf("a delivery by %s ran %d statements, want %d:\n%s", r.Channel, n.Statements, want[r.Channel], strings.Join(n.SQL, "\n"))
				}
				if got := e.byID(t, r.ID); got.State != notify.StateSent || got.Attempts != 1 {
					t.Errorf("after delivery: %+v", got)
				}
			}
		})
	}
}

// Mail to an account deactivated after the notification was made is dead, not
// sent (the mail channel reads the account with the ticket, in one query).
func TestMailToAnAccountGone(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		last := e.lastID(t)
		e.file(t, e.paper)
		off := false
		must(e.acc.UpdateUser(e.ctx, e.admin, e.a.ID, users.UserPatch{Active: &off}))(t)
		for _, r := range e.since(t, last) {
			if r.Channel != notify.ChannelMail {
				continue
			}
			if err := e.n.Deliver(e.ctx, r.ID, false); err != nil {
				t.Fatalf("mail to a deactivated account: %v, want no retry", err)
			}
			if got := e.byID(t, r.ID); got.State != notify.StateDead {
				t.Errorf("mail to a deactivated account: %+v, want dead", got)
			}
		}
		if n := len(e.smtp.Mails()); n != 0 {
			t.Errorf("%d mails sent to a deactivated account", n)
		}
	})
}
