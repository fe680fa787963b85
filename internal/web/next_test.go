package web

import (
	"strings"
	"testing"
)

func TestLocalPathRefusesOpenRedirects(t *testing.T) {
	bad := []string{
		"", "evil.com", "//evil.com", "///evil.com", "/\\evil.com", "\\\\evil.com", "http:/\\/evil.com",
		"http://evil.com", "https://evil.com/a", "%2F%2Fevil.com", "/%2F%2Fevil.com", "/%2f/evil.com", "/%5Cevil.com",
		"javascript:alert(1)", "java%0Ascript:alert(1)", "/java\nscript", "http://h\\@evil.com", "/\t/evil.com",
		"/a/\x00", "/%00", " /a/x", "/" + strings.Repeat("a", 3000), "//", "/\\", "data:text/html,x",
	}
	for _, p := range bad {
		if got := LocalPath(p); got != "" {
			t.Errorf("LocalPath(%q) = %q, want refused", p, got)
		}
	}
	good := []string{"/", "/a/Xy12_-ab", "/tickets/42", "/tickets?status=new&q=%D0%BA", "/a/x#frag", "/assets?ids=1,2"}
	for _, p := range good {
		if got := LocalPath(p); got != p {
			t.Errorf("LocalPath(%q) = %q, want it kept", p, got)
		}
	}
}

func FuzzLocalPath(f *testing.F) {
	for _, s := range []string{"/a/x", "//evil", "/\\x", "%2F%2F", "/ok?next=//x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got := LocalPath(p)
		if got == "" {
			return
		}
		if got != p || got[0] != '/' || strings.HasPrefix(got, "//") || strings.Contains(got, "\\") {
			t.Fatalf("LocalPath(%q) = %q accepted a dangerous value", p, got)
		}
	})
}
