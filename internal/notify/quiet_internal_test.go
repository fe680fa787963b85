package notify

import (
	"testing"
	"time"
)

// The end of quiet hours, in the office's zone: inside and outside a window,
// across midnight, and on the night the clocks go forward.
func TestQuietHoursEnd(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	night := QuietHours{Set: true, From: 22 * 60, To: 7 * 60}
	lunch := QuietHours{Set: true, From: 12 * 60, To: 13*60 + 30}
	cases := []struct {
		q         QuietHours
		now, want string
	}{
		{night, "2026-03-02 21:59", "2026-03-02 21:59"},
		{night, "2026-03-02 22:00", "2026-03-03 07:00"},
		{night, "2026-03-03 03:10", "2026-03-03 07:00"},
		{night, "2026-03-03 07:00", "2026-03-03 07:00"},
		// 29 March 2026: 02:00 becomes 03:00; 07:00 is still 07:00 local (05:00 UTC).
		{night, "2026-03-28 23:00", "2026-03-29 07:00"},
		{lunch, "2026-03-02 12:15", "2026-03-02 13:30"},
		{lunch, "2026-03-02 13:30", "2026-03-02 13:30"},
		{lunch, "2026-03-02 11:59", "2026-03-02 11:59"},
		{QuietHours{}, "2026-03-02 23:00", "2026-03-02 23:00"},
	}
	for _, c := range cases {
		if got := c.q.end(at(c.now), berlin); !got.Equal(at(c.want)) {
			t.Errorf("%+v at %s: %s, want %s", c.q, c.now, got.In(berlin).Format("2006-01-02 15:04"), c.want)
		}
	}
	if got := night.end(at("2026-03-28 23:00"), berlin); got != time.Date(2026, 3, 29, 5, 0, 0, 0, time.UTC) {
		t.Errorf("across the clock change: %s UTC", got)
	}
}
