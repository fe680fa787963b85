package tickets

// The journal: every ticket a person may see, filtered, newest first, in pages.
//
// Scoping is part of the WHERE clause, so a page never holds a ticket its reader
// may not open and the counts never count one: heads and admins see every ticket;
// an executor their departments' tickets plus those they reported, follow or are
// assigned; anyone else those they reported, follow or are assigned (the same rule
// as visible, which a test checks ticket by ticket).
//
// Pages are keyset pages on the id (newest first), so a ticket filed between two
// pages neither repeats nor pushes one out; the cursor is the last id, opaque to
// callers.

import (
	"context"
	"database/sql"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/sla"
	"smartservice/internal/users"
)

// Journal page sizes.
const (
	DefaultLimit = 50
	MaxLimit     = 200
	// MaxQuery is the longest text filter, in characters.
	MaxQuery = 200
)

// Statuses lists every status in the order of a ticket's life.
var Statuses = []Status{StatusNew, StatusAssigned, StatusInProgress, StatusDone, StatusCancelled}

// OpenStatuses lists the statuses of tickets that still need work.
var OpenStatuses = []Status{StatusNew, StatusAssigned, StatusInProgress}

// Filter narrows the journal; the zero value is every ticket the reader may see.
type Filter struct {
	// Statuses: any of these; empty is every status.
	Statuses []Status
	// The ids narrow to one class, type (of the device), problem type, department,
	// assignee, device or reporter; 0 does not narrow.
	ClassID, TypeID, ProblemID, DepartmentID, AssigneeID, AssetID, ReporterID int64
	// CreatedFrom and CreatedTo bound the filing time: zero is unbounded; CreatedTo
	// is exclusive.
	CreatedFrom, CreatedTo time.Time
	// Q is text matched against the ticket's comment and its device's name, code,
	// inventory number and location.
	Q string
	// Upkeep narrows to tickets filed by upkeep plans (internal/upkeep).
	Upkeep bool
	// Cursor is Page.NextCursor of the previous page; "" is the first page.
	Cursor string
	// Limit is the page size: 0 is DefaultLimit, at most MaxLimit.
	Limit int
	// SLA narrows to tickets in that service-level state now; "" does not narrow.
	SLA sla.State
	// Sort is SortNewest or SortDue (list_sla.go).
	Sort string
}

// Page is one page of the journal.
type Page struct {
	Items []Row
	// NextCursor continues after the last item; "" on the last page.
	NextCursor string
}

// SearchText is the lower-cased text stored in tickets.search and matched by
// Filter.Q. It lower-cases in Go because SQLite's lower() knows only ASCII.
func SearchText(parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			keep = append(keep, p)
		}
	}
	return strings.ToLower(strings.Join(keep, " "))
}

// encodeCursor and decodeCursor make the keyset position opaque: callers pass it
// back, they do not build it.
func encodeCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(id, 10)))
}

func decodeCursor(c string) (int64, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 0, false
	}
	id, err := strconv.ParseInt(string(b), 10, 64)
	if err != nil || id <= 0 || encodeCursor(id) != c {
		return 0, false
	}
	return id, true
}

// where collects a WHERE clause and its parameters; values only ever travel as
// parameters. scope fills actor (whose rows these are) and full.
type where struct {
	conds []string
	args  []any
	actor *users.User
	// full is the SQL condition "actor sees the ticket fully" (seesFully), ""
	// when actor sees every ticket fully (heads, admins): conditions that would
	// otherwise tell a follower about the reporter or the comment depend on it.
	full string
	// scoped is the index in conds of the scope's condition, -1 (or no scope)
	// when actor sees every ticket: the tabs' counts (counts_capped.go) replace
	// it with one branch per way of seeing a ticket.
	scoped int
	// me and deps are the scope's placeholders for the reader's id and their
	// departments' ids ("" when none), reused by the tabs' branches.
	me, deps string
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

func (w *where) add(cond string) { w.conds = append(w.conds, cond) }

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

func (w *where) ids(ids []int64) string {
	ph := make([]string, len(ids))
	for i, id := range ids {
		ph[i] = w.arg(id)
	}
	return strings.Join(ph, ", ")
}

// scope restricts w to the tickets actor may see (see the file comment): those
// actor sees fully (seesFully, kept in w.full) and those actor follows.
func (w *where) scope(actor *users.User) {
	w.actor = actor
	w.scoped = -1
	if actor.IsAdmin() || actor.Has(users.RoleHead) {
		return
	}
	me := w.arg(actor.ID)
	w.me = me
	var full []string
	if actor.Has(users.RoleExecutor) && len(actor.Departments) > 0 {
		w.deps = w.ids(actor.DepartmentIDs())
		full = append(full, "t.department_id IN ("+w.deps+")")
	}
	full = append(full, "t.reporter_id = "+me, "t.assignee_id = "+me)
	w.full = "(" + strings.Join(full, " OR ") + ")"
	// EXISTS, not IN: the journal reads newest first and stops after a page, so a
	// primary-key probe per candidate row beats building the whole set of the
	// person's followed tickets (measured on a million tickets: 500 ms to a few).
	// LIMIT 1 OFFSET 0 keeps it a probe on PostgreSQL too, which otherwise turns
	// an EXISTS inside an OR into a hashed subplan of all the person's followed
	// tickets (150,000 rows, 0.3–1 s, whenever one of the newest rows is not
	// theirs by the other rules); an OFFSET is the one clause it does not drop.
	w.scoped = len(w.conds)
	w.add("(" + w.full + " OR EXISTS (SELECT 1 FROM ticket_followers fl WHERE fl.ticket_id = t.id AND fl.user_id = " + me + " LIMIT 1 OFFSET 0))")
}

// filter validates f and adds its conditions, all but the status and the cursor.
func (w *where) filter(f *Filter, fields *apperr.Fields) {
	for _, c := range []struct {
		field string
		id    int64
		cond  string
	}{
		{"class_id", f.ClassID, "t.asset_id IN (SELECT fa.id FROM assets fa JOIN service_types ft ON ft.id = fa.type_id WHERE ft.class_id = %s)"},
		{"type_id", f.TypeID, "t.asset_id IN (SELECT fa.id FROM assets fa WHERE fa.type_id = %s)"},
		{"problem_id", f.ProblemID, "t.problem_type_id = %s"},
		{"department_id", f.DepartmentID, "t.department_id = %s"},
		{"assignee_id", f.AssigneeID, "t.assignee_id = %s"},
		{"asset_id", f.AssetID, "t.asset_id = %s"},
		{"reporter_id", f.ReporterID, "t.reporter_id = %s"},
	} {
		switch {
		case c.id < 0:
			fields.Add(c.field, "ticket.list_id_invalid")
		case c.id > 0 && c.field == "reporter_id" && w.full != "":
			// Who reported a ticket is withheld from a follower, so the filter by
			// reporter must not find it for them either.
			w.add(fmt.Sprintf(c.cond, w.arg(c.id)) + " AND " + w.full)
		case c.id > 0:
			w.add(fmt.Sprintf(c.cond, w.arg(c.id)))
		}
	}
	if f.Upkeep {
		w.add("t.upkeep_plan_id IS NOT NULL")
	}
	if !f.CreatedFrom.IsZero() && !f.CreatedTo.IsZero() && !f.CreatedFrom.Before(f.CreatedTo) {
		fields.Add("created_to", "ticket.list_period_invalid")
	}
	if !f.CreatedFrom.IsZero() {
		w.add("t.created_at >= " + w.arg(f.CreatedFrom.UTC()))
	}
	if !f.CreatedTo.IsZero() {
		w.add("t.created_at < " + w.arg(f.CreatedTo.UTC()))
	}
	q := strings.TrimSpace(f.Q)
	switch {
	case !utf8.ValidString(q) || strings.ContainsRune(q, 0):
		fields.Add("q", "ticket.list_q_invalid")
	case utf8.RuneCountInString(q) > MaxQuery:
		fields.Add("q", "ticket.list_q_too_long", "Max", MaxQuery)
	case q != "":
		text := w.searchText() + " LIKE " + w.arg("%"+escapeLike(SearchText(q))+"%") + " ESCAPE '\\'"
		if id, ok := ParseNumber(q); ok {
			// "T-811" or "811" is the ticket's number; "811" may also be in a text.
			text = "(t.id = " + w.arg(id) + " OR " + text + ")"
		}
		w.add(text)
	}
}

// searchText is the text the filter Q matches: tickets.search, which SearchText
// built at filing from the comment followed by the device's name, code, inventory
// number and location. Of a ticket the reader only follows, the comment is
// withheld, so only the device's part is matched: what follows the comment and
// its separating space. substr and length count characters on both databases, and
// strings.ToLower maps rune to rune, so the lower-cased comment in search is as
// long as the stored one.
func (w *where) searchText() string {
	if w.full == "" {
		return "t.search"
	}
	return "(CASE WHEN " + w.full + " OR t.comment = '' THEN t.search ELSE substr(t.search, length(t.comment) + 2) END)"
}

// statuses validates and adds the status condition.
func (w *where) statuses(ss []Status, fields *apperr.Fields) {
	if len(ss) == 0 {
		return
	}
	seen := map[Status]bool{}
	var ph []string
	for _, st := range ss {
		if !in(st, Statuses) {
			fields.Add("status", "ticket.list_status_invalid")
			return
		}
		if !seen[st] {
			seen[st] = true
			ph = append(ph, w.arg(string(st)))
		}
	}
	if len(ph) < len(Statuses) {
		w.add("t.status IN (" + strings.Join(ph, ", ") + ")")
	}
}

// escapeLike makes s match literally inside a LIKE pattern with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer("\\", "\\\\", "%", "\\%", "_", "\\_").Replace(s)
}

// List returns one page of the tickets actor may see that match f, newest first.
// An invalid filter, limit or cursor is an Invalid error naming the field.
func (s *Service) List(ctx context.Context, actor *users.User, f Filter) (*Page, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	var fields apperr.Fields
	limit := f.Limit
	switch {
	case limit == 0:
		limit = DefaultLimit
	case limit < 0 || limit > MaxLimit:
		fields.Add("limit", "ticket.list_limit_invalid", "Max", MaxLimit)
	}
	var w where
	w.scope(actor)
	w.filter(&f, &fields)
	w.statuses(f.Statuses, &fields)
	w.slaFilter(f.SLA, s.now(), &fields)
	switch f.Sort {
	case SortNewest:
	case SortDue:
		order, next := s.duePage(&w, &f, &fields)
		if err := fields.Err(); err != nil {
			return nil, err
		}
		return s.pageBy(ctx, &w, limit, order, next)
	default:
		fields.Add("sort", "ticket.list_sort_invalid")
	}
	if f.Cursor != "" {
		if after, ok := decodeCursor(f.Cursor); ok {
			w.add("t.id < " + w.arg(after))
		} else {
			fields.Add("cursor", "ticket.list_cursor_invalid")
		}
	}
	if err := fields.Err(); err != nil {
		return nil, err
	}
	return s.page(ctx, &w, limit)
}

// pageBy reads up to limit rows of w in order, and next's cursor after them.
func (s *Service) pageBy(ctx context.Context, w *where, limit int, order string, next func([]Row, int) string) (*Page, error) {
	pageSQL := "SELECT t.id FROM tickets t" + w.sql() + " ORDER BY " + order + " LIMIT " + w.arg(limit+1)
	items, err := s.queryRows(ctx, w.actor, pageSQL, order, w.args)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.NextCursor = next(items, limit)
	}
	return p, nil
}

// page reads up to limit rows of w, newest first, and the cursor after them.
func (s *Service) page(ctx context.Context, w *where, limit int) (*Page, error) {
	pageSQL := "SELECT t.id FROM tickets t" + w.sql() + " ORDER BY t.id DESC LIMIT " + w.arg(limit+1)
	items, err := s.queryRows(ctx, w.actor, pageSQL, "t.id DESC", w.args)
	if err != nil {
		return nil, err
	}
	p := &Page{Items: items}
	if len(items) > limit {
		p.Items = items[:limit]
		p.NextCursor = encodeCursor(p.Items[limit-1].ID)
	}
	return p, nil
}

// Counts returns how many tickets actor may see match f in each status (every
// status is present, zero included); f's Statuses, Cursor and Limit are ignored, so
// the journal can show one tab per status.
func (s *Service) Counts(ctx context.Context, actor *users.User, f Filter) (map[Status]int, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	var fields apperr.Fields
	var w where
	w.scope(actor)
	w.filter(&f, &fields)
	w.slaFilter(f.SLA, s.now(), &fields)
	if err := fields.Err(); err != nil {
		return nil, err
	}
	rows, err := s.db.R.QueryContext(ctx, "SELECT t.status, COUNT(*) FROM tickets t"+w.sql()+" GROUP BY t.status", w.args...)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to count: %w", err)
	}
	defer rows.Close()
	out := make(map[Status]int, len(Statuses))
	for _, st := range Statuses {
		out[st] = 0
	}
	for rows.Next() {
		var st string
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, fmt.Errorf("tickets: unable to count: %w", err)
		}
		out[Status(st)] = n
	}
	return out, rows.Err()
}

// Desk is what a person's home page lists, each list oldest first (the longest
// waiting on top) and at most DeskLimit long; a list the person's roles do not
// call for is nil.
type Desk struct {
	// Mine: open tickets the person reported or follows.
	Mine []Row
	// Queue (executors): new tickets waiting in their departments' queues.
	Queue []Row
	// Working (executors): tickets assigned to them, not yet done.
	Working []Row
	// Departments (heads): open tickets of their departments.
	Departments []Row
	// Waiting (heads, admins): new tickets nobody can take now (unrouted, or in a
	// department with no available executor; see waiting.go): a head's departments'
	// ones, every one for an admin.
	Waiting []Row
	// Executors are, for each department of Waiting, its active executors by
	// name (available or not): whom the page offers to assign a waiting ticket to.
	Executors map[int64][]Person
}

// DeskLimit bounds each list of a Desk; the journal holds the rest.
const DeskLimit = 50

// Desk returns actor's home page lists.
func (s *Service) Desk(ctx context.Context, actor *users.User) (*Desk, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	d := &Desk{}
	oldest := func(build func(w *where)) ([]Row, error) {
		var w where
		build(&w)
		pageSQL := "SELECT t.id FROM tickets t" + w.sql() + " ORDER BY t.id LIMIT " + w.arg(DeskLimit)
		rows, err := s.queryRows(ctx, actor, pageSQL, "t.id", w.args)
		if rows == nil && err == nil {
			rows = []Row{}
		}
		return rows, err
	}
	var err error
	open := "t.status IN ('new', 'assigned', 'in_progress')"
	if d.Mine, err = oldest(func(w *where) {
		me := w.arg(actor.ID)
		w.add(open)
		w.add("(t.reporter_id = " + me + " OR t.id IN (SELECT fl.ticket_id FROM ticket_followers fl WHERE fl.user_id = " + me + "))")
	}); err != nil {
		return nil, err
	}
	deps := actor.DepartmentIDs()
	if actor.Has(users.RoleExecutor) {
		if len(deps) > 0 {
			if d.Queue, err = oldest(func(w *where) {
				w.add("t.status = 'new'")
				w.add("t.department_id IN (" + w.ids(deps) + ")")
			}); err != nil {
				return nil, err
			}
		} else {
			d.Queue = []Row{}
		}
		if d.Working, err = oldest(func(w *where) {
			w.add("t.status IN ('assigned', 'in_progress')")
			w.add("t.assignee_id = " + w.arg(actor.ID))
		}); err != nil {
			return nil, err
		}
	}
	if actor.Has(users.RoleHead) {
		if len(deps) > 0 {
			if d.Departments, err = oldest(func(w *where) {
				w.add(open)
				w.add("t.department_id IN (" + w.ids(deps) + ")")
			}); err != nil {
				return nil, err
			}
		} else {
			d.Departments = []Row{}
		}
	}
	if actor.IsAdmin() || (actor.Has(users.RoleHead) && len(deps) > 0) {
		if d.Waiting, err = oldest(func(w *where) {
			w.waiting()
			if !actor.IsAdmin() {
				w.add("t.department_id IN (" + w.ids(deps) + ")")
			}
		}); err != nil {
			return nil, err
		}
		d.Executors = map[int64][]Person{}
		for _, r := range d.Waiting {
			if _, done := d.Executors[r.DepartmentID]; r.DepartmentID == 0 || done {
				continue
			}
			if d.Executors[r.DepartmentID], err = executors(ctx, s.db.R, r.DepartmentID); err != nil {
				return nil, err
			}
		}
	} else if actor.Has(users.RoleHead) {
		d.Waiting = []Row{}
	}
	return d, nil
}

// Assignees lists the executors the journal's "executor" filter offers actor, by
// name: every active executor for heads and admins, those of their departments
// for executors, nobody for anyone else (they see only their own tickets).
func (s *Service) Assignees(ctx context.Context, actor *users.User) ([]Person, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	var w where
	w.add("u.active = " + w.arg(true))
	switch {
	case actor.IsAdmin() || actor.Has(users.RoleHead):
	case actor.Has(users.RoleExecutor) && len(actor.Departments) > 0:
		w.add("u.id IN (SELECT ud.user_id FROM user_departments ud WHERE ud.department_id IN (" + w.ids(actor.DepartmentIDs()) + "))")
	default:
		return nil, nil
	}
	return people(ctx, s.db.R, `SELECT u.id, u.full_name, u.email FROM users u
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'executor'`+w.sql()+" ORDER BY u.full_name, u.id", w.args...)
}

// rowsQuerier is a handle or a transaction that runs queries of many rows.
type rowsQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// people runs a query of (id, full_name, email) rows: the executor lists of the
// reassign form and of the journal's filter.
func people(ctx context.Context, q rowsQuerier, query string, args ...any) ([]Person, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list executors: %w", err)
	}
	defer rows.Close()
	var out []Person
	for rows.Next() {
		var p Person
		if err := rows.Scan(&p.ID, &p.Name, &p.Email); err != nil {
			return nil, fmt.Errorf("tickets: unable to read an executor: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
