package telegram_test

import (
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestLinking: a deep link's /start links the chat once and answers in the
// account's language; a used, expired, unknown or missing token, and any message
// from an unlinked chat, get "link your account first" and nothing else; /stop and
// Unlink unlink; a department's one-time code binds a group.
func TestLinking(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.run(t, e.bot) // through the real poller and the fake's getUpdates

		link, expires, err := e.bot.NewLink(e.ctx, e.emp)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(link, "https://t.me/"+e.fake.BotUsername+"?start=") || expires.Sub(e.clk.Now()) != 15*time.Minute {
			t.Fatalf("link %q expires %v", link, expires)
		}
		tok := link[strings.Index(link, "start=")+6:]
		var stored int
		if err := d.R.QueryRow("SELECT COUNT(*) FROM telegram_link_tokens WHERE token_hash = $1", tok).Scan(&stored); err != nil || stored != 0 {
			t.Fatalf("the token is stored in clear: %d %v", stored, err)
		}

		chat := chatOf(e.emp)
		e.fake.PushText(chat, chat, "emp", "en", "/start "+tok, 0)
		testkit.Eventually(t, "the welcome", func() bool { return len(e.fake.SentTo(chat)) == 1 })
		if got := e.fake.SentTo(chat)[0].Text; !strings.Contains(got, "Здравствуйте, Test emp") {
			t.Errorf("the welcome is not in the account's language (ru): %q", got)
		}
		if l, _ := e.bot.LinkOf(e.ctx, e.emp); l == nil || l.ChatID != chat || l.Username != "@emp" {
			t.Fatalf("link %+v", l)
		}

		// The same token again, from another chat: refused, and the first link stands.
		other := int64(9999)
		e.fake.PushText(other, other, "mallory", "en", "/start "+tok, 0)
		testkit.Eventually(t, "the refusal", func() bool { return len(e.fake.SentTo(other)) == 1 })
		if got := e.fake.SentTo(other)[0].Text; !strings.Contains(got, "not linked to a Smart Service account") {
			t.Errorf("reused token answered %q", got)
		}
		// Expired, unknown and missing tokens, and plain text from an unlinked chat.
		stale, _, _ := e.bot.NewLink(e.ctx, e.a)
		e.clk.Add(16 * time.Minute)
		for i, text := range []string{"/start " + stale[strings.Index(stale, "start=")+6:], "/start nope", "/start", "hello", "/stop"} {
			e.fake.PushText(other, other, "mallory", "en", text, 0)
			testkit.Eventually(t, "the answer to "+text, func() bool { return len(e.fake.SentTo(other)) == i+2 })
			if got := e.last(t, other).Text; !strings.Contains(got, "not linked") || len(e.last(t, other).Buttons) != 0 {
				t.Errorf("%q answered %q", text, got)
			}
		}
		if l, _ := e.bot.LinkOf(e.ctx, e.a); l != nil {
			t.Errorf("an expired token linked a: %+v", l)
		}

		// /stop unlinks.
		e.fake.PushText(chat, chat, "emp", "en", "/stop", 0)
		testkit.Eventually(t, "the goodbye", func() bool { return len(e.fake.SentTo(chat)) == 2 })
		if l, _ := e.bot.LinkOf(e.ctx, e.emp); l != nil {
			t.Errorf("/stop left %+v", l)
		}
		// Unlink from the profile.
		e.link(t, e.a)
		if err := e.bot.Unlink(e.ctx, e.a); err != nil {
			t.Fatal(err)
		}
		if l, _ := e.bot.LinkOf(e.ctx, e.a); l != nil {
			t.Errorf("Unlink left %+v", l)
		}

		// A group: only an admin makes codes; a code works once.
		if _, _, err := e.bot.NewDepartmentCode(e.ctx, e.boss, e.it); apperr.CodeOf(err) != apperr.NotFound {
			t.Errorf("a head made a group code: %v", err)
		}
		code, _, err := e.bot.NewDepartmentCode(e.ctx, e.admin, e.it)
		if err != nil {
			t.Fatal(err)
		}
		group := int64(-100500)
		e.fake.PushText(group, chatOf(e.admin), "admin", "en", "/link@"+e.fake.BotUsername+" "+strings.ToLower(code), 0)
		testkit.Eventually(t, "the group's confirmation", func() bool { return len(e.fake.SentTo(group)) == 1 })
		if got := e.fake.SentTo(group)[0].Text; !strings.Contains(got, "IT desk") {
			t.Errorf("group link answered %q", got)
		}
		chats, err := e.bot.DepartmentChats(e.ctx, e.admin)
		if err != nil || chats[e.it].ChatID != group {
			t.Fatalf("department chats %+v %v", chats, err)
		}
		e.fake.PushText(-7, chatOf(e.admin), "admin", "en", "/link "+code, 0)
		testkit.Eventually(t, "the reused code's refusal", func() bool { return len(e.fake.SentTo(-7)) == 1 })
		if got := e.fake.SentTo(-7)[0].Text; !strings.Contains(got, "wrong, used or expired") {
			t.Errorf("reused code answered %q", got)
		}
		// Ordinary talk in a group is left alone.
		e.fake.PushText(group, 4242, "someone", "en", "good morning", 0)
		e.fake.PushText(group, 4242, "someone", "en", "/link", 0)
		testkit.Eventually(t, "the bare /link's answer", func() bool { return len(e.fake.SentTo(group)) == 2 })
		if err := e.bot.UnbindDepartment(e.ctx, e.admin, e.it); err != nil {
			t.Fatal(err)
		}
		if chats, _ := e.bot.DepartmentChats(e.ctx, e.admin); len(chats) != 0 {
			t.Errorf("unbind left %+v", chats)
		}
	})
}
