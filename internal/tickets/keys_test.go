package tickets_test

import (
	"testing"

	"smartservice/internal/testkit"
)

// TestEveryMessageKeyIsTranslated: a key the domain names but a catalogue lacks would show users the key.
func TestEveryMessageKeyIsTranslated(t *testing.T) {
	testkit.CheckMessageKeys(t, []string{"rules", "ticket", "error", "login"}, 10)
}
