package browser

import "testing"

// TestMainKeepsOneProcess: under Main the process stays up between Browsers; without
// it the last one to leave closes it. Not parallel: it runs before the package's
// parallel tests, alone with the shared process.
func TestMainKeepsOneProcess(t *testing.T) {
	shared.mu.Lock()
	shared.keep = true
	shared.mu.Unlock()
	first := acquire(t)
	release(t)
	second := acquire(t)
	release(t)
	if first != second {
		t.Error("under Main, a Browser after the last one left started another Chromium")
	}
	shared.mu.Lock()
	shared.keep = false
	shared.mu.Unlock()
	acquire(t)
	release(t)
	shared.mu.Lock()
	defer shared.mu.Unlock()
	if shared.proc != nil {
		t.Error("without Main, the last Browser to leave did not close Chromium")
	}
}
