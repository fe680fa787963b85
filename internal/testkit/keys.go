package testkit

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"smartservice/internal/i18n"
)

// CheckMessageKeys finds the translation keys the non-test Go files of the current
// package name (quoted strings starting with one of prefixes and a dot) and fails
// the test for each key a catalogue lacks: users would see the bare key. min guards
// the pattern itself: finding fewer keys means it no longer matches the code.
func CheckMessageKeys(t *testing.T, prefixes []string, min int) {
	t.Helper()
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	key := regexp.MustCompile(`"((?:` + strings.Join(prefixes, "|") + `)\.[a-z_]+)"`)
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
				t.Errorf("%s: key %q is missing from a catalogue", f, m[1])
			}
		}
	}
	if found < min {
		t.Fatalf("found only %d keys: is the pattern still right?", found)
	}
}
