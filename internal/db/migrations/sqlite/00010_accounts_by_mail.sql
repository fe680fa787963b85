-- +goose Up
-- Registration asks for the e-mail alone; the password is set from the mailed link,
-- by the mailbox's owner, so a registration no longer holds one.
ALTER TABLE registrations DROP COLUMN password_hash;

-- Failed logins, one row per failure naming both the account's e-mail and the client
-- address (empty when unknown), so limits can be counted per pair, per account and
-- per address from one table. The old rows are only throttling state: dropped.
DROP TABLE login_failures;
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    email TEXT NOT NULL,
    addr  TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_email ON login_failures (email, at);
CREATE INDEX login_failures_addr ON login_failures (addr, at);

-- Password reset links: single-use, expiring, stored hashed.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX password_resets_user ON password_resets (user_id);

-- Requests that may send a mail (registration, password reset), counted per e-mail
-- and per client address to throttle them.
CREATE TABLE mail_requests (
    id    INTEGER PRIMARY KEY,
    kind  TEXT NOT NULL CHECK (kind IN ('register', 'reset')),
    email TEXT NOT NULL,
    addr  TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX mail_requests_email ON mail_requests (email, at);
CREATE INDEX mail_requests_addr ON mail_requests (addr, at);

-- +goose Down
DROP TABLE mail_requests;
DROP TABLE password_resets;
DROP TABLE login_failures;
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key   TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (scope, key, at);
ALTER TABLE registrations ADD COLUMN password_hash TEXT NOT NULL DEFAULT '';
