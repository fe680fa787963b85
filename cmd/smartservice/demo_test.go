package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDemoCommand: the first run loads the office and its history; a second run
// adds more tickets to the same office; bad numbers are usage errors.
func TestDemoCommand(t *testing.T) {
	env := map[string]string{"SMARTSERVICE_DATABASE_URL": "sqlite://" + filepath.Join(t.TempDir(), "d.db"), "SMARTSERVICE_LOG_LEVEL": "warn"}
	if code, _, stderr := runCmd(t, env, "demo", "--tickets", "-1"); code != 2 || !strings.Contains(stderr, "--tickets") {
		t.Fatalf("negative count: %d %q", code, stderr)
	}
	code, out, stderr := runCmd(t, env, "demo", "--tickets", "500", "--days", "30")
	if code != 0 || !strings.Contains(out, "loaded the demo office") || !strings.Contains(out, "generated 500 tickets") {
		t.Fatalf("first run: %d %q %q", code, out, stderr)
	}
	code, out, stderr = runCmd(t, env, "demo", "--tickets", "200", "--seed", "9")
	if code != 0 || strings.Contains(out, "loaded the demo office") || !strings.Contains(out, "generated 200 tickets") {
		t.Fatalf("second run: %d %q %q", code, out, stderr)
	}
}
