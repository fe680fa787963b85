package db_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestTimesAreStoredForSQLiteDateFunctions checks what the driver really writes: the
// storage format, in UTC even when the caller passes a local time, with every
// fractional digit kept, and text SQLite's julianday reads.
func TestTimesAreStoredForSQLiteDateFunctions(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	ctx := context.Background()
	msk := time.FixedZone("MSK", 3*3600)
	for _, c := range []struct {
		in   time.Time
		text string
	}{
		{time.Date(2026, 3, 29, 0, 59, 59, 123456789, msk), "2026-03-28 21:59:59.123456789+00:00"},
		{time.Date(2026, 3, 29, 1, 0, 0, 0, time.UTC), "2026-03-29 01:00:00+00:00"},
		{time.Date(2026, 3, 29, 1, 0, 0, 500000000, time.UTC), "2026-03-29 01:00:00.5+00:00"},
	} {
		if _, err := d.W.ExecContext(ctx, "DELETE FROM departments"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.ExecContext(ctx, "INSERT INTO departments (code, name_en, created_at) VALUES ($1, $2, $3)", "x", "X", c.in); err != nil {
			t.Fatal(err)
		}
		var text string
		var back time.Time
		var jd, epoch sql.NullFloat64
		var local sql.NullString
		if err := d.R.QueryRowContext(ctx, "SELECT CAST(created_at AS TEXT), created_at, julianday(created_at), unixepoch(created_at, 'subsec'), "+
			"strftime('%Y-%m-%d %H:%M:%f', created_at, '+3 hours') FROM departments").Scan(&text, &back, &jd, &epoch, &local); err != nil {
			t.Fatal(err)
		}
		if wantEpoch := float64(c.in.UnixMilli()) / 1000; !epoch.Valid || epoch.Float64 < wantEpoch-1e-6 || epoch.Float64 > wantEpoch+1e-6 {
			t.Errorf("unixepoch(%q) = %v, want %v", text, epoch, wantEpoch)
		}
		if want := c.in.In(msk).Format("2006-01-02 15:04:05.000"); local.String != want {
			t.Errorf("strftime(%q, '+3 hours') = %q, want %q", text, local.String, want)
		}
		if text != c.text {
			t.Errorf("stored %q, want %q", text, c.text)
		}
		if !back.Equal(c.in) || back.Location() != time.UTC {
			t.Errorf("read back %v, want %v in UTC", back, c.in)
		}
		wantJD := float64(c.in.UnixNano())/86400e9 + 2440587.5
		if !jd.Valid || jd.Float64 < wantJD-1e-6 || jd.Float64 > wantJD+1e-6 {
			t.Errorf("julianday(%q) = %v, want %v", text, jd, wantJD)
		}
	}
}

// TestNullTimeReadsAggregates reads MAX over a time column, which on SQLite comes back
// as text, and a NULL aggregate, on both databases.
func TestNullTimeReadsAggregates(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		want := time.Date(2026, 10, 25, 0, 30, 0, 123456000, time.UTC)
		for i, at := range []time.Time{want.Add(-time.Hour), want, want.Add(-time.Minute)} {
			if _, err := d.W.ExecContext(ctx, "INSERT INTO departments (code, name_en, created_at) VALUES ($1, $2, $3)", string(rune('a'+i)), "X", at); err != nil {
				t.Fatal(err)
			}
		}
		var last, none db.NullTime
		if err := d.R.QueryRowContext(ctx, "SELECT MAX(created_at) FROM departments").Scan(&last); err != nil {
			t.Fatal(err)
		}
		if !last.Valid || !last.Time.Equal(want) || *last.Ptr() != last.Time {
			t.Errorf("MAX = %+v, want %v", last, want)
		}
		if err := d.R.QueryRowContext(ctx, "SELECT MAX(created_at) FROM departments WHERE code = 'none'").Scan(&none); err != nil {
			t.Fatal(err)
		}
		if none.Valid || none.Ptr() != nil {
			t.Errorf("MAX over nothing = %+v, want NULL", none)
		}
	})
}

func TestNullTimeRefusesOtherText(t *testing.T) {
	for _, v := range []any{"yesterday", "2026-03-04 09:05:07 +0000 UTC", 42} {
		var n db.NullTime
		if err := n.Scan(v); err == nil {
			t.Errorf("%v scanned as %v", v, n)
		}
	}
}
