package users

import (
	"testing"
	"time"
)

// TestNullTimeScan covers every form a timestamp arrives in; the first is what
// modernc.org/sqlite writes by default (time.Time.String) and what SQLite's MAX(at)
// hands back as text.
func TestNullTimeScan(t *testing.T) {
	want := time.Date(2026, 3, 4, 9, 5, 7, 120000000, time.UTC)
	for name, v := range map[string]any{
		"time.Time":          want,
		"String()":           want.String(),
		"String() as bytes":  []byte(want.String()),
		"String() whole sec": want.Truncate(time.Second).String(),
		"sqlite layout":      want.Format("2006-01-02 15:04:05.999999999-07:00"),
		"RFC 3339":           want.Format(time.RFC3339Nano),
		"no zone":            want.Format("2006-01-02 15:04:05.999999999"),
	} {
		var n nullTime
		if err := n.Scan(v); err != nil {
			t.Errorf("%s %q: %v", name, v, err)
			continue
		}
		exp := want
		if name == "String() whole sec" {
			exp = want.Truncate(time.Second)
		}
		if !n.valid || !n.t.Equal(exp) {
			t.Errorf("%s: got %v (valid %v), want %v", name, n.t, n.valid, exp)
		}
	}
	var n nullTime
	if err := n.Scan(nil); err != nil || n.valid || n.ptr() != nil {
		t.Errorf("NULL: %v %+v", err, n)
	}
	for _, bad := range []any{"yesterday", 42} {
		if err := n.Scan(bad); err == nil {
			t.Errorf("%v scanned", bad)
		}
	}
}
