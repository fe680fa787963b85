package assets_test

import (
	"testing"

	"smartservice/internal/testkit"
)

// TestEveryMessageKeyIsTranslated: a key the domain names but a catalogue lacks would show users the key.
func TestEveryMessageKeyIsTranslated(t *testing.T) {
	testkit.CheckMessageKeys(t, []string{"catalogue", "device", "validation", "error", "login"}, 20)
}
