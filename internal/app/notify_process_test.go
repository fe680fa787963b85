package app_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/jobs"
	"smartservice/internal/telegram"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// buildBinary returns cmd/smartservice built once per test binary (the tests that
// exec the server share it: building is seconds of CPU each time), in binDir.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin, err := builtBinary()
	if err != nil {
		t.Fatalf("build the binary: %v", err)
	}
	return bin
}

// binDir holds the built server; TestMain removes it.
var binDir string

var builtBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "smartservice-app-test-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "smartservice")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/smartservice")
	cmd.Dir = filepath.Join("..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("%v\n%s", err, out)
	}
	return bin, nil
})

// proc is one server process running the built binary.
type proc struct {
	cmd *exec.Cmd
	url string
	log string
}

// startBinary runs the binary against dbURL and the fake Bot API and waits until
// /readyz answers; the process is killed when the test ends if still running.
func startBinary(t *testing.T, bin, dbURL string, fake *testkit.FakeTelegram) *proc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	logf, err := os.CreateTemp(t.TempDir(), "server-*.log")
	if err != nil {
		t.Fatal(err)
	}
	p := &proc{url: "http://" + addr, log: logf.Name()}
	p.cmd = exec.Command(bin, "serve")
	p.cmd.Env = append(os.Environ(),
		"SMARTSERVICE_ADDR="+addr, "SMARTSERVICE_BASE_URL="+p.url, "SMARTSERVICE_DATABASE_URL="+dbURL,
		"SMARTSERVICE_TELEGRAM_TOKEN="+botToken, "SMARTSERVICE_TELEGRAM_API_URL="+fake.URL,
		"SMARTSERVICE_SHUTDOWN_TIMEOUT=2s", "SMARTSERVICE_LOG_LEVEL=info")
	p.cmd.Stdout, p.cmd.Stderr = logf, logf
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	logf.Close()
	t.Cleanup(func() {
		if p.cmd.ProcessState == nil {
			_ = p.cmd.Process.Kill()
			_ = p.cmd.Wait()
		}
		if t.Failed() {
			b, _ := os.ReadFile(p.log)
			t.Logf("server %s log:\n%s", p.url, b)
		}
	})
	deadline := time.Now().Add(60 * time.Second)
	for {
		resp, err := http.Get(p.url + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			b, _ := os.ReadFile(p.log)
			t.Fatalf("the binary was not ready within a minute:\n%s", b)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kill9 kills the process with SIGKILL: no shutdown, jobs left as they were.
func (p *proc) kill9(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = p.cmd.Wait()
}

// prepare builds the app in the test's process on dbURL (migrating it),
// arranges the office and links the executor's chat, without serving: what
// it files is queued, and only the binary works the queue.
func prepare(t *testing.T, dbURL string, fake *testkit.FakeTelegram) (*app.App, office) {
	t.Helper()
	cfg := config.Default()
	cfg.DatabaseURL = dbURL
	cfg.TelegramToken, cfg.TelegramAPIURL = botToken, fake.URL
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	a, err := app.New(context.Background(), cfg, logger, app.Options{Argon2: testkit.CheapArgon2, Jobs: jobs.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { a.DB.Close() })
	o := arrange(t, a)
	ctx := context.Background()
	url, _, err := a.Telegram.NewLink(ctx, o.a)
	if err != nil {
		t.Fatal(err)
	}
	tok := url[strings.Index(url, "start=")+len("start="):]
	chat := chatOf(o.a)
	if err := a.Telegram.HandleUpdate(ctx, telegram.Update{Message: &telegram.Message{MessageID: 1,
		From: &telegram.User{ID: chat, Username: "ua", LanguageCode: "en"}, Chat: telegram.Chat{ID: chat, Type: "private"}, Text: "/start " + tok}}); err != nil {
		t.Fatal(err)
	}
	if l, err := a.Telegram.LinkOf(ctx, o.a); err != nil || l == nil {
		t.Fatalf("a not linked: %v %v", l, err)
	}
	return a, o
}

// fileN files n tickets by the reporter; each is assigned to a, so each means
// one Telegram message to a's chat naming the ticket's comment.
func fileN(t *testing.T, a *app.App, o office, n int, prefix string) []string {
	t.Helper()
	var comments []string
	for i := range n {
		c := prefix + "-" + string(rune('a'+i))
		if _, err := a.Tickets.File(context.Background(), o.emp, tickets.FileInput{AssetID: o.printer, ProblemID: o.paper, Comment: c}); err != nil {
			t.Fatal(err)
		}
		comments = append(comments, c)
	}
	return comments
}

// assertOnce waits until every comment reached chat, then checks none arrived twice.
func assertOnce(t *testing.T, fake *testkit.FakeTelegram, chat int64, comments []string) {
	t.Helper()
	// River retries a failed job after its backoff (seconds, growing) and a
	// restarted binary polls its queue each second: allow a minute.
	deadline := time.Now().Add(time.Minute)
	for _, c := range comments {
		for len(sentContaining(fake, chat, c)) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("%q not delivered within a minute", c)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	time.Sleep(2 * time.Second) // room for a duplicate to show
	for _, c := range comments {
		if n := len(sentContaining(fake, chat, c)); n != 1 {
			t.Errorf("the message about %q arrived %d times", c, n)
		}
	}
}

// TestKilledWithMessagesPending: the server is killed with kill -9 while its
// Telegram message is pending (the fake Bot API refused the first attempt with
// 502, so River holds it for a retry); after a restart it arrives once.
//
// One message, not several: Telegram's one-per-second limit per chat keeps a
// second job to the same chat "running" while it waits its turn, and a job
// killed while running waits for River's rescuer (RescueStuckJobsAfter, an
// hour by default) instead of the restart; that case is not tested here.
func TestKilledWithMessagesPending(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := testkit.FreshURL(t, dialect)
			fake := testkit.NewFakeTelegram(t, botToken)
			a, o := prepare(t, dbURL, fake)
			comments := fileN(t, a, o, 1, "killed")
			chat := chatOf(o.a)
			sent0 := fake.MethodCalls("sendMessage")
			// The fake refuses every attempt until the kill, so however slow this
			// machine is, the message is still pending when the process dies;
			// the refusals stop before the restart.
			fake.Fail("sendMessage", 502, 0, 1000)

			p := startBinary(t, bin, dbURL, fake)
			testkit.Eventually(t, "each message's first attempt refused", func() bool {
				return fake.MethodCalls("sendMessage")-sent0 >= int64(len(comments))
			})
			// The refusal is recorded within milliseconds after the answer: let
			// River record it before the kill.
			time.Sleep(300 * time.Millisecond)
			p.kill9(t)
			fake.ClearFaults()
			for _, c := range comments {
				if n := len(sentContaining(fake, chat, c)); n != 0 {
					t.Fatalf("%q was delivered before the kill (%d): the test did not kill with it pending", c, n)
				}
			}
			startBinary(t, bin, dbURL, fake)
			t.Cleanup(func() {
				if !t.Failed() {
					return
				}
				rows, err := a.DB.R.Query("SELECT id, kind, state, attempt, scheduled_at FROM river_job ORDER BY id")
				if err != nil {
					t.Log(err)
					return
				}
				defer rows.Close()
				for rows.Next() {
					var id, attempt int64
					var kind, state string
					var at any
					_ = rows.Scan(&id, &kind, &state, &attempt, &at)
					t.Logf("job %d %s %s attempt %d at %v", id, kind, state, attempt, at)
				}
			})
			assertOnce(t, fake, chat, comments)
		})
	}
}

// TestTwoInstancesOnePostgres: two server processes share one PostgreSQL
// database: exactly one polls getUpdates (the fake answers a second concurrent
// poller with 409, and none happens), and each notification is sent once.
func TestTwoInstancesOnePostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	dbURL := testkit.FreshURL(t, db.Postgres) // skips without PostgreSQL
	bin := buildBinary(t)
	fake := testkit.NewFakeTelegram(t, botToken)
	a, o := prepare(t, dbURL, fake)
	startBinary(t, bin, dbURL, fake)
	startBinary(t, bin, dbURL, fake)
	comments := fileN(t, a, o, 6, "twice")
	assertOnce(t, fake, chatOf(o.a), comments)

	// Both answer updates through the one poller: a /start from an unlinked
	// chat is answered once.
	fake.PushText(424242, 424242, "stranger", "en", "hello", 0)
	testkit.Eventually(t, "the stranger answered", func() bool { return len(fake.SentTo(424242)) > 0 })
	time.Sleep(time.Second)
	if n := len(fake.SentTo(424242)); n != 1 {
		t.Errorf("the stranger was answered %d times", n)
	}
	if n := fake.Conflicts(); n != 0 {
		t.Errorf("%d getUpdates refused with 409: two instances polled at once", n)
	}
	if fake.GetUpdatesCalls() == 0 {
		t.Error("nobody polled")
	}
}
