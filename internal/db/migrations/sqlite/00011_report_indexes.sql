-- +goose Up
-- The period report (internal/reports) counts and groups tickets by when they were
-- filed, completed, cancelled and started. Each index leads with that time, so a
-- period is one range, and carries the columns the report reads beside it, so a
-- year over a million tickets is read from the index alone.
CREATE INDEX tickets_report_created ON tickets (created_at, department_id, asset_id, problem_type_id);
CREATE INDEX tickets_report_done ON tickets (done_at, department_id, created_at, assignee_id);
CREATE INDEX tickets_report_cancelled ON tickets (cancelled_at, department_id);
CREATE INDEX tickets_report_started ON tickets (started_at, department_id, assigned_at);

-- +goose Down
DROP INDEX tickets_report_started;
DROP INDEX tickets_report_cancelled;
DROP INDEX tickets_report_done;
DROP INDEX tickets_report_created;
