package notify

// Delivery: one River job for the notifications of one event that may leave at
// the same time (DeliverArgs), each delivered on its own. For each, the worker
// loads the row, skips it unless it is pending, asks the channel to send, and
// records the outcome on the row in the step right after the channel
// acknowledged the send:
//
//   - success: sent, with the channel's id of the message (or preview);
//   - ErrRecipientGone: dead, not retried;
//   - ErrChannelDown: the channel is marked down for every instance; this
//     message and every later one fail at once without being sent, until an
//     admin resumes the channel on /admin/notifications (which queues them again);
//   - RetryAfterError: the whole channel pauses until then and the job snoozes;
//   - anything else: River retries with its backoff; the last attempt fails.
//
// The window that remains: a channel accepted the message and the process died
// (or the database refused the update) before the row said "sent". River then
// rescues the job and sends the message a second time. Nothing is lost; in that
// one case a message may arrive twice.
//
// A job killed while running (mid-send, or waiting its turn under Telegram's
// per-chat limit) is rescued only after River's RescueStuckJobsAfter, an hour
// by default, not at the restart; a job waiting for a retry or not yet started
// runs as soon as a restarted instance polls (internal/app's kill -9 test).

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"smartservice/internal/db"
)

// Notification states.
const (
	StatePending = "pending"
	StateSent    = "sent"
	StateFailed  = "failed"
	StateDead    = "dead"
	StatePreview = "preview"
)

// States lists the states in the order the admin page filters them.
var States = []string{StatePending, StateSent, StateFailed, StateDead, StatePreview}

// DeliverArgs is the job that delivers the notifications of one event that may
// leave at the same time: a recipient's Telegram message and mail, the
// followers told of a change at once. One job for them, not one each: a job was
// the costliest row a filing wrote (River's insert took a fifth of the SQLite
// writer's time for two), and each one is fetched and completed again later.
type DeliverArgs struct {
	NotificationIDs []int64 `json:"notification_ids,omitempty"`
	// NotificationID is the one notification of a job queued before jobs
	// carried several; such jobs are still delivered.
	NotificationID int64 `json:"notification_id,omitempty"`
}

// IDs lists the notifications the job delivers.
func (a DeliverArgs) IDs() []int64 {
	if a.NotificationID != 0 {
		return append([]int64{a.NotificationID}, a.NotificationIDs...)
	}
	return a.NotificationIDs
}

// Kind names the job.
func (DeliverArgs) Kind() string { return "notify_deliver" }

// InsertOpts retries a message for about a day (River's backoff) before it fails.
func (DeliverArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// Worker delivers queued notifications.
type Worker struct {
	river.WorkerDefaults[DeliverArgs]
	Service *Service
}

// Work delivers the job's notifications.
func (w *Worker) Work(ctx context.Context, job *river.Job[DeliverArgs]) error {
	return w.Service.DeliverEach(ctx, job.Args.IDs(), job.Attempt >= job.MaxAttempts)
}

// DeliverEach delivers each of ids as Deliver does, side by side, so that one
// notification's channel being slow, failing or rate limited neither holds nor
// fails the others. A notification sent is no longer pending, so a retry of the
// job sends only the rest. It returns the first error (River retries the job
// with its backoff), else the shortest snooze (a paused channel), else nil.
func (s *Service) DeliverEach(ctx context.Context, ids []int64, last bool) error {
	if len(ids) == 1 {
		return s.Deliver(ctx, ids[0], last)
	}
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i, id := range ids {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// River recovers a panic in Work, but not in a goroutine of its own,
			// where it would end the process.
			defer func() {
				if p := recover(); p != nil {
					s.opts.Logger.Error("a notification's delivery panicked", "notification", id, "panic", p, "stack", string(debug.Stack()))
					errs[i] = fmt.Errorf("notify: the delivery of notification %d panicked: %v", id, p)
				}
			}()
			errs[i] = s.Deliver(ctx, id, last)
		}()
	}
	wg.Wait()
	var snooze *rivertype.JobSnoozeError
	for _, err := range errs {
		var sn *rivertype.JobSnoozeError
		switch {
		case err == nil:
		case errors.As(err, &sn):
			if snooze == nil || sn.Duration < snooze.Duration {
				snooze = sn
			}
		default:
			return err
		}
	}
	if snooze != nil {
		return snooze
	}
	return nil
}

// Deliver sends notification id once, if it is still pending, and records the
// outcome; last says this is the job's last attempt, so an error fails the row.
// It returns an error for River to retry, or river.JobSnooze when rate limited.
func (s *Service) Deliver(ctx context.Context, id int64, last bool) error {
	// The common case in one statement: a pending notification on a registered
	// channel that is neither down nor paused has its attempt counted (before
	// the send, so a crash mid-send still counts) and comes back. Anything else
	// (gone, not pending, a preview, a channel down or paused) takes the steps
	// below, which count no attempt for what they do not send.
	now := s.now()
	n, ok, err := s.claim(ctx, id, now)
	if err != nil {
		return err
	}
	if ok {
		return s.send(ctx, s.channel(n.Channel), n, now, last)
	}
	n, state, err := s.load(ctx, id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil // its ticket was deleted, and the notification with it
	}
	if err != nil {
		return err
	}
	if state != StatePending {
		return nil // sent already (a re-run after a crash), dead, or a preview
	}
	ch := s.channel(n.Channel)
	if ch == nil {
		text, err := s.previewText(ctx, s.db.R, n)
		if err != nil {
			return err
		}
		return s.finish(ctx, id, StatePreview, "", text, "")
	}
	cs, err := s.channelState(ctx, n.Channel)
	if err != nil {
		return err
	}
	now = s.now()
	if cs.Down {
		s.met.failed.WithLabelValues(n.Channel).Inc()
		return s.finish(ctx, id, StateFailed, "", "", "channel down: "+cs.Reason)
	}
	if cs.PausedUntil != nil && cs.PausedUntil.After(now) {
		return river.JobSnooze(cs.PausedUntil.Sub(now))
	}
	if err := s.write(ctx, func(w writer) error {
		_, err := w.ExecContext(ctx, "UPDATE notifications SET attempts = attempts + 1, updated_at = $2 WHERE id = $1", id, now)
		return err
	}); err != nil {
		return fmt.Errorf("notify: unable to count an attempt: %w", err)
	}
	return s.send(ctx, ch, n, now, last)
}

// send asks ch to deliver n, whose attempt is counted, and records the outcome.
func (s *Service) send(ctx context.Context, ch Channel, n Notification, now time.Time, last bool) error {
	id := n.ID
	rc, err := ch.Deliver(ctx, n)
	var retry *RetryAfterError
	switch {
	case err == nil:
		st := StateSent
		if rc.Preview {
			st = StatePreview
		}
		s.met.sent.WithLabelValues(n.Channel).Inc()
		return s.finish(ctx, id, st, rc.ExternalID, rc.Text, "")
	case errors.Is(err, ErrRecipientGone):
		s.met.failed.WithLabelValues(n.Channel).Inc()
		return s.finish(ctx, id, StateDead, "", "", err.Error())
	case errors.Is(err, ErrChannelDown):
		s.met.failed.WithLabelValues(n.Channel).Inc()
		if err := s.setDown(ctx, n.Channel, err.Error()); err != nil {
			return err
		}
		s.opts.Logger.Error("a notification channel refuses every message: sending on it stops until an admin resumes it on /admin/notifications",
			"channel", n.Channel, "err", err)
		return s.finish(ctx, id, StateFailed, "", "", err.Error())
	case errors.As(err, &retry):
		s.met.retried.WithLabelValues(n.Channel).Inc()
		if err := s.pause(ctx, n.Channel, now.Add(retry.After)); err != nil {
			return err
		}
		if err := s.note(ctx, id, err.Error()); err != nil {
			return err
		}
		return river.JobSnooze(retry.After)
	case last:
		s.met.failed.WithLabelValues(n.Channel).Inc()
		if ferr := s.finish(ctx, id, StateFailed, "", "", err.Error()); ferr != nil {
			return ferr
		}
		return err
	default:
		s.met.retried.WithLabelValues(n.Channel).Inc()
		if nerr := s.note(ctx, id, err.Error()); nerr != nil {
			return nerr
		}
		return err
	}
}

// claim counts an attempt at notification id and reads it back, in one
// statement, if it can be sent now: still pending, on a channel registered in
// this process, and that channel neither down nor paused past now (the row of
// notification_channels, shared by every instance). ok is false, with nothing
// written, otherwise.
func (s *Service) claim(ctx context.Context, id int64, now time.Time) (n Notification, ok bool, err error) {
	s.mu.RLock()
	names := make([]string, 0, len(s.channels))
	for name := range s.channels {
		names = append(names, name)
	}
	s.mu.RUnlock()
	if len(names) == 0 {
		return n, false, nil
	}
	// In a fixed order, so that the statement's text is always the same one.
	slices.Sort(names)
	args := []any{id, now, true}
	in := make([]string, len(names))
	for i, name := range names {
		args = append(args, name)
		in[i] = fmt.Sprintf("$%d", len(args))
	}
	var user, dep, event sql.NullInt64
	// Times compare as text on SQLite (db.TimeFormat keeps them in order).
	err = s.write(ctx, func(w writer) error {
		return w.QueryRowContext(ctx, `UPDATE notifications SET attempts = attempts + 1, updated_at = $2
	WHERE id = $1 AND state = 'pending' AND channel IN (`+strings.Join(in, ", ")+`)
	AND NOT EXISTS (SELECT 1 FROM notification_channels c WHERE c.channel = notifications.channel AND (c.down = $3 OR c.paused_until > $2))
	RETURNING id, channel, kind, user_id, department_id, ticket_id, event_id, lang, created_at`, args...).
			Scan(&n.ID, &n.Channel, &n.Kind, &user, &dep, &n.TicketID, &event, &n.Lang, &n.CreatedAt)
	})
	if errors.Is(err, sql.ErrNoRows) {
		return n, false, nil
	}
	if err != nil {
		return n, false, fmt.Errorf("notify: unable to count an attempt: %w", err)
	}
	n.UserID, n.DepartmentID, n.EventID = user.Int64, dep.Int64, event.Int64
	return n, true, nil
}

// load reads notification id and its state.
func (s *Service) load(ctx context.Context, id int64) (Notification, string, error) {
	var n Notification
	var state string
	var user, dep, event sql.NullInt64
	err := s.db.W.QueryRowContext(ctx, `SELECT id, channel, kind, user_id, department_id, ticket_id, event_id, lang, created_at, state
	FROM notifications WHERE id = $1`, id).Scan(&n.ID, &n.Channel, &n.Kind, &user, &dep, &n.TicketID, &event, &n.Lang, &n.CreatedAt, &state)
	if err != nil {
		return n, "", err
	}
	n.UserID, n.DepartmentID, n.EventID = user.Int64, dep.Int64, event.Int64
	return n, state, nil
}

// recordTimeout bounds the write of an outcome. It runs even when the job's
// context ended (a stop): the message has gone, and the row must say so.
const recordTimeout = 10 * time.Second

// finish records the outcome of notification id, if it is still pending.
func (s *Service) finish(ctx context.Context, id int64, state, externalID, text, lastError string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	now := s.now()
	var sentAt any
	if state == StateSent || state == StatePreview {
		sentAt = now
	}
	err := s.write(ctx, func(w writer) error {
		_, err := w.ExecContext(ctx, `UPDATE notifications SET state = $2, external_id = $3,
	text = CASE WHEN $4 = '' THEN text ELSE $4 END, last_error = $5, sent_at = $6, updated_at = $7
	WHERE id = $1 AND state = 'pending'`, id, state, externalID, text, truncate(lastError, 1000), sentAt, now)
		return err
	})
	if err != nil {
		return fmt.Errorf("notify: unable to record the outcome of notification %d: %w", id, err)
	}
	return nil
}

// note keeps the last error of a notification that will be tried again.
func (s *Service) note(ctx context.Context, id int64, lastError string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	err := s.write(ctx, func(w writer) error {
		_, err := w.ExecContext(ctx, "UPDATE notifications SET last_error = $2, updated_at = $3 WHERE id = $1",
			id, truncate(lastError, 1000), s.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("notify: unable to record an error: %w", err)
	}
	return nil
}

// writer is what a delivery step writes with: a transaction shared with other
// writers (SQLite) or the writer pool itself (PostgreSQL).
type writer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write runs one step of a delivery: the claim before the send, the outcome
// after it. On SQLite the step joins the database's group commit (db.Group)
// with the filings and the other deliveries: as a statement of its own it took
// the one writer connection for a commit and an fsync, two per notification,
// between two batches of filings, which then waited (a filing's shared commit
// was 1.2 ms of waiting for the writer in 4.7). On PostgreSQL a statement of its
// own runs on a connection of its own beside the batches, which joining them
// would only lengthen. Either way fn's write is committed when write returns nil.
func (s *Service) write(ctx context.Context, fn func(w writer) error) error {
	if s.db.Dialect == db.SQLite {
		return s.db.Group().Do(ctx, func(tx *sql.Tx) error { return fn(tx) })
	}
	return fn(s.db.W)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

// ChannelState is a channel's state, shared by every instance.
type ChannelState struct {
	Channel string
	// Down: the channel refused every message; nothing is sent until an admin
	// resumes it. Reason is the error it gave.
	Down   bool
	Reason string
	// PausedUntil: rate limited; no message leaves before then.
	PausedUntil *time.Time
	UpdatedAt   time.Time
}

// channelState reads one channel's state (a primary key lookup per delivery).
func (s *Service) channelState(ctx context.Context, channel string) (ChannelState, error) {
	cs := ChannelState{Channel: channel}
	var paused db.NullTime
	err := s.db.W.QueryRowContext(ctx, "SELECT down, down_reason, paused_until, updated_at FROM notification_channels WHERE channel = $1", channel).
		Scan(&cs.Down, &cs.Reason, &paused, &cs.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return cs, nil
	}
	if err != nil {
		return cs, fmt.Errorf("notify: unable to read the state of channel %s: %w", channel, err)
	}
	if paused.Valid {
		t := paused.Time
		cs.PausedUntil = &t
	}
	return cs, nil
}

// setDown marks a channel down for every instance.
func (s *Service) setDown(ctx context.Context, channel, reason string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	_, err := s.db.W.ExecContext(ctx, `INSERT INTO notification_channels (channel, down, down_reason, updated_at) VALUES ($1, $2, $3, $4)
	ON CONFLICT (channel) DO UPDATE SET down = $2, down_reason = $3, updated_at = $4`, channel, true, truncate(reason, 1000), s.now())
	if err != nil {
		return fmt.Errorf("notify: unable to mark channel %s down: %w", channel, err)
	}
	return nil
}

// pause makes the whole channel wait until until (never shortening a pause).
func (s *Service) pause(ctx context.Context, channel string, until time.Time) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	cs, err := s.channelState(ctx, channel)
	if err != nil {
		return err
	}
	if cs.PausedUntil != nil && cs.PausedUntil.After(until) {
		return nil
	}
	_, err = s.db.W.ExecContext(ctx, `INSERT INTO notification_channels (channel, down, paused_until, updated_at) VALUES ($1, $2, $3, $4)
	ON CONFLICT (channel) DO UPDATE SET paused_until = $3, updated_at = $4`, channel, false, until.UTC(), s.now())
	if err != nil {
		return fmt.Errorf("notify: unable to pause channel %s: %w", channel, err)
	}
	return nil
}
