package tickets

// This file is the ticket itself: filing (with routing and assignment in one
// transaction), reading with scoping, the "me too" duplicate lookup and following.
// transitions.go moves a ticket through its life; assign.go picks the executor.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

// Status is where a ticket is in its life.
type Status string

// The statuses; new, assigned and in_progress are open.
const (
	StatusNew        Status = "new"
	StatusAssigned   Status = "assigned"
	StatusInProgress Status = "in_progress"
	StatusDone       Status = "done"
	StatusCancelled  Status = "cancelled"
)

// Open reports whether the ticket still needs work.
func (s Status) Open() bool {
	return s == StatusNew || s == StatusAssigned || s == StatusInProgress
}

// How a ticket's department was chosen.
const (
	RoutedByRule    = "rule"
	RoutedByDefault = "default"
	RoutedByNone    = "none"
)

// Event kinds.
const (
	EventFiled      = "filed"
	EventRouted     = "routed"
	EventAssigned   = "assigned"
	EventTaken      = "taken"
	EventStarted    = "started"
	EventDone       = "done"
	EventCancelled  = "cancelled"
	EventReassigned = "reassigned"
	EventReopened   = "reopened"
	EventComment    = "comment"
	// EventFollowed is "me too": someone who was not following the ticket started to.
	EventFollowed = "followed"
)

// MaxText is the longest comment, resolution or cancel reason, in characters.
const MaxText = 2000

// ReopenWindow is how long after completion the reporter may reopen a ticket.
const ReopenWindow = 7 * 24 * time.Hour

// Ticket is one report of a problem on a device.
type Ticket struct {
	ID, AssetID, ProblemID int64
	Comment                string
	ReporterID             int64
	// DepartmentID is 0 for an unrouted ticket.
	DepartmentID int64
	// RuleID is the rule that routed the ticket (0 for default or none); the rule may
	// have been deleted since.
	RuleID   int64
	RoutedBy string
	// AssigneeID is 0 while the ticket waits in its department's queue.
	AssigneeID    int64
	Status        Status
	CreatedAt     time.Time
	AssignedAt    *time.Time
	StartedAt     *time.Time
	DoneAt        *time.Time
	CancelledAt   *time.Time
	Resolution    string
	CancelReason  string
	ReopenedCount int
}

// Event is one line of a ticket's history.
type Event struct {
	ID, TicketID int64
	// ActorID is 0 for the system.
	ActorID   int64
	Kind      string
	Detail    string
	CreatedAt time.Time
}

// Service files and works tickets.
type Service struct {
	db     *db.DB
	rules  *Rules
	assets *assets.Service
	now    func() time.Time
}

// NewService returns the tickets service; now is the clock (time.Now when nil).
func NewService(d *db.DB, rules *Rules, as *assets.Service, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	return &Service{db: d, rules: rules, assets: as, now: now}
}

// FileInput is a report: the device, the problem, an optional comment and photo.
type FileInput struct {
	AssetID   int64
	ProblemID int64
	Comment   string
	// Photo is the raw upload, optional: checked, decoded, downscaled and re-encoded
	// as JPEG before it is stored (photo.go).
	Photo []byte
	// IdempotencyKey is optional: the same key from the same user within 24 hours
	// returns the ticket the first filing created (idempotency.go).
	IdempotencyKey string
}

var errTransition = apperr.New(apperr.Conflict, "ticket.transition")

func requireLogin(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	return nil
}

// checkText validates a free text; empty is allowed here (callers that need text
// check that themselves).
func checkText(f *apperr.Fields, field, s string) {
	switch {
	case !utf8.ValidString(s) || strings.ContainsRune(s, 0):
		f.Add(field, "ticket.text_invalid")
	case utf8.RuneCountInString(s) > MaxText:
		f.Add(field, "ticket.text_too_long", "Max", MaxText)
	}
}

// requiredText validates a text that must not be blank and returns it trimmed.
func requiredText(field, s string) (string, error) {
	var f apperr.Fields
	s = strings.TrimSpace(s)
	if s == "" {
		f.Add(field, "ticket.text_required")
	}
	checkText(&f, field, s)
	return s, f.Err()
}

// File files a ticket for actor: routes it, assigns it to the least-loaded available
// executor of the department (or leaves it in the department's queue), and makes the
// reporter a follower. The ticket, its events, its photo and its idempotency key are
// written in one transaction: a failure anywhere leaves none of them.
func (s *Service) File(ctx context.Context, actor *users.User, in FileInput) (*Ticket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	comment := strings.TrimSpace(in.Comment)
	var f apperr.Fields
	checkText(&f, "comment", comment)
	checkIdempotencyKey(&f, in.IdempotencyKey)
	if err := f.Err(); err != nil {
		return nil, err
	}
	var hash string
	if in.IdempotencyKey != "" {
		// A repeat is answered before anything else is checked: the device may have
		// been archived since the first, successful, attempt.
		hash = requestHash(in.AssetID, in.ProblemID, comment, in.Photo)
		id, err := s.replay(ctx, s.db.R, actor.ID, in.IdempotencyKey, hash, s.now().UTC())
		if err != nil {
			return nil, err
		}
		if id != 0 {
			return s.load(ctx, s.db.R, id)
		}
	}
	v, err := s.assets.ViewByID(ctx, actor, in.AssetID)
	if err != nil {
		return nil, err
	}
	if v.Asset.Archived {
		return nil, apperr.New(apperr.Conflict, "ticket.asset_archived")
	}
	if _, ok := v.Offers(in.ProblemID); !ok {
		f.Add("problem_type_id", "ticket.problem_not_offered")
	}
	var upload *photoUpload
	if len(in.Photo) > 0 {
		if upload, err = inspectPhoto(in.Photo); err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				return nil, err
			}
			f = append(f, apperr.As(err).Fields...)
		}
	}
	if err := f.Err(); err != nil {
		return nil, err
	}
	var photo *Photo
	if upload != nil {
		// Decoded before the transaction: on SQLite the writer is one connection,
		// and nobody else should wait while a photo is scaled.
		if photo, err = upload.prepare(ctx); err != nil {
			return nil, err
		}
	}
	a := v.Asset
	search := SearchText(comment, a.Name, a.Code, a.InventoryNumber, a.Location.String())
	now := s.now().UTC()
	var id int64
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		route, err := resolve(ctx, tx, v.Class.ID, v.Type.ID, in.ProblemID)
		if err != nil {
			return err
		}
		routedBy, detail := RoutedByRule, strconv.FormatInt(route.RuleID, 10)
		switch {
		case route.Unrouted:
			routedBy, detail = RoutedByNone, RoutedByNone
		case route.Default:
			routedBy, detail = RoutedByDefault, RoutedByDefault
		}
		var assignee int64
		if route.DepartmentID != 0 {
			if assignee, err = pickExecutor(ctx, tx, s.db.Dialect, route.DepartmentID); err != nil {
				return err
			}
		}
		status, assignedAt := StatusNew, any(nil)
		if assignee != 0 {
			status, assignedAt = StatusAssigned, now
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO tickets (asset_id, problem_type_id, comment, reporter_id, department_id, rule_id, routed_by,
			assignee_id, status, created_at, assigned_at, search) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			a.ID, in.ProblemID, comment, actor.ID, nullID(route.DepartmentID), nullID(route.RuleID), routedBy,
			nullID(assignee), string(status), now, assignedAt, search).Scan(&id)
		if err != nil {
			return fmt.Errorf("tickets: unable to file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2)", id, actor.ID); err != nil {
			return fmt.Errorf("tickets: unable to add the reporter as follower: %w", err)
		}
		if err := addEvent(ctx, tx, id, actor.ID, EventFiled, "", now); err != nil {
			return err
		}
		if err := addEvent(ctx, tx, id, 0, EventRouted, detail, now); err != nil {
			return err
		}
		if assignee != 0 {
			if err := addEvent(ctx, tx, id, 0, EventAssigned, strconv.FormatInt(assignee, 10), now); err != nil {
				return err
			}
		}
		if photo != nil {
			if err := insertPhoto(ctx, tx, id, photo, now); err != nil {
				return err
			}
		}
		if in.IdempotencyKey != "" {
			return rememberKey(ctx, tx, actor.ID, in.IdempotencyKey, hash, id, now)
		}
		return nil
	})
	if errors.Is(err, errKeyTaken) {
		// A twin with the same key committed first; ours was rolled back. Answer
		// with the twin's ticket (or Conflict if the twin asked for something else).
		twin, rerr := s.replay(ctx, s.db.R, actor.ID, in.IdempotencyKey, hash, now)
		if rerr != nil {
			return nil, rerr
		}
		if twin == 0 {
			return nil, fmt.Errorf("tickets: idempotency key %q collided but cannot be read back", in.IdempotencyKey)
		}
		return s.load(ctx, s.db.R, twin)
	}
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.R, id)
}

func addEvent(ctx context.Context, tx *sql.Tx, ticketID, actorID int64, kind, detail string, at time.Time) error {
	_, err := tx.ExecContext(ctx, "INSERT INTO ticket_events (ticket_id, actor_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5)",
		ticketID, nullID(actorID), kind, detail, at)
	if err != nil {
		return fmt.Errorf("tickets: unable to record event %s: %w", kind, err)
	}
	return nil
}

const ticketSelect = `SELECT id, asset_id, problem_type_id, comment, reporter_id, COALESCE(department_id, 0), COALESCE(rule_id, 0), routed_by,
	COALESCE(assignee_id, 0), status, created_at, assigned_at, started_at, done_at, cancelled_at, resolution, cancel_reason, reopened_count
FROM tickets`

func scanTicket(row interface{ Scan(...any) error }) (*Ticket, error) {
	var t Ticket
	var status string
	var at [4]sql.NullTime
	err := row.Scan(&t.ID, &t.AssetID, &t.ProblemID, &t.Comment, &t.ReporterID, &t.DepartmentID, &t.RuleID, &t.RoutedBy,
		&t.AssigneeID, &status, &t.CreatedAt, &at[0], &at[1], &at[2], &at[3], &t.Resolution, &t.CancelReason, &t.ReopenedCount)
	if err != nil {
		return nil, err
	}
	t.Status = Status(status)
	ptr := func(n sql.NullTime) *time.Time {
		if !n.Valid {
			return nil
		}
		v := n.Time
		return &v
	}
	t.AssignedAt, t.StartedAt, t.DoneAt, t.CancelledAt = ptr(at[0]), ptr(at[1]), ptr(at[2]), ptr(at[3])
	return &t, nil
}

type rowQuerier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func (s *Service) load(ctx context.Context, q rowQuerier, id int64) (*Ticket, error) {
	t, err := scanTicket(q.QueryRowContext(ctx, ticketSelect+" WHERE id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to read ticket %d: %w", id, err)
	}
	return t, nil
}

func (s *Service) isFollower(ctx context.Context, ticketID, userID int64) (bool, error) {
	var n int
	err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM ticket_followers WHERE ticket_id = $1 AND user_id = $2", ticketID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("tickets: unable to read followers: %w", err)
	}
	return n > 0, nil
}

// staffOf reports whether actor works in the ticket's department (executor or head).
func staffOf(actor *users.User, t *Ticket) bool {
	return t.DepartmentID != 0 && (actor.Has(users.RoleExecutor) || actor.Has(users.RoleHead)) && actor.InDepartment(t.DepartmentID)
}

// headOf reports whether actor heads the ticket's department.
func headOf(actor *users.User, t *Ticket) bool {
	return t.DepartmentID != 0 && actor.Has(users.RoleHead) && actor.InDepartment(t.DepartmentID)
}

// visible loads ticket id if actor may see it: the reporter, followers, the
// assignee, staff of its department, heads and admins. Anyone else gets NotFound,
// the same answer as for an absent ticket, so ids do not leak.
func (s *Service) visible(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	t, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return nil, err
	}
	if actor.IsAdmin() || actor.Has(users.RoleHead) || t.ReporterID == actor.ID || t.AssigneeID == actor.ID || staffOf(actor, t) {
		return t, nil
	}
	ok, err := s.isFollower(ctx, id, actor.ID)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, notFound
	}
	return t, nil
}

// Get returns ticket id if actor may see it (NotFound otherwise).
func (s *Service) Get(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	return s.visible(ctx, actor, id)
}

// Events returns the ticket's history, oldest first.
func (s *Service) Events(ctx context.Context, actor *users.User, id int64) ([]Event, error) {
	if _, err := s.visible(ctx, actor, id); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT id, ticket_id, COALESCE(actor_id, 0), kind, detail, created_at FROM ticket_events WHERE ticket_id = $1 ORDER BY id", id)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		if err := rows.Scan(&e.ID, &e.TicketID, &e.ActorID, &e.Kind, &e.Detail, &e.CreatedAt); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an event: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// OpenDuplicate returns the open ticket for the same device and problem, for "me
// too", or nil when there is none. Anyone who may see the device may ask.
func (s *Service) OpenDuplicate(ctx context.Context, actor *users.User, assetID, problemID int64) (*Ticket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	if _, err := s.assets.ViewByID(ctx, actor, assetID); err != nil {
		return nil, err
	}
	t, err := scanTicket(s.db.R.QueryRowContext(ctx, ticketSelect+` WHERE asset_id = $1 AND problem_type_id = $2
		AND status IN ('new', 'assigned', 'in_progress') ORDER BY id LIMIT 1`, assetID, problemID))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to look up a duplicate: %w", err)
	}
	return t, nil
}

// Follow makes actor a follower of ticket id ("me too"). Besides those who may see
// the ticket, anyone who may see its device may follow it while it is open. A new
// follower is an event in the history ("X: me too"); following again changes nothing.
func (s *Service) Follow(ctx context.Context, actor *users.User, id int64) error {
	t, err := s.visible(ctx, actor, id)
	if apperr.CodeOf(err) == apperr.NotFound && actor != nil {
		t, err = s.load(ctx, s.db.R, id)
		if err == nil {
			if _, verr := s.assets.ViewByID(ctx, actor, t.AssetID); verr != nil || !t.Status.Open() {
				return notFound
			}
		}
	}
	if err != nil {
		return err
	}
	now := s.now().UTC()
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		const insert = "INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2) ON CONFLICT (ticket_id, user_id) DO NOTHING"
		res, err := tx.ExecContext(ctx, insert, t.ID, actor.ID)
		if err != nil {
			return fmt.Errorf("tickets: unable to follow: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("tickets: unable to follow: %w", err)
		}
		if n == 0 {
			return nil
		}
		return addEvent(ctx, tx, t.ID, actor.ID, EventFollowed, "", now)
	})
}

// Unfollow stops actor following ticket id; not following is no error.
func (s *Service) Unfollow(ctx context.Context, actor *users.User, id int64) error {
	if err := requireLogin(actor); err != nil {
		return err
	}
	if _, err := s.db.W.ExecContext(ctx, "DELETE FROM ticket_followers WHERE ticket_id = $1 AND user_id = $2", id, actor.ID); err != nil {
		return fmt.Errorf("tickets: unable to unfollow: %w", err)
	}
	return nil
}

// Number is how people name the ticket: on pages, in messages and in the API.
func (t *Ticket) Number() string { return "T-" + strconv.FormatInt(t.ID, 10) }
