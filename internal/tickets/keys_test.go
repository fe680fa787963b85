package tickets_test

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/i18n"
)

// TestEveryMessageKeyIsTranslated finds the message keys the package's code names
// and checks that both catalogues have them: a missing one would show users a key.
func TestEveryMessageKeyIsTranslated(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("*.go")
	key := regexp.MustCompile(`"((?:rules|error|login)\.[a-z_]+)"`)
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range key.FindAllStringSubmatch(string(src), -1) {
			found++
			if !cat.Has(m[1]) {
				t.Errorf("%s: key %s is missing from a catalogue", f, m[1])
			}
		}
	}
	if found < 10 {
		t.Fatalf("found only %d keys: is the pattern still right?", found)
	}
}
