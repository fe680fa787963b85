package upkeep

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// Target is what a plan covers.
type Target string

// The targets: one device, every device of a service type, every device of a class.
const (
	TargetDevice Target = "device"
	TargetType   Target = "type"
	TargetClass  Target = "class"
)

// Text limits.
const (
	MaxName = 200
	MaxNote = 2000
	MaxLoc  = 100
)

// Input is a plan as its author writes it.
type Input struct {
	Name   string
	Target Target
	// AssetID, TypeID or ClassID names the target, the one Target says.
	AssetID, TypeID, ClassID int64
	// Building and Floor narrow a type or class plan to devices there ("" = any).
	Building, Floor string
	ProblemID       int64
	Schedule        Schedule
	Note            string
	Active          bool
}

// Plan is a stored plan with the names the pages show.
type Plan struct {
	ID int64
	Input
	// DepartmentID is where the rules table routed the problem when the plan was
	// saved: that department's heads manage the plan. 0 when unrouted.
	DepartmentID int64
	// NextDue is the next occurrence the scheduler files; nil when none is left
	// or the plan's device is gone.
	NextDue *time.Time
	// LastFiled is the due time of the last filing.
	LastFiled *time.Time
	// LastDone is when an upkeep ticket of the plan was last completed.
	LastDone  *time.Time
	AuthorID  int64
	CreatedAt time.Time
	UpdatedAt time.Time
	// Names for display: the device's name, or the type's or class's.
	TargetEN, TargetRU   string
	ProblemEN, ProblemRU string
	// DeviceGone: a device plan whose device was deleted; it files nothing.
	DeviceGone bool
}

// Service is the upkeep domain.
type Service struct {
	db      *db.DB
	tickets *tickets.Service
	rules   *tickets.Rules
	users   *users.Service
	loc     *time.Location
	now     func() time.Time
}

// NewService returns the upkeep service; loc is the office's zone, now the clock.
func NewService(d *db.DB, t *tickets.Service, rules *tickets.Rules, u *users.Service, loc *time.Location, now func() time.Time) *Service {
	if now == nil {
		now = time.Now
	}
	if loc == nil {
		loc = time.UTC
	}
	return &Service{db: d, tickets: t, rules: rules, users: u, loc: loc, now: now}
}

// Location is the office's zone, in which schedules are read.
func (s *Service) Location() *time.Location { return s.loc }

var notFound = apperr.New(apperr.NotFound, "error.not_found")

// mayManage reports whether actor may see and change plans at all: admins and heads.
func mayManage(actor *users.User) bool {
	return actor.IsAdmin() || (actor.Has(users.RoleHead) && len(actor.Departments) > 0)
}

// mayManagePlan: admins any plan; heads the plans of departments they lead.
func mayManagePlan(actor *users.User, p *Plan) bool {
	return actor.IsAdmin() || (actor.Has(users.RoleHead) && p.DepartmentID != 0 && actor.InDepartment(p.DepartmentID))
}

func requireManager(actor *users.User) error {
	if actor == nil {
		return apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !mayManage(actor) {
		return apperr.New(apperr.Forbidden, "upkeep.forbidden")
	}
	return nil
}

// MayManage reports whether the pages should offer upkeep to actor (the domain
// checks again on every call).
func MayManage(actor *users.User) bool { return actor != nil && mayManage(actor) }

const planSelect = `SELECT p.id, p.name, p.target, COALESCE(p.asset_id, 0), COALESCE(p.type_id, 0), COALESCE(p.class_id, 0), p.building, p.floor,
	p.problem_type_id, COALESCE(p.department_id, 0), p.every_kind, p.every_n, p.weekdays, p.month_day, p.at_minute, p.start_date, p.end_date,
	p.note, p.active, p.next_due_at, p.last_filed_at, p.author_id, p.created_at, p.updated_at,
	COALESCE(a.name, st.name_en, sc.name_en, ''), COALESCE(a.name, st.name_ru, sc.name_ru, ''), pt.name_en, pt.name_ru,
	(SELECT MAX(t.done_at) FROM tickets t WHERE t.upkeep_plan_id = p.id)
FROM upkeep_plans p
LEFT JOIN assets a ON a.id = p.asset_id
LEFT JOIN service_types st ON st.id = p.type_id
LEFT JOIN service_classes sc ON sc.id = p.class_id
JOIN problem_types pt ON pt.id = p.problem_type_id`

func scanPlan(row interface{ Scan(...any) error }) (*Plan, error) {
	var p Plan
	var target, every, start, end string
	var next, last sql.NullTime
	var done db.NullTime
	err := row.Scan(&p.ID, &p.Name, &target, &p.AssetID, &p.TypeID, &p.ClassID, &p.Building, &p.Floor,
		&p.ProblemID, &p.DepartmentID, &every, &p.Schedule.N, &p.Schedule.Weekdays, &p.Schedule.MonthDay, &p.Schedule.AtMinute, &start, &end,
		&p.Note, &p.Active, &next, &last, &p.AuthorID, &p.CreatedAt, &p.UpdatedAt,
		&p.TargetEN, &p.TargetRU, &p.ProblemEN, &p.ProblemRU, &done)
	if err != nil {
		return nil, err
	}
	p.Target, p.Schedule.Every = Target(target), Every(every)
	p.Schedule.Start, _ = ParseDate(start)
	p.Schedule.End, _ = ParseDate(end)
	if next.Valid {
		v := next.Time
		p.NextDue = &v
	}
	if last.Valid {
		v := last.Time
		p.LastFiled = &v
	}
	if done.Valid {
		v := done.Time
		p.LastDone = &v
	}
	p.DeviceGone = p.Target == TargetDevice && p.AssetID == 0
	return &p, nil
}

func (s *Service) plan(ctx context.Context, q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, id int64) (*Plan, error) {
	p, err := scanPlan(q.QueryRowContext(ctx, planSelect+" WHERE p.id = $1", id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound
	}
	if err != nil {
		return nil, fmt.Errorf("upkeep: read plan %d: %w", id, err)
	}
	return p, nil
}

// Get returns a plan actor may manage; anyone else gets NotFound, as for an absent one.
func (s *Service) Get(ctx context.Context, actor *users.User, id int64) (*Plan, error) {
	if actor == nil {
		return nil, apperr.New(apperr.Unauthenticated, "login.required")
	}
	if !mayManage(actor) {
		return nil, notFound
	}
	p, err := s.plan(ctx, s.db.R, id)
	if err != nil {
		return nil, err
	}
	if !mayManagePlan(actor, p) {
		return nil, notFound
	}
	return p, nil
}

// ListFilter narrows the plan list.
type ListFilter struct {
	// Active: "" every plan, "active" or "paused".
	Active string
	// AssetID: the plans that cover this device (0: any).
	AssetID int64
	// ProblemID narrows to one problem type (0: any).
	ProblemID int64
}

// List returns the plans actor may manage, soonest due first (paused last).
func (s *Service) List(ctx context.Context, actor *users.User, f ListFilter) ([]*Plan, error) {
	if err := requireManager(actor); err != nil {
		return nil, err
	}
	var where []string
	var args []any
	arg := func(v any) string { args = append(args, v); return fmt.Sprintf("$%d", len(args)) }
	if !actor.IsAdmin() {
		ids := actor.DepartmentIDs()
		ph := make([]string, len(ids))
		for i, id := range ids {
			ph[i] = arg(id)
		}
		where = append(where, "p.department_id IN ("+strings.Join(ph, ", ")+")")
	}
	switch f.Active {
	case "":
	case "active":
		where = append(where, "p.active = "+arg(true))
	case "paused":
		where = append(where, "p.active = "+arg(false))
	default:
		return nil, apperr.New(apperr.Invalid, "upkeep.err_filter")
	}
	if f.ProblemID > 0 {
		where = append(where, "p.problem_type_id = "+arg(f.ProblemID))
	}
	if f.AssetID > 0 {
		where = append(where, coversDevice(arg(f.AssetID)))
	}
	q := planSelect
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY p.active DESC, CASE WHEN p.next_due_at IS NULL THEN 1 ELSE 0 END, p.next_due_at, p.id"
	rows, err := s.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("upkeep: list plans: %w", err)
	}
	defer rows.Close()
	out := []*Plan{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, fmt.Errorf("upkeep: list plans: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// coversDevice is the condition "plan p covers the device with id ph" (ph a
// placeholder): the device itself, or its type or class with a matching place,
// and the type offers the plan's problem.
func coversDevice(ph string) string {
	return `EXISTS (SELECT 1 FROM assets da JOIN service_types dt ON dt.id = da.type_id
		JOIN type_problems dtp ON dtp.type_id = da.type_id AND dtp.problem_type_id = p.problem_type_id
		WHERE da.id = ` + ph + ` AND (p.asset_id = da.id OR p.type_id = da.type_id OR p.class_id = dt.class_id)
		AND (p.building = '' OR p.building = da.building) AND (p.floor = '' OR p.floor = da.floor))`
}

// DeviceBox is what the device page says about upkeep: the plans covering it.
type DeviceBox struct {
	Plans []*Plan
	// LastDone is the last completed upkeep ticket on the device.
	LastDone *time.Time
}

// ForDevice returns the active plans covering a device and its last completed
// upkeep, for staff (executors, heads, admins); nil for anyone else, who is shown
// nothing.
func (s *Service) ForDevice(ctx context.Context, actor *users.User, assetID int64) (*DeviceBox, error) {
	if actor == nil || !actor.IsStaff() {
		return nil, nil
	}
	rows, err := s.db.R.QueryContext(ctx, planSelect+" WHERE p.active = $2 AND "+coversDevice("$1")+
		" ORDER BY CASE WHEN p.next_due_at IS NULL THEN 1 ELSE 0 END, p.next_due_at, p.id", assetID, true)
	if err != nil {
		return nil, fmt.Errorf("upkeep: plans of device %d: %w", assetID, err)
	}
	defer rows.Close()
	box := &DeviceBox{}
	for rows.Next() {
		p, err := scanPlan(rows)
		if err != nil {
			return nil, err
		}
		box.Plans = append(box.Plans, p)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var done db.NullTime
	if err := s.db.R.QueryRowContext(ctx, `SELECT MAX(done_at) FROM tickets WHERE asset_id = $1 AND upkeep_plan_id IS NOT NULL`, assetID).Scan(&done); err != nil {
		return nil, fmt.Errorf("upkeep: last upkeep of device %d: %w", assetID, err)
	}
	if done.Valid {
		v := done.Time
		box.LastDone = &v
	}
	if len(box.Plans) == 0 && box.LastDone == nil {
		return nil, nil
	}
	return box, nil
}

// lineText validates a one-line text.
func lineText(f *apperr.Fields, field, v string, max int, required bool) string {
	v = strings.TrimSpace(v)
	switch {
	case !utf8.ValidString(v) || strings.ContainsAny(v, "\x00\r\n"):
		f.Add(field, "upkeep.err_text")
	case required && v == "":
		f.Add(field, "upkeep.err_required")
	case utf8.RuneCountInString(v) > max:
		f.Add(field, "upkeep.err_too_long", "Max", max)
	}
	return v
}

// resolved is what validation learned about the target: where its tickets go.
type resolved struct{ classID, typeID, departmentID int64 }

// validate checks in and reads what the target needs: the device, type or class
// exists, the problem is offered there, the schedule fires and is sane. Every
// problem is reported at once, by field.
func (s *Service) validate(ctx context.Context, actor *users.User, in *Input) (resolved, error) {
	var f apperr.Fields
	in.Name = lineText(&f, "name", in.Name, MaxName, true)
	in.Building = lineText(&f, "building", in.Building, MaxLoc, false)
	in.Floor = lineText(&f, "floor", in.Floor, MaxLoc, false)
	in.Note = strings.TrimSpace(in.Note)
	if !utf8.ValidString(in.Note) || strings.ContainsRune(in.Note, 0) {
		f.Add("note", "upkeep.err_text")
	} else if utf8.RuneCountInString(in.Note) > MaxNote {
		f.Add("note", "upkeep.err_too_long", "Max", MaxNote)
	}
	for _, p := range in.Schedule.Check(s.loc) {
		f.Add(p.Field, p.Key)
	}
	var r resolved
	q := s.db.R
	switch in.Target {
	case TargetDevice:
		in.TypeID, in.ClassID, in.Building, in.Floor = 0, 0, "", ""
		var archived bool
		err := q.QueryRowContext(ctx, `SELECT a.type_id, st.class_id, a.archived FROM assets a JOIN service_types st ON st.id = a.type_id WHERE a.id = $1`,
			in.AssetID).Scan(&r.typeID, &r.classID, &archived)
		switch {
		case errors.Is(err, sql.ErrNoRows) || in.AssetID <= 0:
			f.Add("asset_id", "upkeep.err_device")
		case err != nil:
			return r, fmt.Errorf("upkeep: read device: %w", err)
		case archived:
			f.Add("asset_id", "upkeep.err_device_archived")
		}
	case TargetType:
		in.AssetID, in.ClassID = 0, 0
		err := q.QueryRowContext(ctx, `SELECT id, class_id FROM service_types WHERE id = $1`, in.TypeID).Scan(&r.typeID, &r.classID)
		if errors.Is(err, sql.ErrNoRows) {
			f.Add("type_id", "upkeep.err_type")
		} else if err != nil {
			return r, fmt.Errorf("upkeep: read type: %w", err)
		}
	case TargetClass:
		in.AssetID, in.TypeID = 0, 0
		err := q.QueryRowContext(ctx, `SELECT id FROM service_classes WHERE id = $1`, in.ClassID).Scan(&r.classID)
		if errors.Is(err, sql.ErrNoRows) {
			f.Add("class_id", "upkeep.err_class")
		} else if err != nil {
			return r, fmt.Errorf("upkeep: read class: %w", err)
		}
	default:
		f.Add("target", "upkeep.err_target")
	}
	var problem int
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM problem_types WHERE id = $1`, in.ProblemID).Scan(&problem); err != nil {
		return r, fmt.Errorf("upkeep: read problem: %w", err)
	}
	if problem == 0 {
		f.Add("problem_type_id", "upkeep.err_problem")
	} else if r.classID != 0 {
		// The problem must be one the target offers: the type's own offer, or for
		// a class at least one of its types' (devices of the others are skipped).
		var offered int
		var err error
		if r.typeID != 0 {
			err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM type_problems WHERE type_id = $1 AND problem_type_id = $2`, r.typeID, in.ProblemID).Scan(&offered)
		} else {
			err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM type_problems tp JOIN service_types st ON st.id = tp.type_id
				WHERE st.class_id = $1 AND tp.problem_type_id = $2`, r.classID, in.ProblemID).Scan(&offered)
		}
		if err != nil {
			return r, fmt.Errorf("upkeep: read offers: %w", err)
		}
		if offered == 0 {
			f.Add("problem_type_id", "upkeep.err_not_offered")
		}
	}
	if err := f.Err(); err != nil {
		return r, err
	}
	route, err := s.rules.Resolve(ctx, r.classID, r.typeID, in.ProblemID)
	if err != nil {
		return r, err
	}
	r.departmentID = route.DepartmentID
	if !actor.IsAdmin() && (r.departmentID == 0 || !actor.InDepartment(r.departmentID)) {
		// A head plans only the work their own department does.
		f.Add("problem_type_id", "upkeep.err_not_your_department")
		return r, f.Err()
	}
	return r, nil
}

// firstDue is the first occurrence from now on (nil when none is left).
func (s *Service) firstDue(sc Schedule, now time.Time) any {
	if t, ok := sc.Next(now, s.loc); ok {
		return t.UTC()
	}
	return nil
}

// Create stores a new plan (admins; heads for their departments' work). Its first
// due time is the schedule's first occurrence after now: a plan never files for
// occurrences before it existed.
func (s *Service) Create(ctx context.Context, actor *users.User, in Input) (*Plan, error) {
	if err := requireManager(actor); err != nil {
		return nil, err
	}
	r, err := s.validate(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var id int64
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO upkeep_plans (name, target, asset_id, type_id, class_id, building, floor, problem_type_id,
			department_id, every_kind, every_n, weekdays, month_day, at_minute, start_date, end_date, note, active, next_due_at, author_id,
			created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $21)
			RETURNING id`,
			in.Name, string(in.Target), nullID(in.AssetID), nullID(in.TypeID), nullID(in.ClassID), in.Building, in.Floor, in.ProblemID,
			nullID(r.departmentID), string(in.Schedule.Every), in.Schedule.N, in.Schedule.Weekdays, in.Schedule.MonthDay, in.Schedule.AtMinute,
			in.Schedule.Start.String(), in.Schedule.End.String(), in.Note, in.Active, s.firstDue(in.Schedule, now), actor.ID, now).Scan(&id); err != nil {
			return err
		}
		return record(ctx, tx, actor, now, audit.UpkeepCreated, id, nil, stateOfInput(&in, r.departmentID))
	})
	if err != nil {
		return nil, fmt.Errorf("upkeep: create plan: %w", err)
	}
	return s.plan(ctx, s.db.R, id)
}

// Update changes a plan actor may manage. A changed schedule (or a plan
// resumed) takes its next due time afresh from now; otherwise it is kept, so an
// edit of the note does not skip or repeat a filing.
func (s *Service) Update(ctx context.Context, actor *users.User, id int64, in Input) (*Plan, error) {
	old, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	r, err := s.validate(ctx, actor, &in)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	var next any
	if old.NextDue != nil {
		next = old.NextDue.UTC()
	}
	if old.Schedule != in.Schedule || (!old.Active && in.Active) {
		next = s.firstDue(in.Schedule, now)
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE upkeep_plans SET name = $1, target = $2, asset_id = $3, type_id = $4, class_id = $5, building = $6,
			floor = $7, problem_type_id = $8, department_id = $9, every_kind = $10, every_n = $11, weekdays = $12, month_day = $13, at_minute = $14,
			start_date = $15, end_date = $16, note = $17, active = $18, next_due_at = $19, updated_at = $20 WHERE id = $21`,
			in.Name, string(in.Target), nullID(in.AssetID), nullID(in.TypeID), nullID(in.ClassID), in.Building, in.Floor, in.ProblemID,
			nullID(r.departmentID), string(in.Schedule.Every), in.Schedule.N, in.Schedule.Weekdays, in.Schedule.MonthDay, in.Schedule.AtMinute,
			in.Schedule.Start.String(), in.Schedule.End.String(), in.Note, in.Active, next, now, id)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return notFound
		}
		return record(ctx, tx, actor, now, audit.UpkeepUpdated, id, stateOfPlan(old), stateOfInput(&in, r.departmentID))
	})
	if err != nil {
		if apperr.As(err) != nil {
			return nil, err
		}
		return nil, fmt.Errorf("upkeep: update plan %d: %w", id, err)
	}
	return s.plan(ctx, s.db.R, id)
}

// SetActive pauses or resumes a plan; resuming takes the next due time from now,
// so a paused period is not filed afterwards.
func (s *Service) SetActive(ctx context.Context, actor *users.User, id int64, active bool) (*Plan, error) {
	p, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if p.Active == active {
		return p, nil
	}
	now := s.now().UTC()
	next := any(nil)
	if p.NextDue != nil {
		next = p.NextDue.UTC()
	}
	if active {
		next = s.firstDue(p.Schedule, now)
	}
	kind := audit.UpkeepPaused
	if active {
		kind = audit.UpkeepResumed
	}
	after := stateOfPlan(p)
	after.Active = active
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE upkeep_plans SET active = $1, next_due_at = $2, updated_at = $3 WHERE id = $4`, active, next, now, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, now, kind, id, stateOfPlan(p), after)
	})
	if err != nil {
		return nil, fmt.Errorf("upkeep: pause plan %d: %w", id, err)
	}
	return s.plan(ctx, s.db.R, id)
}

// Delete removes a plan actor may manage. Its tickets stay, still marked as
// upkeep, and so does its history in the reports.
func (s *Service) Delete(ctx context.Context, actor *users.User, id int64) error {
	p, err := s.Get(ctx, actor, id)
	if err != nil {
		return err
	}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM upkeep_plans WHERE id = $1`, id); err != nil {
			return err
		}
		return record(ctx, tx, actor, s.now().UTC(), audit.UpkeepDeleted, id, stateOfPlan(p), nil)
	})
	if err != nil {
		return fmt.Errorf("upkeep: delete plan %d: %w", id, err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}
