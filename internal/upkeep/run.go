package upkeep

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// Result counts what one pass of the scheduler did.
type Result struct {
	// Plans is how many plans were due.
	Plans int
	// Filed tickets; Skipped devices (an open ticket of the problem, or a run
	// already recorded for that due time by another pass).
	Filed, Skipped int
}

// errRunTaken is the unique key of upkeep_runs refusing a second filing for the
// same plan, device and due time: another pass filed it first.
var errRunTaken = errors.New("upkeep: run already recorded")

// RunDue files the upkeep that is due: for every active plan whose next due time
// has passed, one ticket per device it covers, through the tickets domain (routed
// by the rules table, marked with the plan, the plan's note as the comment).
//
// The reporter is the plan's author: a ticket needs a reporter, the author is the
// person who asked for the work and who hears when it is done, and tickets then
// say in their history who stands behind them, where a made-up "system" account
// would be an account nobody owns.
//
// After downtime only the latest missed occurrence is filed (one ticket per
// device for all missed periods), and the plan's next due time moves past now.
// Each ticket's upkeep_runs row (plan, device, due time) is written in the
// filing's transaction, so a second pass for the same due time, on this or
// another instance, files nothing.
func (s *Service) RunDue(ctx context.Context) (Result, error) {
	now := s.now().UTC()
	var res Result
	rows, err := s.db.R.QueryContext(ctx, `SELECT id FROM upkeep_plans WHERE active = $1 AND next_due_at <= $2 ORDER BY next_due_at, id`, true, now)
	if err != nil {
		return res, fmt.Errorf("upkeep: due plans: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return res, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return res, err
	}
	for _, id := range ids {
		p, err := s.plan(ctx, s.db.R, id)
		if errors.Is(err, notFound) {
			continue // deleted meanwhile
		}
		if err != nil {
			return res, err
		}
		if err := s.runPlan(ctx, p, now, &res); err != nil {
			return res, err
		}
	}
	return res, nil
}

func (s *Service) runPlan(ctx context.Context, p *Plan, now time.Time, res *Result) error {
	if !p.Active || p.NextDue == nil || p.NextDue.After(now) {
		return nil
	}
	res.Plans++
	due, ok := p.Schedule.Latest(*p.NextDue, now, s.loc)
	if !ok {
		return nil
	}
	deadline, more := p.Schedule.Next(due, s.loc)
	devices, err := s.devices(ctx, p)
	if err != nil {
		return err
	}
	if len(devices) > 0 {
		author, err := s.users.User(ctx, &users.User{ID: p.AuthorID}, p.AuthorID)
		if err != nil {
			return fmt.Errorf("upkeep: plan %d's author: %w", p.ID, err)
		}
		for _, dev := range devices {
			filed, err := s.fileOne(ctx, author, p, dev, due, deadline, more, now)
			if err != nil {
				return err
			}
			if filed {
				res.Filed++
			} else {
				res.Skipped++
			}
		}
	}
	next := any(nil)
	if more {
		next = deadline.UTC()
	}
	// Moves only from the due time this pass read, so a pass racing another (or
	// an edit of the schedule) does not move it twice.
	_, err = s.db.W.ExecContext(ctx, `UPDATE upkeep_plans SET next_due_at = $1, last_filed_at = $2 WHERE id = $3 AND next_due_at = $4`,
		next, due.UTC(), p.ID, p.NextDue.UTC())
	if err != nil {
		return fmt.Errorf("upkeep: move plan %d on: %w", p.ID, err)
	}
	return nil
}

// fileOne files the plan's ticket on one device for due; false when skipped.
func (s *Service) fileOne(ctx context.Context, author *users.User, p *Plan, assetID int64, due, deadline time.Time, more bool, now time.Time) (bool, error) {
	dl := any(nil)
	if more {
		dl = deadline.UTC()
	}
	_, err := s.tickets.File(ctx, author, tickets.FileInput{
		AssetID: assetID, ProblemID: p.ProblemID, Comment: p.Note, UpkeepPlanID: p.ID, SkipIfOpen: true,
		Within: func(ctx context.Context, tx *sql.Tx, ticketID int64) error {
			_, err := tx.ExecContext(ctx, `INSERT INTO upkeep_runs (plan_id, asset_id, due_at, deadline_at, ticket_id, filed_at)
				VALUES ($1, $2, $3, $4, $5, $6)`, p.ID, assetID, due.UTC(), dl, ticketID, now)
			if db.IsUniqueViolation(err) {
				return errRunTaken
			}
			return err
		},
	})
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, errRunTaken), errors.Is(err, tickets.ErrOpenExists):
		return false, nil
	case apperr.As(err) != nil && apperr.CodeOf(err) != apperr.Internal:
		// The device changed under the plan (archived, its type no longer offers
		// the problem, hidden): skip it, the others still get their tickets.
		slog.WarnContext(ctx, "upkeep: device skipped", "plan", p.ID, "asset", assetID, "err", err)
		return false, nil
	default:
		return false, fmt.Errorf("upkeep: file plan %d on device %d: %w", p.ID, assetID, err)
	}
}

// devices lists the devices a plan covers now: not archived (deleted ones are
// gone), of its target and place, whose type offers the plan's problem.
func (s *Service) devices(ctx context.Context, p *Plan) ([]int64, error) {
	var cond string
	var arg int64
	switch p.Target {
	case TargetDevice:
		cond, arg = "a.id = $3", p.AssetID
	case TargetType:
		cond, arg = "a.type_id = $3", p.TypeID
	case TargetClass:
		cond, arg = "st.class_id = $3", p.ClassID
	}
	if arg == 0 {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT a.id FROM assets a JOIN service_types st ON st.id = a.type_id
		JOIN type_problems tp ON tp.type_id = a.type_id AND tp.problem_type_id = $1
		WHERE a.archived = $2 AND `+cond+` AND ($4 = '' OR a.building = $4) AND ($5 = '' OR a.floor = $5) ORDER BY a.id`,
		p.ProblemID, false, arg, p.Building, p.Floor)
	if err != nil {
		return nil, fmt.Errorf("upkeep: devices of plan %d: %w", p.ID, err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// RunNow files a plan's upkeep at once, as if it were due now (admins and the
// plan's heads; the "run now" button): one ticket per device, unless one is open.
func (s *Service) RunNow(ctx context.Context, actor *users.User, id int64) (Result, error) {
	p, err := s.Get(ctx, actor, id)
	if err != nil {
		return Result{}, err
	}
	var res Result
	now := s.now().UTC()
	devices, err := s.devices(ctx, p)
	if err != nil {
		return res, err
	}
	res.Plans = 1
	deadline, more := p.Schedule.Next(now, s.loc)
	for _, dev := range devices {
		filed, err := s.fileOne(ctx, actor, p, dev, now, deadline, more, now)
		if err != nil {
			return res, err
		}
		if filed {
			res.Filed++
		} else {
			res.Skipped++
		}
	}
	// The run itself is recorded, with what it filed: the tickets are in their
	// own transactions (one per device), so the entry follows them.
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if len(devices) > 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE upkeep_plans SET last_filed_at = $1 WHERE id = $2`, now, p.ID); err != nil {
				return err
			}
		}
		return record(ctx, tx, actor, now, audit.UpkeepFiledNow, p.ID, nil, map[string]int{"filed": res.Filed, "skipped": res.Skipped})
	})
	if err != nil {
		return res, fmt.Errorf("upkeep: plan %d: %w", p.ID, err)
	}
	return res, nil
}

// Args asks for one pass of the scheduler.
type Args struct{}

// Kind names the job in the queue.
func (Args) Kind() string { return "upkeep_due" }

// InsertOpts: a failed pass is not retried within seconds; the next minute's
// pass does the same work.
func (Args) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 1} }

// Worker runs RunDue. It is a periodic River job: with several instances only
// the elected leader enqueues it, and the runs' unique key covers a pass that
// overlaps another anyway.
type Worker struct {
	river.WorkerDefaults[Args]
	// Service returns the service when the job runs: the app registers its
	// workers before it builds the domain services.
	Service func() *Service
}

// Work runs one pass.
func (w *Worker) Work(ctx context.Context, _ *river.Job[Args]) error {
	res, err := w.Service().RunDue(ctx)
	if res.Filed > 0 {
		slog.InfoContext(ctx, "upkeep: filed", "plans", res.Plans, "tickets", res.Filed, "skipped", res.Skipped)
	}
	return err
}
