-- +goose Up
-- Each executor's load (internal/tickets, assign.go): how many open tickets
-- (assigned or in progress) they hold and when they were last given one (the
-- latest assigned_at of their tickets), kept by a trigger on tickets in the
-- transaction of every change, so it never disagrees with the tickets. Filing
-- picks the least-loaded executor from these rows instead of counting each
-- candidate's tickets, a count that grew with every open ticket and was taken
-- under the department's lock. A row appears with an executor's first ticket; no
-- row reads as no load and never assigned.
CREATE TABLE executor_load (
    user_id          BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_count       BIGINT NOT NULL DEFAULT 0,
    last_assigned_at TIMESTAMPTZ
);
INSERT INTO executor_load (user_id, open_count, last_assigned_at)
    SELECT assignee_id, SUM(CASE WHEN status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END), MAX(assigned_at)
    FROM tickets WHERE assignee_id IS NOT NULL GROUP BY assignee_id;

-- A new ticket only adds; a transition moves the ticket out of one count and into
-- another; a ticket that changes hands (or whose assigned_at changes) may lower
-- its old holder's latest assignment, read again through tickets_assignee_assigned.
-- +goose StatementBegin
CREATE FUNCTION tickets_load() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.assignee_id IS NOT NULL THEN
            INSERT INTO executor_load (user_id, open_count, last_assigned_at)
                VALUES (NEW.assignee_id, CASE WHEN NEW.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END, NEW.assigned_at)
                ON CONFLICT (user_id) DO UPDATE SET open_count = executor_load.open_count + EXCLUDED.open_count,
                    last_assigned_at = GREATEST(executor_load.last_assigned_at, EXCLUDED.last_assigned_at);
        END IF;
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.assignee_id IS NOT NULL THEN
            UPDATE executor_load SET open_count = open_count - CASE WHEN OLD.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END,
                last_assigned_at = (SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = OLD.assignee_id)
                WHERE user_id = OLD.assignee_id;
        END IF;
        RETURN NULL;
    END IF;
    IF OLD.assignee_id IS NOT DISTINCT FROM NEW.assignee_id AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.assigned_at IS NOT DISTINCT FROM NEW.assigned_at THEN
        RETURN NULL;
    END IF;
    IF OLD.assignee_id IS NOT NULL AND OLD.status IN ('assigned', 'in_progress') THEN
        UPDATE executor_load SET open_count = open_count - 1 WHERE user_id = OLD.assignee_id;
    END IF;
    IF NEW.assignee_id IS NOT NULL THEN
        INSERT INTO executor_load (user_id, open_count)
            VALUES (NEW.assignee_id, CASE WHEN NEW.status IN ('assigned', 'in_progress') THEN 1 ELSE 0 END)
            ON CONFLICT (user_id) DO UPDATE SET open_count = executor_load.open_count + EXCLUDED.open_count;
    END IF;
    IF OLD.assignee_id IS DISTINCT FROM NEW.assignee_id OR OLD.assigned_at IS DISTINCT FROM NEW.assigned_at THEN
        UPDATE executor_load SET last_assigned_at = (SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = executor_load.user_id)
            WHERE user_id IN (OLD.assignee_id, NEW.assignee_id);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tickets_load AFTER INSERT OR UPDATE OR DELETE ON tickets FOR EACH ROW EXECUTE FUNCTION tickets_load();

-- +goose Down
DROP TRIGGER tickets_load ON tickets;
DROP FUNCTION tickets_load();
DROP TABLE executor_load;
