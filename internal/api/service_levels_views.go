package api

import (
	"strings"
	"time"

	"smartservice/internal/sla"
	"smartservice/internal/tickets"
)

// serviceLevelView is a ticket's due times and state; every field is null for a
// ticket with no target (and the state for a cancelled one).
type serviceLevelView struct {
	State   *string `json:"state"`
	TakeBy  *string `json:"take_by"`
	DoneBy  *string `json:"done_by"`
	TakenAt *string `json:"taken_at"`
}

func (a *API) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// serviceLevel is t's service level at the API's clock.
func (a *API) serviceLevel(t *tickets.Ticket) serviceLevelView {
	v := serviceLevelView{TakeBy: a.optTimestamp(t.TakeBy), DoneBy: a.optTimestamp(t.DoneBy), TakenAt: a.optTimestamp(t.TakenAt)}
	if st := t.SLAState(a.now()); st != sla.StateNone {
		s := string(st)
		v.State = &s
	}
	return v
}

// targetView is a target as typed ("30m", "2h"); null for none.
type targetView struct {
	Take *string `json:"take"`
	Done *string `json:"done"`
}

func targetOf(t sla.Target) targetView {
	opt := func(m int) *string {
		if m <= 0 {
			return nil
		}
		s := sla.FormatTarget(m)
		return &s
	}
	return targetView{Take: opt(t.TakeMinutes), Done: opt(t.DoneMinutes)}
}

// dayHoursView is one open weekday.
type dayHoursView struct {
	Weekday string `json:"weekday"`
	Opens   string `json:"opens"`
	Closes  string `json:"closes"`
}

type holidayView struct {
	Day  string `json:"day"`
	Name string `json:"name"`
}

type problemTargetView struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
	targetView
}

type ruleTargetView struct {
	ID int64 `json:"id"`
	targetView
}

// serviceLevelsView is GET /api/v1/service-levels.
type serviceLevelsView struct {
	TimeZone      string              `json:"time_zone"`
	RoundTheClock bool                `json:"round_the_clock"`
	Hours         []dayHoursView      `json:"hours"`
	Holidays      []holidayView       `json:"holidays"`
	ProblemTypes  []problemTargetView `json:"problem_types"`
	Rules         []ruleTargetView    `json:"rules"`
}

// weekdayName is how the API names a weekday: "monday".
func weekdayName(d time.Weekday) string { return strings.ToLower(d.String()) }

// hoursOf lists the open weekdays, Monday first.
func hoursOf(week [7]sla.Hours) []dayHoursView {
	out := []dayHoursView{}
	for i := 1; i <= 7; i++ {
		d := time.Weekday(i % 7)
		if h := week[d]; h.Open() {
			out = append(out, dayHoursView{Weekday: weekdayName(d), Opens: sla.FormatClock(h.Opens), Closes: sla.FormatClock(h.Closes)})
		}
	}
	return out
}
