-- +goose Up
-- Upkeep plans (internal/upkeep): recurring work filed as tickets by the system.
-- target is 'device' (asset_id), 'type' (type_id) or 'class' (class_id), optionally
-- narrowed to a building and a floor (''= any). A device plan's asset_id becomes NULL
-- when the device is deleted: the plan stays, visible, and files nothing.
-- department_id is where the rules table routed the problem when the plan was saved;
-- it decides which heads may manage the plan. next_due_at is the next occurrence
-- (UTC) the scheduler files; NULL when the schedule has no further occurrence.
-- AUTOINCREMENT: a deleted plan's id is never given to a new one, since its
-- tickets and runs keep naming it (PostgreSQL's identity never reuses ids).
CREATE TABLE upkeep_plans (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    name            TEXT NOT NULL,
    target          TEXT NOT NULL CHECK (target IN ('device', 'type', 'class')),
    asset_id        INTEGER REFERENCES assets (id) ON DELETE SET NULL,
    type_id         INTEGER REFERENCES service_types (id) ON DELETE CASCADE,
    class_id        INTEGER REFERENCES service_classes (id) ON DELETE CASCADE,
    building        TEXT NOT NULL DEFAULT '',
    floor           TEXT NOT NULL DEFAULT '',
    problem_type_id INTEGER NOT NULL REFERENCES problem_types (id) ON DELETE RESTRICT,
    department_id   INTEGER REFERENCES departments (id) ON DELETE SET NULL,
    every_kind      TEXT NOT NULL CHECK (every_kind IN ('days', 'weeks', 'months')),
    every_n         INTEGER NOT NULL,
    weekdays        INTEGER NOT NULL DEFAULT 0,
    month_day       INTEGER NOT NULL DEFAULT 0,
    at_minute       INTEGER NOT NULL,
    start_date      TEXT NOT NULL,
    end_date        TEXT NOT NULL DEFAULT '',
    note            TEXT NOT NULL DEFAULT '',
    active          INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    next_due_at     TIMESTAMP,
    last_filed_at   TIMESTAMP,
    author_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    created_at      TIMESTAMP NOT NULL,
    updated_at      TIMESTAMP NOT NULL
);
CREATE INDEX upkeep_plans_due ON upkeep_plans (next_due_at);
CREATE INDEX upkeep_plans_asset ON upkeep_plans (asset_id);
CREATE INDEX upkeep_plans_type ON upkeep_plans (type_id);
CREATE INDEX upkeep_plans_class ON upkeep_plans (class_id);

-- One row per plan, device and due time the scheduler handled, written in the
-- filing's transaction: the unique key makes a second run for the same due time
-- file nothing. plan_id has no foreign key on purpose, so the reports keep the
-- history of a deleted plan. deadline_at is the plan's next occurrence after
-- due_at: upkeep completed by then was on time. ticket_id is NULL when the device
-- was skipped (an open ticket of the problem already existed).
CREATE TABLE upkeep_runs (
    plan_id     INTEGER NOT NULL,
    asset_id    INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    due_at      TIMESTAMP NOT NULL,
    deadline_at TIMESTAMP,
    ticket_id   INTEGER REFERENCES tickets (id) ON DELETE SET NULL,
    filed_at    TIMESTAMP NOT NULL,
    PRIMARY KEY (plan_id, asset_id, due_at)
);
CREATE INDEX upkeep_runs_due ON upkeep_runs (due_at);
CREATE INDEX upkeep_runs_ticket ON upkeep_runs (ticket_id);
CREATE INDEX upkeep_runs_asset ON upkeep_runs (asset_id, due_at);

-- The ticket's mark: filed by this upkeep plan. No foreign key, like rule_id: the
-- plan may be deleted and the ticket still was upkeep.
ALTER TABLE tickets ADD COLUMN upkeep_plan_id INTEGER;
CREATE INDEX tickets_upkeep ON tickets (upkeep_plan_id, id) WHERE upkeep_plan_id IS NOT NULL;

-- +goose Down
DROP INDEX tickets_upkeep;
ALTER TABLE tickets DROP COLUMN upkeep_plan_id;
DROP TABLE upkeep_runs;
DROP TABLE upkeep_plans;
