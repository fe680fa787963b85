package users

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// nullTime scans a nullable timestamp that may arrive as time.Time (PostgreSQL, and
// SQLite columns declared TIMESTAMP) or as text (SQLite aggregates such as MAX(at),
// which lose the column's declared type; the driver wrote it as time.Time.String).
type nullTime struct {
	t     time.Time
	valid bool
}

// Scan implements sql.Scanner.
func (n *nullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		n.valid = false
		return nil
	case time.Time:
		n.t, n.valid = x, true
		return nil
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	}
	return fmt.Errorf("nullTime: cannot scan %T", v)
}

func (n *nullTime) parse(s string) error {
	// The first layout is time.Time.String's, which modernc.org/sqlite writes by default.
	for _, layout := range []string{"2006-01-02 15:04:05.999999999 -0700 MST", "2006-01-02 15:04:05.999999999-07:00", time.RFC3339Nano, "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			n.t, n.valid = t, true
			return nil
		}
	}
	return fmt.Errorf("nullTime: unparsable time %q", s)
}

// Value implements driver.Valuer.
func (n nullTime) Value() (driver.Value, error) {
	if !n.valid {
		return nil, nil
	}
	return n.t, nil
}

func (n nullTime) ptr() *time.Time {
	if !n.valid {
		return nil
	}
	t := n.t
	return &t
}
