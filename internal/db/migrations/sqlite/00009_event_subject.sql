-- +goose Up
-- Events name the person they are about (whom a ticket was assigned, taken or
-- reassigned to) by a column, not by an id written into detail and parsed back.
-- Old rows are moved over: a detail that is exactly the id of an existing user
-- becomes subject_id and detail is emptied; anything else is left as it was.
ALTER TABLE ticket_events ADD COLUMN subject_id INTEGER REFERENCES users (id) ON DELETE SET NULL;

-- CAST finds the user by primary key; comparing the text back keeps "12abc" or
-- "012" (which SQLite's CAST would read as 12) out.
UPDATE ticket_events SET subject_id = (SELECT u.id FROM users u
        WHERE u.id = CAST(ticket_events.detail AS INTEGER) AND CAST(u.id AS TEXT) = ticket_events.detail)
WHERE kind IN ('assigned', 'taken', 'reassigned');
UPDATE ticket_events SET detail = '' WHERE subject_id IS NOT NULL;

-- +goose Down
UPDATE ticket_events SET detail = CAST(subject_id AS TEXT)
WHERE subject_id IS NOT NULL AND kind IN ('assigned', 'taken', 'reassigned');
ALTER TABLE ticket_events DROP COLUMN subject_id;
