package reports

import (
	"context"
	"fmt"
)

// Upkeep is the report's upkeep section: the upkeep tickets due in the period
// (internal/upkeep's runs whose due time falls in it), for the departments the
// report covers.
//
// On time means completed before the plan's next occurrence after the due time
// (the run's deadline): the next round would otherwise be due with this one
// undone. Late means completed after it, or still open once it has passed.
type Upkeep struct {
	Due, OnTime, Late int64
	// Pending: open, its deadline still ahead. Cancelled: cancelled, not done.
	Pending, Cancelled int64
	// Slipping are the devices whose upkeep was late twice or more in the period,
	// the most late first.
	Slipping []SlipLine
}

// SlipLine is a device whose upkeep keeps slipping.
type SlipLine struct {
	ID         int64
	Name, Code string
	Late       int64
}

// upkeep reads the section: one aggregate and one grouped read over the
// period's runs (indexed by due time), joined to their tickets.
func (s *Service) upkeep(ctx context.Context, sc scope, p Period, now any) (Upkeep, error) {
	var u Upkeep
	var a args
	from, to, at := a.add(utc(p.Start())), a.add(utc(p.End())), a.add(now)
	late := `(t.done_at IS NOT NULL AND r.deadline_at IS NOT NULL AND t.done_at > r.deadline_at)
		OR (t.status IN ('new', 'assigned', 'in_progress') AND r.deadline_at < ` + at + `)`
	where := ` FROM upkeep_runs r JOIN tickets t ON t.id = r.ticket_id
		WHERE r.due_at >= ` + from + ` AND r.due_at < ` + to + sc.condDep(&a)
	err := s.db.R.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN t.status = 'done' AND (r.deadline_at IS NULL OR t.done_at <= r.deadline_at) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN `+late+` THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status IN ('new', 'assigned', 'in_progress') AND (r.deadline_at IS NULL OR r.deadline_at >= `+at+`) THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN t.status = 'cancelled' THEN 1 ELSE 0 END), 0)`+where, a...).
		Scan(&u.Due, &u.OnTime, &u.Late, &u.Pending, &u.Cancelled)
	if err != nil {
		return u, fmt.Errorf("reports: upkeep: %w", err)
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT l.asset_id, a.name, a.code, l.n FROM (SELECT r.asset_id, COUNT(*) AS n`+where+` AND (`+late+`)
		GROUP BY r.asset_id HAVING COUNT(*) >= 2) l JOIN assets a ON a.id = l.asset_id ORDER BY l.n DESC, a.name, l.asset_id LIMIT 20`, a...)
	if err != nil {
		return u, fmt.Errorf("reports: upkeep slipping: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var l SlipLine
		if err := rows.Scan(&l.ID, &l.Name, &l.Code, &l.Late); err != nil {
			return u, err
		}
		u.Slipping = append(u.Slipping, l)
	}
	return u, rows.Err()
}
