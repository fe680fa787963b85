package tickets

import (
	"context"
	"fmt"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// CountCap is where the journal's tabs stop counting: a tab shows "1000+" beyond.
//
// Why capped counts and not maintained counters: the tabs count what the reader
// may see under the current filters, and the scope of an executor or an employee
// is a union (their departments, what they reported, follow or are assigned), so
// counters would have to be kept per department, per person and per relation,
// each moved in every filing's and every transition's transaction (hot rows under
// the group commit of filings, and still no answer with a text filter). A capped
// count reads at most CountCap+1 matching rows per status (an administrator's from
// the status index, anyone else's from one index per way of seeing a ticket, see
// scopedBranches): the open statuses are rare (hundreds among a million) and
// counted exactly; the closed ones, which a reader sees in thousands, stop after
// CountCap matches, and nobody acts on "3,417 done" versus "1000+ done". Measured
// on a million tickets (internal/demo BenchmarkTickets): the exact GROUP BY took
// 0.2 s for an admin and 2–3 s for an executor or an employee.
//
// Its limit, written down: under a filter few tickets match (a text, a device),
// each branch walks its index until the cap or its end, as the administrator's
// tabs walk the status index; and a reader who follows many tickets of a closed
// status without having reported, been assigned or routed them walks their
// follower rows.
const CountCap = 1000

// openTicket is the predicate of the partial index tickets_open (migration
// 00022), word for word: SQLite uses a partial index only for a query that
// states its predicate, and the index's statuses are those of OpenStatuses.
const openTicket = "t.status <> 'done' AND t.status <> 'cancelled'"

// StatusCount is a capped count: N is exact when More is false, else N is
// CountCap and there are more.
type StatusCount struct {
	N    int
	More bool
}

// CappedCounts is Counts for the journal's tabs: each status counted up to
// CountCap (see CountCap for why), in one statement.
func (s *Service) CappedCounts(ctx context.Context, actor *users.User, f Filter) (map[Status]StatusCount, error) {
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
	limit := w.arg(CountCap + 1)
	parts := make([]string, len(Statuses))
	for i, st := range Statuses {
		if w.scoped >= 0 {
			parts[i] = fmt.Sprintf("SELECT %d AS k, COUNT(*) AS n FROM (%s LIMIT %s) c%d", i, w.scopedBranches(st), limit, i)
			continue
		}
		cond := w.sql()
		if cond == "" {
			cond = " WHERE "
		} else {
			cond += " AND "
		}
		parts[i] = fmt.Sprintf("SELECT %d AS k, COUNT(*) AS n FROM (SELECT 1 AS one FROM tickets t%st.status = %s LIMIT %s) c%d",
			i, cond, w.arg(string(st)), limit, i)
	}
	rows, err := s.db.R.QueryContext(ctx, strings.Join(parts, " UNION ALL "), w.args...)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to count: %w", err)
	}
	defer rows.Close()
	out := make(map[Status]StatusCount, len(Statuses))
	for rows.Next() {
		var k, n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, fmt.Errorf("tickets: unable to count: %w", err)
		}
		c := StatusCount{N: n}
		if n > CountCap {
			c = StatusCount{N: CountCap, More: true}
		}
		out[Statuses[k]] = c
	}
	return out, rows.Err()
}

// scopedBranches is, for a reader who does not see every ticket, the tickets of
// status st that the reader may see and that match the filters, as one branch
// per way of seeing a ticket, each from its own index and none repeating
// another's tickets: reported (reporter_id, status), assigned (assignee_id,
// status), the executor's departments (department_id, status), followed. Their
// UNION ALL under the caller's LIMIT stops at the cap as soon as the branches
// found that many, so a status the reader sees often costs CountCap+1 index
// entries, as for an administrator; the single scope condition (an OR with an
// EXISTS) read the status index and probed every row, most of them not the
// reader's, and PostgreSQL hashed all of the reader's followed tickets first.
//
// Followed tickets: of an open status (rare among a million), from the open
// tickets' index, probing the follower row; of a closed one, from the reader's
// follower rows, which a reader who sees few done tickets has few of. st is one
// of Statuses.
func (w *where) scopedBranches(st Status) string {
	if !in(st, Statuses) {
		panic("tickets: scopedBranches of an unknown status " + string(st))
	}
	var filters []string
	for i, c := range w.conds {
		if i != w.scoped {
			filters = append(filters, c)
		}
	}
	and := ""
	if len(filters) > 0 {
		and = " AND " + strings.Join(filters, " AND ")
	}
	// The status is written into the text, not passed: it is one of Statuses,
	// never input, and PostgreSQL's cached generic plan of a parameterised
	// status (pgx prepares; after five runs the plan stops looking at the values)
	// hashed every followed ticket against a scan of the table for an open
	// status: 1 s instead of a few milliseconds.
	me, status := w.me, "'"+string(st)+"'"
	// Of an open status, the branches that test the other ways of seeing a
	// ticket read them from tickets_open (migration 00022): its predicate, written
	// out as the index has it, lets SQLite use that partial index, whose entries
	// hold the status, department, reporter and assignee, so the thousands of open
	// tickets are read from a few index pages instead of each from its own page of
	// the table (which thrashed the connection's page cache at a million tickets).
	open := ""
	if in(st, OpenStatuses) {
		open = openTicket + " AND "
	}
	notMine := "t.reporter_id <> " + me + " AND COALESCE(t.assignee_id, 0) <> " + me
	branches := []string{
		"SELECT 1 AS one FROM tickets t WHERE t.reporter_id = " + me + " AND t.status = " + status + and,
		"SELECT 1 AS one FROM tickets t WHERE " + open + "t.assignee_id = " + me + " AND t.reporter_id <> " + me + " AND t.status = " + status + and,
	}
	notDept := ""
	if deps := w.deps; deps != "" {
		branches = append(branches, "SELECT 1 AS one FROM tickets t WHERE "+open+"t.department_id IN ("+deps+") AND "+notMine+
			" AND t.status = "+status+and)
		notDept = " AND COALESCE(t.department_id, 0) NOT IN (" + deps + ")"
	}
	if in(st, OpenStatuses) {
		branches = append(branches, "SELECT 1 AS one FROM tickets t WHERE "+open+"t.status = "+status+" AND "+notMine+notDept+
			" AND EXISTS (SELECT 1 FROM ticket_followers fl WHERE fl.ticket_id = t.id AND fl.user_id = "+me+")"+and)
	} else {
		branches = append(branches, "SELECT 1 AS one FROM ticket_followers fl CROSS JOIN tickets t WHERE fl.user_id = "+me+
			" AND t.id = fl.ticket_id AND t.status = "+status+" AND "+notMine+notDept+and)
	}
	return strings.Join(branches, " UNION ALL ")
}
