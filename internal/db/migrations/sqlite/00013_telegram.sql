-- +goose Up
-- A person's Telegram chat: at most one per account and one account per chat. A
-- private chat's id is the Telegram user's id, so a press in a group is traced to
-- its account through chat_id too. A chat that blocked the bot (403) or vanished
-- (400 "chat not found") is kept, dead, so the profile can say why.
CREATE TABLE telegram_links (
    user_id     INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    chat_id     INTEGER NOT NULL UNIQUE,
    username    TEXT NOT NULL,
    linked_at   TIMESTAMP NOT NULL,
    dead_at     TIMESTAMP,
    dead_reason TEXT NOT NULL
);

-- One-time deep-link tokens (/start <token>), stored hashed, valid 15 minutes.
CREATE TABLE telegram_link_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    expires_at TIMESTAMP NOT NULL,
    used_at    TIMESTAMP
);
CREATE INDEX telegram_link_tokens_user ON telegram_link_tokens (user_id);

-- A department's group chat, bound with /link <code> in the group.
CREATE TABLE telegram_department_chats (
    department_id INTEGER PRIMARY KEY REFERENCES departments (id) ON DELETE CASCADE,
    chat_id       INTEGER NOT NULL UNIQUE,
    title         TEXT NOT NULL,
    linked_at     TIMESTAMP NOT NULL
);

-- One-time codes an admin makes on the department's page, stored hashed.
CREATE TABLE telegram_department_codes (
    code_hash     TEXT PRIMARY KEY,
    department_id INTEGER NOT NULL REFERENCES departments (id) ON DELETE CASCADE,
    expires_at    TIMESTAMP NOT NULL,
    used_at       TIMESTAMP
);
CREATE INDEX telegram_department_codes_department ON telegram_department_codes (department_id);

-- Every message the bot sent about a ticket: a retried delivery finds its
-- notification here and does not send again; a button press and a reply find
-- their ticket here. button_key is the opaque id in callback data; kind is the
-- notification's kind, or "ask_done"/"ask_cancel" for the question a Done or
-- Cancel press asks (answered by a reply). notification_id is notify's row (0
-- for questions); notify owns that table, so no foreign key.
CREATE TABLE telegram_messages (
    id              INTEGER PRIMARY KEY,
    chat_id         INTEGER NOT NULL,
    message_id      INTEGER NOT NULL,
    notification_id INTEGER NOT NULL,
    ticket_id       INTEGER NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
    kind            TEXT NOT NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    department_id   INTEGER REFERENCES departments (id) ON DELETE CASCADE,
    button_key      TEXT NOT NULL UNIQUE,
    sent_at         TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX telegram_messages_chat_message ON telegram_messages (chat_id, message_id);
CREATE INDEX telegram_messages_notification ON telegram_messages (notification_id);
CREATE INDEX telegram_messages_ticket ON telegram_messages (ticket_id);

-- +goose Down
DROP TABLE telegram_messages;
DROP TABLE telegram_department_codes;
DROP TABLE telegram_department_chats;
DROP TABLE telegram_link_tokens;
DROP TABLE telegram_links;
