package telegram_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/notify"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
)

// TestSendFaults: Telegram's refusals map to notify's errors: 403 and 400 "chat
// not found" mark the link dead (and later deliveries fail without a call), 401
// is the channel down, 429 asks for retry_after and pauses every send, 5xx and
// timeouts are plain errors to retry.
func TestSendFaults(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.link(t, e.a)
		e.link(t, e.b)
		e.link(t, e.emp)
		tk := e.file(t, "jam")

		e.fake.Block(chatOf(e.emp), 403)
		_, err := e.deliver(t, notify.KindTaken, e.emp, 0, tk.ID, 0)
		if !errors.Is(err, notify.ErrRecipientGone) {
			t.Fatalf("403: %v", err)
		}
		l, _ := e.bot.LinkOf(e.ctx, e.emp)
		if l == nil || l.DeadAt == nil || !strings.Contains(l.DeadReason, "blocked") {
			t.Fatalf("after 403 the link is %+v", l)
		}
		calls := e.fake.Calls()
		if _, err := e.deliver(t, notify.KindTaken, e.emp, 0, tk.ID, 0); !errors.Is(err, notify.ErrRecipientGone) || e.fake.Calls() != calls {
			t.Errorf("to a dead chat: %v, %d calls", err, e.fake.Calls()-calls)
		}
		// Unblocking and writing to the bot again revives the chat.
		e.fake.Block(chatOf(e.emp), 0)
		e.handle(t, e.text(chatOf(e.emp), chatOf(e.emp), "hi"))
		if l, _ := e.bot.LinkOf(e.ctx, e.emp); l == nil || l.DeadAt != nil {
			t.Errorf("after a message the link is %+v", l)
		}

		e.fake.Block(chatOf(e.b), 400)
		if _, err := e.deliver(t, notify.KindAssigned, e.b, 0, tk.ID, 0); !errors.Is(err, notify.ErrRecipientGone) {
			t.Errorf("400 chat not found: %v", err)
		}
		if l, _ := e.bot.LinkOf(e.ctx, e.b); l == nil || l.DeadAt == nil {
			t.Errorf("after 400 the link is %+v", l)
		}
		if _, err := e.deliver(t, notify.KindAssigned, e.boss, 0, tk.ID, 0); !errors.Is(err, notify.ErrRecipientGone) {
			t.Errorf("nobody linked: %v", err)
		}

		e.fake.Fail("sendMessage", 401, 0, 1)
		if _, err := e.deliver(t, notify.KindAssigned, e.a, 0, tk.ID, 0); !errors.Is(err, notify.ErrChannelDown) {
			t.Errorf("401: %v", err)
		}

		e.fake.Fail("sendMessage", 500, 0, 1)
		_, err = e.deliver(t, notify.KindAssigned, e.a, 0, tk.ID, 0)
		var ra *notify.RetryAfterError
		if err == nil || errors.Is(err, notify.ErrChannelDown) || errors.Is(err, notify.ErrRecipientGone) || errors.As(err, &ra) {
			t.Errorf("500: %v", err)
		}
		e.fake.Stall("sendMessage", 3*time.Second, 1)
		ctx, cancel := context.WithTimeout(e.ctx, 200*time.Millisecond)
		_, err = e.ch.Deliver(ctx, notify.Notification{ID: 900, Kind: notify.KindAssigned, UserID: e.a.ID, TicketID: tk.ID, Lang: "en"})
		cancel()
		if err == nil || errors.Is(err, notify.ErrRecipientGone) || errors.As(err, &ra) || strings.Contains(err.Error(), token) {
			t.Errorf("a timeout: %v", err)
		}
		if l, _ := e.bot.LinkOf(e.ctx, e.a); l.DeadAt != nil {
			t.Error("a fault that is not the chat's marked it dead")
		}

		e.fake.Fail("sendMessage", 429, 1, 1)
		_, err = e.deliver(t, notify.KindAssigned, e.a, 0, tk.ID, 0)
		if !errors.As(err, &ra) || ra.After != time.Second {
			t.Fatalf("429: %v", err)
		}
		// The whole sender waits: the next message, to another chat, goes after the pause.
		began := time.Now()
		if _, err := e.deliver(t, notify.KindTaken, e.emp, 0, tk.ID, 0); err != nil {
			t.Fatal(err)
		}
		if waited := time.Since(began); waited < 800*time.Millisecond {
			t.Errorf("the send after a 429 went after %s, not after the pause", waited)
		}
	})
}

// TestOnePollerOnPostgres: two bots on one PostgreSQL: only one polls (the fake,
// like Telegram, refuses a second getUpdates with 409 and counts it), each update
// is handled once, and when the poller stops the other takes over.
func TestOnePollerOnPostgres(t *testing.T) {
	d := testkit.NewDB(t, db.Postgres)
	e := newEnv(t, d)
	stop1 := e.run(t, e.bot)
	testkit.Eventually(t, "the first poller", func() bool { return e.fake.GetUpdatesCalls() > 0 })
	second := telegram.New(e.deps)
	e.run(t, second)
	for i := range 3 {
		e.fake.PushText(555, 555, "x", "en", "hello", 0)
		testkit.Eventually(t, "an answer", func() bool { return len(e.fake.SentTo(555)) == i+1 })
	}
	time.Sleep(500 * time.Millisecond) // several lock retries of the second
	if len(e.fake.SentTo(555)) != 3 || e.fake.Conflicts() != 0 {
		t.Fatalf("%d answers to 3 messages, %d concurrent polls", len(e.fake.SentTo(555)), e.fake.Conflicts())
	}
	stop1()
	e.fake.PushText(555, 555, "x", "en", "anyone?", 0)
	testkit.Eventually(t, "the second poller's answer", func() bool { return len(e.fake.SentTo(555)) == 4 })
	// The handover itself may race the old poller's last, cancelled request at
	// the fake (as at Telegram); from then on one poller again.
	handover := e.fake.Conflicts()
	time.Sleep(500 * time.Millisecond)
	e.fake.PushText(555, 555, "x", "en", "still there?", 0)
	testkit.Eventually(t, "the fifth answer", func() bool { return len(e.fake.SentTo(555)) == 5 })
	time.Sleep(300 * time.Millisecond)
	if n := len(e.fake.SentTo(555)); n != 5 || e.fake.Conflicts() != handover {
		t.Errorf("after the takeover: %d answers to 5 messages, %d concurrent polls", n, e.fake.Conflicts()-handover)
	}
}

// TestWebhook: in webhook mode the bot sets the webhook and takes updates only
// with Telegram's secret header.
func TestWebhook(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	e := newEnv(t, d)
	deps := e.deps
	deps.WebhookURL, deps.WebhookSecret = "https://service.test/telegram/webhook", "s3cret-value_1"
	bot := telegram.New(deps)
	e.run(t, bot)
	testkit.Eventually(t, "setWebhook", func() bool { u, s := e.fake.Webhook(); return u == deps.WebhookURL && s == deps.WebhookSecret })
	body, _ := json.Marshal(e.text(42, 42, "hello"))
	for _, c := range []struct {
		secret string
		want   int
	}{{"", 403}, {"wrong", 403}, {deps.WebhookSecret, 200}} {
		req := httptest.NewRequest("POST", "/telegram/webhook", bytes.NewReader(body))
		if c.secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", c.secret)
		}
		w := httptest.NewRecorder()
		bot.Webhook().ServeHTTP(w, req)
		if w.Code != c.want {
			t.Errorf("secret %q: %d", c.secret, w.Code)
		}
	}
	if n := len(e.fake.SentTo(42)); n != 1 || e.fake.GetUpdatesCalls() != 0 {
		t.Errorf("%d answers, %d polls in webhook mode", n, e.fake.GetUpdatesCalls())
	}
	w := httptest.NewRecorder()
	e.bot.Webhook().ServeHTTP(w, httptest.NewRequest("POST", "/telegram/webhook", bytes.NewReader(body)))
	if w.Code != http.StatusNotFound {
		t.Errorf("a polling bot's webhook answered %d", w.Code)
	}
}

// TestStoppedPollerFreesItsLock: a poller that stops frees the advisory lock at
// once. Closing a *sql.Conn only returns it to the pool, so without an explicit
// unlock the idle session kept the lock and another poller in the same process
// that drew a different connection never took over.
func TestStoppedPollerFreesItsLock(t *testing.T) {
	d := testkit.NewDB(t, db.Postgres)
	e := newEnv(t, d)
	held := func() int {
		var n int
		err := d.R.QueryRowContext(e.ctx, `SELECT count(*) FROM pg_locks
			WHERE locktype = 'advisory' AND granted AND classid = 73616001
			  AND objid = hashtext(current_schema())::oid`).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	stop := e.run(t, e.bot)
	testkit.Eventually(t, "the poller", func() bool { return e.fake.GetUpdatesCalls() > 0 })
	if n := held(); n != 1 {
		t.Fatalf("while polling: %d advisory locks held, want 1", n)
	}
	stop()
	if n := held(); n != 0 {
		t.Fatalf("after the poller stopped: %d advisory locks still held", n)
	}
}
