package tickets

// One read of a ticket for one reader: what its page, GET /api/v1/tickets/{id}
// and its history show, with one visibility check, in one read-only transaction
// (one snapshot: the buttons, the history and the row cannot disagree). A reader
// may not read the accounts a history names (users.Service.User is for oneself and
// admins), so the names come from here, behind the ticket's own visibility.

import (
	"context"
	"database/sql"
	"fmt"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// View is a ticket as one reader sees it.
type View struct {
	Row Row
	// Actions are the changes the reader may make now (the page's buttons).
	Actions Actions
	// Events is the history, oldest first, with the people named.
	Events []EventRow
	// Executors are the department's active executors, by name: the reassign
	// choice, read only when Actions.Reassign.
	Executors []Person
	// Rule is the rule that routed the ticket, for readers of the rules table
	// (staff); nil for anyone else, for tickets not routed by a rule, and when the
	// rule was deleted since (RuleDeleted, told to staff only).
	Rule        *Rule
	RuleDeleted bool
}

// EventRow is a line of a ticket's history with the people it names.
type EventRow struct {
	Event
	// ActorName and ActorEmail are empty for the system (ActorID 0).
	ActorName, ActorEmail string
	// SubjectName and SubjectEmail name the person the event is about (SubjectID);
	// empty when it is about nobody.
	SubjectName, SubjectEmail string
	// ByReporter is set, in a limited view (Row.Limited), on the reporter's own
	// events: the actor is withheld (ActorID 0, no names), yet it was not the system.
	ByReporter bool
}

// View reads ticket id for actor; NotFound when actor may not see it, as for an
// absent ticket. A follower with no other right to the ticket gets it limited
// (Row.Limited): no reporter, comment or photo, and a history of its status changes
// and of the comments of its department's staff only (limitEvents).
func (s *Service) View(ctx context.Context, actor *users.User, id int64) (*View, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	v := &View{}
	err := s.db.InReadTx(ctx, func(tx *sql.Tx) error {
		row, following, err := readRow(ctx, tx, actor, id)
		if err != nil {
			return err
		}
		v.Row = *row
		t := &v.Row.Ticket
		v.Actions = actionsFor(actor, t, following, s.now().UTC())
		if v.Events, err = readEvents(ctx, tx, id); err != nil {
			return err
		}
		if !seesFully(actor, t) {
			if v.Events, err = limitEvents(ctx, tx, t, v.Events); err != nil {
				return err
			}
			v.Row.limit()
		}
		if v.Actions.Reassign {
			if v.Executors, err = executors(ctx, tx, t.DepartmentID); err != nil {
				return err
			}
		}
		if t.RoutedBy == RoutedByRule && t.RuleID != 0 && actor.IsStaff() {
			rule, err := s.rules.rule(ctx, tx, t.RuleID)
			switch {
			case apperr.CodeOf(err) == apperr.NotFound:
				v.RuleDeleted = true
			case err != nil:
				return err
			default:
				v.Rule = &rule
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return v, nil
}

// readEvents reads ticket id's history, oldest first, with the actors' and the
// subjects' names.
func readEvents(ctx context.Context, q rowsQuerier, id int64) ([]EventRow, error) {
	rows, err := q.QueryContext(ctx, `SELECT e.id, e.ticket_id, COALESCE(e.actor_id, 0), COALESCE(e.subject_id, 0), e.kind, e.detail,
	e.created_at, COALESCE(a.full_name, ''), COALESCE(a.email, ''), COALESCE(sb.full_name, ''), COALESCE(sb.email, '')
FROM ticket_events e
LEFT JOIN users a ON a.id = e.actor_id
LEFT JOIN users sb ON sb.id = e.subject_id
WHERE e.ticket_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list events: %w", err)
	}
	defer rows.Close()
	var out []EventRow
	for rows.Next() {
		var e EventRow
		if err := rows.Scan(&e.ID, &e.TicketID, &e.ActorID, &e.SubjectID, &e.Kind, &e.Detail, &e.CreatedAt,
			&e.ActorName, &e.ActorEmail, &e.SubjectName, &e.SubjectEmail); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an event: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// limitedKinds are the events a follower with no other right to the ticket reads:
// its status changes. Comments are read only from the department's staff
// (limitEvents); other followers' "me too" are not theirs to know.
var limitedKinds = map[string]bool{EventFiled: true, EventRouted: true, EventAssigned: true, EventTaken: true,
	EventStarted: true, EventDone: true, EventCancelled: true, EventReassigned: true, EventReopened: true}

// limitEvents is the history of t as a follower with no other right to it reads
// it: the status changes, with the reporter never named (filing, their cancel or
// reopen show no actor), and the comments written by the staff of t's department
// (executors and heads who belong to it now), the news a "me too" waits for. The
// reporter's comments, anyone else's and other followers' "me too" are left out.
// t is the whole ticket (its reporter still known).
func limitEvents(ctx context.Context, q rowsQuerier, t *Ticket, events []EventRow) ([]EventRow, error) {
	var staff map[int64]bool
	out := make([]EventRow, 0, len(events))
	for _, e := range events {
		if e.Kind == EventComment {
			if t.DepartmentID == 0 || e.ActorID == 0 || e.ActorID == t.ReporterID {
				continue
			}
			if staff == nil {
				var err error
				if staff, err = departmentStaff(ctx, q, t.DepartmentID); err != nil {
					return nil, err
				}
			}
			if !staff[e.ActorID] {
				continue
			}
		} else if !limitedKinds[e.Kind] {
			continue
		}
		if e.ActorID == t.ReporterID {
			e.ActorID, e.ActorName, e.ActorEmail, e.ByReporter = 0, "", "", true
		}
		out = append(out, e)
	}
	return out, nil
}

// departmentStaff is the set of executors and heads of department deptID now
// (staffOf, in SQL).
func departmentStaff(ctx context.Context, q rowsQuerier, deptID int64) (map[int64]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT DISTINCT ud.user_id FROM user_departments ud
	JOIN user_roles r ON r.user_id = ud.user_id AND r.role IN ('executor', 'head')
	WHERE ud.department_id = $1`, deptID)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list a department's staff: %w", err)
	}
	defer rows.Close()
	out := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("tickets: unable to read a department's staff: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
