package testkit

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// FakeTelegram is a Telegram Bot API for tests: a real HTTP server on loopback
// speaking the Bot API's JSON (getMe, getUpdates, sendMessage, editMessageText,
// answerCallbackQuery, setWebhook, deleteWebhook). A test pushes updates as users
// would (messages, commands, replies, button presses, group messages), injects
// faults (429 with retry_after, 403, 400, 401, 5xx, delays) and reads what the bot
// sent. It writes the wire format itself, so it checks our client rather than
// mirroring it. Safe for concurrent use; closed when the test ends.
type FakeTelegram struct {
	// URL is the API's base URL (SMARTSERVICE_TELEGRAM_API_URL).
	URL string
	// Token is the only token it accepts.
	Token string
	// BotUsername is getMe's username.
	BotUsername string

	srv *httptest.Server

	mu       sync.Mutex
	cond     *sync.Cond
	updates  []map[string]any
	nextUpd  int64
	nextMsg  int64
	messages map[[2]int64]FakeTelegramMessage
	sent     []FakeTelegramMessage
	edits    []FakeTelegramMessage
	answers  []FakeTelegramAnswer
	faults   []fakeTelegramFault
	blocked  map[int64]int // chat → 403 or 400
	revoked  bool
	delay    time.Duration
	webhook  [2]string
	byMethod map[string]int64 // calls per method, whatever the answer

	getUpdatesCalls atomic.Int64
	calls           atomic.Int64
	polling         atomic.Int64 // getUpdates in flight
	conflicts       atomic.Int64 // getUpdates refused with 409: a second poller
}

// FakeTelegramMessage is a message the bot sent or edited.
type FakeTelegramMessage struct {
	ChatID, MessageID int64
	Text, ParseMode   string
	// Buttons are the inline buttons' texts and callback data, row by row.
	Buttons [][][2]string
	// ForceReply is set when the message asks for a reply.
	ForceReply bool
	ReplyTo    int64
}

// FakeTelegramAnswer is an answerCallbackQuery.
type FakeTelegramAnswer struct {
	CallbackID, Text string
	Alert            bool
}

type fakeTelegramFault struct {
	method     string
	code       int
	retryAfter int
	delay      time.Duration
}

// NewFakeTelegram starts a fake Bot API that accepts token.
func NewFakeTelegram(t testing.TB, token string) *FakeTelegram {
	t.Helper()
	f := &FakeTelegram{Token: token, BotUsername: "smart_service_test_bot", nextUpd: 1000, nextMsg: 1, messages: map[[2]int64]FakeTelegramMessage{}, blocked: map[int64]int{}}
	f.cond = sync.NewCond(&f.mu)
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	f.URL = f.srv.URL
	t.Cleanup(func() {
		f.mu.Lock()
		f.revoked = true // wake and end every long poll
		f.cond.Broadcast()
		f.mu.Unlock()
		f.srv.CloseClientConnections()
		f.srv.Close()
	})
	return f
}

// Fail makes the next times calls of method ("*" for any sending method:
// sendMessage and editMessageText) fail with code; retryAfter (seconds) goes with a 429.
func (f *FakeTelegram) Fail(method string, code, retryAfter, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range times {
		f.faults = append(f.faults, fakeTelegramFault{method: method, code: code, retryAfter: retryAfter})
	}
}

// ClearFaults drops the failures and stalls still queued by Fail and Stall.
func (f *FakeTelegram) ClearFaults() {
	f.mu.Lock()
	f.faults = nil
	f.mu.Unlock()
}

// Stall makes the next times calls of method wait d before answering normally.
func (f *FakeTelegram) Stall(method string, d time.Duration, times int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range times {
		f.faults = append(f.faults, fakeTelegramFault{method: method, delay: d})
	}
}

// SetDelay delays every answer by d (a slow network).
func (f *FakeTelegram) SetDelay(d time.Duration) {
	f.mu.Lock()
	f.delay = d
	f.mu.Unlock()
}

// Block makes chat refuse messages: 403 (the user blocked the bot) or 400 (chat
// not found); 0 unblocks it.
func (f *FakeTelegram) Block(chatID int64, code int) {
	f.mu.Lock()
	f.blocked[chatID] = code
	f.mu.Unlock()
}

// Revoke makes the token invalid: every call gets 401.
func (f *FakeTelegram) Revoke() {
	f.mu.Lock()
	f.revoked = true
	f.cond.Broadcast()
	f.mu.Unlock()
}

// PushText queues a message from a user: text in chat chatID ("private" when
// chatID equals fromID, else a group), replying to message replyTo when not 0.
func (f *FakeTelegram) PushText(chatID, fromID int64, username, lang, text string, replyTo int64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	msg := map[string]any{
		"message_id": f.nextMsg, "date": time.Now().Unix(), "text": text,
		"from": map[string]any{"id": fromID, "is_bot": false, "first_name": username, "username": username, "language_code": lang},
		"chat": f.chat(chatID, username),
	}
	f.nextMsg++
	if replyTo != 0 {
		if m, ok := f.messages[[2]int64{chatID, replyTo}]; ok {
			msg["reply_to_message"] = map[string]any{"message_id": m.MessageID, "date": time.Now().Unix(), "text": m.Text, "chat": f.chat(chatID, username)}
		} else {
			msg["reply_to_message"] = map[string]any{"message_id": replyTo, "date": time.Now().Unix(), "chat": f.chat(chatID, username)}
		}
	}
	f.push(map[string]any{"message": msg})
}

// PushPress queues a press of a button with data on message messageID in chatID
// by user fromID, and returns the callback query's id.
func (f *FakeTelegram) PushPress(chatID, messageID, fromID int64, username, data string) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := "cb" + itoa(f.nextUpd)
	f.push(map[string]any{"callback_query": map[string]any{
		"id": id, "data": data, "chat_instance": "x",
		"from":    map[string]any{"id": fromID, "is_bot": false, "first_name": username, "username": username},
		"message": map[string]any{"message_id": messageID, "date": time.Now().Unix(), "chat": f.chat(chatID, username)},
	}})
	return id
}

func (f *FakeTelegram) chat(id int64, username string) map[string]any {
	if id < 0 {
		return map[string]any{"id": id, "type": "supergroup", "title": "Group " + itoa(-id)}
	}
	return map[string]any{"id": id, "type": "private", "username": username, "first_name": username}
}

func (f *FakeTelegram) push(u map[string]any) {
	u["update_id"] = f.nextUpd
	f.nextUpd++
	f.updates = append(f.updates, u)
	f.cond.Broadcast()
}

// Pending is the number of updates not yet confirmed by a getUpdates offset.
func (f *FakeTelegram) Pending() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.updates)
}

// Sent returns the messages sent so far, in order.
func (f *FakeTelegram) Sent() []FakeTelegramMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeTelegramMessage(nil), f.sent...)
}

// SentTo returns the messages sent to chatID, in order.
func (f *FakeTelegram) SentTo(chatID int64) []FakeTelegramMessage {
	var out []FakeTelegramMessage
	for _, m := range f.Sent() {
		if m.ChatID == chatID {
			out = append(out, m)
		}
	}
	return out
}

// Message returns a message as it is now (after edits).
func (f *FakeTelegram) Message(chatID, messageID int64) (FakeTelegramMessage, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	m, ok := f.messages[[2]int64{chatID, messageID}]
	return m, ok
}

// Edits returns the edits made so far, in order.
func (f *FakeTelegram) Edits() []FakeTelegramMessage {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeTelegramMessage(nil), f.edits...)
}

// Answers returns the callback answers so far, in order.
func (f *FakeTelegram) Answers() []FakeTelegramAnswer {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeTelegramAnswer(nil), f.answers...)
}

// Answer returns the answer to callback id, waiting up to 10 s for it.
func (f *FakeTelegram) Answer(t testing.TB, id string) FakeTelegramAnswer {
	t.Helper()
	var got FakeTelegramAnswer
	Eventually(t, "the answer to press "+id, func() bool {
		for _, a := range f.Answers() {
			if a.CallbackID == id {
				got = a
				return true
			}
		}
		return false
	})
	return got
}

// GetUpdatesCalls counts getUpdates calls.
func (f *FakeTelegram) GetUpdatesCalls() int64 { return f.getUpdatesCalls.Load() }

// Conflicts counts getUpdates calls refused because another was in flight
// (409, as Telegram answers two pollers of one bot).
func (f *FakeTelegram) Conflicts() int64 { return f.conflicts.Load() }

// Calls counts every call.
func (f *FakeTelegram) Calls() int64 { return f.calls.Load() }

// MethodCalls is how many calls of method arrived, answered or refused.
func (f *FakeTelegram) MethodCalls(method string) int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.byMethod[method]
}

// Webhook returns the URL and secret of the last setWebhook ("" after deleteWebhook).
func (f *FakeTelegram) Webhook() (url, secret string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.webhook[0], f.webhook[1]
}

// Eventually polls cond every 10 ms for up to 10 s and fails the test when it never holds.
func Eventually(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func itoa(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func (f *FakeTelegram) fail(w http.ResponseWriter, code int, desc string, retryAfter int) {
	body := map[string]any{"ok": false, "error_code": code, "description": desc}
	if retryAfter > 0 {
		body["parameters"] = map[string]any{"retry_after": retryAfter}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	json.NewEncoder(w).Encode(body)
}

func (f *FakeTelegram) ok(w http.ResponseWriter, result any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
}

var fakeTelegramDescriptions = map[int]string{
	400: "Bad Request: chat not found",
	401: "Unauthorized",
	403: "Forbidden: bot was blocked by the user",
	409: "Conflict: terminated by other getUpdates request",
	429: "Too Many Requests: retry later",
	500: "Internal Server Error",
	502: "Bad Gateway",
}

func (f *FakeTelegram) serve(w http.ResponseWriter, r *http.Request) {
	f.calls.Add(1)
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 || r.Method != http.MethodPost {
		f.fail(w, 404, "Not Found", 0)
		return
	}
	var params map[string]any
	if err := json.NewDecoder(r.Body).Decode(&params); err != nil {
		f.fail(w, 400, "Bad Request: can't parse JSON", 0)
		return
	}
	f.mu.Lock()
	if f.byMethod == nil {
		f.byMethod = map[string]int64{}
	}
	f.byMethod[method]++
	delay, revoked := f.delay, f.revoked
	var fault *fakeTelegramFault
	for i, ft := range f.faults {
		if ft.method == method || (ft.method == "*" && (method == "sendMessage" || method == "editMessageText")) {
			fault = &ft
			f.faults = append(f.faults[:i:i], f.faults[i+1:]...)
			break
		}
	}
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if token != f.Token || revoked {
		f.fail(w, 401, "Unauthorized", 0)
		return
	}
	if fault != nil {
		if fault.delay > 0 {
			select {
			case <-time.After(fault.delay):
			case <-r.Context().Done():
				return
			}
		} else {
			f.fail(w, fault.code, fakeTelegramDescriptions[fault.code], fault.retryAfter)
			return
		}
	}
	switch method {
	case "getMe":
		f.ok(w, map[string]any{"id": 1, "is_bot": true, "first_name": "Smart Service", "username": f.BotUsername})
	case "getUpdates":
		f.getUpdatesCalls.Add(1)
		// Telegram refuses a second poller with 409, and so does the fake.
		if f.polling.Add(1) > 1 {
			f.polling.Add(-1)
			f.conflicts.Add(1)
			f.fail(w, 409, fakeTelegramDescriptions[409], 0)
			return
		}
		defer f.polling.Add(-1)
		f.getUpdates(w, r, params)
	case "sendMessage":
		f.sendMessage(w, params)
	case "editMessageText":
		f.editMessage(w, params)
	case "answerCallbackQuery":
		f.mu.Lock()
		f.answers = append(f.answers, FakeTelegramAnswer{CallbackID: str(params["callback_query_id"]), Text: str(params["text"]), Alert: params["show_alert"] == true})
		f.mu.Unlock()
		f.ok(w, true)
	case "setWebhook":
		f.mu.Lock()
		f.webhook = [2]string{str(params["url"]), str(params["secret_token"])}
		f.mu.Unlock()
		f.ok(w, true)
	case "deleteWebhook":
		f.mu.Lock()
		f.webhook = [2]string{}
		f.mu.Unlock()
		f.ok(w, true)
	default:
		f.fail(w, 404, "Not Found: method not found", 0)
	}
}

func (f *FakeTelegram) getUpdates(w http.ResponseWriter, r *http.Request, params map[string]any) {
	offset := int64(num(params["offset"]))
	deadline := time.Now().Add(time.Duration(num(params["timeout"])) * time.Second)
	stop := f.wakeAt(r, deadline)
	defer stop()
	f.mu.Lock()
	for {
		if offset > 0 { // confirmed: forget them
			i := 0
			for i < len(f.updates) && int64(num(f.updates[i]["update_id"])) < offset {
				i++
			}
			f.updates = f.updates[i:]
		}
		if len(f.updates) > 0 || f.revoked || !time.Now().Before(deadline) || r.Context().Err() != nil {
			break
		}
		f.cond.Wait()
	}
	revoked := f.revoked
	out := append([]map[string]any{}, f.updates...)
	f.mu.Unlock()
	if revoked {
		f.fail(w, 401, "Unauthorized", 0)
		return
	}
	f.ok(w, out)
}

// wakeAt wakes the long poll at its deadline or when the client goes away.
func (f *FakeTelegram) wakeAt(r *http.Request, deadline time.Time) func() {
	done := make(chan struct{})
	go func() {
		select {
		case <-time.After(time.Until(deadline)):
		case <-r.Context().Done():
		case <-done:
			return
		}
		f.mu.Lock()
		f.cond.Broadcast()
		f.mu.Unlock()
	}()
	return func() { close(done) }
}

func (f *FakeTelegram) sendMessage(w http.ResponseWriter, params map[string]any) {
	chatID := int64(num(params["chat_id"]))
	text := str(params["text"])
	if chatID == 0 || text == "" {
		f.fail(w, 400, "Bad Request: message text is empty", 0)
		return
	}
	if len([]rune(text)) > 4096 {
		f.fail(w, 400, "Bad Request: message is too long", 0)
		return
	}
	f.mu.Lock()
	if code := f.blocked[chatID]; code != 0 {
		f.mu.Unlock()
		f.fail(w, code, fakeTelegramDescriptions[code], 0)
		return
	}
	m := FakeTelegramMessage{ChatID: chatID, MessageID: f.nextMsg, Text: text, ParseMode: str(params["parse_mode"]), ReplyTo: int64(num(params["reply_to_message_id"]))}
	f.nextMsg++
	m.Buttons, m.ForceReply = markup(params["reply_markup"])
	f.sent = append(f.sent, m)
	f.messages[[2]int64{chatID, m.MessageID}] = m
	f.mu.Unlock()
	f.ok(w, map[string]any{"message_id": m.MessageID, "date": time.Now().Unix(), "text": text, "chat": f.chat(chatID, "")})
}

func (f *FakeTelegram) editMessage(w http.ResponseWriter, params map[string]any) {
	chatID, msgID := int64(num(params["chat_id"])), int64(num(params["message_id"]))
	f.mu.Lock()
	old, ok := f.messages[[2]int64{chatID, msgID}]
	if !ok {
		f.mu.Unlock()
		f.fail(w, 400, "Bad Request: message to edit not found", 0)
		return
	}
	m := old
	m.Text, m.ParseMode = str(params["text"]), str(params["parse_mode"])
	m.Buttons, _ = markup(params["reply_markup"])
	if m.Text == old.Text && len(m.Buttons) == len(old.Buttons) {
		same := true
		for i := range m.Buttons {
			if len(m.Buttons[i]) != len(old.Buttons[i]) {
				same = false
			}
		}
		if same {
			f.mu.Unlock()
			f.fail(w, 400, "Bad Request: message is not modified", 0)
			return
		}
	}
	f.messages[[2]int64{chatID, msgID}] = m
	f.edits = append(f.edits, m)
	f.mu.Unlock()
	f.ok(w, map[string]any{"message_id": msgID, "date": time.Now().Unix(), "text": m.Text, "chat": f.chat(chatID, "")})
}

func markup(v any) (buttons [][][2]string, forceReply bool) {
	m, _ := v.(map[string]any)
	if m == nil {
		return nil, false
	}
	if m["force_reply"] == true {
		return nil, true
	}
	rows, _ := m["inline_keyboard"].([]any)
	for _, row := range rows {
		var out [][2]string
		cells, _ := row.([]any)
		for _, c := range cells {
			b, _ := c.(map[string]any)
			out = append(out, [2]string{str(b["text"]), str(b["callback_data"])})
		}
		buttons = append(buttons, out)
	}
	return buttons, false
}

func str(v any) string { s, _ := v.(string); return s }

func num(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case string:
		var f float64
		json.Unmarshal([]byte(n), &f)
		return f
	}
	return 0
}
