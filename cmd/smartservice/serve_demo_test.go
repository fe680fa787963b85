package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestDemoAgainPrintsAccountsAtTheListenAddress: --demo with --addr and no base URL
// prints the address the server listens on; started again on the same database,
// it says the demo is already there and lists its accounts again.
func TestDemoAgainPrintsAccountsAtTheListenAddress(t *testing.T) {
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "demo.db")
	start := func() string {
		t.Helper()
		addr := freeAddr(t)
		ctx, cancel := context.WithCancel(context.Background())
		var out, errb bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- run(ctx, []string{"--demo", "--addr", addr}, func(k string) string {
				return map[string]string{"SMARTSERVICE_DATABASE_URL": dbURL, "SMARTSERVICE_LOG_LEVEL": "error"}[k]
			}, &out, &errb)
		}()
		waitReady(t, addr, 60*time.Second)
		cancel()
		if code := <-done; code != 0 {
			t.Fatalf("exit %d: %s", code, errb.String())
		}
		text := out.String()
		if !strings.Contains(text, "Open http://"+addr+"\n") {
			t.Errorf("the banner does not name the listen address %s:\n%s", addr, text)
		}
		if !strings.Contains(text, "elena.morozova@demo.office") || !strings.Contains(text, "demo-office-2026") {
			t.Errorf("the banner lacks the accounts:\n%s", text)
		}
		return text
	}
	if first := start(); !strings.Contains(first, "Demo office loaded") {
		t.Fatalf("first start:\n%s", first)
	}
	if again := start(); !strings.Contains(again, "already in this database") || strings.Contains(again, "Ticket history") {
		t.Fatalf("second start:\n%s", again)
	}
}
