package telegram_test

import (
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// status reads ticket id's status as the admin.
func (e *env) status(t *testing.T, id int64) tickets.Status {
	t.Helper()
	v, err := e.tk.View(e.ctx, e.admin, id)
	if err != nil {
		t.Fatal(err)
	}
	return v.Row.Status
}

// data is the callback data of the button labelled label on message m.
func data(t *testing.T, m testkit.FakeTelegramMessage, label string) string {
	t.Helper()
	for _, row := range m.Buttons {
		for _, b := range row {
			if b[0] == label {
				return b[1]
			}
		}
	}
	t.Fatalf("no %q button on %v", label, m.Buttons)
	return ""
}

func labels(m testkit.FakeTelegramMessage) string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b[0])
		}
	}
	return strings.Join(out, ",")
}

// answer is the last callback answer.
func (e *env) answer(t *testing.T) string {
	t.Helper()
	a := e.fake.Answers()
	if len(a) == 0 {
		t.Fatal("no press was answered")
	}
	return a[len(a)-1].Text
}

// TestButtons: each button runs the domain function as the linked person, and
// the message then shows the state and the buttons that apply; stale or forged
// data, a deactivated account and a press the rules forbid change nothing.
func TestButtons(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.link(t, e.a)
		e.link(t, e.b)
		e.link(t, e.emp)
		tk := e.file(t, "jam")
		if _, err := e.deliver(t, notify.KindAssigned, e.a, 0, tk.ID, 0); err != nil {
			t.Fatal(err)
		}
		chat := chatOf(e.a)
		msg := e.last(t, chat)
		start := data(t, msg, "Start")
		if !strings.HasPrefix(start, "s:") || len(start) != 14 { // an action and a random key, no ticket id
			t.Errorf("callback data %q", start)
		}

		// Forged and stale data: an unknown key, a real key on another message, a
		// real key pressed by someone else in a's chat.
		for _, u := range []struct {
			what            string
			chat, msg, from int64
			data            string
		}{
			{"unknown key", chat, msg.MessageID, chat, "s:AAAAAAAAAAAA"},
			{"ticket id as data", chat, msg.MessageID, chat, "s:1"},
			{"key on another message", chat, msg.MessageID + 100, chat, start},
			{"key from another chat", chatOf(e.b), msg.MessageID, chatOf(e.b), start},
			{"b pressing in a's chat", chat, msg.MessageID, chatOf(e.b), start},
			{"unknown action", chat, msg.MessageID, chat, "x" + start[1:]},
		} {
			e.handle(t, press(u.chat, u.msg, u.from, u.data))
			if got := e.answer(t); !strings.Contains(got, "out of date") {
				t.Errorf("%s: answered %q", u.what, got)
			}
			if s := e.status(t, tk.ID); s != tickets.StatusAssigned {
				t.Fatalf("%s changed the ticket to %s", u.what, s)
			}
		}

		// Start: allowed; the message now offers Done and Cancel.
		e.handle(t, press(chat, msg.MessageID, chat, start))
		if got := e.answer(t); got != "" {
			t.Errorf("Start answered %q", got)
		}
		if s := e.status(t, tk.ID); s != tickets.StatusInProgress {
			t.Fatalf("after Start: %s", s)
		}
		now, _ := e.fake.Message(chat, msg.MessageID)
		if labels(now) != "Done,Cancel" || !strings.Contains(now.Text, "In progress") {
			t.Errorf("after Start the message is %q with %q", now.Text, labels(now))
		}
		// The old Start pressed again (a stale message elsewhere): refused by the domain.
		e.handle(t, press(chat, msg.MessageID, chat, start))
		if got := e.answer(t); !strings.Contains(got, "does not allow") {
			t.Errorf("a second Start answered %q", got)
		}

		// Reply: a comment as a.
		e.handle(t, e.reply(chat, chat, msg.MessageID, "on my way <b>now</b>"))
		if got := e.last(t, chat).Text; !strings.Contains(got, "Comment added to T-") {
			t.Errorf("the reply was answered %q", got)
		}
		v, _ := e.tk.View(e.ctx, e.admin, tk.ID)
		if ev := v.Events[len(v.Events)-1]; ev.Kind != tickets.EventComment || ev.ActorID != e.a.ID || ev.Detail != "on my way <b>now</b>" {
			t.Errorf("the last event %+v", ev.Event)
		}
		// A reply to a message the bot never sent is no comment.
		e.handle(t, e.reply(chat, chat, 999999, "lost"))
		if got := e.last(t, chat).Text; !strings.Contains(got, "Reply to a ticket") {
			t.Errorf("a stray reply was answered %q", got)
		}

		// Done: asks for the resolution, which a reply gives.
		e.handle(t, press(chat, msg.MessageID, chat, data(t, now, "Done")))
		q := e.last(t, chat)
		if !q.ForceReply || !strings.Contains(q.Text, "what was done") {
			t.Fatalf("Done asked %+v", q)
		}
		if s := e.status(t, tk.ID); s != tickets.StatusInProgress {
			t.Fatalf("Done without a resolution: %s", s)
		}
		e.handle(t, e.reply(chat, chat, q.MessageID, "replaced the drum"))
		v, _ = e.tk.View(e.ctx, e.admin, tk.ID)
		if v.Row.Status != tickets.StatusDone || v.Row.Resolution != "replaced the drum" {
			t.Fatalf("after the resolution: %s %q", v.Row.Status, v.Row.Resolution)
		}
		if now, _ = e.fake.Message(chat, msg.MessageID); labels(now) != "" || !strings.Contains(now.Text, "Done") {
			t.Errorf("after Done the message is %q with %q", now.Text, labels(now))
		}

		// Cancel by the assignee, through its question.
		tk2 := e.file(t, "smoke")
		e.deliver(t, notify.KindAssigned, e.a, 0, tk2.ID, 0)
		m2 := e.last(t, chat)
		e.handle(t, press(chat, m2.MessageID, chat, data(t, m2, "Cancel")))
		q = e.last(t, chat)
		e.handle(t, e.reply(chat, chat, q.MessageID, "duplicate"))
		if s := e.status(t, tk2.ID); s != tickets.StatusCancelled {
			t.Fatalf("after the reason: %s", s)
		}

		// A deactivated account's press is refused.
		tk3 := e.file(t, "noise")
		e.deliver(t, notify.KindAssigned, e.a, 0, tk3.ID, 0)
		m3 := e.last(t, chat)
		off := false
		if _, err := e.acc.UpdateUser(e.ctx, e.admin, e.a.ID, users.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		e.handle(t, press(chat, m3.MessageID, chat, data(t, m3, "Start")))
		if got := e.answer(t); !strings.Contains(got, "deactivated") || e.status(t, tk3.ID) != tickets.StatusAssigned {
			t.Errorf("a deactivated press: %q, %s", got, e.status(t, tk3.ID))
		}
		e.handle(t, e.reply(chat, chat, m3.MessageID, "still here"))
		if v, _ := e.tk.View(e.ctx, e.admin, tk3.ID); v.Events[len(v.Events)-1].Kind == tickets.EventComment {
			t.Error("a deactivated account commented")
		}
	})
}

// TestGroupTake: the department's waiting message has Take; the first press wins
// and the message says who took it; the second presser is told who; someone the
// rules do not let take it is told so and nothing changes.
func TestGroupTake(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		off := false
		if _, err := e.acc.UpdateUser(e.ctx, e.admin, e.a.ID, users.UserPatch{Available: &off}); err != nil {
			t.Fatal(err)
		}
		e.link(t, e.a)
		e.link(t, e.b)
		e.link(t, e.emp)
		code, _, _ := e.bot.NewDepartmentCode(e.ctx, e.admin, e.it)
		group := int64(-2000)
		e.handle(t, e.text(group, chatOf(e.admin), "/link "+code))
		tk := e.file(t, "jam")
		if s := e.status(t, tk.ID); s != tickets.StatusNew {
			t.Fatalf("the ticket should wait: %s", s)
		}
		if _, err := e.deliver(t, notify.KindWaiting, nil, e.it, tk.ID, 0); err != nil {
			t.Fatal(err)
		}
		m := e.last(t, group)
		if labels(m) != "Take" {
			t.Fatalf("the waiting message offers %q", labels(m))
		}
		take := data(t, m, "Take")

		e.handle(t, press(group, m.MessageID, chatOf(e.emp), take)) // the reporter, no executor
		if got := e.answer(t); !strings.Contains(got, "нет прав") || e.status(t, tk.ID) != tickets.StatusNew {
			t.Errorf("the reporter's Take: %q, %s", got, e.status(t, tk.ID))
		}
		e.handle(t, press(group, m.MessageID, 31337, take)) // nobody linked
		if got := e.answer(t); !strings.Contains(got, "не привязан") {
			t.Errorf("an unlinked Take: %q", got)
		}

		e.handle(t, press(group, m.MessageID, chatOf(e.b), take))
		e.handle(t, press(group, m.MessageID, chatOf(e.a), take))
		v, _ := e.tk.View(e.ctx, e.admin, tk.ID)
		if v.Row.Status != tickets.StatusAssigned || v.Row.AssigneeID != e.b.ID {
			t.Fatalf("after two Takes: %s to %d", v.Row.Status, v.Row.AssigneeID)
		}
		if got := e.answer(t); got != "Taken by Test b." {
			t.Errorf("the second presser was told %q", got)
		}
		if now, _ := e.fake.Message(group, m.MessageID); labels(now) != "" || !strings.Contains(now.Text, "Взял(а) Test b") || !strings.Contains(now.Text, "взята в работу") {
			t.Errorf("the group message after Take: %q %q", now.Text, labels(now))
		}
	})
}
