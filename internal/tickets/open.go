package tickets

import (
	"context"
	"fmt"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// OpenTicket is what the device page tells anyone who may see the device about an
// open ticket on it, so they can say "me too" instead of filing again. It carries
// nothing more about other people's tickets: no comment, no reporter.
type OpenTicket struct {
	ID        int64
	ProblemID int64
	// ProblemEN and ProblemRU name the problem (the device's type may no longer offer it).
	ProblemEN, ProblemRU string
	CreatedAt            time.Time
	Status               Status
	// AssigneeName is the executor's full name; empty while nobody is on it.
	AssigneeName string
	// Following tells whether the actor already follows the ticket (a reporter
	// follows their own).
	Following bool
}

// Number is how people name the ticket (as Ticket.Number).
func (o OpenTicket) Number() string { return (&Ticket{ID: o.ID}).Number() }

// maxOpenOnAsset bounds the list; a device with more open tickets than that has a
// bigger problem than this list can show.
const maxOpenOnAsset = 20

// OpenOnAsset lists the open tickets on a device, newest first, for anyone who may
// see the device (NotFound otherwise, as for an unknown device).
func (s *Service) OpenOnAsset(ctx context.Context, actor *users.User, assetID int64) ([]OpenTicket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	a, err := s.assets.Asset(ctx, actor, assetID)
	if err != nil {
		return nil, err
	}
	return s.OpenOnDevice(ctx, actor, a)
}

// OpenOnDevice is OpenOnAsset for a device the caller has just read through the
// assets module (the device page's scan): the visibility rule is checked on it
// here, without reading the device a second time.
func (s *Service) OpenOnDevice(ctx context.Context, actor *users.User, a *assets.Asset) ([]OpenTicket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	if a == nil || !assets.CanSee(actor, a) {
		return nil, notFound
	}
	assetID := a.ID
	rows, err := s.db.R.QueryContext(ctx, `SELECT t.id, t.problem_type_id, p.name_en, p.name_ru, t.created_at, t.status,
		COALESCE(u.full_name, ''), f.user_id IS NOT NULL
	FROM tickets t
	JOIN problem_types p ON p.id = t.problem_type_id
	LEFT JOIN users u ON u.id = t.assignee_id
	LEFT JOIN ticket_followers f ON f.ticket_id = t.id AND f.user_id = $2
	WHERE t.asset_id = $1 AND t.status IN ('new', 'assigned', 'in_progress')
	ORDER BY t.id DESC LIMIT $3`, assetID, actor.ID, maxOpenOnAsset)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list a device's open tickets: %w", err)
	}
	defer rows.Close()
	var out []OpenTicket
	for rows.Next() {
		var o OpenTicket
		var status string
		if err := rows.Scan(&o.ID, &o.ProblemID, &o.ProblemEN, &o.ProblemRU, &o.CreatedAt, &status, &o.AssigneeName, &o.Following); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an open ticket: %w", err)
		}
		o.Status = Status(status)
		out = append(out, o)
	}
	return out, rows.Err()
}
