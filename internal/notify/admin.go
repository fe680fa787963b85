package notify

// What administrators read and do on /admin/notifications: the notifications by
// state, a page at a time; a retry of one that failed or died; the channels that
// are down (an alert on that page and on their home page) and their resumption.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Row is a notification as the admin page lists it.
type Row struct {
	Notification
	State, LastError, Text, ExternalID string
	Attempts                           int
	NotBefore, UpdatedAt               time.Time
	SentAt                             *time.Time
	// RecipientName is the person's name or e-mail; DepartmentEN and
	// DepartmentRU name a department's chat.
	RecipientName, RecipientEmail string
	DepartmentEN, DepartmentRU    string
}

// Retriable reports whether an admin may send r again.
func (r Row) Retriable() bool { return r.State == StateFailed || r.State == StateDead }

// Filter selects a page of notifications: a state ("" for all) and the page
// before id AfterID (newest first; 0 for the first page).
type Filter struct {
	State   string
	AfterID int64
	Limit   int
}

func requireAdmin(actor *users.User) error {
	switch {
	case actor == nil:
		return apperr.New(apperr.Unauthenticated, "login.required")
	case !actor.IsAdmin():
		return apperr.New(apperr.Forbidden, "error.forbidden")
	}
	return nil
}

// List returns a page of notifications for an administrator, newest first.
func (s *Service) List(ctx context.Context, actor *users.User, f Filter) ([]Row, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	if f.State != "" && !slices.Contains(States, f.State) {
		var fe apperr.Fields
		fe.Add("state", "notify.state_unknown")
		return nil, fe.Err()
	}
	if f.Limit <= 0 || f.Limit > 200 {
		f.Limit = 50
	}
	q := `SELECT n.id, n.channel, n.kind, COALESCE(n.user_id, 0), COALESCE(n.department_id, 0), n.ticket_id, COALESCE(n.event_id, 0), n.lang,
	n.created_at, n.state, n.last_error, n.text, n.external_id, n.attempts, n.not_before, n.updated_at, n.sent_at,
	COALESCE(u.full_name, ''), COALESCE(u.email, ''), COALESCE(d.name_en, ''), COALESCE(d.name_ru, '')
FROM notifications n LEFT JOIN users u ON u.id = n.user_id LEFT JOIN departments d ON d.id = n.department_id
WHERE ($1 = '' OR n.state = $1) AND n.id < $2 ORDER BY n.id DESC LIMIT $3`
	before := f.AfterID
	if before <= 0 {
		before = math.MaxInt64
	}
	rows, err := s.db.R.QueryContext(ctx, q, f.State, before, f.Limit)
	if err != nil {
		return nil, fmt.Errorf("notify: unable to list notifications: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		var sent db.NullTime
		if err := rows.Scan(&r.ID, &r.Channel, &r.Kind, &r.UserID, &r.DepartmentID, &r.TicketID, &r.EventID, &r.Lang, &r.CreatedAt,
			&r.State, &r.LastError, &r.Text, &r.ExternalID, &r.Attempts, &r.NotBefore, &r.UpdatedAt, &sent,
			&r.RecipientName, &r.RecipientEmail, &r.DepartmentEN, &r.DepartmentRU); err != nil {
			return nil, fmt.Errorf("notify: unable to read notifications: %w", err)
		}
		if sent.Valid {
			t := sent.Time
			r.SentAt = &t
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// Counts returns how many notifications are in each state, for an administrator.
func (s *Service) Counts(ctx context.Context, actor *users.User) (map[string]int, error) {
	if err := requireAdmin(actor); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT state, COUNT(*) FROM notifications GROUP BY state")
	if err != nil {
		return nil, fmt.Errorf("notify: unable to count notifications: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}

// Retry queues a failed or dead notification again (administrators only);
// NotFound for an unknown id, Conflict for one in another state.
func (s *Service) Retry(ctx context.Context, actor *users.User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		res, err := tx.ExecContext(ctx, `UPDATE notifications SET state = 'pending', not_before = $2, updated_at = $2
		WHERE id = $1 AND state IN ('failed', 'dead')`, id, now)
		if err != nil {
			return fmt.Errorf("notify: unable to retry: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			var state string
			err := tx.QueryRowContext(ctx, "SELECT state FROM notifications WHERE id = $1", id).Scan(&state)
			if errors.Is(err, sql.ErrNoRows) {
				return apperr.New(apperr.NotFound, "error.not_found")
			}
			if err != nil {
				return err
			}
			return apperr.New(apperr.Conflict, "notify.not_retriable")
		}
		if err := s.requeue(ctx, tx, []int64{id}, now); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.NotificationRetried,
			Subject: fmt.Sprintf("notification %d", id), After: map[string]string{"state": "pending"}})
	})
}

// Alerts returns the channels that are down, for the admin page and home page
// (administrators only; nil for anyone else, with no query).
func (s *Service) Alerts(ctx context.Context, actor *users.User) ([]ChannelState, error) {
	if actor == nil || !actor.IsAdmin() {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT channel, down_reason, updated_at FROM notification_channels WHERE down = $1 ORDER BY channel", true)
	if err != nil {
		return nil, fmt.Errorf("notify: unable to read the channels: %w", err)
	}
	defer rows.Close()
	var out []ChannelState
	for rows.Next() {
		cs := ChannelState{Down: true}
		if err := rows.Scan(&cs.Channel, &cs.Reason, &cs.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, cs)
	}
	return out, rows.Err()
}

// Resume lifts a channel's "down" (administrators only) and queues again the
// notifications of that channel that failed meanwhile, in one transaction.
func (s *Service) Resume(ctx context.Context, actor *users.User, channel string) (int, error) {
	if err := requireAdmin(actor); err != nil {
		return 0, err
	}
	if channel != ChannelTelegram && channel != ChannelMail {
		return 0, apperr.New(apperr.NotFound, "error.not_found")
	}
	count := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		now := s.now()
		var was struct {
			Down   bool   `json:"down"`
			Reason string `json:"reason,omitempty"`
		}
		err := tx.QueryRowContext(ctx, "SELECT down, down_reason FROM notification_channels WHERE channel = $1", channel).Scan(&was.Down, &was.Reason)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("notify: unable to read channel %s: %w", channel, err)
		}
		if _, err := tx.ExecContext(ctx, "UPDATE notification_channels SET down = $2, down_reason = '', paused_until = NULL, updated_at = $3 WHERE channel = $1",
			channel, false, now); err != nil {
			return fmt.Errorf("notify: unable to resume channel %s: %w", channel, err)
		}
		ids, err := idsOf(ctx, tx, "SELECT id FROM notifications WHERE channel = $1 AND state = 'failed' ORDER BY id", channel)
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, "UPDATE notifications SET state = 'pending', not_before = $2, updated_at = $2 WHERE id = $1", id, now); err != nil {
				return fmt.Errorf("notify: unable to queue again: %w", err)
			}
		}
		if err := s.requeue(ctx, tx, ids, now); err != nil {
			return err
		}
		count = len(ids)
		return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.ChannelResumed,
			Subject: "channel " + channel, Before: was, After: map[string]any{"down": false, "queued_again": count}})
	})
	return count, err
}

// requeue queues the delivery jobs of the pending notifications ids again, to
// run at at.
func (s *Service) requeue(ctx context.Context, tx *sql.Tx, ids []int64, at time.Time) error {
	ns := make([]*pending, len(ids))
	for i, id := range ids {
		ns[i] = &pending{n: Notification{ID: id}, notBefore: at, state: StatePending}
	}
	return s.queue(ctx, tx, ns)
}
