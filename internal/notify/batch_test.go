package notify_test

// An event's notifications are written in one INSERT and their jobs in one
// River insert (notify.record): these tests check what the batching could get
// wrong. Each row must get its own id (neither engine promises RETURNING's
// order), its recipient's language, channels and quiet hours, and its own job at
// its own time; and a batch that fails must leave nothing of the change behind.

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// job is a queued delivery as River stores it.
type job struct {
	id          int64
	state       string
	scheduledAt time.Time
}

// deliveryJobs returns the delivery jobs by notification id (each a list: a
// retried notification has two; a job carries several notifications).
func (e *env) deliveryJobs(t *testing.T) map[int64][]job {
	t.Helper()
	res, err := e.jobs.River().JobList(e.ctx, river.NewJobListParams().Kinds(notify.DeliverArgs{}.Kind()).First(10000))
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64][]job{}
	for _, j := range res.Jobs {
		var args notify.DeliverArgs
		if err := json.Unmarshal(j.EncodedArgs, &args); err != nil {
			t.Fatalf("job args %q: %v", j.EncodedArgs, err)
		}
		if len(args.IDs()) == 0 {
			t.Errorf("job %d delivers nothing: %s", j.ID, j.EncodedArgs)
		}
		for _, id := range args.IDs() {
			out[id] = append(out[id], job{id: j.ID, state: string(j.State), scheduledAt: j.ScheduledAt})
		}
	}
	return out
}

// jobsMatchPending fails unless every pending notification is in exactly one
// delivery job, no other notification (a preview, a failed or unknown one) is
// in any, and the notifications sharing a job may leave at the same moment;
// it returns the jobs by notification.
func (e *env) jobsMatchPending(t *testing.T) map[int64][]job {
	t.Helper()
	jobs := e.deliveryJobs(t)
	leaves := map[int64]time.Time{} // by job
	known := map[int64]bool{}
	for _, r := range e.since(t, 0) {
		known[r.ID] = true
		n := len(jobs[r.ID])
		if r.State != notify.StatePending {
			if n != 0 {
				t.Errorf("%s notification %d has %d jobs, want none", r.State, r.ID, n)
			}
			continue
		}
		if n != 1 {
			t.Errorf("pending notification %d (%s %s %s) has %d jobs, want 1", r.ID, r.Kind, r.Channel, r.To, n)
			continue
		}
		j := jobs[r.ID][0].id
		if at, met := leaves[j]; met && !at.Equal(r.NotBefore) {
			t.Errorf("job %d carries notifications leaving at %v and at %v", j, at, r.NotBefore)
		}
		leaves[j] = r.NotBefore
	}
	for id := range jobs {
		if !known[id] {
			t.Errorf("a delivery job names notification %d, which does not exist", id)
		}
	}
	return jobs
}

// One event told to several people at once: each row has its recipient's
// language, channels and quiet hours, and its own job scheduled at its own time,
// so an id given to the wrong row would send a message too early or too late.
func TestOneEventManyRecipients(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := e.ctx
		t1 := e.file(t, e.paper)
		for _, f := range []*users.User{e.emp2, e.boss, e.admin} {
			if err := e.tk.Follow(ctx, f, t1.ID, e.printer.Code); err != nil {
				t.Fatal(err)
			}
		}
		// emp (English): done by mail, quiet 22:00-07:00. emp2 (Russian): the
		// defaults, no quiet hours. boss (Russian): done by Telegram, quiet
		// 23:00-06:00. admin (English): done by nothing.
		must(e.n.SaveSettings(ctx, e.emp, notify.SettingsInput{Kinds: map[string]string{notify.KindDone: "mail"}, QuietFrom: "22:00", QuietTo: "07:00"}))(t)
		must(e.n.SaveSettings(ctx, e.boss, notify.SettingsInput{Kinds: map[string]string{notify.KindDone: "telegram"}, QuietFrom: "23:00", QuietTo: "06:00"}))(t)
		must(e.n.SaveSettings(ctx, e.admin, notify.SettingsInput{Kinds: map[string]string{notify.KindDone: "none"}}))(t)

		e.clk.Set(time.Date(2026, 3, 2, 20, 30, 0, 0, time.UTC)) // 23:30 in Moscow
		now := e.clk.Now()
		last := e.lastID(t)
		must(e.tk.Complete(ctx, e.a, t1.ID, "paper added"))(t)
		rs := e.expect(t, "done", last, "done mail emp pending", "done telegram emp2 pending", "done mail emp2 pending", "done telegram boss pending")

		want := map[string]struct {
			lang string
			at   time.Time
		}{
			"emp":  {"en", time.Date(2026, 3, 3, 4, 0, 0, 0, time.UTC)}, // 07:00 in Moscow
			"emp2": {"ru", now},
			"boss": {"ru", time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC)}, // 06:00 in Moscow
		}
		jobs := e.jobsMatchPending(t)
		// emp2's Telegram message and mail leave now, together: one job.
		distinct := map[int64]bool{}
		for _, r := range rs {
			for _, j := range jobs[r.ID] {
				distinct[j.id] = true
			}
		}
		if len(distinct) != 3 {
			t.Errorf("%d delivery jobs, want 3: emp2's two messages in one, emp's and boss's in one each", len(distinct))
		}
		for _, r := range rs {
			w := want[r.To]
			var lang string
			if err := d.R.QueryRow("SELECT lang FROM notifications WHERE id = $1", r.ID).Scan(&lang); err != nil {
				t.Fatal(err)
			}
			if lang != w.lang {
				t.Errorf("%s %s: language %q, want %q", r.Channel, r.To, lang, w.lang)
			}
			if !r.NotBefore.Equal(w.at) {
				t.Errorf("%s %s: not before %v, want %v", r.Channel, r.To, r.NotBefore, w.at)
			}
			js := jobs[r.ID]
			if len(js) != 1 {
				continue
			}
			wantState := "available"
			if w.at.After(now) {
				wantState = "scheduled"
				if !js[0].scheduledAt.Equal(w.at) {
					t.Errorf("%s %s: job scheduled at %v, want %v", r.Channel, r.To, js[0].scheduledAt, w.at)
				}
			}
			if js[0].state != wantState {
				t.Errorf("%s %s: job %s, want %s", r.Channel, r.To, js[0].state, wantState)
			}
		}

		// Delivered, each message reaches the person its row names, in their
		// language.
		e.clk.Set(time.Date(2026, 3, 3, 5, 0, 0, 0, time.UTC))
		for _, err := range e.deliverAll(t, rs) {
			if err != nil {
				t.Fatal(err)
			}
		}
		for addr, text := range map[string]string{"emp@example.test": "Resolution: paper added", "emp2@example.test": "Решение: paper added"} {
			m := e.smtp.WaitMail(t, addr, 5*time.Second)
			if !strings.Contains(m.Data, text) {
				t.Errorf("the mail to %s lacks %q:\n%s", addr, text, m.Data)
			}
		}
		var to []string
		e.tg.mu.Lock()
		for _, n := range e.tg.sent {
			if n.Kind == notify.KindDone {
				to = append(to, fmt.Sprintf("%s %s", e.names[n.UserID], n.Lang))
			}
		}
		e.tg.mu.Unlock()
		sort.Strings(to)
		if strings.Join(to, ",") != "boss ru,emp2 ru" {
			t.Errorf("Telegram messages of the event to %v, want boss and emp2 in Russian", to)
		}
	})
}

// refuseMail makes the database refuse a mail notification to user, the last
// row of a filing's batch (Telegram comes first): the INSERT fails after its
// first row was accepted.
func refuseMail(t *testing.T, d *db.DB, user int64) {
	t.Helper()
	stmts := []string{fmt.Sprintf(`CREATE TRIGGER refuse_mail BEFORE INSERT ON notifications
	WHEN NEW.channel = 'mail' AND NEW.user_id = %d BEGIN SELECT RAISE(ABORT, 'mail refused'); END`, user)}
	if d.Dialect == db.Postgres {
		stmts = []string{fmt.Sprintf(`CREATE FUNCTION refuse_mail() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.channel = 'mail' AND NEW.user_id = %d THEN RAISE EXCEPTION 'mail refused'; END IF; RETURN NEW; END $$`, user),
			`CREATE TRIGGER refuse_mail BEFORE INSERT ON notifications FOR EACH ROW EXECUTE FUNCTION refuse_mail()`}
	}
	for _, s := range stmts {
		if _, err := d.W.Exec(s); err != nil {
			t.Fatal(err)
		}
	}
}

// A batch of notifications the database refuses fails the filing, and the
// filing's savepoint takes everything of it back (the ticket, its events, the
// batch's rows accepted before the refused one, the jobs), while filings
// committed in the same transaction (db.Group) keep theirs.
func TestRefusedBatchLeavesNothing(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		// Paper goes to b (a is away), whose mail is refused; jam waits in the
		// empty department, told to its chat.
		e.available(t, e.a, false)
		refuseMail(t, d, e.b.ID)

		const each = 6
		var wg sync.WaitGroup
		errs := make([]error, 2*each)
		for i := range 2 * each {
			wg.Add(1)
			go func() {
				defer wg.Done()
				problem := e.paper
				if i%2 == 1 {
					problem = e.jam
				}
				_, errs[i] = e.tk.File(e.ctx, e.emp, tickets.FileInput{AssetID: e.printer.ID, ProblemID: problem, Comment: "c"})
			}()
		}
		wg.Wait()
		for i, err := range errs {
			if i%2 == 0 && (err == nil || !strings.Contains(err.Error(), "mail refused")) {
				t.Errorf("filing %d, to b: %v, want the refusal", i, err)
			}
			if i%2 == 1 && err != nil {
				t.Errorf("filing %d, waiting: %v", i, err)
			}
		}
		var tks, events, toB int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM tickets").Scan(&tks); err != nil {
			t.Fatal(err)
		}
		if err := d.R.QueryRow("SELECT COUNT(*) FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id WHERE t.assignee_id IS NOT NULL").Scan(&events); err != nil {
			t.Fatal(err)
		}
		if err := d.R.QueryRow("SELECT COUNT(*) FROM notifications WHERE user_id = $1", e.b.ID).Scan(&toB); err != nil {
			t.Fatal(err)
		}
		if tks != each || events != 0 || toB != 0 {
			t.Errorf("%d tickets (want %d), %d events of assigned tickets and %d notifications to b (want none)", tks, each, events, toB)
		}
		want := make([]string, each)
		for i := range want {
			want[i] = "waiting telegram dept:empty pending"
		}
		e.expect(t, "after the refused filings", 0, want...)
		e.jobsMatchPending(t)
	})
}
