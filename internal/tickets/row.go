package tickets

// This file reads tickets together with what people read about them (device,
// catalogue names, people, department, followers, photo) in one SELECT. The
// journal, the ticket page, the home pages, the CSV export and the API all use it.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// Row is a ticket with what people read about it, for pages, the journal and the API.
type Row struct {
	Ticket
	// Location is assets.Location.String() of the device.
	AssetName, AssetCode, Location string
	InventoryNumber                string
	// ClassID and TypeID are the device's service class and type now.
	ClassID, TypeID      int64
	ClassEN, ClassRU     string
	TypeEN, TypeRU       string
	ProblemEN, ProblemRU string
	ReporterName         string
	ReporterEmail        string
	// DepartmentEN and DepartmentRU are empty when the ticket is unrouted.
	DepartmentEN, DepartmentRU string
	// AssigneeName and AssigneeEmail are empty while nobody is assigned.
	AssigneeName, AssigneeEmail string
	FollowersCount              int
	HasPhoto                    bool
	// Limited is set when the reader follows the ticket and has no other right to
	// it: the reporter (ReporterID, ReporterName, ReporterEmail), the comment and
	// the photo are withheld, blank here (see limit).
	Limited bool
}

// limit withholds from r what a follower with no other right to the ticket may
// not read (Ticket.limit), the photo included, and marks it Limited.
func (r *Row) limit() {
	r.Ticket.limit()
	r.ReporterName, r.ReporterEmail, r.HasPhoto, r.Limited = "", "", false, true
}

// limitFor applies limit when actor, who sees the row, does not see it fully.
func (r *Row) limitFor(actor *users.User) {
	if !seesFully(actor, &r.Ticket) {
		r.limit()
	}
}

// ticketCols are the tickets columns in scanTicket's order, on table alias t.
const ticketCols = `t.id, t.asset_id, t.problem_type_id, t.comment, t.reporter_id, COALESCE(t.department_id, 0), COALESCE(t.rule_id, 0),
	t.routed_by, COALESCE(t.assignee_id, 0), t.status, t.created_at, t.assigned_at, t.started_at, t.done_at, t.cancelled_at,
	t.resolution, t.cancel_reason, t.reopened_count,
	COALESCE(t.upkeep_plan_id, 0), t.take_by, t.take_warn_at, t.done_by, t.done_warn_at, t.taken_at`

// rowSelect turns a query that picks ticket ids (a column named id, already
// limited to one page) into the rows of those tickets in the given order. The ids
// are picked first and everything else joined to that page only, so the follower
// counts are one grouped read over the page, never a subquery per row. CROSS JOIN
// makes SQLite walk the page and look its followers up, not scan every follower
// (PostgreSQL plans it as a plain join).
func rowSelect(pageSQL, order string) string { return rowSelectWith(pageSQL, "", order) }

// rowSelectWith is rowSelect with more columns after the row's (extra starts with
// a comma), read by scanRow's extra destinations.
func rowSelectWith(pageSQL, extra, order string) string {
	return `WITH page AS (` + pageSQL + `)
SELECT ` + ticketCols + `,
	a.name, a.code, a.building, a.floor, a.room, COALESCE(a.inventory_number, ''), st.class_id, a.type_id,
	sc.name_en, sc.name_ru, st.name_en, st.name_ru, p.name_en, p.name_ru, rep.full_name, rep.email,
	COALESCE(d.name_en, ''), COALESCE(d.name_ru, ''), COALESCE(asg.full_name, ''), COALESCE(asg.email, ''),
	COALESCE(fc.n, 0), CASE WHEN ph.ticket_id IS NULL THEN 0 ELSE 1 END` + extra + `
FROM page
JOIN tickets t ON t.id = page.id
JOIN assets a ON a.id = t.asset_id
JOIN service_types st ON st.id = a.type_id
JOIN service_classes sc ON sc.id = st.class_id
JOIN problem_types p ON p.id = t.problem_type_id
JOIN users rep ON rep.id = t.reporter_id
LEFT JOIN departments d ON d.id = t.department_id
LEFT JOIN users asg ON asg.id = t.assignee_id
LEFT JOIN (SELECT pf.id AS ticket_id, COUNT(*) AS n FROM page pf CROSS JOIN ticket_followers f WHERE f.ticket_id = pf.id GROUP BY pf.id) fc
	ON fc.ticket_id = t.id
LEFT JOIN ticket_photos ph ON ph.ticket_id = t.id
ORDER BY ` + order
}

// extraScanner lets scanTicket read the ticket's columns and then hands the
// remaining destinations to the same Scan call.
type extraScanner struct {
	row   interface{ Scan(...any) error }
	extra []any
}

func (e extraScanner) Scan(dest ...any) error { return e.row.Scan(append(dest, e.extra...)...) }

// scanRow reads a row of rowSelect; extra are the destinations of rowSelectWith's
// further columns.
func scanRow(row interface{ Scan(...any) error }, extra ...any) (*Row, error) {
	var r Row
	var loc assets.Location
	var photo int
	t, err := scanTicket(extraScanner{row: row, extra: append([]any{
		&r.AssetName, &r.AssetCode, &loc.Building, &loc.Floor, &loc.Room, &r.InventoryNumber, &r.ClassID, &r.TypeID,
		&r.ClassEN, &r.ClassRU, &r.TypeEN, &r.TypeRU, &r.ProblemEN, &r.ProblemRU, &r.ReporterName, &r.ReporterEmail,
		&r.DepartmentEN, &r.DepartmentRU, &r.AssigneeName, &r.AssigneeEmail, &r.FollowersCount, &photo}, extra...)})
	if err != nil {
		return nil, err
	}
	r.Ticket = *t
	r.Location = loc.String()
	r.HasPhoto = photo != 0
	return &r, nil
}

// queryRows runs rowSelect and reads every row, as actor may read it: pageSQL
// picks only tickets actor sees, and a row actor sees only as a follower is
// limited.
func (s *Service) queryRows(ctx context.Context, actor *users.User, pageSQL, order string, args []any) ([]Row, error) {
	rows, err := s.db.R.QueryContext(ctx, rowSelect(pageSQL, order), args...)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to list: %w", err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		r, err := scanRow(rows)
		if err != nil {
			return nil, fmt.Errorf("tickets: unable to read a ticket row: %w", err)
		}
		r.limitFor(actor)
		out = append(out, *r)
	}
	return out, rows.Err()
}

// Row returns ticket id with what people read about it, if actor may see it: the
// same rule and the same NotFound as Get, decided on the same one read, and
// limited as Get limits it.
func (s *Service) Row(ctx context.Context, actor *users.User, id int64) (*Row, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	r, _, err := readRow(ctx, s.db.R, actor, id)
	if err != nil {
		return nil, err
	}
	r.limitFor(actor)
	return r, nil
}

// readRow reads ticket id's row and whether actor follows it, in one query, and
// applies the visibility rule to it: NotFound for someone who may not see it. The
// row is whole: the caller limits it (Row.limitFor) once it has used it.
func readRow(ctx context.Context, q querier, actor *users.User, id int64) (*Row, bool, error) {
	var following bool
	r, err := scanRow(q.QueryRowContext(ctx, rowSelectWith("SELECT id FROM tickets WHERE id = $1",
		", EXISTS (SELECT 1 FROM ticket_followers fo WHERE fo.ticket_id = t.id AND fo.user_id = $2)", "t.id"), id, actor.ID), &following)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, notFound
	}
	if err != nil {
		return nil, false, fmt.Errorf("tickets: unable to read ticket %d: %w", id, err)
	}
	if !mayView(actor, &r.Ticket, following) {
		return nil, false, notFound
	}
	return r, following, nil
}
