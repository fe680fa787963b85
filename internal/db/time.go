package db

import (
	"database/sql/driver"
	"fmt"
	"time"
)

// TimeFormat is how a time is stored on SQLite: UTC, "2026-03-29 22:00:00.123456789+00:00"
// (trailing zeros of the fraction dropped). SQLite's date functions (julianday,
// strftime, unixepoch) read it, so reports can compute on times in SQL, and because
// every value is UTC with the same offset, comparing two of them as text orders them
// by instant ("+" sorts before "." and the digits), which keeps indexes on times useful.
// modernc.org/sqlite writes it for "_time_format=sqlite"; its default, time.Time's
// String ("… +0000 UTC m=+0.01"), is text no SQLite function reads (migration 00008
// rewrote the rows stored that way).
const TimeFormat = "2006-01-02 15:04:05.999999999-07:00"

// sqliteTimeOptions make the driver write every time.Time in TimeFormat, converted to
// UTC first (_timezone), so a caller passing a local time cannot store an offset that
// would break the text order; times read back are in UTC.
const sqliteTimeOptions = "&_time_format=sqlite&_timezone=UTC"

// NullTime scans a nullable time from a column or from an expression over one. On
// SQLite an aggregate such as MAX(at) loses the column's declared type, so the driver
// hands back the stored text instead of a time.Time; NullTime reads that text (in
// TimeFormat) too. A plain column scans into sql.NullTime as well; NullTime is for
// aggregates, so every module reads them the same way.
type NullTime struct {
	// Time is the value, in UTC, when Valid.
	Time time.Time
	// Valid is false for SQL NULL.
	Valid bool
}

// Scan implements sql.Scanner.
func (n *NullTime) Scan(v any) error {
	switch x := v.(type) {
	case nil:
		*n = NullTime{}
		return nil
	case time.Time:
		*n = NullTime{Time: x.UTC(), Valid: true}
		return nil
	case string:
		return n.parse(x)
	case []byte:
		return n.parse(string(x))
	}
	return fmt.Errorf("db: cannot scan %T into a time", v)
}

func (n *NullTime) parse(s string) error {
	t, err := time.Parse(TimeFormat, s)
	if err != nil {
		return fmt.Errorf("db: stored time %q is not in the storage format", s)
	}
	*n = NullTime{Time: t.UTC(), Valid: true}
	return nil
}

// Value implements driver.Valuer, so a NullTime can also be a query argument.
func (n NullTime) Value() (driver.Value, error) {
	if !n.Valid {
		return nil, nil
	}
	return n.Time, nil
}

// Ptr returns the time, or nil for NULL.
func (n NullTime) Ptr() *time.Time {
	if !n.Valid {
		return nil
	}
	t := n.Time
	return &t
}
