package notify

// The Service: how an event becomes rows of notifications with their jobs.
//
// Notify runs inside the change's transaction (tickets' addEvent). It reads the
// ticket and the people through that tx only: on SQLite the writer is one
// connection, and any other handle would wait for the one the change holds. Like
// internal/reports, this package reads the users' and tickets' tables directly
// (read-only) where no owner function takes a tx; every rule about who may read
// what is the tickets package's (tickets.SeesEvent).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// Queue inserts jobs in the caller's transaction; *jobs.Client is one.
type Queue interface {
	InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) error
}

// Options are what a Service needs, built once in the composition root.
type Options struct {
	// Queue carries the delivery jobs; required.
	Queue Queue
	// Catalog gives the texts in the recipient's language; required.
	Catalog *i18n.Catalog
	// BaseURL makes the ticket links; required.
	BaseURL *url.URL
	// Location is the office's time zone: quiet hours are read in it. Nil is UTC.
	Location *time.Location
	// EscalateAfter is how long a ticket may wait unassigned before its
	// department's heads are told; 0 means 30 minutes.
	EscalateAfter time.Duration
	// Metrics receives the counters (sent, failed, retried) and the pending gauge;
	// nil registers nothing.
	Metrics Registerer
	// Logger receives what an admin may want to read (a channel going down).
	Logger *slog.Logger
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// DefaultEscalateAfter is the escalation delay when none is configured.
const DefaultEscalateAfter = 30 * time.Minute

// Service decides who hears of what and on which channel, records each
// notification with its delivery job, and delivers through the registered channels.
// It implements tickets.Notifier.
type Service struct {
	db   *db.DB
	opts Options
	met  *metrics

	mu       sync.RWMutex
	channels map[string]Channel
}

var _ tickets.Notifier = (*Service)(nil)

// New builds the Service; register channels with Register before serving.
func New(d *db.DB, opts Options) (*Service, error) {
	if d == nil || opts.Queue == nil || opts.Catalog == nil || opts.BaseURL == nil {
		return nil, errors.New("notify: the queue, the catalogue, the base URL and the database are required")
	}
	if opts.Location == nil {
		opts.Location = time.UTC
	}
	if opts.EscalateAfter <= 0 {
		opts.EscalateAfter = DefaultEscalateAfter
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{db: d, opts: opts, channels: map[string]Channel{}}
	m, err := newMetrics(opts.Metrics, s.countPending)
	if err != nil {
		return nil, err
	}
	s.met = m
	return s, nil
}

// Register adds a channel (mail, Telegram); a later one of the same name replaces
// it. Without a registered Telegram channel, Telegram notifications are recorded as
// previews: the text that would have been sent, shown on /admin/notifications.
func (s *Service) Register(ch Channel) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.channels[ch.Name()] = ch
}

// channel returns the registered channel of that name, or nil.
func (s *Service) channel(name string) Channel {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.channels[name]
}

// now is the clock in UTC.
func (s *Service) now() time.Time { return s.opts.Now().UTC() }

// Notify records the notifications event e causes, with their delivery jobs, in tx.
func (s *Service) Notify(ctx context.Context, tx *sql.Tx, e tickets.Event) error {
	if !eventKinds[e.Kind] {
		return nil
	}
	// An assignment names its recipient; every other rule reads the ticket as the
	// change left it.
	t := &tickets.Ticket{ID: e.TicketID}
	if e.Kind != tickets.EventAssigned && e.Kind != tickets.EventReassigned {
		var err error
		if t, err = tickets.ReadTicket(ctx, tx, e.TicketID); err != nil {
			return fmt.Errorf("notify: %w", err)
		}
	}
	rs, err := s.recipients(ctx, tx, t, e)
	if err != nil {
		return err
	}
	return s.record(ctx, tx, t.ID, e.ID, rs)
}

// record writes a notification per recipient and enabled channel, and its job.
func (s *Service) record(ctx context.Context, tx *sql.Tx, ticketID, eventID int64, rs []recipient) error {
	now := s.now()
	for _, r := range rs {
		if r.DepartmentID != 0 {
			n := Notification{Channel: ChannelTelegram, Kind: r.Kind, DepartmentID: r.DepartmentID, TicketID: ticketID, EventID: eventID,
				Lang: s.opts.Catalog.Default(), CreatedAt: now}
			if err := s.insert(ctx, tx, &n, now); err != nil {
				return err
			}
			continue
		}
		prefs, quiet, err := readSettings(ctx, tx, r.person.ID)
		if err != nil {
			return err
		}
		notBefore := now
		// Executors on duty hear of their work at once, whatever the hour.
		if !(r.Kind == KindAssigned && r.person.Available) {
			notBefore = quiet.end(now, s.opts.Location)
		}
		p := prefs[r.Kind]
		for _, ch := range []string{ChannelTelegram, ChannelMail} {
			if (ch == ChannelTelegram && !p.Telegram) || (ch == ChannelMail && !p.Mail) {
				continue
			}
			n := Notification{Channel: ch, Kind: r.Kind, UserID: r.person.ID, TicketID: ticketID, EventID: eventID,
				Lang: r.person.Language, CreatedAt: now}
			if err := s.insert(ctx, tx, &n, notBefore); err != nil {
				return err
			}
		}
	}
	return nil
}

// insert stores n and queues its delivery at notBefore; with no channel
// registered under its name, it stores a preview instead (nothing to send).
func (s *Service) insert(ctx context.Context, tx *sql.Tx, n *Notification, notBefore time.Time) error {
	state, text := StatePending, ""
	if s.channel(n.Channel) == nil {
		state = StatePreview
		var err error
		if text, err = s.previewText(ctx, tx, *n); err != nil {
			return err
		}
	}
	err := tx.QueryRowContext(ctx, `INSERT INTO notifications (channel, kind, user_id, department_id, ticket_id, event_id, lang, state, text,
	not_before, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id`,
		n.Channel, n.Kind, nullID(n.UserID), nullID(n.DepartmentID), n.TicketID, nullID(n.EventID), n.Lang, state, text,
		notBefore, n.CreatedAt).Scan(&n.ID)
	if err != nil {
		return fmt.Errorf("notify: unable to record a notification: %w", err)
	}
	if state == StatePreview {
		return nil
	}
	return s.queue(ctx, tx, n.ID, notBefore)
}

// queue inserts the delivery job of notification id, to run at at.
func (s *Service) queue(ctx context.Context, tx *sql.Tx, id int64, at time.Time) error {
	var opts *river.InsertOpts
	if at.After(s.now()) {
		opts = &river.InsertOpts{ScheduledAt: at}
	}
	return s.opts.Queue.InsertTx(ctx, tx, DeliverArgs{NotificationID: id}, opts)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
