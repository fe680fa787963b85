-- +goose Up
-- Indexes measured on a million tickets (internal/demo's BenchmarkFiling and
-- BenchmarkJournal). Assignment asks, for each executor of a department, when they
-- last got a ticket: without this index that read walks all their tickets.
CREATE INDEX tickets_assignee_assigned ON tickets (assignee_id, assigned_at);

-- +goose Down
DROP INDEX tickets_assignee_assigned;
