-- +goose Up
-- The open tickets (a few thousand among a million) with what decides who sees
-- them: the journal's tabs of an executor or an employee count an open status
-- from these entries (internal/tickets/counts_capped.go) instead of reading
-- each open ticket's row of the table. The predicate is the query's, word for
-- word (openTicket), so SQLite can use the index; a filing adds one entry, a
-- ticket leaves the index when it is done or cancelled.
CREATE INDEX tickets_open ON tickets (status, department_id, reporter_id, assignee_id)
    WHERE status <> 'done' AND status <> 'cancelled';

-- +goose Down
DROP INDEX tickets_open;
