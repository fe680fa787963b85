package tickets

// This file is the ticket itself: filing (with routing and assignment in one
// transaction), reading with scoping, and following ("me too"). transitions.go
// moves a ticket through its life; assign.go picks the executor; view.go reads one
// ticket for a page; notify.go writes the history.

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/cache"
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
	// EventFollowed is "me too": someone who was not following the ticket started to
	// because they have the same problem (at the device, or as an employee).
	EventFollowed = "followed"
	// EventWatched is staff pressing "Get updates" on a ticket they see by their
	// role: they follow its news without having the problem, so the history must
	// not say "me too" for them.
	EventWatched = "watched"
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
	// UpkeepPlanID marks a ticket the system filed for an upkeep plan
	// (internal/upkeep); 0 for a ticket a person reported. The plan may be gone since.
	UpkeepPlanID int64
	// TakeBy, TakeWarnAt, DoneBy and DoneWarnAt are the due times and at-risk
	// times of its service level (sla.go); nil without a target. TakenAt is when an
	// executor took it from the queue or started it.
	TakeBy, TakeWarnAt, DoneBy, DoneWarnAt, TakenAt *time.Time
}

// Event is one line of a ticket's history, as stored and as a Notifier hears it.
type Event struct {
	ID, TicketID int64
	// ActorID is who made the change; 0 for the system (routing, automatic assignment).
	ActorID int64
	// SubjectID is the person the event is about: whom the ticket was assigned,
	// taken or reassigned to; 0 for events about nobody in particular.
	SubjectID int64
	Kind      string
	// Detail is the event's text: a comment, a resolution, a cancel reason, or how
	// the ticket was routed (a rule's id, "default", "none").
	Detail    string
	CreatedAt time.Time
	// Ticket is the ticket as the change left it, when the change has it at hand
	// (a filing), so a Notifier need not read it back inside the transaction; nil
	// otherwise. It is not stored with the event.
	Ticket *Ticket
}

// Service files and works tickets.
type Service struct {
	db       *db.DB
	rules    *Rules
	assets   *assets.Service
	now      func() time.Time
	notifier Notifier
	// loc is the office's time zone, in which working time is counted (sla.go).
	loc *time.Location
	// group shares one transaction and one commit among concurrent filings
	// (the database's db.Group, which on SQLite a notification's delivery steps
	// join too). On SQLite it spares an fsync per filing; on PostgreSQL it also
	// takes the rows every filing writes (the department's lock, the executor's
	// load, the report's counters) once per batch instead of once per filing,
	// each filing waiting for the previous one's commit.
	group *db.Group
	// caches keep what a filing reads besides the device (routing_cache.go).
	caches filingCaches
	// openLists keeps the device page's open tickets per device (open.go).
	openLists *openLists
}

// NewService returns the tickets service; now is the clock (time.Now when nil).
func NewService(d *db.DB, rules *Rules, as *assets.Service, now func() time.Time, opts ...Option) *Service {
	if now == nil {
		now = time.Now
	}
	s := &Service{db: d, rules: rules, assets: as, now: now, loc: time.UTC, group: d.Group(),
		caches: newFilingCaches(), openLists: newOpenLists()}
	for _, o := range opts {
		o(s)
	}
	return s
}

// FileInput is a report: the device, the problem, an optional comment and photo.
type FileInput struct {
	// AssetID or AssetCode names the device, exactly one of them: the id (the API)
	// or the code of its label (the scanned page, the API). File reads the device
	// once, with the same answers for either: NotFound for an unknown, malformed or
	// hidden one, assets.ErrReplaced for a re-issued code, Conflict when archived.
	AssetID   int64
	AssetCode string
	ProblemID int64
	Comment   string
	// Photo is the raw upload, optional: checked, decoded, downscaled and re-encoded
	// as JPEG before it is stored (photo.go).
	Photo []byte
	// IdempotencyKey is optional: the same key from the same user within 24 hours
	// returns the ticket the first filing created (idempotency.go).
	IdempotencyKey string
	// UpkeepPlanID marks the ticket as filed by that upkeep plan. tickets does not
	// know plans: the upkeep module passes its id and the two fields below.
	UpkeepPlanID int64
	// SkipIfOpen refuses the filing with ErrOpenExists when the device already has
	// an open ticket of the problem, checked in the filing's transaction.
	SkipIfOpen bool
	// Within runs in the filing's transaction after the ticket is written; its
	// error rolls the whole filing back. Upkeep records its run there, so a
	// ticket and its run row exist together or not at all.
	Within func(ctx context.Context, tx *sql.Tx, ticketID int64) error
}

// ErrOpenExists answers a filing with SkipIfOpen when the device already has an
// open ticket of that problem.
var ErrOpenExists = apperr.New(apperr.Conflict, "upkeep.open_exists")

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
	row, _, err := s.file(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	return &row.Ticket, nil
}

// FileBrief files as File does and answers with the ticket as Brief would read it
// right after (the API's answer to a filing). The row is made of what the filing
// already read and wrote: the device and the catalogue's names under this
// request's catalogue version, the department's names with the route, the
// executor's with the pick, the reporter's from the actor. Reading it back was one
// more statement per filing, the largest of the answer's costs. A repeat of an
// earlier filing (the same idempotency key) is read, as that filing may have
// changed since.
func (s *Service) FileBrief(ctx context.Context, actor *users.User, in FileInput) (*Brief, error) {
	row, whole, err := s.file(ctx, actor, in)
	if err != nil {
		return nil, err
	}
	if !whole {
		return s.Brief(ctx, actor, row.ID)
	}
	return s.brief(actor, row, true), nil // the reporter follows what they filed
}

// file is File and FileBrief: the row of the ticket filed, whole (not limited),
// or for a repeat of an earlier filing only its ticket as stored (whole false).
func (s *Service) file(ctx context.Context, actor *users.User, in FileInput) (row *Row, whole bool, err error) {
	if err := requireLogin(actor); err != nil {
		return nil, false, err
	}
	comment := strings.TrimSpace(in.Comment)
	var f apperr.Fields
	checkText(&f, "comment", comment)
	checkIdempotencyKey(&f, in.IdempotencyKey)
	switch {
	case in.AssetID != 0 && in.AssetCode != "":
		f.Add("asset_code", "ticket.asset_one")
	case in.AssetID == 0 && in.AssetCode == "":
		f.Add("asset_id", "ticket.asset_required")
	}
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	// Filing never changes the catalogue, so the device, its type, class and offers,
	// and in the transaction the route, the targets and the calendar
	// (routing_cache.go), may come from the caches under the version this request
	// read at its start.
	ctx = cache.CatalogueUnchanged(ctx)
	v, err := s.device(ctx, actor, in)
	if err != nil {
		return nil, false, err
	}
	var hash string
	if in.IdempotencyKey != "" {
		// A repeat is answered before anything else about the device is checked: it
		// may have been archived since the first, successful, attempt. The hash
		// names the device by id, so a repeat by code and by id are the same request.
		hash = requestHash(v.Asset.ID, in.ProblemID, comment, in.Photo)
		id, err := s.replay(ctx, s.db.R, actor.ID, in.IdempotencyKey, hash, s.now().UTC())
		if err != nil {
			return nil, false, err
		}
		if id != 0 {
			row, err := s.loadRow(ctx, id)
			return row, false, err
		}
	}
	if v.Asset.Archived {
		return nil, false, apperr.New(apperr.Conflict, "ticket.asset_archived")
	}
	o, ok := v.Offers(in.ProblemID)
	if !ok {
		f.Add("problem_type_id", "ticket.problem_not_offered")
	} else if o.Anything && comment == "" {
		// "Something else" says nothing by itself: the comment is the report.
		f.Add("comment", "loop.comment_required_anything")
	}
	var upload *photoUpload
	if len(in.Photo) > 0 {
		if upload, err = inspectPhoto(in.Photo); err != nil {
			if apperr.CodeOf(err) != apperr.Invalid {
				return nil, false, err
			}
			f = append(f, apperr.As(err).Fields...)
		}
	}
	if err := f.Err(); err != nil {
		return nil, false, err
	}
	var photo *Photo
	if upload != nil {
		// Decoded before the transaction: on SQLite the writer is one connection,
		// and nobody else should wait while a photo is scaled.
		if photo, err = upload.prepare(ctx); err != nil {
			return nil, false, err
		}
	}
	a := v.Asset
	search := SearchText(comment, a.Name, a.Code, a.InventoryNumber, a.Location.String())
	now := s.now().UTC()
	if s.db.Dialect == db.Postgres {
		// What PostgreSQL stores (pgx sends microseconds, truncated), so the ticket
		// answered below is the one a read would give.
		now = now.Truncate(time.Microsecond)
	}
	var id int64
	var filed *Ticket
	var assignee Person
	var departmentEN, departmentRU string
	outer := ctx
	err = s.fileTx(ctx, func(tx *sql.Tx) error {
		// Once its turn in the shared transaction comes, a filing runs to its end:
		// on PostgreSQL a statement cancelled mid-way could break the connection,
		// and the transaction with it, for every neighbour in the batch.
		ctx := context.WithoutCancel(outer)
		route, err := s.route(ctx, tx, v.Class.ID, v.Type.ID, in.ProblemID)
		if err != nil {
			return err
		}
		departmentEN, departmentRU = route.DepartmentEN, route.DepartmentRU
		routedBy, detail := RoutedByRule, strconv.FormatInt(route.RuleID, 10)
		switch {
		case route.Unrouted:
			routedBy, detail = RoutedByNone, RoutedByNone
		case route.Default:
			routedBy, detail = RoutedByDefault, RoutedByDefault
		}
		if in.SkipIfOpen {
			var open int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM tickets WHERE asset_id = $1 AND problem_type_id = $2
				AND status IN ('new', 'assigned', 'in_progress') LIMIT 1) o`, a.ID, in.ProblemID).Scan(&open); err != nil {
				return fmt.Errorf("tickets: unable to look for an open ticket: %w", err)
			}
			if open > 0 {
				return ErrOpenExists
			}
		}
		if route.DepartmentID != 0 {
			if assignee, err = pickExecutor(ctx, tx, s.db.Dialect, route.DepartmentID); err != nil {
				return err
			}
		}
		status, assignedAt := StatusNew, any(nil)
		if assignee.ID != 0 {
			status, assignedAt = StatusAssigned, now
		}
		due, err := s.dueAt(ctx, tx, route.DepartmentID, in.ProblemID, route.RuleID, now)
		if err != nil {
			return err
		}
		err = tx.QueryRowContext(ctx, `INSERT INTO tickets (asset_id, problem_type_id, comment, reporter_id, department_id, rule_id, routed_by,
			assignee_id, status, created_at, assigned_at, search, upkeep_plan_id, take_by, take_warn_at, done_by, done_warn_at, sla_next_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) RETURNING id`,
			a.ID, in.ProblemID, comment, actor.ID, nullID(route.DepartmentID), nullID(route.RuleID), routedBy,
			nullID(assignee.ID), string(status), now, assignedAt, search, nullID(in.UpkeepPlanID),
			nullTime(due.TakeBy), nullTime(due.TakeWarnAt), nullTime(due.DoneBy), nullTime(due.DoneWarnAt), nullTime(due.Next())).Scan(&id)
		if err != nil {
			return fmt.Errorf("tickets: unable to file: %w", err)
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2)", id, actor.ID); err != nil {
			return fmt.Errorf("tickets: unable to add the reporter as follower: %w", err)
		}
		filed = &Ticket{ID: id, AssetID: a.ID, ProblemID: in.ProblemID, Comment: comment, ReporterID: actor.ID,
			DepartmentID: route.DepartmentID, RuleID: route.RuleID, RoutedBy: routedBy, AssigneeID: assignee.ID, Status: status,
			CreatedAt: now, UpkeepPlanID: in.UpkeepPlanID, TakeBy: utc(due.TakeBy), TakeWarnAt: utc(due.TakeWarnAt),
			DoneBy: utc(due.DoneBy), DoneWarnAt: utc(due.DoneWarnAt)}
		if assignee.ID != 0 {
			filed.AssignedAt = &now
		}
		// Each event carries a copy of the ticket (Event.Ticket), so the
		// notifier reads no row back.
		snapshot := func() *Ticket { c := *filed; return &c }
		events := []*Event{{TicketID: id, ActorID: actor.ID, Kind: EventFiled, CreatedAt: now, Ticket: snapshot()},
			{TicketID: id, Kind: EventRouted, Detail: detail, CreatedAt: now, Ticket: snapshot()}}
		if assignee.ID != 0 {
			events = append(events, &Event{TicketID: id, SubjectID: assignee.ID, Kind: EventAssigned, CreatedAt: now, Ticket: snapshot()})
		}
		if err := s.addEvents(ctx, tx, events...); err != nil {
			return err
		}
		if photo != nil {
			if err := insertPhoto(ctx, tx, id, photo, now); err != nil {
				return err
			}
		}
		if in.Within != nil {
			if err := in.Within(ctx, tx, id); err != nil {
				return err
			}
		}
		if in.IdempotencyKey != "" {
			if err := rememberKey(ctx, tx, actor.ID, in.IdempotencyKey, hash, id, now); err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, errKeyTaken) {
		// A twin with the same key committed first; ours was rolled back. Answer
		// with the twin's ticket (or Conflict if the twin asked for something else).
		twin, rerr := s.replay(ctx, s.db.R, actor.ID, in.IdempotencyKey, hash, now)
		if rerr != nil {
			return nil, false, rerr
		}
		if twin == 0 {
			return nil, false, fmt.Errorf("tickets: idempotency key %q collided but cannot be read back", in.IdempotencyKey)
		}
		row, err := s.loadRow(ctx, twin)
		return row, false, err
	}
	if err != nil {
		return nil, false, err
	}
	// The ticket as written, not read back: a read after the commit was one more
	// statement per filing for what this function already knows.
	return &Row{Ticket: *filed, AssetName: a.Name, AssetCode: a.Code, Location: a.Location.String(), InventoryNumber: a.InventoryNumber,
		ClassID: v.Class.ID, TypeID: v.Type.ID, ClassEN: v.Class.EN, ClassRU: v.Class.RU, TypeEN: v.Type.EN, TypeRU: v.Type.RU,
		ProblemEN: o.EN, ProblemRU: o.RU, ReporterName: actor.FullName, ReporterEmail: actor.Email,
		DepartmentEN: departmentEN, DepartmentRU: departmentRU, AssigneeName: assignee.Name, AssigneeEmail: assignee.Email,
		FollowersCount: 1, HasPhoto: photo != nil}, true, nil
}

// loadRow is a filing's answer when the ticket was filed before (a repeat): the
// ticket as stored, and no more (FileBrief reads the rest).
func (s *Service) loadRow(ctx context.Context, id int64) (*Row, error) {
	t, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return nil, err
	}
	return &Row{Ticket: *t}, nil
}

// fileTx runs a filing's writes in a commit shared with concurrent filings, each
// in its own savepoint, answered after the commit (db.Group).
func (s *Service) fileTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	return s.group.Do(ctx, fn)
}

// device reads the device a filing names, by id or by code, once.
func (s *Service) device(ctx context.Context, actor *users.User, in FileInput) (*assets.View, error) {
	if in.AssetCode != "" {
		return s.assets.LookupByCode(ctx, actor, in.AssetCode)
	}
	return s.assets.ViewByID(ctx, actor, in.AssetID)
}

const ticketSelect = `SELECT id, asset_id, problem_type_id, comment, reporter_id, COALESCE(department_id, 0), COALESCE(rule_id, 0), routed_by,
	COALESCE(assignee_id, 0), status, created_at, assigned_at, started_at, done_at, cancelled_at, resolution, cancel_reason, reopened_count,
	COALESCE(upkeep_plan_id, 0), take_by, take_warn_at, done_by, done_warn_at, taken_at
FROM tickets`

func scanTicket(row interface{ Scan(...any) error }) (*Ticket, error) {
	var t Ticket
	var status string
	var at [9]sql.NullTime
	err := row.Scan(&t.ID, &t.AssetID, &t.ProblemID, &t.Comment, &t.ReporterID, &t.DepartmentID, &t.RuleID, &t.RoutedBy,
		&t.AssigneeID, &status, &t.CreatedAt, &at[0], &at[1], &at[2], &at[3], &t.Resolution, &t.CancelReason, &t.ReopenedCount,
		&t.UpkeepPlanID, &at[4], &at[5], &at[6], &at[7], &at[8])
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
	t.TakeBy, t.TakeWarnAt, t.DoneBy, t.DoneWarnAt, t.TakenAt = ptr(at[4]), ptr(at[5]), ptr(at[6]), ptr(at[7]), ptr(at[8])
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

// staffOf reports whether actor works in the ticket's department (executor or head).
func staffOf(actor *users.User, t *Ticket) bool {
	return t.DepartmentID != 0 && (actor.Has(users.RoleExecutor) || actor.Has(users.RoleHead)) && actor.InDepartment(t.DepartmentID)
}

// headOf reports whether actor heads the ticket's department.
func headOf(actor *users.User, t *Ticket) bool {
	return t.DepartmentID != 0 && actor.Has(users.RoleHead) && actor.InDepartment(t.DepartmentID)
}

// seesFully reports whether actor may see all of the ticket: the reporter, the
// assignee, staff of its department, heads and admins. Following alone does not
// count: "me too" is offered to anyone standing at the device, so a follower who
// has no other right sees only what a "me too" needs (limit).
func seesFully(actor *users.User, t *Ticket) bool {
	return actor.IsAdmin() || actor.Has(users.RoleHead) || t.ReporterID == actor.ID || t.AssigneeID == actor.ID ||
		staffOf(actor, t)
}

// mayView is the visibility rule: who sees the ticket fully (seesFully) and its
// followers see it. Anyone else gets NotFound, the same answer as for an absent
// ticket, so ids do not leak. The journal's WHERE clause (list.go) says the same
// in SQL.
func mayView(actor *users.User, t *Ticket, following bool) bool {
	return seesFully(actor, t) || following
}

// limit withholds from t what a follower with no other right to it may not read:
// who reported it and what they wrote. The rest (status, device, problem,
// department, executor, times, resolution, cancel reason) is theirs to read.
func (t *Ticket) limit() {
	t.ReporterID, t.Comment = 0, ""
}

// visible loads ticket id, with whether actor follows it, in one query, if actor
// may see it (mayView); NotFound otherwise.
func (s *Service) visible(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	var following bool
	t, err := scanTicket(extraScanner{row: s.db.R.QueryRowContext(ctx, `SELECT `+ticketCols+`,
	EXISTS (SELECT 1 FROM ticket_followers fo WHERE fo.ticket_id = t.id AND fo.user_id = $2)
FROM tickets t WHERE t.id = $1`, id, actor.ID), extra: []any{&following}})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to read ticket %d: %w", id, err)
	}
	if !mayView(actor, t, following) {
		return nil, notFound
	}
	return t, nil
}

// Get returns ticket id if actor may see it (NotFound otherwise); to a follower
// with no other right to it, without the reporter and their comment (Ticket.limit).
func (s *Service) Get(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if !seesFully(actor, t) {
		t.limit()
	}
	return t, nil
}

// Follow makes actor a follower of ticket id ("me too"). Who may already see the
// ticket (a follower included) may. Anyone else must stand at the device: code is
// the device's current QR code, as its page (/a/{code}) offers "me too" for the
// open tickets it lists, and then actor must see the device and the ticket must be
// open. Anything else is NotFound, as for an absent ticket, so that ids cannot be
// guessed into (a code is 80 random bits). A new follower is an event in the
// history: "X: me too" (EventFollowed) from the device (a code given) or from
// anyone who is not staff, "X gets updates" (EventWatched) from staff on the
// ticket itself (no code); following again changes nothing.
func (s *Service) Follow(ctx context.Context, actor *users.User, id int64, code string) error {
	t, err := s.visible(ctx, actor, id)
	if apperr.CodeOf(err) == apperr.NotFound && actor != nil {
		t, err = s.atDevice(ctx, actor, id, code)
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
		kind := EventFollowed
		if code == "" && actor.IsStaff() {
			kind = EventWatched
		}
		return s.addEvent(ctx, tx, &Event{TicketID: t.ID, ActorID: actor.ID, Kind: kind, CreatedAt: now})
	})
}

// atDevice loads ticket id for someone who does not see it but holds its device's
// code: the code must be the device's current one (a retired label names it no
// more), actor must see the device and the ticket must be open. Every refusal is
// the same NotFound.
func (s *Service) atDevice(ctx context.Context, actor *users.User, id int64, code string) (*Ticket, error) {
	if !assets.ValidCode(code) {
		return nil, notFound
	}
	t, err := s.load(ctx, s.db.R, id)
	if err != nil {
		return nil, err
	}
	a, err := s.assets.Asset(ctx, actor, t.AssetID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(a.Code), []byte(code)) != 1 || !t.Status.Open() {
		return nil, notFound
	}
	return t, nil
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
