package telegram_test

import (
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
)

const escapedDevice = "Printer &lt;b&gt;&quot;4th&quot;&lt;/b&gt; &amp; co"

// TestEveryKindIsRenderedEscaped delivers every kind of message to its kind of
// recipient: in their language, HTML from people escaped, the ticket's link last.
func TestEveryKindIsRenderedEscaped(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.link(t, e.a)
		e.link(t, e.emp)
		e.link(t, e.boss)
		e.link(t, e.admin)
		code, _, err := e.bot.NewDepartmentCode(e.ctx, e.admin, e.it)
		if err != nil {
			t.Fatal(err)
		}
		group := int64(-4000)
		e.handle(t, e.text(group, chatOf(e.admin), "/link "+code))

		tk := e.file(t, `<script>alert("x")</script>`)
		ev, err := e.tk.Comment(e.ctx, e.a, tk.ID, `<a href="http://evil">click</a> & more`)
		if err != nil {
			t.Fatal(err)
		}
		link := `<a href="http://service.test/tickets/` + strconv.FormatInt(tk.ID, 10) + `">`
		cases := []struct {
			kind  string
			to    int64 // chat
			deliv func() (notify.Receipt, error)
			want  []string
		}{
			{notify.KindAssigned, chatOf(e.a), func() (notify.Receipt, error) { return e.deliver(t, notify.KindAssigned, e.a, 0, tk.ID, 0) },
				[]string{"is assigned to you", "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", "Out of &lt;paper&gt; &amp; ink"}},
			{notify.KindWaiting, group, func() (notify.Receipt, error) { return e.deliver(t, notify.KindWaiting, nil, e.it, tk.ID, 0) },
				[]string{"is waiting", "Assigned"}},
			{notify.KindTaken, chatOf(e.emp), func() (notify.Receipt, error) { return e.deliver(t, notify.KindTaken, e.emp, 0, tk.ID, 0) },
				[]string{"взята в работу", "Нет &lt;бумаги&gt; &amp; краски"}},
			{notify.KindComment, chatOf(e.emp), func() (notify.Receipt, error) {
				return e.deliver(t, notify.KindComment, e.emp, 0, tk.ID, ev.ID)
			}, []string{"Новый комментарий", "&lt;a href=&quot;http://evil&quot;&gt;click&lt;/a&gt; &amp; more"}},
			{notify.KindEscalated, chatOf(e.boss), func() (notify.Receipt, error) { return e.deliver(t, notify.KindEscalated, e.boss, 0, tk.ID, 0) },
				[]string{"waiting too long"}},
			{notify.KindUnrouted, chatOf(e.admin), func() (notify.Receipt, error) { return e.deliver(t, notify.KindUnrouted, e.admin, 0, tk.ID, 0) },
				[]string{"has no department"}},
		}
		check := func(kind string, chat int64, rec notify.Receipt, err error, want []string) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", kind, err)
			}
			m := e.last(t, chat)
			if rec.ExternalID != strconv.FormatInt(chat, 10)+":"+strconv.FormatInt(m.MessageID, 10) || rec.Preview ||
				// The receipt keeps what the reader sees (for /admin/notifications), not the HTML.
				!strings.Contains(rec.Text, `Printer <b>"4th"</b> & co`) || strings.Contains(rec.Text, "&lt;") || strings.Contains(rec.Text, "&amp;") {
				t.Errorf("%s: receipt %+v for message %d", kind, rec, m.MessageID)
			}
			if m.ParseMode != "HTML" || !strings.Contains(m.Text, escapedDevice) || !strings.Contains(m.Text, link) || strings.Contains(m.Text, "<script") || strings.Contains(m.Text, `"4th"`) {
				t.Errorf("%s: %q", kind, m.Text)
			}
			for _, w := range want {
				if !strings.Contains(m.Text, w) {
					t.Errorf("%s: want %q in %q", kind, w, m.Text)
				}
			}
		}
		for _, c := range cases {
			rec, err := c.deliv()
			check(c.kind, c.to, rec, err, c.want)
		}
		if b := e.last(t, chatOf(e.a)).Buttons; len(b) != 1 || len(b[0]) != 3 || b[0][0][0] != "Start" || b[0][1][0] != "Done" || b[0][2][0] != "Cancel" {
			t.Errorf("the assignee's buttons: %v", b)
		}
		if b := e.last(t, group).Buttons; len(b) != 0 {
			t.Errorf("a group message about an assigned ticket offers %v", b)
		}
		if b := e.last(t, chatOf(e.emp)).Buttons; len(b) != 0 {
			t.Errorf("the reporter's message offers %v", b)
		}

		if _, err := e.tk.Complete(e.ctx, e.a, tk.ID, "<i>new toner</i>"); err != nil {
			t.Fatal(err)
		}
		rec, err := e.deliver(t, notify.KindDone, e.emp, 0, tk.ID, 0)
		check("done", chatOf(e.emp), rec, err, []string{"выполнена", "&lt;i&gt;new toner&lt;/i&gt;"})
		if _, err := e.tk.Reopen(e.ctx, e.emp, tk.ID); err != nil {
			t.Fatal(err)
		}
		rec, err = e.deliver(t, notify.KindReopened, e.emp, 0, tk.ID, 0)
		check("reopened", chatOf(e.emp), rec, err, []string{"открыта снова"})
		if _, err := e.tk.Cancel(e.ctx, e.a, tk.ID, "no <toner> left"); err != nil {
			t.Fatal(err)
		}
		rec, err = e.deliver(t, notify.KindCancelled, e.emp, 0, tk.ID, 0)
		check("cancelled", chatOf(e.emp), rec, err, []string{"отменена", "no &lt;toner&gt; left"})

		// A delivery retried after success sends nothing new.
		n := notify.Notification{ID: 777, Kind: notify.KindTaken, UserID: e.emp.ID, TicketID: tk.ID, Lang: "ru"}
		first, err := e.ch.Deliver(e.ctx, n)
		if err != nil {
			t.Fatal(err)
		}
		count := len(e.fake.Sent())
		again, err := e.ch.Deliver(e.ctx, n)
		if err != nil || again.ExternalID != first.ExternalID || len(e.fake.Sent()) != count {
			t.Errorf("a retried delivery: %+v %v, %d messages (was %d)", again, err, len(e.fake.Sent()), count)
		}
	})
}

// TestLongCommentIsCutKeepingTheLink: a comment that escapes to more than
// Telegram's 4,096 characters is cut, said to be cut, and the link survives.
func TestLongCommentIsCutKeepingTheLink(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.link(t, e.a)
		tk := e.file(t, strings.Repeat("<&>", 665)+"end")
		if _, err := e.deliver(t, notify.KindAssigned, e.a, 0, tk.ID, 0); err != nil {
			t.Fatal(err)
		}
		m := e.last(t, chatOf(e.a))
		if n := utf8.RuneCountInString(m.Text); n > telegram.MaxMessage || n < telegram.MaxMessage-20 {
			t.Errorf("%d characters", n)
		}
		if !strings.HasSuffix(m.Text, "Open T-"+strconv.FormatInt(tk.ID, 10)+"</a>") || !strings.Contains(m.Text, "(cut, open the ticket") || strings.Contains(m.Text, "end") {
			t.Errorf("cut message ends %q", m.Text[len(m.Text)-200:])
		}
		// No entity is cut in half.
		body := m.Text[strings.Index(m.Text, "Comment:</b> ")+len("Comment:</b> ") : strings.Index(m.Text, "\n…")]
		if strings.NewReplacer("&lt;", "", "&amp;", "", "&gt;", "").Replace(body) != "" {
			t.Errorf("a broken entity in the cut text: %q", body[len(body)-20:])
		}
	})
}

// TestWithoutATokenDeliverPreviews: the bot off, Deliver sends nothing and
// returns what would have been sent.
func TestWithoutATokenDeliverPreviews(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		deps := e.deps
		deps.Token = ""
		off := telegram.New(deps)
		tk := e.file(t, "<b>jam</b>")
		for _, n := range []notify.Notification{
			{ID: 1, Kind: notify.KindAssigned, UserID: e.a.ID, TicketID: tk.ID, Lang: "en"},
			{ID: 2, Kind: notify.KindWaiting, DepartmentID: e.it, TicketID: tk.ID, Lang: "ru"},
		} {
			rec, err := telegram.NewChannel(off).Deliver(e.ctx, n)
			if err != nil || !rec.Preview || !strings.Contains(rec.Text, `Printer <b>"4th"</b> & co`) || !strings.Contains(rec.Text, "<b>jam</b>") {
				t.Errorf("%s: %+v %v", n.Kind, rec, err)
			}
		}
		if _, _, err := off.NewLink(e.ctx, e.a); err == nil {
			t.Error("a deep link without a bot")
		}
		if e.fake.Calls() != 0 {
			t.Errorf("%d calls to Telegram without a token", e.fake.Calls())
		}
	})
}
