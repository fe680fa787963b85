package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// demoPlan is one of the demo office's upkeep plans, naming its type and problem
// by their English names in the starter catalogue.
type demoPlan struct {
	name, typeEN, problemEN, note string
	schedule                      upkeep.Schedule
}

var demoPlans = []demoPlan{
	{"Coffee machines: monthly descaling", "Coffee machine", "needs cleaning", "Descale, clean the brewing unit and the milk system.",
		upkeep.Schedule{Every: upkeep.EveryMonths, N: 1, MonthDay: 31, AtMinute: 10 * 60}},
	{"Kettles: descaling", "Kettle", "needs descaling", "Descale with citric acid, rinse twice.",
		upkeep.Schedule{Every: upkeep.EveryMonths, N: 1, MonthDay: 1, AtMinute: 10 * 60}},
	{"Paper restocked on Mondays", "Stationery cabinet", "out of paper", "Fill up to five reams of A4.",
		upkeep.Schedule{Every: upkeep.EveryWeeks, N: 1, Weekdays: 1 << time.Monday, AtMinute: 9 * 60}},
	{"Meeting rooms: cleaning round", "Meeting room", "needs cleaning", "Tables, whiteboard, bins.",
		upkeep.Schedule{Every: upkeep.EveryWeeks, N: 1, Weekdays: 1<<time.Monday | 1<<time.Wednesday | 1<<time.Friday, AtMinute: 8 * 60}},
}

// Plans adds the demo office's upkeep plans as its administrator, starting 120
// days back so the history can hold their past tickets.
func Plans(ctx context.Context, d *sql.DB, svc *upkeep.Service, admin *users.User, now time.Time) ([]*upkeep.Plan, error) {
	start := now.In(svc.Location()).AddDate(0, 0, -120)
	var out []*upkeep.Plan
	for _, dp := range demoPlans {
		var typeID, problemID int64
		err := d.QueryRowContext(ctx, `SELECT st.id, pt.id FROM service_types st JOIN type_problems tp ON tp.type_id = st.id
			JOIN problem_types pt ON pt.id = tp.problem_type_id WHERE st.name_en = $1 AND pt.name_en = $2`, dp.typeEN, dp.problemEN).Scan(&typeID, &problemID)
		if errors.Is(err, sql.ErrNoRows) {
			continue // a catalogue without this type: no plan for it
		}
		if err != nil {
			return nil, fmt.Errorf("demo: plan %q: %w", dp.name, err)
		}
		sc := dp.schedule
		sc.Start = upkeep.Date{Year: start.Year(), Month: start.Month(), Day: start.Day()}
		p, err := svc.Create(ctx, admin, upkeep.Input{Name: dp.name, Target: upkeep.TargetType, TypeID: typeID, ProblemID: problemID,
			Note: dp.note, Schedule: sc, Active: true})
		if err != nil {
			return nil, fmt.Errorf("demo: plan %q: %w", dp.name, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// UpkeepHistory marks part of the generated history as the plans' past upkeep:
// for each plan, up to 15 of the history's tickets of its problem on its devices
// become its tickets, due at the plan's occurrence before their filing and due
// to be done by the next one; every third is taken as the period before's,
// done late, so the report shows upkeep done on time and late.
func UpkeepHistory(ctx context.Context, d *sql.DB, plans []*upkeep.Plan, loc *time.Location) (int, error) {
	n := 0
	for _, p := range plans {
		rows, err := d.QueryContext(ctx, `SELECT t.id, t.asset_id, t.created_at FROM tickets t JOIN assets a ON a.id = t.asset_id
			WHERE a.type_id = $1 AND t.problem_type_id = $2 AND t.upkeep_plan_id IS NULL AND t.done_at IS NOT NULL ORDER BY t.id LIMIT 15`,
			p.TypeID, p.ProblemID)
		if err != nil {
			return n, fmt.Errorf("demo: upkeep history: %w", err)
		}
		type past struct {
			id, asset int64
			at        time.Time
		}
		var list []past
		for rows.Next() {
			var x past
			if err := rows.Scan(&x.id, &x.asset, &x.at); err != nil {
				rows.Close()
				return n, err
			}
			list = append(list, x)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return n, err
		}
		for i, x := range list {
			due, ok := p.Schedule.Next(x.at.AddDate(0, 0, -70), loc)
			var prev time.Time
			for ok {
				next, more := p.Schedule.Next(due, loc)
				if !more || next.After(x.at) {
					break
				}
				prev, due = due, next
			}
			if !ok || due.After(x.at) {
				continue
			}
			deadline, _ := p.Schedule.Next(due, loc)
			if i%3 == 2 && !prev.IsZero() {
				// Every third one is the upkeep of the period before, done a
				// period late: the report's "late" and "slipping" have something to show.
				due, deadline = prev, due
			}
			if _, err := d.ExecContext(ctx, `UPDATE tickets SET upkeep_plan_id = $1 WHERE id = $2`, p.ID, x.id); err != nil {
				return n, fmt.Errorf("demo: upkeep history: %w", err)
			}
			if _, err := d.ExecContext(ctx, `INSERT INTO upkeep_runs (plan_id, asset_id, due_at, deadline_at, ticket_id, filed_at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`, p.ID, x.asset, due.UTC(), deadline.UTC(), x.id, x.at.UTC()); err != nil {
				return n, fmt.Errorf("demo: upkeep history: %w", err)
			}
			n++
		}
	}
	return n, nil
}

// LoadUpkeep adds the demo's plans (as the demo's administrator) and marks their
// past tickets in the history just generated.
func LoadUpkeep(ctx context.Context, d *sql.DB, svc *upkeep.Service, sum *Summary, now time.Time) error {
	var admin *users.User
	for _, a := range sum.Accounts {
		if a.IsAdmin() {
			admin = a
			break
		}
	}
	if admin == nil {
		return errors.New("demo: no administrator among the demo accounts")
	}
	plans, err := Plans(ctx, d, svc, admin, now)
	if err != nil {
		return err
	}
	_, err = UpkeepHistory(ctx, d, plans, svc.Location())
	return err
}
