package tickets

// A ticket's history as people read it: each event with its actor's name and
// address. Events alone carry only the actor's id, and the people who may read a
// ticket's history may not read those accounts (users.Service.User is for oneself
// and admins), so the names come from here, behind the ticket's own visibility.

import (
	"context"
	"fmt"

	"smartservice/internal/users"
)

// EventRow is a line of a ticket's history with who did it, as people read it.
type EventRow struct {
	Event
	// ActorName and ActorEmail are empty for the system (ActorID 0).
	ActorName, ActorEmail string
}

// EventRows returns the ticket's history, oldest first, with the actors' names,
// if actor may see the ticket (NotFound otherwise).
func (s *Service) EventRows(ctx context.Context, actor *users.User, id int64) ([]EventRow, error) {
	if _, err := s.visible(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, `SELECT e.id, e.ticket_id, COALESCE(e.actor_id, 0), e.kind, e.detail, e.created_at,
	COALESCE(u.full_name, ''), COALESCE(u.email, '')
FROM ticket_events e LEFT JOIN users u ON u.id = e.actor_id WHERE e.ticket_id = $1 ORDER BY e.id`, id)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list events: %w", err)
	}
	defer rows.Close()
	var out []EventRow
	for rows.Next() {
		var e EventRow
		if err := rows.Scan(&e.ID, &e.TicketID, &e.ActorID, &e.Kind, &e.Detail, &e.CreatedAt, &e.ActorName, &e.ActorEmail); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an event: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
