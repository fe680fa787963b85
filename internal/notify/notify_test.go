package notify_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// Every recipient rule, through the tickets domain's real changes: who hears of
// what, on which channel (the defaults), never the actor, and followers only of
// what their page shows.
func TestRecipients(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := e.ctx
		last := e.lastID(t)
		step := func(what string, want ...string) {
			t.Helper()
			rs := e.expect(t, what, last, want...)
			for _, r := range rs {
				if n := e.jobsFor(t, r.ID); n != 1 {
					t.Errorf("%s: notification %d has %d delivery jobs, want 1", what, r.ID, n)
				}
			}
			last = e.lastID(t)
		}

		t1 := e.file(t, e.paper)
		step("filed and assigned to a", "assigned telegram a pending", "assigned mail a pending")
		if err := e.tk.Follow(ctx, e.emp2, t1.ID, e.printer.Code); err != nil {
			t.Fatal(err)
		}
		step("me too")
		must(e.tk.Comment(ctx, e.a, t1.ID, "on my way"))(t)
		step("staff comment", "comment telegram emp pending", "comment telegram emp2 pending")
		must(e.tk.Comment(ctx, e.emp, t1.ID, "thanks"))(t)
		// The reporter's comment is not on a "me too" follower's page.
		step("reporter's comment", "comment telegram a pending")
		must(e.tk.Complete(ctx, e.a, t1.ID, "paper added"))(t)
		step("done", "done telegram emp pending", "done mail emp pending", "done telegram emp2 pending", "done mail emp2 pending")
		must(e.tk.Reopen(ctx, e.emp, t1.ID))(t)
		step("reopened", "reopened telegram emp2 pending", "reopened mail emp2 pending", "reopened telegram a pending", "reopened mail a pending")
		must(e.tk.Reassign(ctx, e.boss, t1.ID, e.b.ID))(t)
		step("reassigned", "assigned telegram b pending", "assigned mail b pending")
		must(e.tk.Cancel(ctx, e.emp, t1.ID, "not needed"))(t)
		step("cancelled by the reporter", "cancelled telegram emp2 pending", "cancelled mail emp2 pending",
			"cancelled telegram b pending", "cancelled mail b pending")

		e.available(t, e.a, false)
		e.available(t, e.b, false)
		t2 := e.file(t, e.paper)
		step("nobody available", "waiting telegram dept:it pending")
		must(e.tk.Take(ctx, e.a, t2.ID))(t)
		step("taken", "taken telegram emp pending")
		e.file(t, e.jam)
		step("a department without people", "waiting telegram dept:empty pending")
		e.file(t, e.smoke)
		step("unrouted", "unrouted telegram admin pending", "unrouted mail admin pending")
	})
}

// failing hears every event after notify did and refuses comments, so the change
// rolls back with the notifications notify wrote in it.
type failing struct{ n *notify.Service }

func (f failing) Notify(ctx context.Context, tx *sql.Tx, e tickets.Event) error {
	if err := f.n.Notify(ctx, tx, e); err != nil {
		return err
	}
	if e.Kind == tickets.EventComment {
		return errors.New("refused")
	}
	return nil
}

// A change that rolls back leaves no notification and no job.
func TestRollbackLeavesNothing(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		t1 := e.file(t, e.paper)
		last := e.lastID(t)
		var jobsBefore int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM river_job").Scan(&jobsBefore); err != nil {
			t.Fatal(err)
		}
		svc := tickets.NewService(d, tickets.NewRules(d, e.clk.Now), e.cat, e.clk.Now, tickets.WithNotifier(failing{e.n}))
		if _, err := svc.Comment(e.ctx, e.a, t1.ID, "lost"); err == nil {
			t.Fatal("the comment was accepted")
		}
		e.expect(t, "rolled back", last)
		var jobsAfter int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM river_job").Scan(&jobsAfter); err != nil {
			t.Fatal(err)
		}
		if jobsAfter != jobsBefore {
			t.Errorf("jobs: %d after a rolled-back change, %d before", jobsAfter, jobsBefore)
		}
	})
}

// Preferences choose the channels; quiet hours delay all but an executor on
// duty's assignment; bad input is refused field by field and changes nothing.
func TestPreferencesAndQuietHours(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		ctx := e.ctx
		// Defaults.
		s := must(e.n.Settings(ctx, e.emp))(t)
		if s.Prefs[notify.KindDone].Choice() != notify.ChoiceBoth || s.Prefs[notify.KindComment].Choice() != notify.ChoiceTelegram || s.Quiet.Set {
			t.Fatalf("defaults: %+v", s)
		}
		// 23:30 in Moscow; emp is quiet 22:00-07:00, so is a (an executor on duty).
		e.clk.Set(time.Date(2026, 3, 2, 20, 30, 0, 0, time.UTC))
		s = must(e.n.SaveSettings(ctx, e.emp, notify.SettingsInput{Kinds: map[string]string{notify.KindDone: "mail", notify.KindAssigned: "none"},
			QuietFrom: "22:00", QuietTo: "7:00"}))(t)
		if s.Quiet.FromText() != "22:00" || s.Quiet.ToText() != "07:00" || s.Prefs[notify.KindDone].Choice() != "mail" || s.Prefs[notify.KindTaken].Choice() != "telegram" {
			t.Fatalf("saved: %+v", s)
		}
		must(e.n.SaveSettings(ctx, e.a, notify.SettingsInput{Kinds: map[string]string{notify.KindAssigned: "telegram"}, QuietFrom: "22:00", QuietTo: "07:00"}))(t)
		last := e.lastID(t)
		t1 := e.file(t, e.paper)
		rs := e.expect(t, "assigned at night", last, "assigned telegram a pending")
		if !rs[0].NotBefore.Equal(e.clk.Now()) {
			t.Errorf("an executor on duty waits until %v", rs[0].NotBefore)
		}
		last = e.lastID(t)
		must(e.tk.Complete(ctx, e.a, t1.ID, "done"))(t)
		rs = e.expect(t, "done at night", last, "done mail emp pending")
		morning := time.Date(2026, 3, 3, 4, 0, 0, 0, time.UTC) // 07:00 in Moscow
		if !rs[0].NotBefore.Equal(morning) {
			t.Errorf("a quiet message waits until %v, want %v", rs[0].NotBefore, morning)
		}
		// An executor off duty waits too.
		e.available(t, e.b, false)
		must(e.n.SaveSettings(ctx, e.b, notify.SettingsInput{QuietFrom: "22:00", QuietTo: "07:00"}))(t)
		t2 := e.file(t, e.paper)
		last = e.lastID(t)
		must(e.tk.Reassign(ctx, e.boss, t2.ID, e.b.ID))(t)
		for _, r := range e.since(t, last) {
			if !r.NotBefore.Equal(morning) {
				t.Errorf("assigned to an executor off duty: waits until %v, want %v", r.NotBefore, morning)
			}
		}

		// Bad input: each problem on its field, nothing saved.
		bad := []struct {
			in     notify.SettingsInput
			fields []string
		}{
			{notify.SettingsInput{Kinds: map[string]string{"birthday": "mail"}}, []string{"kinds.birthday"}},
			{notify.SettingsInput{Kinds: map[string]string{notify.KindDone: "pigeon"}}, []string{"kinds.done"}},
			{notify.SettingsInput{Kinds: map[string]string{notify.KindWaiting: "mail"}}, []string{"kinds.waiting"}},
			{notify.SettingsInput{QuietFrom: "25:00", QuietTo: "07:00"}, []string{"quiet_from"}},
			{notify.SettingsInput{QuietFrom: "22:00", QuietTo: "7"}, []string{"quiet_to"}},
			{notify.SettingsInput{QuietFrom: "22:00"}, []string{"quiet_to"}},
			{notify.SettingsInput{QuietTo: "22:00"}, []string{"quiet_from"}},
			{notify.SettingsInput{QuietFrom: "22:00", QuietTo: "22:00"}, []string{"quiet_to"}},
		}
		for _, c := range bad {
			// A valid change rides along with each bad one, and must not be saved.
			if c.in.Kinds == nil {
				c.in.Kinds = map[string]string{}
			} else {
				c.in.QuietFrom, c.in.QuietTo = "22:00", "07:00"
			}
			c.in.Kinds[notify.KindTaken] = "none"
			_, err := e.n.SaveSettings(ctx, e.emp, c.in)
			ae := apperr.As(err)
			if ae == nil || ae.Code != apperr.Invalid {
				t.Errorf("%+v: got %v, want invalid", c.in, err)
				continue
			}
			for _, f := range c.fields {
				if !apperr.Fields(ae.Fields).Has(f) {
					t.Errorf("%+v: no error on %s: %+v", c.in, f, ae.Fields)
				}
			}
		}
		s = must(e.n.Settings(ctx, e.emp))(t)
		if s.Prefs[notify.KindTaken].Choice() != "telegram" || s.Quiet.FromText() != "22:00" {
			t.Errorf("a refused change was saved: %+v", s)
		}
		if _, err := e.n.SaveSettings(ctx, nil, notify.SettingsInput{}); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("anonymous: %v", err)
		}
	})
}

// A ticket waiting unassigned longer than the delay is told to its department's
// heads once, however often the job runs.
func TestEscalationOnce(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, true)
		e.available(t, e.a, false)
		e.available(t, e.b, false)
		e.file(t, e.paper)
		last := e.lastID(t)
		e.clk.Add(29 * time.Minute)
		if n := must(e.n.Escalate(e.ctx))(t); n != 0 {
			t.Fatalf("escalated %d tickets before the delay", n)
		}
		e.clk.Add(2 * time.Minute)
		if n := must(e.n.Escalate(e.ctx))(t); n != 1 {
			t.Fatalf("escalated %d tickets, want 1", n)
		}
		e.expect(t, "escalated", last, "escalated telegram boss pending", "escalated mail boss pending")
		last = e.lastID(t)
		e.clk.Add(time.Hour)
		if n := must(e.n.Escalate(e.ctx))(t); n != 0 {
			t.Fatalf("escalated %d tickets again", n)
		}
		e.expect(t, "escalated again", last)
	})
}

// Without a Telegram channel, Telegram notifications are previews with the text
// that would have been sent, in the recipient's language, and what a "me too"
// follower may not read stays out.
func TestPreviewWithoutTelegram(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, false)
		t1 := e.file(t, e.paper)
		if err := e.tk.Follow(e.ctx, e.emp2, t1.ID, e.printer.Code); err != nil {
			t.Fatal(err)
		}
		last := e.lastID(t)
		must(e.tk.Complete(e.ctx, e.a, t1.ID, "paper added"))(t)
		rs := e.expect(t, "done", last, "done telegram emp preview", "done mail emp pending", "done telegram emp2 preview", "done mail emp2 pending")
		for _, r := range rs {
			if r.State != notify.StatePreview {
				if e.jobsFor(t, r.ID) != 1 {
					t.Errorf("mail %d has no job", r.ID)
				}
				continue
			}
			if e.jobsFor(t, r.ID) != 0 {
				t.Errorf("preview %d has a job", r.ID)
			}
			for _, want := range []string{"Printer <b>4th</b> floor", "HQ, 4, 401", "paper added", "https://desk.example.test/tickets/"} {
				if !strings.Contains(r.Text, want) {
					t.Errorf("preview to %s lacks %q:\n%s", r.To, want, r.Text)
				}
			}
			if strings.Contains(r.Text, "please") {
				t.Errorf("preview to %s shows the reporter's comment:\n%s", r.To, r.Text)
			}
			lang := map[string]string{"emp": "Out of paper", "emp2": "Нет бумаги"}[r.To]
			if !strings.Contains(r.Text, lang) {
				t.Errorf("preview to %s is not in their language:\n%s", r.To, r.Text)
			}
		}
	})
}
