-- +goose Up
-- Tickets (internal/tickets): one report of a problem on a device. rule_id has no
-- foreign key on purpose: a rule may be deleted later and the ticket keeps the id it
-- was routed by. routed_by says how the department was chosen.
CREATE TABLE tickets (
    id              INTEGER PRIMARY KEY,
    asset_id        INTEGER NOT NULL REFERENCES assets (id) ON DELETE RESTRICT,
    problem_type_id INTEGER NOT NULL REFERENCES problem_types (id) ON DELETE RESTRICT,
    comment         TEXT NOT NULL DEFAULT '',
    reporter_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE RESTRICT,
    department_id   INTEGER REFERENCES departments (id) ON DELETE RESTRICT,
    rule_id         INTEGER,
    routed_by       TEXT NOT NULL CHECK (routed_by IN ('rule', 'default', 'none')),
    assignee_id     INTEGER REFERENCES users (id) ON DELETE RESTRICT,
    status          TEXT NOT NULL CHECK (status IN ('new', 'assigned', 'in_progress', 'done', 'cancelled')),
    created_at      TIMESTAMP NOT NULL,
    assigned_at     TIMESTAMP,
    started_at      TIMESTAMP,
    done_at         TIMESTAMP,
    cancelled_at    TIMESTAMP,
    resolution      TEXT NOT NULL DEFAULT '',
    cancel_reason   TEXT NOT NULL DEFAULT '',
    reopened_count  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX tickets_asset_problem_status ON tickets (asset_id, problem_type_id, status);
CREATE INDEX tickets_department_status ON tickets (department_id, status);
CREATE INDEX tickets_assignee_status ON tickets (assignee_id, status);
CREATE INDEX tickets_reporter ON tickets (reporter_id);

-- The ticket's history: every change is one row, written in the change's transaction.
CREATE TABLE ticket_events (
    id         INTEGER PRIMARY KEY,
    ticket_id  INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    actor_id   INTEGER REFERENCES users (id) ON DELETE SET NULL,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX ticket_events_ticket ON ticket_events (ticket_id, id);

-- People who follow a ticket: the reporter, and whoever said "me too".
CREATE TABLE ticket_followers (
    ticket_id INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (ticket_id, user_id)
);
CREATE INDEX ticket_followers_user ON ticket_followers (user_id);

-- +goose Down
DROP TABLE ticket_followers;
DROP TABLE ticket_events;
DROP TABLE tickets;
