package i18n

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

// Catalogs share the parsed files but not their loggers: a missing key is
// reported to the logger of the Catalog that was asked.
func TestCatalogsShareTheFilesNotTheLogger(t *testing.T) {
	var first, second bytes.Buffer
	a, err := New("ru", slog.New(slog.NewTextHandler(&first, nil)))
	if err != nil {
		t.Fatal(err)
	}
	b, err := New("ru", slog.New(slog.NewTextHandler(&second, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if a.For("en").l != b.For("en").l {
		t.Error("two catalogues of one default language parsed the files twice")
	}
	if got := a.For("en").T("no.such.key"); got != "no.such.key" {
		t.Errorf("a missing key reads %q", got)
	}
	if !strings.Contains(first.String(), "no.such.key") || second.Len() != 0 {
		t.Errorf("the missing key was logged to the wrong logger: first %q, second %q", first.String(), second.String())
	}
	en, err := New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	if en.Default() != "en" || en.For("fr").Lang() != "en" || a.For("fr").Lang() != "ru" {
		t.Error("the default language is not the Catalog's own")
	}
}
