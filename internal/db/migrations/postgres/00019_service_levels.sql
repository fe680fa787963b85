-- +goose Up
-- Service levels (internal/sla, internal/tickets): targets in working minutes per
-- problem type, optionally overridden per routing rule row (NULL: none / the
-- problem type's); the office's hours per weekday and its holidays; each ticket's
-- due times, stored so the journal filters and sorts by them and the escalation job
-- finds the tickets crossing a threshold with one index range.
ALTER TABLE problem_types ADD COLUMN take_minutes INTEGER;
ALTER TABLE problem_types ADD COLUMN done_minutes INTEGER;
ALTER TABLE routing_rules ADD COLUMN take_minutes INTEGER;
ALTER TABLE routing_rules ADD COLUMN done_minutes INTEGER;

-- weekday: 0 Sunday … 6 Saturday (Go's time.Weekday); opens and closes are minutes
-- after local midnight (closes up to 1440). No row: closed that day. No rows at all:
-- the office works around the clock.
CREATE TABLE office_hours (
    weekday INTEGER PRIMARY KEY CHECK (weekday BETWEEN 0 AND 6),
    opens   INTEGER NOT NULL CHECK (opens >= 0 AND opens < 1440),
    closes  INTEGER NOT NULL CHECK (closes > opens AND closes <= 1440)
);

-- A holiday is a local date (YYYY-MM-DD) on which the office is closed.
CREATE TABLE office_holidays (
    day  TEXT PRIMARY KEY,
    name TEXT NOT NULL DEFAULT ''
);

-- take_by/done_by: when the ticket must be taken/completed; *_warn_at: when 80% of
-- the working time to it is gone (at risk). taken_at: when an executor took it from
-- the queue or started it (automatic assignment is not taking). sla_next_at: the next
-- threshold the escalation job must look at; NULL when none is left.
ALTER TABLE tickets ADD COLUMN take_by TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN take_warn_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN done_by TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN done_warn_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN taken_at TIMESTAMPTZ;
ALTER TABLE tickets ADD COLUMN sla_next_at TIMESTAMPTZ;
CREATE INDEX tickets_sla_next ON tickets (sla_next_at);
CREATE INDEX tickets_done_by ON tickets (done_by, id);

-- One row per ticket and escalation level, written with the level's event: the
-- primary key makes each level happen once, even when two runs meet.
CREATE TABLE sla_escalations (
    ticket_id    BIGINT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    level        TEXT NOT NULL CHECK (level IN ('take_at_risk', 'take_breached', 'done_at_risk', 'done_breached')),
    escalated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (ticket_id, level)
);

-- +goose Down
DROP TABLE sla_escalations;
DROP INDEX tickets_done_by;
DROP INDEX tickets_sla_next;
ALTER TABLE tickets DROP COLUMN sla_next_at;
ALTER TABLE tickets DROP COLUMN taken_at;
ALTER TABLE tickets DROP COLUMN done_warn_at;
ALTER TABLE tickets DROP COLUMN done_by;
ALTER TABLE tickets DROP COLUMN take_warn_at;
ALTER TABLE tickets DROP COLUMN take_by;
DROP TABLE office_holidays;
DROP TABLE office_hours;
ALTER TABLE routing_rules DROP COLUMN done_minutes;
ALTER TABLE routing_rules DROP COLUMN take_minutes;
ALTER TABLE problem_types DROP COLUMN done_minutes;
ALTER TABLE problem_types DROP COLUMN take_minutes;
