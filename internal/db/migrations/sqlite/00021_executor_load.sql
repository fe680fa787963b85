-- +goose Up
-- Each executor's load (internal/tickets, assign.go): how many open tickets
-- (assigned or in progress) they hold and when they were last given one (the
-- latest assigned_at of their tickets), kept by triggers on tickets in the
-- transaction of every change, so it never disagrees with the tickets. Filing
-- picks the least-loaded executor from these rows instead of counting each
-- candidate's tickets, a count that grew with every open ticket and, on
-- PostgreSQL, was taken under the department's lock. A row appears with an
-- executor's first ticket; no row reads as no load and never assigned.
CREATE TABLE executor_load (
    user_id          INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_count       INTEGER NOT NULL DEFAULT 0,
    last_assigned_at TIMESTAMP
);
INSERT INTO executor_load (user_id, open_count, last_assigned_at)
    SELECT assignee_id, SUM(CASE WHEN status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END), MAX(assigned_at)
    FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id;

-- A new ticket only adds: one more open ticket, a later assignment.
-- +goose StatementBegin
CREATE TRIGGER tickets_load_insert AFTER INSERT ON tickets WHEN NEW.assignee_id IS NOT NULL BEGIN
    INSERT INTO executor_load (user_id, open_count, last_assigned_at)
        VALUES (NEW.assignee_id, CASE WHEN NEW.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END, NEW.assigned_at)
        ON CONFLICT (user_id) DO UPDATE SET open_count = open_count + excluded.open_count,
            last_assigned_at = CASE WHEN last_assigned_at IS NULL OR excluded.last_assigned_at > last_assigned_at
                THEN excluded.last_assigned_at ELSE last_assigned_at END;
END;
-- +goose StatementEnd
-- A transition moves the ticket out of one count and into another; a ticket that
-- changes hands (or whose assigned_at changes) may lower its old holder's latest
-- assignment, which is read again through tickets_assignee_assigned.
-- +goose StatementBegin
CREATE TRIGGER tickets_load_update AFTER UPDATE OF assignee_id, status, assigned_at ON tickets
WHEN OLD.assignee_id IS NOT NEW.assignee_id OR OLD.status IS NOT NEW.status OR OLD.assigned_at IS NOT NEW.assigned_at BEGIN
    UPDATE executor_load SET open_count = open_count - 1
        WHERE user_id = OLD.assignee_id AND OLD.status IN ('assigned', 'in_progress');
    INSERT INTO executor_load (user_id, open_count)
        SELECT NEW.assignee_id, CASE WHEN NEW.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END WHERE NEW.assignee_id IS NOT NULL
        ON CONFLICT (user_id) DO UPDATE SET open_count = open_count + excluded.open_count;
    UPDATE executor_load SET last_assigned_at = (SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = executor_load.user_id)
        WHERE (OLD.assignee_id IS NOT NEW.assignee_id OR OLD.assigned_at IS NOT NEW.assigned_at)
            AND user_id IN (OLD.assignee_id, NEW.assignee_id);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_load_delete AFTER DELETE ON tickets WHEN OLD.assignee_id IS NOT NULL BEGIN
    UPDATE executor_load SET open_count = open_count - CASE WHEN OLD.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END,
        last_assigned_at = (SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = OLD.assignee_id)
        WHERE user_id = OLD.assignee_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER tickets_load_delete;
DROP TRIGGER tickets_load_update;
DROP TRIGGER tickets_load_insert;
DROP TABLE executor_load;
