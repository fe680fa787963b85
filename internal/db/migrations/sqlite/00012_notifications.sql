-- +goose Up
-- Notifications (internal/notify). Each message to one recipient on one channel is
-- a row, written in the transaction of the change it announces together with its
-- River delivery job; the worker records the outcome on the row (sent with the
-- channel's id of the message, dead, failed with the reason, or preview: what would
-- have been sent while the channel is off). Exactly one of user_id and
-- department_id names the recipient (a person, or a department's group chat).
CREATE TABLE notifications (
    id            INTEGER PRIMARY KEY,
    channel       TEXT NOT NULL,
    kind          TEXT NOT NULL,
    user_id       INTEGER REFERENCES users (id) ON DELETE CASCADE,
    department_id INTEGER REFERENCES departments (id) ON DELETE CASCADE,
    ticket_id     INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    event_id      INTEGER REFERENCES ticket_events (id) ON DELETE CASCADE,
    lang          TEXT NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'dead', 'preview')),
    attempts      INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL DEFAULT '',
    external_id   TEXT NOT NULL DEFAULT '',
    not_before    TIMESTAMP NOT NULL,
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    sent_at       TIMESTAMP,
    CHECK ((user_id IS NULL) <> (department_id IS NULL))
);
CREATE INDEX notifications_state ON notifications (state, id);
CREATE INDEX notifications_ticket ON notifications (ticket_id);
CREATE INDEX notifications_user ON notifications (user_id);
CREATE INDEX notifications_department ON notifications (department_id);
CREATE INDEX notifications_event ON notifications (event_id);

-- A person's choice of channels per kind of message; a kind without a row keeps
-- the defaults (notify.DefaultPrefs).
CREATE TABLE notification_prefs (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind     TEXT NOT NULL,
    telegram INTEGER NOT NULL CHECK (telegram IN (0, 1)),
    mail     INTEGER NOT NULL CHECK (mail IN (0, 1)),
    PRIMARY KEY (user_id, kind)
);

-- Quiet hours in the office's time zone, minutes after midnight; a window may cross
-- midnight (from 1320 to 420 is 22:00 to 07:00). No row: no quiet hours.
CREATE TABLE notification_quiet (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    quiet_from INTEGER NOT NULL CHECK (quiet_from BETWEEN 0 AND 1439),
    quiet_to   INTEGER NOT NULL CHECK (quiet_to BETWEEN 0 AND 1439)
);

-- A channel's state for every instance: down (it refused every message: sending
-- stops until an admin resumes it) and paused_until (rate limited: the whole
-- channel waits).
CREATE TABLE notification_channels (
    channel      TEXT PRIMARY KEY,
    down         INTEGER NOT NULL DEFAULT 0 CHECK (down IN (0, 1)),
    down_reason  TEXT NOT NULL DEFAULT '',
    paused_until TIMESTAMP,
    updated_at   TIMESTAMP NOT NULL
);

-- Tickets whose heads were told they wait unassigned: once per ticket.
CREATE TABLE ticket_escalations (
    ticket_id    INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    escalated_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE ticket_escalations;
DROP TABLE notification_channels;
DROP TABLE notification_quiet;
DROP TABLE notification_prefs;
DROP TABLE notifications;
