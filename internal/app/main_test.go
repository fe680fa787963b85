package app_test

import (
	"os"
	"testing"
)

// TestMain removes the server binary the process tests shared (buildBinary).
func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}
