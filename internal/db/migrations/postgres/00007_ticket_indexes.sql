-- +goose Up
-- Indexes measured on a million tickets (internal/demo's BenchmarkTickets).
-- Assignment asks, for each executor of a department, when they
-- last got a ticket: without this index that read walks all their tickets.
CREATE INDEX tickets_assignee_assigned ON tickets (assignee_id, assigned_at);

-- The journal reads newest first and stops after a page; rare statuses (the open
-- ones, a few hundred among a million) need their own way in, or the page scans the
-- whole table to find them when the reader's scope is an OR of conditions.
CREATE INDEX tickets_status ON tickets (status, id);

-- +goose Down
DROP INDEX tickets_status;
DROP INDEX tickets_assignee_assigned;
