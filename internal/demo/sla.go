package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/sla"
	"smartservice/internal/users"
)

// demoTargets are the service levels of the common problems (by English name):
// take within, complete within, as an admin would type them. "does not turn on"
// is one working day (9h of 09:00–18:00).
var demoTargets = map[string]sla.TargetInput{
	"out of paper":        {Take: "30m", Done: "2h"},
	"paper jam":           {Take: "30m", Done: "2h"},
	"out of toner":        {Take: "1h", Done: "4h"},
	"does not turn on":    {Take: "1h", Done: "9h"},
	"no network":          {Take: "30m", Done: "4h"},
	"no Wi-Fi here":       {Take: "30m", Done: "4h"},
	"out of coffee beans": {Take: "30m", Done: "2h"},
	"water tank empty":    {Take: "15m", Done: "1h"},
	"leaking":             {Take: "15m", Done: "2h"},
	"needs cleaning":      {Take: "1h", Done: "9h"},
}

// loadServiceLevels gives the demo office its hours (Monday to Friday,
// 09:00–18:00) and the targets of the common problems, as its admin.
func loadServiceLevels(ctx context.Context, d *db.DB, admin *users.User) error {
	levels := sla.NewService(d, nil, nil)
	var week [7]sla.DayInput
	for wd := time.Monday; wd <= time.Friday; wd++ {
		week[wd] = sla.DayInput{Opens: "09:00", Closes: "18:00"}
	}
	if _, err := levels.SetHours(ctx, admin, week); err != nil {
		return fmt.Errorf("office hours: %w", err)
	}
	for name, t := range demoTargets {
		var id int64
		err := d.R.QueryRowContext(ctx, "SELECT id FROM problem_types WHERE name_en = $1", name).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			continue // the catalogue was edited: fewer targets
		}
		if err != nil {
			return err
		}
		if _, err := levels.SetProblemTarget(ctx, admin, id, t); err != nil {
			return fmt.Errorf("target of %q: %w", name, err)
		}
	}
	return nil
}

// historyDue computes the bulk history's due times as filing would have: from
// the problem type's target on the office's calendar, the clock starting at
// filing; taken is when work started (or the ticket was done).
type historyDue struct {
	cal     *sla.Calendar
	targets map[int64]sla.Target
	now     time.Time
}

func newHistoryDue(ctx context.Context, d *db.DB, loc *time.Location, now time.Time) (*historyDue, error) {
	cal, err := sla.LoadCalendar(ctx, d.R, loc, now.AddDate(-2, 0, 0))
	if err != nil {
		return nil, err
	}
	h := &historyDue{cal: cal, targets: map[int64]sla.Target{}, now: now}
	rows, err := d.R.QueryContext(ctx, "SELECT id, COALESCE(take_minutes, 0), COALESCE(done_minutes, 0) FROM problem_types WHERE take_minutes IS NOT NULL OR done_minutes IS NOT NULL")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var t sla.Target
		if err := rows.Scan(&id, &t.TakeMinutes, &t.DoneMinutes); err != nil {
			return nil, err
		}
		h.targets[id] = t
	}
	return h, rows.Err()
}

// columns are the values of take_by, take_warn_at, done_by, done_warn_at,
// taken_at and sla_next_at for t (NULLs without a target). An open ticket's
// sla_next_at is its next threshold after now only: the escalation job is not
// to replay three months of reminders when the demo starts.
func (h *historyDue) columns(t *genTicket) ([]any, error) {
	out := []any{nil, nil, nil, nil, nil, nil}
	taken := t.started
	if taken == nil {
		taken = t.done
	}
	out[4] = timeOrNil(taken)
	target, ok := h.targets[t.problem]
	if !ok || t.dept == 0 {
		return out, nil
	}
	due, err := h.cal.DueFrom(t.created, target)
	if err != nil {
		return nil, err
	}
	out[0], out[1], out[2], out[3] = timeOrNil(due.TakeBy), timeOrNil(due.TakeWarnAt), timeOrNil(due.DoneBy), timeOrNil(due.DoneWarnAt)
	if t.status.Open() {
		var next *time.Time
		for _, c := range []*time.Time{due.TakeWarnAt, due.TakeBy, due.DoneWarnAt, due.DoneBy} {
			if c != nil && c.After(h.now) && (next == nil || c.Before(*next)) && (taken == nil || c == due.DoneWarnAt || c == due.DoneBy) {
				next = c
			}
		}
		out[5] = timeOrNil(next)
	}
	return out, nil
}
