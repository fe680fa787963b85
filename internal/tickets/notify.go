package tickets

// Every event of a ticket's history is written by addEvent, in the transaction of
// the change it records, and handed to the Service's Notifier in that same
// transaction. Notifications (Telegram, mail) will enqueue their jobs there with
// River's InsertTx: a committed change has its messages, a rolled-back one has
// none, and this package imports nothing of the notifying side.

import (
	"context"
	"database/sql"
	"fmt"
)

// Notifier hears of every event as it is recorded. Notify runs inside the change's
// transaction: it may write with tx (never with another handle: on SQLite the
// writer is one connection and would wait for itself), and an error rolls the whole
// change back, the event and the ticket's new state with it.
type Notifier interface {
	Notify(ctx context.Context, tx *sql.Tx, e Event) error
}

// Option adjusts a Service at construction.
type Option func(*Service)

// WithNotifier makes n hear of every event; nil (the default) notifies nobody.
func WithNotifier(n Notifier) Option {
	return func(s *Service) { s.notifier = n }
}

// addEvent records e, fills in its ID and tells the notifier, in tx.
func (s *Service) addEvent(ctx context.Context, tx *sql.Tx, e *Event) error {
	err := tx.QueryRowContext(ctx, `INSERT INTO ticket_events (ticket_id, actor_id, subject_id, kind, detail, created_at)
	VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
		e.TicketID, nullID(e.ActorID), nullID(e.SubjectID), e.Kind, e.Detail, e.CreatedAt).Scan(&e.ID)
	if err != nil {
		return fmt.Errorf("tickets: unable to record event %s: %w", e.Kind, err)
	}
	if s.notifier == nil {
		return nil
	}
	if err := s.notifier.Notify(ctx, tx, *e); err != nil {
		return fmt.Errorf("tickets: notify of event %s on ticket %d: %w", e.Kind, e.TicketID, err)
	}
	return nil
}
