-- +goose Up
-- Departments do the work: office management, IT support, facilities, cleaning...
-- Names are kept in both languages of the office; either may be empty, the other is shown.
CREATE TABLE departments (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE CHECK (length(code) BETWEEN 1 AND 40),
    name_en          TEXT NOT NULL DEFAULT '',
    name_ru          TEXT NOT NULL DEFAULT '',
    telegram_chat_id TEXT,
    created_at       TIMESTAMP NOT NULL,
    CHECK (name_en <> '' OR name_ru <> '')
);

-- +goose Down
DROP TABLE departments;
