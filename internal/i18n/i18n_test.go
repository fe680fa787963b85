package i18n

import (
	"slices"
	"strings"
	"testing"
)

func TestCataloguesHaveTheSameKeys(t *testing.T) {
	c, err := New("ru", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range Languages {
		for _, b := range Languages {
			for _, k := range c.Keys(a) {
				if _, ok := slices.BinarySearch(c.Keys(b), k); !ok {
					t.Errorf("key %q is in %s.toml but missing from %s.toml", k, a, b)
				}
			}
		}
	}
	if len(c.Keys("en")) < 10 {
		t.Fatalf("suspiciously few keys: %d", len(c.Keys("en")))
	}
}

func TestEveryMessageTranslatesInEveryLanguage(t *testing.T) {
	c, err := New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, lang := range Languages {
		l := c.For(lang)
		for _, k := range c.Keys(lang) {
			got := l.T(k, "Office", "O", "ID", "x")
			if got == k || strings.TrimSpace(got) == "" {
				t.Errorf("%s: %q does not translate", lang, k)
			}
		}
	}
}

func TestPick(t *testing.T) {
	c, _ := New("ru", nil)
	cases := []struct{ cookie, accept, want string }{
		{"en", "ru-RU", "en"},
		{"", "en-GB,en;q=0.9,ru;q=0.5", "en"},
		{"", "de-DE,ru;q=0.8,en;q=0.5", "ru"},
		{"", "de-DE", "ru"},
		{"xx", "fr, en;q=0.1", "en"},
		{"", "garbage;;;q=?", "ru"},
		{"", strings.Repeat("en,", 2000), "ru"},
	}
	for _, tc := range cases {
		if got := c.Pick(tc.cookie, tc.accept); got != tc.want {
			t.Errorf("Pick(%q, %q) = %q, want %q", tc.cookie, tc.accept, got, tc.want)
		}
	}
}

func TestMissingKeyShowsKey(t *testing.T) {
	c, _ := New("en", nil)
	if got := c.For("en").T("no.such.key"); got != "no.such.key" {
		t.Fatalf("got %q", got)
	}
	if c.Has("no.such.key") || !c.Has("home.title") {
		t.Fatal("Has is wrong")
	}
}

func TestTemplateData(t *testing.T) {
	c, _ := New("en", nil)
	if got := c.For("ru").T("footer.request_id", "ID", "abc"); got != "Запрос abc" {
		t.Fatalf("got %q", got)
	}
	if c.For("de").Lang() != "en" {
		t.Fatal("unsupported language should fall back to the default")
	}
}

func TestName(t *testing.T) {
	c, _ := New("en", nil)
	if c.For("ru").Name("IT", "ИТ") != "ИТ" || c.For("en").Name("IT", "ИТ") != "IT" || c.For("en").Name("", "ИТ") != "ИТ" || c.For("ru").Name("IT", "") != "IT" {
		t.Fatal("Name picks wrongly")
	}
}
