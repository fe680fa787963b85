package web

import (
	"net/url"
	"strings"
)

// maxNextLen bounds a redirect target; longer values are refused, not truncated.
const maxNextLen = 2048

// LocalPath returns p when it is a path on this site that is safe to redirect to
// after a login or a language switch, and "" otherwise. It refuses anything a
// browser could read as another host: schemes, "//", backslashes (browsers treat
// them as slashes), control characters, and the same tricks percent-encoded.
func LocalPath(p string) string {
	if p == "" || len(p) > maxNextLen || p[0] != '/' {
		return ""
	}
	if strings.HasPrefix(p, "//") || strings.ContainsAny(p, "\\") {
		return ""
	}
	for _, c := range p {
		if c < 0x20 || c == 0x7f {
			return ""
		}
	}
	u, err := url.Parse(p)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	// The decoded path is what a browser or a proxy may end up following.
	dec, err := url.PathUnescape(u.EscapedPath())
	if err != nil || strings.HasPrefix(dec, "//") || strings.ContainsAny(dec, "\\") {
		return ""
	}
	for _, c := range dec {
		if c < 0x20 || c == 0x7f {
			return ""
		}
	}
	return p
}
