// Package testserver starts the real Smart Service server for a test: the same
// app.New and Serve that production runs, on a free loopback port, over a fresh
// SQLite or PostgreSQL database, stopped gracefully when the test ends. Browser
// tests and HTTP tests drive it through its URL.
package testserver

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql/driver"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/app"
	"smartservice/internal/config"
	"smartservice/internal/db"
	"smartservice/internal/demo"
	"smartservice/internal/jobs"
	"smartservice/internal/testkit"
)

// LogLevelEnv names the variable that sets the lowest server log level shown in the
// test output as it happens (debug, info, warn, error; default warn). Whatever the
// level, the last lines at info and above are shown when the test fails.
const LogLevelEnv = "SMARTSERVICE_TEST_LOG_LEVEL"

// Time bounds of a test server's life.
const (
	buildTimeout    = 30 * time.Second // app.New: open and migrate the database
	demoTimeout     = 2 * time.Minute  // demo.Load hashes the demo accounts' passwords (slow under -race)
	readyTimeout    = 30 * time.Second // from Serve to /readyz answering 200
	shutdownTimeout = 5 * time.Second  // the server's own graceful-stop deadline
	stopMargin      = 10 * time.Second // Cleanup waits that much longer for Serve to return
	keptLogLines    = 300              // log lines kept for the failure report
)

// Options choose the server a test gets. The zero value is an empty SQLite office.
type Options struct {
	// Dialect is the database engine; empty means SQLite. PostgreSQL skips the test
	// when SMARTSERVICE_TEST_POSTGRES_URL is unset.
	Dialect db.Dialect
	// Demo loads the demo office (departments and the rest) before serving.
	Demo bool
	// WrapDB, when set, wraps the database's connectors (testkit.CountQueries).
	WrapDB func(driver.Connector) driver.Connector
	// Configure, when set, adjusts the configuration after the test defaults
	// (database, BaseURL, listen address) are filled in and before the app is built.
	Configure func(*config.Config)
}

// Server is a running Smart Service.
type Server struct {
	// URL is the base URL, "http://127.0.0.1:PORT", without a trailing slash; it is
	// also the configured BaseURL, so it is the origin the server trusts.
	URL string
	// App is the running application: its stores let a test arrange data directly.
	App *app.App
	// MetricsURL is where /metrics is served: URL, or the separate metrics address
	// when the test configured one ("127.0.0.1:0" picks a free port); "" when
	// neither a token nor an address is configured.
	MetricsURL string
}

// Metrics reads /metrics as a scraper does, with the configured token, and fails
// the test unless it answers 200.
func (s *Server) Metrics(t testing.TB) string {
	t.Helper()
	if s.MetricsURL == "" {
		t.Fatal("testserver: this server does not serve /metrics (no token, no metrics address)")
	}
	req, err := http.NewRequest(http.MethodGet, s.MetricsURL+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok := s.App.Config.MetricsToken; tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("testserver: GET /metrics: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("testserver: GET /metrics: %d %s", resp.StatusCode, body)
	}
	return string(body)
}

// Start builds the application on a fresh database, serves it on 127.0.0.1 at a
// free port, waits until /readyz answers 200, and stops it when the test ends
// (cancel, then wait for Serve to return, bounded). Any failure to start is fatal.
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	dialect := opts.Dialect
	if dialect == "" {
		dialect = db.SQLite
	}
	// Already migrated (app.New's Migrate then finds nothing to do): migrating from
	// empty is internal/db's and internal/app's tests' business.
	dbURL := testkit.MigratedURL(t, dialect) // may skip: before anything else is started

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("testserver: listen on loopback: %v", err)
	}
	base := "http://" + ln.Addr().String()

	cfg := config.Default()
	cfg.Addr = ln.Addr().String()
	cfg.BaseURL, _ = url.Parse(base)
	cfg.DatabaseURL = dbURL
	cfg.ShutdownTimeout = shutdownTimeout
	cfg.DBConnectTimeout = 10 * time.Second
	// /metrics is served only behind a token (or on its own address): tests read it
	// with this one (Server.Metrics); a test may clear it in Configure.
	cfg.MetricsToken = rand.Text()
	if opts.Configure != nil {
		opts.Configure(cfg)
	}
	var mln net.Listener
	metricsURL := ""
	switch {
	case cfg.MetricsAddr != "":
		if mln, err = net.Listen("tcp", cfg.MetricsAddr); err != nil {
			ln.Close()
			t.Fatalf("testserver: listen for metrics on %s: %v", cfg.MetricsAddr, err)
		}
		metricsURL = "http://" + mln.Addr().String()
	case cfg.MetricsToken != "":
		metricsURL = base
	}

	logs := newTestLog(t)
	logger := slog.New(logs.handler())

	ctx, cancel := context.WithCancel(context.Background())
	buildCtx, buildCancel := context.WithTimeout(ctx, buildTimeout)
	defer buildCancel()

	// River's fetch poll is only the fallback for jobs nobody announced: an insert
	// wakes the fetcher at once (on SQLite through River's notification table,
	// which its listener polls every 50 ms). Polling every 50 ms too made each
	// running server a writer transaction 20 times a second. internal/api's tests
	// took 117–123 CPU-s under -race with it and 80–83 at 1 s (a build that also
	// parsed the translations once per process, about 3% of such a process's CPU).
	aopts := app.Options{Jobs: jobs.Options{
		FetchPollInterval: time.Second,
		FetchCooldown:     10 * time.Millisecond,
	}, Argon2: testkit.CheapArgon2, WrapDB: opts.WrapDB}
	if opts.Demo {
		aopts.Directory = demo.Directory()
	}
	a, err := app.New(buildCtx, cfg, logger, aopts)
	if err != nil {
		cancel()
		ln.Close()
		if mln != nil {
			mln.Close()
		}
		logs.close(true)
		t.Fatalf("testserver: build the app on %s: %v", dialect, err)
	}
	if opts.Demo {
		demoCtx, demoCancel := context.WithTimeout(ctx, demoTimeout)
		_, err := demo.Load(demoCtx, a.DB, a.Users, a.Accounts)
		demoCancel()
		if err != nil {
			cancel()
			ln.Close()
			if mln != nil {
				mln.Close()
			}
			a.Close()
			logs.close(true)
			t.Fatalf("testserver: load the demo office: %v", err)
		}
	}

	served := make(chan error, 1)
	go func() { served <- a.ServeWithMetrics(ctx, ln, mln) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-served:
			if err != nil {
				t.Errorf("testserver: Serve returned %v", err)
			}
		case <-time.After(cfg.ShutdownTimeout + stopMargin):
			t.Errorf("testserver: the server did not stop within %s of cancellation", cfg.ShutdownTimeout+stopMargin)
		}
		logs.close(t.Failed())
	})

	readyCtx, readyCancel := context.WithTimeout(ctx, readyTimeout)
	defer readyCancel()
	if err := waitReady(readyCtx, base, served); err != nil {
		t.Fatalf("testserver: %v", err) // Cleanup stops what was started
	}
	return &Server{URL: base, App: a, MetricsURL: metricsURL}
}

// waitReady polls /readyz until it answers 200, Serve returns, or ctx ends.
func waitReady(ctx context.Context, base string, served <-chan error) error {
	client := &http.Client{Timeout: 2 * time.Second}
	last := "no answer yet"
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/readyz", nil)
		resp, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
			last = fmt.Sprintf("%d %s", resp.StatusCode, bytes.TrimSpace(body))
		} else {
			last = err.Error()
		}
		select {
		case err := <-served:
			return fmt.Errorf("the server stopped before it was ready: Serve returned %v (last /readyz: %s)", err, last)
		case <-ctx.Done():
			return fmt.Errorf("not ready within %s: last /readyz: %s", readyTimeout, last)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// testLog routes the server's log into the test's output: records at the chosen
// level (warn by default) at once, and the last lines at info and above only if
// the test fails. After close nothing is written, so a late log line from a
// goroutine that outlived the test cannot panic the test binary.
type testLog struct {
	mu     sync.Mutex
	out    io.Writer
	closed bool
	kept   []string
	next   int // ring position in kept once it is full
	level  slog.Level
}

func newTestLog(t testing.TB) *testLog {
	l := &testLog{out: t.Output(), level: slog.LevelWarn}
	if v := os.Getenv(LogLevelEnv); v != "" {
		if err := l.level.UnmarshalText([]byte(v)); err != nil {
			t.Fatalf("testserver: %s=%q: want debug, info, warn or error", LogLevelEnv, v)
		}
	}
	return l
}

func (l *testLog) handler() slog.Handler {
	// The test output already says which test and when; the time only adds noise.
	noTime := func(groups []string, a slog.Attr) slog.Attr {
		if len(groups) == 0 && a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}
	show := slog.NewTextHandler(liveWriter{l}, &slog.HandlerOptions{Level: l.level, ReplaceAttr: noTime})
	keep := slog.NewTextHandler(keptWriter{l}, &slog.HandlerOptions{Level: slog.LevelInfo, ReplaceAttr: noTime})
	return slog.NewMultiHandler(show, keep)
}

type liveWriter struct{ l *testLog }

// Write receives one whole record from the text handler.
func (w liveWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	if !w.l.closed {
		_, _ = w.l.out.Write(append([]byte("server: "), p...))
	}
	return len(p), nil
}

type keptWriter struct{ l *testLog }

func (w keptWriter) Write(p []byte) (int, error) {
	w.l.mu.Lock()
	defer w.l.mu.Unlock()
	line := strings.TrimSuffix(string(p), "\n")
	if len(w.l.kept) < keptLogLines {
		w.l.kept = append(w.l.kept, line)
	} else {
		w.l.kept[w.l.next] = line
		w.l.next = (w.l.next + 1) % keptLogLines
	}
	return len(p), nil
}

// close stops all output; when the test failed it first writes the kept lines.
func (l *testLog) close(failed bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return
	}
	if failed && len(l.kept) > 0 {
		var b strings.Builder
		fmt.Fprintf(&b, "server log, last %d lines at info and above:\n", len(l.kept))
		for i := range l.kept {
			b.WriteString("  | " + l.kept[(l.next+i)%len(l.kept)] + "\n")
		}
		_, _ = l.out.Write([]byte(b.String()))
	}
	l.closed = true
}
