-- +goose Up
-- The device page's open tickets, cached per device (internal/tickets, open.go),
-- with the same rule as cache_versions (00015): a request reads a version in its
-- one statement of versions, and a cached list is used only when it was loaded
-- under the version read now. One version per device would need a row made with
-- every device, and one for all tickets would make every filing in the office
-- queue on one row; so the devices share 1024 stripes (asset_id % 1024, the
-- constant cache.TicketStripes), and a change on a device moves its stripe only:
-- filings on different devices never meet here, and a change on another device
-- of the same stripe merely costs that stripe's lists one reload.
-- Moved by: a ticket that is or was open (new, assigned, in_progress) appearing,
-- disappearing, or changing its device, problem, status, executor or filing time,
-- and a follower added to or removed from an open ticket ("me too" is shown per
-- viewer). Names shown in the list move the other versions: problem names the
-- catalogue, the executor's name auth.
CREATE TABLE ticket_versions (
    stripe  INTEGER PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO ticket_versions (stripe, version) SELECT s, 1 FROM generate_series(0, 1023) AS s;

-- The triggers are deferred to the commit: the stripe's row is then locked only
-- while the transaction commits, not from the ticket's insert on, so two
-- filings on one device (or one stripe) do not wait for each other's whole
-- transaction here. Deferred, they still run inside the transaction: the new
-- version and the change become visible together.
-- +goose StatementBegin
CREATE FUNCTION bump_ticket_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE ticket_versions SET version = version + 1 WHERE stripe = NEW.asset_id % 1024;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE ticket_versions SET version = version + 1 WHERE stripe = OLD.asset_id % 1024;
    ELSE
        UPDATE ticket_versions SET version = version + 1 WHERE stripe IN (OLD.asset_id % 1024, NEW.asset_id % 1024);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION bump_follower_ticket_version() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    old_ticket BIGINT;
    new_ticket BIGINT;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        old_ticket := OLD.ticket_id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
        new_ticket := NEW.ticket_id;
    END IF;
    UPDATE ticket_versions SET version = version + 1 WHERE stripe IN (SELECT t.asset_id % 1024 FROM tickets t
        WHERE t.id IN (old_ticket, new_ticket) AND t.status IN ('new', 'assigned', 'in_progress'));
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE CONSTRAINT TRIGGER tickets_insert_ticket_version AFTER INSERT ON tickets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (NEW.status IN ('new', 'assigned', 'in_progress')) EXECUTE FUNCTION bump_ticket_version();
CREATE CONSTRAINT TRIGGER tickets_update_ticket_version AFTER UPDATE ON tickets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN ((OLD.status IN ('new', 'assigned', 'in_progress') OR NEW.status IN ('new', 'assigned', 'in_progress'))
        AND (OLD.asset_id IS DISTINCT FROM NEW.asset_id OR OLD.problem_type_id IS DISTINCT FROM NEW.problem_type_id
            OR OLD.status IS DISTINCT FROM NEW.status OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id
            OR OLD.created_at IS DISTINCT FROM NEW.created_at))
    EXECUTE FUNCTION bump_ticket_version();
CREATE CONSTRAINT TRIGGER tickets_delete_ticket_version AFTER DELETE ON tickets DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    WHEN (OLD.status IN ('new', 'assigned', 'in_progress')) EXECUTE FUNCTION bump_ticket_version();
CREATE CONSTRAINT TRIGGER ticket_followers_ticket_version AFTER INSERT OR UPDATE OR DELETE ON ticket_followers DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
    EXECUTE FUNCTION bump_follower_ticket_version();

-- +goose Down
DROP TRIGGER ticket_followers_ticket_version ON ticket_followers;
DROP TRIGGER tickets_delete_ticket_version ON tickets;
DROP TRIGGER tickets_update_ticket_version ON tickets;
DROP TRIGGER tickets_insert_ticket_version ON tickets;
DROP FUNCTION bump_follower_ticket_version();
DROP FUNCTION bump_ticket_version();
DROP TABLE ticket_versions;
