-- +goose Up
-- The device page's open tickets, cached per device (internal/tickets, open.go),
-- with the same rule as cache_versions (00015): a request reads a version in its
-- one statement of versions, and a cached list is used only when it was loaded
-- under the version read now. One version per device would need a row made with
-- every device, and one for all tickets would make every filing in the office
-- queue on one row; so the devices share 1024 stripes (asset_id % 1024, the
-- constant cache.TicketStripes), and a change on a device moves its stripe only.
-- Moved by: a ticket that is or was open (new, assigned, in_progress) appearing,
-- disappearing, or changing its device, problem, status, executor or filing time,
-- and a follower added to or removed from an open ticket ("me too" is shown per
-- viewer). Names shown in the list move the other versions: problem names the
-- catalogue, the executor's name auth. (PostgreSQL defers its triggers to the
-- commit; SQLite has one writer at a time, so there is nothing to wait for.)
CREATE TABLE ticket_versions (
    stripe  INTEGER PRIMARY KEY,
    version INTEGER NOT NULL
);
INSERT INTO ticket_versions (stripe, version)
    WITH RECURSIVE s(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM s WHERE n < 1023) SELECT n, 1 FROM s;

-- +goose StatementBegin
CREATE TRIGGER tickets_insert_ticket_version AFTER INSERT ON tickets
WHEN NEW.status IN ('new', 'assigned', 'in_progress') BEGIN
    UPDATE ticket_versions SET version = version + 1 WHERE stripe = NEW.asset_id % 1024;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_update_ticket_version AFTER UPDATE OF asset_id, problem_type_id, status, assignee_id, created_at ON tickets
WHEN (OLD.status IN ('new', 'assigned', 'in_progress') OR NEW.status IN ('new', 'assigned', 'in_progress'))
    AND (OLD.asset_id IS NOT NEW.asset_id OR OLD.problem_type_id IS NOT NEW.problem_type_id OR OLD.status IS NOT NEW.status
        OR OLD.assignee_id IS NOT NEW.assignee_id OR OLD.created_at IS NOT NEW.created_at) BEGIN
    UPDATE ticket_versions SET version = version + 1 WHERE stripe IN (OLD.asset_id % 1024, NEW.asset_id % 1024);
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER tickets_delete_ticket_version AFTER DELETE ON tickets
WHEN OLD.status IN ('new', 'assigned', 'in_progress') BEGIN
    UPDATE ticket_versions SET version = version + 1 WHERE stripe = OLD.asset_id % 1024;
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ticket_followers_insert_ticket_version AFTER INSERT ON ticket_followers BEGIN
    UPDATE ticket_versions SET version = version + 1 WHERE stripe IN (SELECT t.asset_id % 1024 FROM tickets t
        WHERE t.id = NEW.ticket_id AND t.status IN ('new', 'assigned', 'in_progress'));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ticket_followers_update_ticket_version AFTER UPDATE ON ticket_followers BEGIN
    UPDATE ticket_versions SET version = version + 1 WHERE stripe IN (SELECT t.asset_id % 1024 FROM tickets t
        WHERE t.id IN (OLD.ticket_id, NEW.ticket_id) AND t.status IN ('new', 'assigned', 'in_progress'));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER ticket_followers_delete_ticket_version AFTER DELETE ON ticket_followers BEGIN
    UPDATE ticket_versions SET version = version + 1 WHERE stripe IN (SELECT t.asset_id % 1024 FROM tickets t
        WHERE t.id = OLD.ticket_id AND t.status IN ('new', 'assigned', 'in_progress'));
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER ticket_followers_delete_ticket_version;
DROP TRIGGER ticket_followers_update_ticket_version;
DROP TRIGGER ticket_followers_insert_ticket_version;
DROP TRIGGER tickets_delete_ticket_version;
DROP TRIGGER tickets_update_ticket_version;
DROP TRIGGER tickets_insert_ticket_version;
DROP TABLE ticket_versions;
