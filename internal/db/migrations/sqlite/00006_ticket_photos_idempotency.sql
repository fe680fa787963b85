-- +goose Up
-- What the journal's text filter searches: the ticket's comment and its device's
-- name, code, inventory number and location, lower-cased by the application (SQLite's
-- lower() knows only ASCII, and the office writes Cyrillic).
ALTER TABLE tickets ADD COLUMN search TEXT NOT NULL DEFAULT '';

-- A ticket's photo (internal/tickets): at most one, already decoded, re-encoded and
-- downscaled by the server, kept in the database so that every instance serves it.
CREATE TABLE ticket_photos (
    ticket_id    INTEGER PRIMARY KEY REFERENCES tickets (id) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    width        INTEGER NOT NULL,
    height       INTEGER NOT NULL,
    data         BLOB NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

-- Idempotency keys of filings: the same key from the same person within 24 hours
-- returns the ticket it first created. request_hash tells a retry from a different
-- request that reuses the key.
CREATE TABLE ticket_idempotency (
    user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    ticket_id    INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    created_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (user_id, key)
);
CREATE INDEX ticket_idempotency_created ON ticket_idempotency (created_at);

-- +goose Down
DROP TABLE ticket_idempotency;
DROP TABLE ticket_photos;
ALTER TABLE tickets DROP COLUMN search;
