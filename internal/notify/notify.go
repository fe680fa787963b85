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
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// Queue inserts jobs in the caller's transaction, all of a batch in one
// statement; *jobs.Client is one.
type Queue interface {
	InsertManyTx(ctx context.Context, tx *sql.Tx, params []river.InsertManyParams) error
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
	if e.Ticket != nil { // a filing hands over the ticket it wrote
		t = e.Ticket
	} else if e.Kind != tickets.EventAssigned && e.Kind != tickets.EventReassigned {
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
// It runs inside the change's transaction, where every round trip keeps the
// writer (SQLite) or the department's lock (PostgreSQL) from the next filing, so
// it costs a fixed handful of statements whatever the number of recipients: the
// people's settings came with the people (loadPeople), then the ticket's text
// for the previews in one query, the rows in one INSERT and their jobs in one.
func (s *Service) record(ctx context.Context, tx *sql.Tx, ticketID, eventID int64, rs []recipient) error {
	now := s.now()
	var ns []*pending
	for _, r := range rs {
		if r.DepartmentID != 0 {
			ns = append(ns, &pending{n: Notification{Channel: ChannelTelegram, Kind: r.Kind, DepartmentID: r.DepartmentID, TicketID: ticketID,
				EventID: eventID, Lang: s.opts.Catalog.Default(), CreatedAt: now}, notBefore: now})
			continue
		}
		st := r.settings
		notBefore := now
		// Executors on duty hear of their work at once, whatever the hour.
		if !(r.Kind == KindAssigned && r.person.Available) {
			notBefore = st.Quiet.end(now, s.opts.Location)
		}
		p := st.Prefs[r.Kind]
		for _, ch := range []string{ChannelTelegram, ChannelMail} {
			if (ch == ChannelTelegram && !p.Telegram) || (ch == ChannelMail && !p.Mail) {
				continue
			}
			ns = append(ns, &pending{n: Notification{Channel: ch, Kind: r.Kind, UserID: r.person.ID, TicketID: ticketID, EventID: eventID,
				Lang: r.person.Language, CreatedAt: now}, notBefore: notBefore})
		}
	}
	if len(ns) == 0 {
		return nil
	}
	if err := s.previews(ctx, tx, ns); err != nil {
		return err
	}
	if err := insertAll(ctx, tx, ns); err != nil {
		return err
	}
	return s.queue(ctx, tx, ns)
}

// pending is a notification on its way into the table: its row, when it may
// leave, and, for a preview, its state and text.
type pending struct {
	n         Notification
	notBefore time.Time
	state     string
	text      string
}

// previews marks the notifications with no channel registered under their name
// as previews (nothing to send) with the text they would have said, every other
// one pending. The ticket's part of the text is read once for all of them; only
// the language differs.
func (s *Service) previews(ctx context.Context, tx *sql.Tx, ns []*pending) error {
	var d *renderData
	for _, p := range ns {
		p.state = StatePending
		if s.channel(p.n.Channel) != nil {
			continue
		}
		if d == nil {
			rd, err := readRenderData(ctx, tx, p.n.TicketID, p.n.EventID)
			if err != nil {
				return err
			}
			d = &rd
		}
		p.state, p.text = StatePreview, s.compose(*d, p.n).Body
	}
	return nil
}

// insertBatch is the most notifications one INSERT carries: 11 parameters
// each stays far below SQLite's limit of 32,766 per statement (PostgreSQL's is
// 65,535).
const insertBatch = 1000

// insertAll stores ns, filling in their IDs, in one INSERT per insertBatch rows.
// Neither engine promises that RETURNING gives the rows in the order of VALUES, so
// each id is matched to its notification by what tells the rows of one event
// apart: the channel, the kind and the recipient (an event's recipients are
// distinct people or departments). Should two rows ever share those, the second
// is inserted on its own.
func insertAll(ctx context.Context, tx *sql.Tx, ns []*pending) error {
	byKey := make(map[rowKey]*pending, len(ns))
	var batch, alone []*pending
	for _, p := range ns {
		k := rowKey{p.n.Channel, p.n.Kind, p.n.UserID, p.n.DepartmentID}
		if _, dup := byKey[k]; dup {
			alone = append(alone, p)
			continue
		}
		byKey[k] = p
		batch = append(batch, p)
	}
	for len(batch) > 0 {
		n := min(len(batch), insertBatch)
		if err := insertRows(ctx, tx, batch[:n], byKey); err != nil {
			return err
		}
		batch = batch[n:]
	}
	for _, p := range alone {
		one := map[rowKey]*pending{{p.n.Channel, p.n.Kind, p.n.UserID, p.n.DepartmentID}: p}
		if err := insertRows(ctx, tx, []*pending{p}, one); err != nil {
			return err
		}
	}
	return nil
}

// rowKey tells apart the notifications of one insert.
type rowKey struct {
	channel, kind    string
	user, department int64
}

// insertRows inserts ps in one statement and sets each one's ID from the row
// RETURNING gives back with its key in byKey.
func insertRows(ctx context.Context, tx *sql.Tx, ps []*pending, byKey map[rowKey]*pending) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO notifications (channel, kind, user_id, department_id, ticket_id, event_id, lang, state, text,
	not_before, created_at, updated_at) VALUES `)
	args := make([]any, 0, 11*len(ps))
	for i, p := range ps {
		if i > 0 {
			q.WriteString(", ")
		}
		b := len(args)
		fmt.Fprintf(&q, "($%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d, $%d)", b+1, b+2, b+3, b+4, b+5, b+6, b+7, b+8, b+9, b+10, b+11, b+11)
		n := p.n
		args = append(args, n.Channel, n.Kind, nullID(n.UserID), nullID(n.DepartmentID), n.TicketID, nullID(n.EventID), n.Lang, p.state, p.text,
			p.notBefore, n.CreatedAt)
	}
	q.WriteString(" RETURNING id, channel, kind, COALESCE(user_id, 0), COALESCE(department_id, 0)")
	rows, err := tx.QueryContext(ctx, q.String(), args...)
	if err != nil {
		return fmt.Errorf("notify: unable to record notifications: %w", err)
	}
	defer rows.Close()
	got := 0
	for rows.Next() {
		var id int64
		var k rowKey
		if err := rows.Scan(&id, &k.channel, &k.kind, &k.user, &k.department); err != nil {
			return fmt.Errorf("notify: unable to record notifications: %w", err)
		}
		p, ok := byKey[k]
		if !ok || p.n.ID != 0 {
			return fmt.Errorf("notify: unable to record notifications: a returned row (%v) matches none inserted", k)
		}
		p.n.ID = id
		got++
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("notify: unable to record notifications: %w", err)
	}
	if got != len(ps) {
		return fmt.Errorf("notify: unable to record notifications: %d rows came back of %d", got, len(ps))
	}
	return nil
}

// jobBundle is the most notifications one delivery job carries (they are sent
// side by side, a goroutine each).
const jobBundle = 16

// queue inserts the delivery jobs of the pending notifications of ns, in one
// statement: one job for those that may leave at the same moment (now, or the
// same end of quiet hours), at that moment, up to jobBundle each.
func (s *Service) queue(ctx context.Context, tx *sql.Tx, ns []*pending) error {
	now := s.now()
	var times []int64 // the moments met, in order; 0 is now
	byTime := map[int64][]int64{}
	for _, p := range ns {
		if p.state != StatePending {
			continue
		}
		var at int64
		if p.notBefore.After(now) {
			at = p.notBefore.UnixNano()
		}
		if _, met := byTime[at]; !met {
			times = append(times, at)
		}
		byTime[at] = append(byTime[at], p.n.ID)
	}
	var params []river.InsertManyParams
	for _, at := range times {
		var opts *river.InsertOpts
		if at != 0 {
			opts = &river.InsertOpts{ScheduledAt: time.Unix(0, at).UTC()}
		}
		for ids := range slices.Chunk(byTime[at], jobBundle) {
			params = append(params, river.InsertManyParams{Args: DeliverArgs{NotificationIDs: ids}, InsertOpts: opts})
		}
	}
	return s.opts.Queue.InsertManyTx(ctx, tx, params)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
