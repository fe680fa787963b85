-- +goose Up
-- The catalogue: service classes → service types; problem types are one shared
-- vocabulary, and each type offers an ordered choice of them with optional self-help.
-- Names are kept in both office languages; either may be empty, the other is shown.
CREATE TABLE service_classes (
    id         INTEGER PRIMARY KEY,
    name_en    TEXT NOT NULL DEFAULT '',
    name_ru    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (name_en <> '' OR name_ru <> '')
);

CREATE TABLE service_types (
    id         INTEGER PRIMARY KEY,
    class_id   INTEGER NOT NULL REFERENCES service_classes (id) ON DELETE RESTRICT,
    name_en    TEXT NOT NULL DEFAULT '',
    name_ru    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (name_en <> '' OR name_ru <> '')
);
CREATE INDEX service_types_class ON service_types (class_id);

CREATE TABLE problem_types (
    id         INTEGER PRIMARY KEY,
    name_en    TEXT NOT NULL DEFAULT '',
    name_ru    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    CHECK (name_en <> '' OR name_ru <> '')
);

-- What a service type offers, in display order, with the type's own self-help text.
CREATE TABLE type_problems (
    type_id         INTEGER NOT NULL REFERENCES service_types (id) ON DELETE CASCADE,
    problem_type_id INTEGER NOT NULL REFERENCES problem_types (id) ON DELETE RESTRICT,
    position        INTEGER NOT NULL,
    self_help_en    TEXT NOT NULL DEFAULT '',
    self_help_ru    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (type_id, problem_type_id)
);
CREATE INDEX type_problems_problem ON type_problems (problem_type_id);

-- A device or service point. code is the opaque random QR code; search holds the
-- lower-cased name, inventory number and location for case-insensitive search.
CREATE TABLE assets (
    id               INTEGER PRIMARY KEY,
    code             TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    type_id          INTEGER NOT NULL REFERENCES service_types (id) ON DELETE RESTRICT,
    inventory_number TEXT UNIQUE,
    building         TEXT NOT NULL DEFAULT '',
    floor            TEXT NOT NULL DEFAULT '',
    room             TEXT NOT NULL DEFAULT '',
    instructions     TEXT NOT NULL DEFAULT '',
    owner_id         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    archived         INTEGER NOT NULL DEFAULT 0 CHECK (archived IN (0, 1)),
    scan_count       INTEGER NOT NULL DEFAULT 0,
    last_scanned_at  TIMESTAMP,
    search           TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX assets_type ON assets (type_id);
CREATE INDEX assets_owner ON assets (owner_id);

-- Codes replaced by a re-issue: a scan of one says "this label was replaced".
CREATE TABLE retired_codes (
    code       TEXT PRIMARY KEY,
    asset_id   INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    retired_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE retired_codes;
DROP TABLE assets;
DROP TABLE type_problems;
DROP TABLE problem_types;
DROP TABLE service_types;
DROP TABLE service_classes;
