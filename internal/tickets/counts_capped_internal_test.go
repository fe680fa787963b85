package tickets

import (
	"context"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// TestScopedTabsReadOpenTicketsFromTheirIndex checks, on SQLite, that the
// branches of an open status other than "reported" read the partial index
// tickets_open (migration 00022) and nothing of the table: SQLite takes a
// partial index only for a query that states its predicate, so a change to the
// index's WHERE or to openTicket alone would silently send every scoped reader's
// tabs back to reading each open ticket's row (correct counts, slower), which
// no count test can see. PostgreSQL proves the predicate from the status itself;
// its choice depends on the table's statistics, which a test's few rows do not
// have, so it is measured (internal/demo BenchmarkCappedCounts), not tested.
func TestScopedTabsReadOpenTicketsFromTheirIndex(t *testing.T) {
	d := testkit.NewDB(t, db.SQLite)
	readers := map[string]*users.User{
		"executor": {ID: 3, Roles: []users.Role{users.RoleEmployee, users.RoleExecutor}, Departments: []users.Department{{ID: 2}, {ID: 4}}},
		"employee": {ID: 7, Roles: []users.Role{users.RoleEmployee}},
	}
	for who, u := range readers {
		for _, st := range OpenStatuses {
			var w where
			w.scope(u)
			branches := strings.Split(w.scopedBranches(st), " UNION ALL ")
			// The first branch, what the reader reported, reads (reporter_id, status).
			for _, b := range branches[1:] {
				plan := queryPlan(t, d, b, w.args)
				if !strings.Contains(plan, "COVERING INDEX tickets_open") || strings.Contains(plan, "PRIMARY KEY") {
					t.Errorf("%s, %s: %s\nis planned as\n%s\nwant the covering index tickets_open and no read of the table", who, st, b, plan)
				}
			}
		}
	}
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of query, one step a line.
func queryPlan(t *testing.T, d *db.DB, query string, args []any) string {
	t.Helper()
	rows, err := d.R.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}
