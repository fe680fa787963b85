package tickets

// What a Notifier may ask of this package inside the change's transaction: the
// ticket as the change left it, and whether a reader would see an event on the
// ticket's page. Both reuse the rules the pages use (seesFully, limitEvents), so a
// notification never tells anyone what their page would not show.

import (
	"context"
	"database/sql"

	"smartservice/internal/users"
)

// ReadTicket reads ticket id through tx (the change's transaction, or any other);
// NotFound when there is none. It checks no access: the caller decides recipients.
func ReadTicket(ctx context.Context, tx *sql.Tx, id int64) (*Ticket, error) {
	return (*Service)(nil).load(ctx, tx, id)
}

// SeesEvent reports whether reader, who may open ticket t (its reporter, assignee,
// staff, a head, an admin or a follower), reads event e in the ticket's history:
// who sees the ticket fully reads every event; a follower with no other right
// reads only what limitEvents keeps (status changes, comments by the department's
// current staff). tx is used only for the department's staff.
func SeesEvent(ctx context.Context, tx *sql.Tx, reader *users.User, t *Ticket, e Event) (bool, error) {
	if seesFully(reader, t) {
		return true, nil
	}
	kept, err := limitEvents(ctx, tx, t, []EventRow{{Event: e}})
	return len(kept) == 1, err
}

// SeesFully reports whether reader may read all of ticket t (the reporter and the
// comment included); a follower with no other right reads it limited (Row.Limited).
func SeesFully(reader *users.User, t *Ticket) bool { return seesFully(reader, t) }
