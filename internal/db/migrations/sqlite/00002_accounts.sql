-- +goose Up
-- Accounts. e-mail is stored trimmed and lower-cased; "search" holds the lower-cased
-- e-mail and name so search works for Cyrillic on SQLite too (its LOWER is ASCII-only).
-- auth_epoch grows on deactivation and password change: sessions and login tokens
-- carry the epoch they were made in and die when it no longer matches.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    full_name     TEXT NOT NULL,
    position      TEXT NOT NULL DEFAULT '',
    employee_id   TEXT,
    password_hash TEXT NOT NULL,
    language      TEXT NOT NULL DEFAULT 'ru' CHECK (language IN ('ru', 'en')),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    available     INTEGER NOT NULL DEFAULT 1 CHECK (available IN (0, 1)),
    auth_epoch    INTEGER NOT NULL DEFAULT 1,
    search        TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL,
    last_login_at TIMESTAMP,
    deactivated_at TIMESTAMP
);

CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role    TEXT NOT NULL CHECK (role IN ('employee', 'executor', 'head', 'admin')),
    PRIMARY KEY (user_id, role)
);

-- A department cannot be deleted while people belong to it (RESTRICT).
CREATE TABLE user_departments (
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE RESTRICT,
    PRIMARY KEY (user_id, department_id)
);
CREATE INDEX user_departments_department ON user_departments (department_id);

-- A registration the directory confirmed, waiting for its mailbox to be proven.
-- The token is stored hashed; the directory's answer is kept as JSON.
CREATE TABLE registrations (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language      TEXT NOT NULL,
    employee      TEXT NOT NULL,
    token_hash    TEXT NOT NULL UNIQUE,
    created_at    TIMESTAMP NOT NULL,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP
);
CREATE INDEX registrations_email ON registrations (email);

-- Personal API tokens (kind 'personal') and tokens from POST /api/v1/auth/login
-- (kind 'login', which also carry the auth epoch). Stored hashed.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT NOT NULL CHECK (kind IN ('personal', 'login')),
    name         TEXT NOT NULL,
    token_hash   TEXT NOT NULL UNIQUE,
    auth_epoch   INTEGER NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    expires_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);
CREATE INDEX api_tokens_user ON api_tokens (user_id);

-- Web sessions (the scs store); expiry is absolute.
CREATE TABLE sessions (
    token  TEXT PRIMARY KEY,
    data   BLOB NOT NULL,
    expiry TIMESTAMP NOT NULL
);
CREATE INDEX sessions_expiry ON sessions (expiry);

-- Failed logins, per account and per client address, so throttling holds across instances.
CREATE TABLE login_failures (
    id    INTEGER PRIMARY KEY,
    scope TEXT NOT NULL CHECK (scope IN ('account', 'address')),
    key   TEXT NOT NULL,
    at    TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_key ON login_failures (scope, key, at);

-- Small installation-wide settings (the one-time setup secret's hash, the default department…).
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE login_failures;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE registrations;
DROP TABLE user_departments;
DROP TABLE user_roles;
DROP TABLE users;
