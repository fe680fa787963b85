package tickets

// Service levels on tickets. Each ticket gets its due times (sla.Due) when a
// department gets it: at filing (routed by a rule or the default), when an admin
// sends an unrouted one, and again for completion when the reporter reopens it (the
// take was kept or missed for good). They are columns, so the journal filters and
// sorts by them; sla_next_at is the next threshold the escalation job must look at,
// so the job reads one index range (tickets_sla_next) however many tickets exist.
//
// Escalation: at risk (80% of the working time gone) the assignee is reminded, or
// the department's heads when nobody has the ticket; breached, the heads are told.
// Each (ticket, level) is a row of sla_escalations inserted with the level's event
// in one transaction, so a level happens once even when two runs meet; the events
// are on the ticket's history and reach people through the Notifier.

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/sla"
)

// Escalation events; Detail is the clock: "take" or "done".
const (
	EventSLAAtRisk   = "sla_at_risk"
	EventSLABreached = "sla_breached"
)

// The two clocks, as an escalation event's Detail.
const (
	ClockTake = "take"
	ClockDone = "done"
)

// WithLocation sets the office's time zone, in which working time is counted
// (SMARTSERVICE_TIMEZONE); UTC by default.
func WithLocation(loc *time.Location) Option {
	return func(s *Service) {
		if loc != nil {
			s.loc = loc
		}
	}
}

// utc is a copy of t in UTC, as times are read back; nil stays nil.
func utc(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	v := t.UTC()
	return &v
}

func nullTime(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UTC()
}

// Clocks is what sla.Clocks.StateAt reads of the ticket.
func (t *Ticket) Clocks() sla.Clocks {
	return sla.Clocks{Open: t.Status.Open(), Cancelled: t.Status == StatusCancelled,
		TakeBy: t.TakeBy, TakeWarnAt: t.TakeWarnAt, TakenAt: t.TakenAt, DoneBy: t.DoneBy, DoneWarnAt: t.DoneWarnAt, DoneAt: t.DoneAt}
}

// SLAState is how the ticket stands against its targets at now.
func (t *Ticket) SLAState(now time.Time) sla.State { return t.Clocks().StateAt(now) }

// escalateBatch bounds one run; the next run takes the rest.
const escalateBatch = 200

// level is one escalation of a ticket: its row's level and its event.
type level struct {
	name, kind, clock string
}

// levelsDue are the escalations of t due at now, in order; an at-risk level is
// skipped when the same clock is already breached (after downtime), so nobody
// gets both at once.
func levelsDue(t *Ticket, now time.Time) []level {
	if !t.Status.Open() {
		return nil
	}
	passed := func(p *time.Time) bool { return p != nil && !now.Before(*p) }
	var out []level
	add := func(clock string, warn, by *time.Time) {
		switch {
		case passed(by):
			out = append(out, level{clock + "_breached", EventSLABreached, clock})
		case passed(warn):
			out = append(out, level{clock + "_at_risk", EventSLAAtRisk, clock})
		}
	}
	if t.TakenAt == nil {
		add(ClockTake, t.TakeWarnAt, t.TakeBy)
	}
	add(ClockDone, t.DoneWarnAt, t.DoneBy)
	return out
}

// nextAfter is the earliest threshold of t still to come after now, nil if none.
func nextAfter(t *Ticket, now time.Time) *time.Time {
	if !t.Status.Open() {
		return nil
	}
	var out *time.Time
	cands := []*time.Time{t.DoneWarnAt, t.DoneBy}
	if t.TakenAt == nil {
		cands = append(cands, t.TakeWarnAt, t.TakeBy)
	}
	for _, c := range cands {
		if c != nil && c.After(now) && (out == nil || c.Before(*out)) {
			out = c
		}
	}
	return out
}

// EscalateSLA records the escalations due now (at most escalateBatch tickets a
// run) and returns how many it recorded.
func (s *Service) EscalateSLA(ctx context.Context) (int, error) {
	now := s.now().UTC()
	rows, err := s.db.R.QueryContext(ctx, "SELECT id FROM tickets WHERE sla_next_at <= $1 ORDER BY sla_next_at LIMIT $2", now, escalateBatch)
	if err != nil {
		return 0, fmt.Errorf("tickets: unable to find tickets to escalate: %w", err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	count := 0
	for _, id := range ids {
		n, err := s.escalateOne(ctx, id, now)
		if err != nil {
			return count, err
		}
		count += n
	}
	return count, nil
}

// escalateOne records ticket id's due escalations and moves its sla_next_at on,
// in one transaction.
func (s *Service) escalateOne(ctx context.Context, id int64, now time.Time) (int, error) {
	count := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		count = 0
		t, err := s.load(ctx, tx, id)
		if err != nil {
			return err
		}
		for _, l := range levelsDue(t, now) {
			res, err := tx.ExecContext(ctx, `INSERT INTO sla_escalations (ticket_id, level, escalated_at) VALUES ($1, $2, $3)
			ON CONFLICT (ticket_id, level) DO NOTHING`, t.ID, l.name, now)
			if err != nil {
				return fmt.Errorf("tickets: unable to record an escalation: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return err
			} else if n == 0 {
				continue // another run did it
			}
			e := Event{TicketID: t.ID, Kind: l.kind, Detail: l.clock, CreatedAt: now}
			if l.kind == EventSLAAtRisk {
				e.SubjectID = t.AssigneeID
			}
			if err := s.addEvent(ctx, tx, &e); err != nil {
				return err
			}
			count++
		}
		_, err = tx.ExecContext(ctx, "UPDATE tickets SET sla_next_at = $2 WHERE id = $1", t.ID, nullTime(nextAfter(t, now)))
		return err
	})
	if err == notFound {
		return 0, nil
	}
	return count, err
}

// SLAEscalateArgs is the periodic service-level escalation job.
type SLAEscalateArgs struct{}

// Kind names the job.
func (SLAEscalateArgs) Kind() string { return "sla_escalate" }

// SLAEscalateWorker runs EscalateSLA.
type SLAEscalateWorker struct {
	river.WorkerDefaults[SLAEscalateArgs]
	Service *Service
}

// Work escalates what is due.
func (w *SLAEscalateWorker) Work(ctx context.Context, _ *river.Job[SLAEscalateArgs]) error {
	_, err := w.Service.EscalateSLA(ctx)
	return err
}
