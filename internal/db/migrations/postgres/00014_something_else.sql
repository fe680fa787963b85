-- +goose Up
-- "Something else": one problem type every device offers after its own (marked
-- everywhere), so anything can be reported from a QR page; the comment then says
-- what. An office that already has a catalogue gets it now: a problem type it
-- already calls "Something else" / "Другое" (or "Other") is marked rather than
-- doubled; otherwise one is added. Its rules table is left as the office made it:
-- such tickets go where its rules or default department send them, or wait for
-- an administrator on the home page. An empty catalogue gets nothing here (the
-- starter catalogue brings it, and "load starter" needs an empty catalogue).
ALTER TABLE problem_types ADD COLUMN everywhere BOOLEAN NOT NULL DEFAULT FALSE;

UPDATE problem_types SET everywhere = TRUE
WHERE id = (SELECT MIN(id) FROM problem_types
    WHERE lower(trim(name_en)) IN ('something else', 'other', 'anything else')
        OR trim(name_ru) IN ('Другое', 'другое', 'Что-то другое', 'что-то другое', 'Другая проблема', 'другая проблема'));

INSERT INTO problem_types (name_en, name_ru, created_at, everywhere)
SELECT 'Something else', 'Другое', now(), TRUE
WHERE EXISTS (SELECT 1 FROM problem_types)
    AND NOT EXISTS (SELECT 1 FROM problem_types WHERE everywhere);

-- +goose Down
ALTER TABLE problem_types DROP COLUMN everywhere;
