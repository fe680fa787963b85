package api

import (
	"testing"

	"smartservice/internal/testkit"
)

// TestMessageKeysExist: a key the API names but a catalogue lacks would show users the key.
func TestMessageKeysExist(t *testing.T) {
	testkit.CheckMessageKeys(t, []string{"api", "error", "validation"}, 10)
}
