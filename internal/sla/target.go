package sla

import (
	"strconv"
	"strings"
	"time"
)

// Target is the promise for one kind of ticket, in minutes of working time; 0 is
// no target. "1 working day" is entered as the working hours of one of the
// office's days (9h for 09:00–18:00), since a target counts working time only.
type Target struct {
	TakeMinutes, DoneMinutes int
}

// Any reports whether either target is set.
func (t Target) Any() bool { return t.TakeMinutes > 0 || t.DoneMinutes > 0 }

// Target bounds: a minute at least; at most 500 working hours (more than a
// quarter of a year of 9-hour days), beyond which a "target" is a typing mistake.
const (
	MinTargetMinutes = 1
	MaxTargetMinutes = 500 * 60
)

// RiskShare is the share of the working time to a due time after which a ticket
// is at risk.
const RiskShare = 0.8

// ParseTarget reads a target as people type it: "30m", "2h", "1h30m", "1.5h" or a
// bare number of minutes; "" is no target (0). The error is a translation key:
// malformed, not positive, or absurdly long.
func ParseTarget(s string) (int, string) {
	s = strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), " ", ""))
	if s == "" {
		return 0, ""
	}
	if n, err := strconv.Atoi(s); err == nil {
		return checkMinutes(n)
	}
	if strings.HasPrefix(s, "-") {
		return 0, "sla.target_not_positive"
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, "sla.target_invalid"
	}
	if d%time.Minute != 0 {
		return 0, "sla.target_whole_minutes"
	}
	return checkMinutes(int(d / time.Minute))
}

func checkMinutes(n int) (int, string) {
	switch {
	case n < MinTargetMinutes:
		return 0, "sla.target_not_positive"
	case n > MaxTargetMinutes:
		return 0, "sla.target_too_long"
	}
	return n, ""
}

// FormatTarget writes minutes the way ParseTarget reads them ("1h30m"); "" for 0.
func FormatTarget(minutes int) string {
	if minutes <= 0 {
		return ""
	}
	h, m := minutes/60, minutes%60
	switch {
	case h == 0:
		return strconv.Itoa(m) + "m"
	case m == 0:
		return strconv.Itoa(h) + "h"
	}
	return strconv.Itoa(h) + "h" + strconv.Itoa(m) + "m"
}

// Due is a ticket's due times; nil where there is no target.
type Due struct {
	TakeBy, TakeWarnAt, DoneBy, DoneWarnAt *time.Time
}

// Next is the earliest of the four instants (the first threshold the escalation
// job must look at), nil when there is none.
func (d Due) Next() *time.Time {
	var out *time.Time
	for _, t := range []*time.Time{d.TakeWarnAt, d.TakeBy, d.DoneWarnAt, d.DoneBy} {
		if t != nil && (out == nil || t.Before(*out)) {
			out = t
		}
	}
	return out
}

// DueFrom computes the due times of a ticket whose clock starts at start (when
// it reached a department) under target t.
func (c *Calendar) DueFrom(start time.Time, t Target) (Due, error) {
	var d Due
	var err error
	if d.TakeBy, d.TakeWarnAt, err = c.clock(start, t.TakeMinutes); err != nil {
		return Due{}, err
	}
	if d.DoneBy, d.DoneWarnAt, err = c.clock(start, t.DoneMinutes); err != nil {
		return Due{}, err
	}
	return d, nil
}

// clock is the due time and the at-risk time of one target from start.
func (c *Calendar) clock(start time.Time, minutes int) (by, warn *time.Time, err error) {
	if minutes <= 0 {
		return nil, nil, nil
	}
	total := time.Duration(minutes) * time.Minute
	b, err := c.AddWorking(start, total)
	if err != nil {
		return nil, nil, err
	}
	w, err := c.AddWorking(start, time.Duration(float64(total)*RiskShare))
	if err != nil {
		return nil, nil, err
	}
	b, w = b.UTC(), w.UTC()
	return &b, &w, nil
}

// State is how a ticket stands against its targets.
type State string

// The states; "" is a ticket with no target (or cancelled): no state is shown.
const (
	StateNone     State = ""
	StateOnTrack  State = "on_track"
	StateAtRisk   State = "at_risk"
	StateBreached State = "breached"
	// StateMet: completed, and every target was kept.
	StateMet State = "met"
)

// States lists the states a filter may ask for, in order of urgency.
var States = []State{StateBreached, StateAtRisk, StateOnTrack, StateMet}

// Clocks are what State reads of a ticket.
type Clocks struct {
	Open, Cancelled             bool
	TakeBy, TakeWarnAt, TakenAt *time.Time
	DoneBy, DoneWarnAt, DoneAt  *time.Time
}

// StateAt is the ticket's state at now. A target was kept when its moment (taken,
// done) came no later than its due time; an open ticket past a due time it has
// not met is breached, past an at-risk time at risk. A cancelled ticket has no state.
func (c Clocks) StateAt(now time.Time) State {
	if c.Cancelled || (c.TakeBy == nil && c.DoneBy == nil) {
		return StateNone
	}
	worst := StateMet
	if c.Open {
		worst = StateOnTrack
	}
	for _, k := range []struct{ by, warn, at *time.Time }{{c.TakeBy, c.TakeWarnAt, c.TakenAt}, {c.DoneBy, c.DoneWarnAt, c.DoneAt}} {
		if k.by == nil {
			continue
		}
		switch {
		case k.at != nil:
			if k.at.After(*k.by) {
				return StateBreached
			}
		case !c.Open:
			// Done without this moment (completed by a head straight from the
			// queue): the done time stands for it.
			if c.DoneAt != nil && c.DoneAt.After(*k.by) {
				return StateBreached
			}
		case !now.Before(*k.by):
			return StateBreached
		case k.warn != nil && !now.Before(*k.warn):
			worst = StateAtRisk
		}
	}
	return worst
}
