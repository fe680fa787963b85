package tickets

import (
	"context"

	"smartservice/internal/users"
)

// Brief is a ticket's row and the changes its reader may make now: a View without
// the history, the routing rule and the executors.
type Brief struct {
	Row     Row
	Actions Actions
}

// Brief reads ticket id for actor as View does (the same visibility, NotFound for
// what actor may not see, the row limited for a follower with no other right to
// it), in one statement: for an answer that shows no more than the row and the
// buttons, such as the API's answer to an action (a filing's is FileBrief, made
// without this read). The history View reads in its transaction beside the row
// was half of a filing's readback, and on PostgreSQL the transaction's begin and
// commit two more round trips.
func (s *Service) Brief(ctx context.Context, actor *users.User, id int64) (*Brief, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	row, following, err := readRow(ctx, s.db.R, actor, id)
	if err != nil {
		return nil, err
	}
	return s.brief(actor, row, following), nil
}

// brief is the Brief of row (whole, as read or as filed) for actor: the changes
// actor may make now, then the row limited as actor may read it.
func (s *Service) brief(actor *users.User, row *Row, following bool) *Brief {
	b := &Brief{Row: *row, Actions: actionsFor(actor, &row.Ticket, following, s.now().UTC())}
	b.Row.limitFor(actor)
	return b
}
