package upkeep

import (
	"fmt"
	"strings"
	"time"

	"smartservice/internal/i18n"
)

// WeekdayOrder is Monday first, as offices read a week.
var WeekdayOrder = []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}

// WeekdayCode is the API's and the form's name of a weekday ("mon").
func WeekdayCode(d time.Weekday) string { return strings.ToLower(d.String()[:3]) }

// AtText is the schedule's time of day as "09:30".
func (s Schedule) AtText() string { return fmt.Sprintf("%02d:%02d", s.AtMinute/60, s.AtMinute%60) }

// ParseAt reads "9:30" or "09:30" into minutes after midnight; -1 when malformed.
func ParseAt(v string) int {
	t, err := time.Parse("15:04", strings.TrimSpace(v))
	if err != nil {
		return -1
	}
	return t.Hour()*60 + t.Minute()
}

// Words is the schedule in the reader's language: "Every 2 weeks on Mon, Thu at
// 09:00". A monthly day past some months' end says that it means the last day.
func (s Schedule) Words(l *i18n.Localizer) string {
	at := s.AtText()
	var out string
	switch s.Every {
	case EveryDays:
		out = l.T("upkeep.words_days", "Count", s.N, "At", at)
		if s.N == 1 {
			out = l.T("upkeep.daily", "At", at)
		}
	case EveryWeeks:
		var days []string
		for _, d := range WeekdayOrder {
			if s.Weekdays&(1<<uint(d)) != 0 {
				days = append(days, l.T("upkeep.wd_"+WeekdayCode(d)))
			}
		}
		out = l.T("upkeep.words_weeks", "Count", s.N, "Days", strings.Join(days, ", "), "At", at)
		if s.N == 1 {
			out = l.T("upkeep.weekly", "Days", strings.Join(days, ", "), "At", at)
		}
	case EveryMonths:
		out = l.T("upkeep.words_months", "Count", s.N, "Day", s.MonthDay, "At", at)
		if s.N == 1 {
			out = l.T("upkeep.monthly", "Day", s.MonthDay, "At", at)
		}
		if s.MonthDay > 28 {
			out += " " + l.T("upkeep.words_month_end")
		}
	}
	if !s.End.IsZero() {
		out += " " + l.T("upkeep.words_until", "End", s.End.String())
	}
	return out
}
