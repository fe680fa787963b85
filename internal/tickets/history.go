package tickets

import (
	"context"
	"fmt"

	"smartservice/internal/users"
)

// History returns the device's most recent tickets that actor sees as staff: an
// admin or a head sees all of them, an executor those of their departments. The
// device page shows them to the staff responsible; anyone else gets none.
func (s *Service) History(ctx context.Context, actor *users.User, assetID int64, limit int) ([]*Ticket, error) {
	if actor == nil || !actor.IsStaff() {
		return nil, nil
	}
	if limit <= 0 || limit > 50 {
		limit = 10
	}
	rows, err := s.db.R.QueryContext(ctx, ticketSelect+" WHERE asset_id = $1 ORDER BY id DESC LIMIT $2", assetID, 5*limit)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to read the device's history: %w", err)
	}
	defer rows.Close()
	var out []*Ticket
	for rows.Next() && len(out) < limit {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		if actor.IsAdmin() || actor.Has(users.RoleHead) || staffOf(actor, t) {
			out = append(out, t)
		}
	}
	return out, rows.Err()
}
