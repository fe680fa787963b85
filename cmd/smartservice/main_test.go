package main

import (
	"bufio"
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run this very binary as the smartservice command, so the
// signal test exercises the real main().
func TestMain(m *testing.M) {
	if os.Getenv("SMARTSERVICE_TEST_RUN_MAIN") == "1" {
		os.Args = append([]string{"smartservice"}, strings.Fields(os.Getenv("SMARTSERVICE_TEST_ARGS"))...)
		main()
		return
	}
	os.Exit(m.Run())
}

func runCmd(t *testing.T, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), args, func(k string) string { return env[k] }, &out, &errb)
	return code, out.String(), errb.String()
}

func TestInvalidOptionNamesIt(t *testing.T) {
	code, _, stderr := runCmd(t, map[string]string{"SMARTSERVICE_DEFAULT_LANGUAGE": "de"})
	if code != 2 || !strings.Contains(stderr, "SMARTSERVICE_DEFAULT_LANGUAGE") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
	code, _, stderr = runCmd(t, nil, "--timezone", "Nowhere/Land")
	if code != 2 || !strings.Contains(stderr, "SMARTSERVICE_TIMEZONE") {
		t.Fatalf("code %d, stderr %q", code, stderr)
	}
}

func TestUnknownFlagAndCommand(t *testing.T) {
	if code, _, stderr := runCmd(t, nil, "--frobnicate"); code != 2 || !strings.Contains(stderr, "frobnicate") {
		t.Fatalf("unknown flag: %d %q", code, stderr)
	}
	if code, _, stderr := runCmd(t, nil, "explode"); code != 2 || !strings.Contains(stderr, `unknown command "explode"`) {
		t.Fatalf("unknown command: %d %q", code, stderr)
	}
}

func TestVersion(t *testing.T) {
	code, out, _ := runCmd(t, nil, "version")
	if code != 0 || !strings.HasPrefix(out, "smartservice ") {
		t.Fatalf("%d %q", code, out)
	}
}

func TestMigrateUpAndStatus(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "m.db")
	env := map[string]string{"SMARTSERVICE_DATABASE_URL": url}
	code, out, stderr := runCmd(t, env, "migrate", "status")
	if code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("status before: %d %q %q", code, out, stderr)
	}
	code, out, stderr = runCmd(t, env, "migrate")
	if code != 0 || !strings.Contains(out, "schema version") {
		t.Fatalf("up: %d %q %q", code, out, stderr)
	}
	code, out, _ = runCmd(t, env, "migrate", "status")
	if code != 0 || strings.Contains(out, "pending") || !strings.Contains(out, "applied") {
		t.Fatalf("status after: %d %q", code, out)
	}
	if code, _, _ := runCmd(t, env, "migrate", "sideways"); code != 2 {
		t.Fatalf("bad action: %d", code)
	}
}

func freeAddr(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func waitReady(t *testing.T, addr string, deadline time.Duration) {
	t.Helper()
	end := time.Now().Add(deadline)
	for time.Now().Before(end) {
		res, err := http.Get("http://" + addr + "/readyz")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s never became ready", addr)
}

// TestSIGTERMStopsGracefully runs the real binary with --demo, waits for /readyz,
// sends SIGTERM and expects exit status 0 and a closed port.
func TestSIGTERMStopsGracefully(t *testing.T) {
	addr := freeAddr(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SMARTSERVICE_TEST_RUN_MAIN=1", "SMARTSERVICE_TEST_ARGS=--demo",
		"SMARTSERVICE_ADDR="+addr, "SMARTSERVICE_DATABASE_URL=sqlite://"+filepath.Join(t.TempDir(), "s.db"),
		"SMARTSERVICE_LOG_LEVEL=warn")
	stdout, _ := cmd.StdoutPipe()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	lines := make(chan string, 100)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	waitReady(t, addr, 60*time.Second)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatalf("did not stop after SIGTERM\n%s", stderr.String())
	}
	var all []string
	for l := range lines {
		all = append(all, l)
	}
	if !strings.Contains(strings.Join(all, "\n"), "Demo office loaded") {
		t.Fatalf("demo banner missing from stdout: %q", all)
	}
	if _, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
		t.Fatal("still accepting connections after exit")
	}
}

func TestServeRefusesBusyAddress(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out, errb bytes.Buffer
	code := run(ctx, nil, func(k string) string {
		return map[string]string{
			"SMARTSERVICE_ADDR": ln.Addr().String(), "SMARTSERVICE_DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "b.db"),
			"SMARTSERVICE_LOG_LEVEL": "error",
		}[k]
	}, &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "SMARTSERVICE_ADDR") {
		t.Fatalf("code %d: %s", code, errb.String())
	}
}

// TestUserCommandsBesideARunningServer creates and lists accounts with the CLI on the
// SQLite file a running server uses, then logs in through that server.
func TestUserCommandsBesideARunningServer(t *testing.T) {
	addr := freeAddr(t)
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "shared.db")
	env := map[string]string{"SMARTSERVICE_ADDR": addr, "SMARTSERVICE_DATABASE_URL": dbURL, "SMARTSERVICE_LOG_LEVEL": "error"}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	go func() {
		var out, errb bytes.Buffer
		done <- run(ctx, nil, func(k string) string { return env[k] }, &out, &errb)
	}()
	defer func() {
		cancel()
		if code := <-done; code != 0 {
			t.Errorf("server exited %d", code)
		}
	}()
	waitReady(t, addr, 60*time.Second)

	var out, errb bytes.Buffer
	e := func(k string) string { return env[k] }
	code := runWithStdin(ctx, []string{"user", "create", "--email", "Ops@Office.example", "--name", "Ops", "--role", "admin", "--role", "employee", "--password-stdin"},
		e, strings.NewReader("correct horse battery staple\n"), &out, &errb)
	if code != 0 || !strings.Contains(out.String(), "ops@office.example") {
		t.Fatalf("user create: %d %s %s", code, out.String(), errb.String())
	}
	out.Reset()
	if code := run(ctx, []string{"user", "list"}, e, &out, &errb); code != 0 || !strings.Contains(out.String(), "ops@office.example") {
		t.Fatalf("user list: %d %s", code, out.String())
	}
	code = runWithStdin(ctx, []string{"user", "create", "--email", "x@office.example", "--name", "X", "--role", "executor", "--department", "nope", "--password-stdin"},
		e, strings.NewReader("correct horse battery staple\n"), &out, &errb)
	if code == 0 || !strings.Contains(errb.String(), "department") {
		t.Fatalf("an unknown department must be an error: %d %s", code, errb.String())
	}
	form := "email=ops%40office.example&password=correct+horse+battery+staple&next=%2F"
	req, _ := http.NewRequest("POST", "http://"+addr+"/login", strings.NewReader(form))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	res, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("the running server does not see the CLI's account: login answered %d", res.StatusCode)
	}
}
