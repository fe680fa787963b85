package api

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/i18n"
)

// TestMessageKeysExist checks that every translation key the API names in its code
// is in both catalogues: a missing one would show users the bare key.
func TestMessageKeysExist(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	keyRe := regexp.MustCompile(`"((?:api|error|validation)\.[a-z_]+)"`)
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range keyRe.FindAllStringSubmatch(string(src), -1) {
			n++
			if !cat.Has(m[1]) {
				t.Errorf("%s: key %q is missing from a catalogue", f, m[1])
			}
		}
	}
	if n < 10 {
		t.Errorf("found only %d keys: is the pattern right?", n)
	}
}
