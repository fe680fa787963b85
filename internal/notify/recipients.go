package notify

// Who hears of an event. The rules (written down in docs/ARCHITECTURE.md,
// "Notifications"):
//
//   - assigned at filing, reassigned: the new assignee (KindAssigned);
//   - routed at filing: nobody to route to, the admins (KindUnrouted); routed but
//     nobody available, the department's group chat (KindWaiting);
//   - taken, done, cancelled, reopened, comment: the reporter and the followers,
//     each only if their ticket page shows that event (tickets.SeesEvent: a "me
//     too" follower hears of status changes and of comments by the department's
//     staff only); cancelled, reopened and comment also the assignee;
//   - never the person who made the change, never an inactive account.
//
// Escalations (KindEscalated, to the department's heads) come from the periodic
// job (escalate.go), not from an event.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// eventKinds are the ticket events anyone hears of.
var eventKinds = map[string]bool{tickets.EventAssigned: true, tickets.EventReassigned: true, tickets.EventRouted: true,
	tickets.EventTaken: true, tickets.EventDone: true, tickets.EventCancelled: true, tickets.EventReopened: true, tickets.EventComment: true,
	tickets.EventSLAAtRisk: true, tickets.EventSLABreached: true}

// followerKinds maps the events told to followers to their message kind.
var followerKinds = map[string]string{tickets.EventTaken: KindTaken, tickets.EventDone: KindDone, tickets.EventCancelled: KindCancelled,
	tickets.EventReopened: KindReopened, tickets.EventComment: KindComment}

// recipient is one person (person set, with their settings) or one
// department's chat told of kind.
type recipient struct {
	Kind         string
	person       *users.User
	settings     Settings
	DepartmentID int64
}

// recipients decides who hears of e on ticket t (as the change left it).
func (s *Service) recipients(ctx context.Context, tx *sql.Tx, t *tickets.Ticket, e tickets.Event) ([]recipient, error) {
	var kind string
	var ids []int64
	switch e.Kind {
	case tickets.EventAssigned, tickets.EventReassigned:
		kind, ids = KindAssigned, []int64{e.SubjectID}
	case tickets.EventSLAAtRisk, tickets.EventSLABreached:
		// Service levels (tickets/sla.go): at risk reminds the assignee; breached,
		// or at risk with nobody on it, tells the department's heads.
		kind = KindSLABreached
		if e.Kind == tickets.EventSLAAtRisk {
			kind = KindSLAAtRisk
		}
		if e.Kind == tickets.EventSLAAtRisk && t.AssigneeID != 0 {
			ids = []int64{t.AssigneeID}
			break
		}
		var err error
		if ids, err = headsOf(ctx, tx, t.DepartmentID); err != nil {
			return nil, err
		}
	case tickets.EventRouted:
		if t.DepartmentID == 0 {
			var err error
			if ids, err = idsOf(ctx, tx, `SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'admin'
			WHERE u.active = $1 ORDER BY u.id`, true); err != nil {
				return nil, err
			}
			kind = KindUnrouted
			break
		}
		if t.AssigneeID == 0 {
			return []recipient{{Kind: KindWaiting, DepartmentID: t.DepartmentID}}, nil
		}
		return nil, nil
	default:
		kind = followerKinds[e.Kind]
		var err error
		if ids, err = idsOf(ctx, tx, "SELECT user_id FROM ticket_followers WHERE ticket_id = $1 ORDER BY user_id", t.ID); err != nil {
			return nil, err
		}
		if t.AssigneeID != 0 && (e.Kind == tickets.EventCancelled || e.Kind == tickets.EventReopened || e.Kind == tickets.EventComment) {
			ids = append(ids, t.AssigneeID)
		}
	}
	ids = slices.DeleteFunc(ids, func(id int64) bool { return id == 0 || id == e.ActorID })
	slices.Sort(ids)
	ids = slices.Compact(ids)
	people, settings, err := loadPeople(ctx, tx, ids)
	if err != nil {
		return nil, err
	}
	out := make([]recipient, 0, len(people))
	for _, p := range people {
		if !p.Active {
			continue
		}
		if _, told := followerKinds[e.Kind]; told {
			ok, err := tickets.SeesEvent(ctx, tx, p, t, e)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
		}
		out = append(out, recipient{Kind: kind, person: p, settings: settings[p.ID]})
	}
	return out, nil
}

// headsOf lists the active heads of department dep.
func headsOf(ctx context.Context, tx *sql.Tx, dep int64) ([]int64, error) {
	return idsOf(ctx, tx, `SELECT u.id FROM users u
	JOIN user_departments ud ON ud.user_id = u.id AND ud.department_id = $1
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'head'
	WHERE u.active = $2 ORDER BY u.id`, dep, true)
}

// querier reads rows; *sql.Tx and *sql.DB are both one.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// idsOf runs a query of one id column.
func idsOf(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("notify: unable to list recipients: %w", err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("notify: unable to list recipients: %w", err)
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// loadPeople reads the accounts ids (sorted) with their roles and departments,
// what the tickets' rules need to decide what each may read, and their
// notification settings (defaults filled in), what record needs to decide when
// and where each is told. One query, inside the change's transaction: a row per
// role and department of each person, then one for their quiet hours and one
// per preference they set (a handful), rather than a round trip for each part.
func loadPeople(ctx context.Context, q querier, ids []int64) ([]*users.User, map[int64]Settings, error) {
	if len(ids) == 0 {
		return nil, nil, nil
	}
	in, args := inList(ids)
	// part tells the rows apart: 0 the account with a role and a department, 1
	// the quiet hours, 2 a preference; the columns of the other parts are blanks.
	rows, err := q.QueryContext(ctx, `SELECT 0 AS part, u.id, u.email, u.full_name, u.language, u.active, u.available,
		COALESCE(r.role, ''), COALESCE(ud.department_id, 0), 0, 0, '', FALSE, FALSE
	FROM users u LEFT JOIN user_roles r ON r.user_id = u.id LEFT JOIN user_departments ud ON ud.user_id = u.id
	WHERE u.id IN (`+in+`)
	UNION ALL SELECT 1, q.user_id, '', '', '', FALSE, FALSE, '', 0, q.quiet_from, q.quiet_to, '', FALSE, FALSE
	FROM notification_quiet q WHERE q.user_id IN (`+in+`)
	UNION ALL SELECT 2, p.user_id, '', '', '', FALSE, FALSE, '', 0, 0, 0, p.kind, p.telegram, p.mail
	FROM notification_prefs p WHERE p.user_id IN (`+in+`)
	ORDER BY 2, 1`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("notify: unable to read recipients: %w", err)
	}
	defer rows.Close()
	var out []*users.User
	settings := make(map[int64]Settings, len(ids))
	for rows.Next() {
		var u users.User
		var part, dep int64
		var role, kind string
		var from, to int
		var tg, ml bool
		if err := rows.Scan(&part, &u.ID, &u.Email, &u.FullName, &u.Language, &u.Active, &u.Available, &role, &dep,
			&from, &to, &kind, &tg, &ml); err != nil {
			return nil, nil, fmt.Errorf("notify: unable to read recipients: %w", err)
		}
		st, ok := settings[u.ID]
		if !ok {
			st = Settings{Prefs: defaultPrefs()}
			settings[u.ID] = st
		}
		switch part {
		case 1:
			st.Quiet = QuietHours{Set: true, From: from, To: to}
			settings[u.ID] = st
			continue
		case 2:
			if _, ok := DefaultPrefs[kind]; ok {
				st.Prefs[kind] = Pref{Telegram: tg, Mail: ml}
			}
			continue
		}
		if len(out) == 0 || out[len(out)-1].ID != u.ID {
			out = append(out, &u)
		}
		p := out[len(out)-1]
		if role != "" && !slices.Contains(p.Roles, users.Role(role)) {
			p.Roles = append(p.Roles, users.Role(role))
		}
		if dep != 0 && !p.InDepartment(dep) {
			p.Departments = append(p.Departments, users.Department{ID: dep})
		}
	}
	return out, settings, rows.Err()
}

// inList is "$1, $2, …" for ids, and the ids as arguments.
func inList(ids []int64) (string, []any) {
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = fmt.Sprintf("$%d", i+1)
		args[i] = id
	}
	return strings.Join(ph, ", "), args
}
