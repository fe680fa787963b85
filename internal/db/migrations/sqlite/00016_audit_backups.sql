-- +goose Up
-- The audit trail (internal/audit): one row per change an administrator or a head
-- made, written in the change's own transaction. Append-only: the product has no
-- statement that updates or deletes a row here. actor_email keeps who it was even
-- after the account is gone; before_json and after_json are JSON ('' when there was none).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    at          TIMESTAMP NOT NULL,
    actor_id    INTEGER REFERENCES users (id) ON DELETE SET NULL,
    actor_email TEXT NOT NULL,
    addr        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    subject     TEXT NOT NULL,
    before_json TEXT NOT NULL,
    after_json  TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_kind ON audit_log (kind, at);

-- Scheduled backups (internal/backup), one row per attempt: the admin page shows the
-- last one, /metrics counts failures. error is '' for a success.
CREATE TABLE backup_runs (
    id          INTEGER PRIMARY KEY,
    started_at  TIMESTAMP NOT NULL,
    finished_at TIMESTAMP NOT NULL,
    path        TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    error       TEXT NOT NULL
);
CREATE INDEX backup_runs_started ON backup_runs (started_at);

-- +goose Down
DROP TABLE backup_runs;
DROP TABLE audit_log;
