-- +goose Up
-- Nothing to do on PostgreSQL: TIMESTAMPTZ already stores an instant its date
-- functions compute on. The SQLite twin of this migration rewrites the times that
-- modernc.org/sqlite stored as Go's String() text; the numbers stay paired so one
-- schema version means the same schema on both databases.

-- +goose Down
