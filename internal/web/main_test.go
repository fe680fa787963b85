package web_test

import (
	"os"
	"testing"

	"smartservice/internal/testkit/browser"
)

// TestMain keeps one Chromium for all the package's browser tests (browser.Main):
// they run between many others, and each time none was open the process closed
// and the next one started it again.
func TestMain(m *testing.M) { os.Exit(browser.Main(m)) }
