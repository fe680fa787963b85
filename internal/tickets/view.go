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
}

// View reads ticket id for actor; NotFound when actor may not see it, as for an
// absent ticket.
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
