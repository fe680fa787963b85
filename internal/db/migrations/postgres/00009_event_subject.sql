-- +goose Up
-- Events name the person they are about (whom a ticket was assigned, taken or
-- reassigned to) by a column, not by an id written into detail and parsed back.
-- Old rows are moved over: a detail that is exactly the id of an existing user
-- becomes subject_id and detail is emptied; anything else is left as it was.
ALTER TABLE ticket_events ADD COLUMN subject_id BIGINT REFERENCES users (id) ON DELETE SET NULL;

-- The CASE keeps the cast away from details that are not plain numbers (a cast
-- of "none" would fail the migration); the text comparison keeps "012" out.
UPDATE ticket_events e SET subject_id = u.id, detail = ''
FROM users u
WHERE e.kind IN ('assigned', 'taken', 'reassigned')
    AND u.id = CASE WHEN e.detail ~ '^[0-9]{1,18}$' THEN CAST(e.detail AS BIGINT) END
    AND CAST(u.id AS TEXT) = e.detail;

-- +goose Down
UPDATE ticket_events SET detail = CAST(subject_id AS TEXT)
WHERE subject_id IS NOT NULL AND kind IN ('assigned', 'taken', 'reassigned');
ALTER TABLE ticket_events DROP COLUMN subject_id;
