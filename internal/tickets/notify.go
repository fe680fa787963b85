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
	"strconv"
	"strings"
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

// addEvents records several events of one change in one statement (filing writes
// two or three: a round trip each was a tenth of a filing's statements), fills in
// their IDs in the order given and then tells the notifier of each, in that
// order, in tx. The kinds must differ: the ids are matched to the events by kind,
// since neither engine promises RETURNING's order.
func (s *Service) addEvents(ctx context.Context, tx *sql.Tx, es ...*Event) error {
	var q strings.Builder
	q.WriteString("INSERT INTO ticket_events (ticket_id, actor_id, subject_id, kind, detail, created_at) VALUES ")
	args := make([]any, 0, 6*len(es))
	byKind := make(map[string]*Event, len(es))
	for i, e := range es {
		if _, twice := byKind[e.Kind]; twice {
			return fmt.Errorf("tickets: two events %s in one statement", e.Kind)
		}
		byKind[e.Kind] = e
		if i > 0 {
			q.WriteString(", ")
		}
		q.WriteString("(")
		for j := range 6 {
			if j > 0 {
				q.WriteString(", ")
			}
			q.WriteString("$" + strconv.Itoa(6*i+j+1))
		}
		q.WriteString(")")
		args = append(args, e.TicketID, nullID(e.ActorID), nullID(e.SubjectID), e.Kind, e.Detail, e.CreatedAt)
	}
	q.WriteString(" RETURNING id, kind")
	rows, err := tx.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return fmt.Errorf("tickets: unable to record events: %w", err)
	}
	n := 0
	for rows.Next() {
		var id int64
		var kind string
		if err := rows.Scan(&id, &kind); err != nil {
			rows.Close()
			return fmt.Errorf("tickets: unable to record events: %w", err)
		}
		if e := byKind[kind]; e != nil && e.ID == 0 {
			e.ID = id
			n++
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("tickets: unable to record events: %w", err)
	}
	if n != len(es) {
		return fmt.Errorf("tickets: %d of %d events recorded", n, len(es))
	}
	if s.notifier == nil {
		return nil
	}
	for _, e := range es {
		if err := s.notifier.Notify(ctx, tx, *e); err != nil {
			return fmt.Errorf("tickets: notify of event %s on ticket %d: %w", e.Kind, e.TicketID, err)
		}
	}
	return nil
}
