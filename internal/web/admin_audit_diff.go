package web

import (
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"
)

// auditChange is one field that a change altered, as the page shows it.
type auditChange struct {
	Field, Before, After string
}

// maxShown bounds a value on the page; the CSV and the API keep it whole.
const maxShown = 120

// auditDiff lists the top-level fields whose values differ between the two JSON
// objects an entry recorded ("" for none): for a change, only what changed; for a
// creation or a deletion, only what names the thing (its name and code fields), as
// the page is a list to scan and the whole record is in the CSV and the API. A value
// that is not an object is shown as one field named "".
func auditDiff(before, after string) []auditChange {
	b, bok := asObject(before)
	a, aok := asObject(after)
	if !bok || !aok {
		return []auditChange{{Before: shorten(before), After: shorten(after)}}
	}
	keys := make([]string, 0, len(a)+len(b))
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	if before == "" || after == "" {
		keys = slices.DeleteFunc(keys, func(k string) bool { return !naming(k) })
	}
	var out []auditChange
	for _, k := range keys {
		bv, av := string(b[k]), string(a[k])
		if bv == av {
			continue
		}
		out = append(out, auditChange{Field: k, Before: shorten(bv), After: shorten(av)})
	}
	return out
}

// asObject parses a JSON object; "" is the empty object (nothing there).
func asObject(s string) (map[string]json.RawMessage, bool) {
	m := map[string]json.RawMessage{}
	if s == "" {
		return m, true
	}
	return m, json.Unmarshal([]byte(s), &m) == nil
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= maxShown {
		return s
	}
	r := []rune(s)
	return string(r[:maxShown-1]) + "…"
}

// naming tells the fields that name a thing: its names and its code.
func naming(field string) bool {
	f := strings.ToLower(field)
	return strings.HasPrefix(f, "name") || f == "code"
}
