-- +goose Up
-- The report's service-level section (internal/reports/sla.go) from a summary,
-- like migration 00017's: per UTC day (grain 1, at: days since 1970) and UTC week
-- (grain 7, at: weeks since 1970) of completion, per department, problem type and
-- executor, how many of the completed tickets had a take (done) target and how
-- many kept it. A year's report reads 52 weeks and a few days of it instead of
-- every ticket completed in the year; the partial days at a period's ends are
-- still read from tickets. A ticket counts while its status is done, it has a
-- completion time and a target, exactly the raw query's rows; kept by a trigger
-- in the same transaction as every change. department_id and assignee_id 0
-- stand for none.
--
-- Writers wait while the summary is filled and its trigger made, as in 00017.
LOCK TABLE tickets IN SHARE ROW EXCLUSIVE MODE;

CREATE TABLE report_sla (
    grain           BIGINT NOT NULL,
    at              BIGINT NOT NULL,
    department_id   BIGINT NOT NULL,
    problem_type_id BIGINT NOT NULL,
    assignee_id     BIGINT NOT NULL,
    take_of         BIGINT NOT NULL DEFAULT 0,
    take_met        BIGINT NOT NULL DEFAULT 0,
    done_of         BIGINT NOT NULL DEFAULT 0,
    done_met        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (grain, at, department_id, problem_type_id, assignee_id)
);

INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
    SELECT g.grain, CAST(floor(EXTRACT(EPOCH FROM t.done_at) / (86400 * g.grain)) AS BIGINT), COALESCE(t.department_id, 0), t.problem_type_id, COALESCE(t.assignee_id, 0),
        COUNT(CASE WHEN t.take_by IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN t.take_by IS NOT NULL AND COALESCE(t.taken_at, t.done_at) <= t.take_by THEN 1 END),
        COUNT(CASE WHEN t.done_by IS NOT NULL THEN 1 END),
        COUNT(CASE WHEN t.done_by IS NOT NULL AND t.done_at <= t.done_by THEN 1 END)
    FROM tickets t CROSS JOIN (VALUES (1), (7)) AS g (grain)
    WHERE t.status = 'done' AND t.done_at IS NOT NULL AND (t.take_by IS NOT NULL OR t.done_by IS NOT NULL)
    GROUP BY 1, 2, 3, 4, 5;

-- report_sla_ticket adds (sign 1) or takes away (sign -1) one counted ticket.
-- +goose StatementBegin
CREATE FUNCTION report_sla_ticket(r tickets, sign BIGINT) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    g BIGINT;
BEGIN
    FOREACH g IN ARRAY ARRAY[1, 7]::BIGINT[] LOOP
        INSERT INTO report_sla (grain, at, department_id, problem_type_id, assignee_id, take_of, take_met, done_of, done_met)
        VALUES (g, CAST(floor(EXTRACT(EPOCH FROM r.done_at) / (86400 * g)) AS BIGINT), COALESCE(r.department_id, 0), r.problem_type_id, COALESCE(r.assignee_id, 0),
            sign * (CASE WHEN r.take_by IS NOT NULL THEN 1 ELSE 0 END),
            sign * (CASE WHEN r.take_by IS NOT NULL AND COALESCE(r.taken_at, r.done_at) <= r.take_by THEN 1 ELSE 0 END),
            sign * (CASE WHEN r.done_by IS NOT NULL THEN 1 ELSE 0 END),
            sign * (CASE WHEN r.done_by IS NOT NULL AND r.done_at <= r.done_by THEN 1 ELSE 0 END))
        ON CONFLICT (grain, at, department_id, problem_type_id, assignee_id) DO UPDATE SET take_of = report_sla.take_of + EXCLUDED.take_of,
            take_met = report_sla.take_met + EXCLUDED.take_met, done_of = report_sla.done_of + EXCLUDED.done_of, done_met = report_sla.done_met + EXCLUDED.done_met;
    END LOOP;
END
$$;
-- +goose StatementEnd

-- The trigger moves the summary only when a counted ticket (before or after the
-- change) changes a column the section reads; a filing (never done) touches nothing.
-- +goose StatementBegin
CREATE FUNCTION tickets_report_sla() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    was BOOLEAN := false;
    now_counted BOOLEAN := false;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        was := OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        now_counted := NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL);
    END IF;
    IF TG_OP = 'UPDATE' AND (was OR now_counted) AND OLD.status IS NOT DISTINCT FROM NEW.status
        AND OLD.done_at IS NOT DISTINCT FROM NEW.done_at AND OLD.take_by IS NOT DISTINCT FROM NEW.take_by
        AND OLD.done_by IS NOT DISTINCT FROM NEW.done_by AND OLD.taken_at IS NOT DISTINCT FROM NEW.taken_at
        AND OLD.department_id IS NOT DISTINCT FROM NEW.department_id AND OLD.problem_type_id IS NOT DISTINCT FROM NEW.problem_type_id
        AND OLD.assignee_id IS NOT DISTINCT FROM NEW.assignee_id THEN
        RETURN NULL;
    END IF;
    IF was THEN
        PERFORM report_sla_ticket(OLD, -1);
    END IF;
    IF now_counted THEN
        PERFORM report_sla_ticket(NEW, 1);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
-- A WHEN on each trigger, so that a change that moves nothing here (every filing,
-- most transitions) does not call the function at all: the condition is checked
-- without entering PL/pgSQL.
CREATE TRIGGER tickets_report_sla_insert AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL)) EXECUTE FUNCTION tickets_report_sla();
CREATE TRIGGER tickets_report_sla_delete AFTER DELETE ON tickets FOR EACH ROW
    WHEN (OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL)) EXECUTE FUNCTION tickets_report_sla();
CREATE TRIGGER tickets_report_sla_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN (((OLD.status = 'done' AND OLD.done_at IS NOT NULL AND (OLD.take_by IS NOT NULL OR OLD.done_by IS NOT NULL)) OR (NEW.status = 'done' AND NEW.done_at IS NOT NULL AND (NEW.take_by IS NOT NULL OR NEW.done_by IS NOT NULL)))
        AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.done_at IS DISTINCT FROM NEW.done_at OR OLD.take_by IS DISTINCT FROM NEW.take_by OR OLD.done_by IS DISTINCT FROM NEW.done_by OR OLD.taken_at IS DISTINCT FROM NEW.taken_at OR OLD.department_id IS DISTINCT FROM NEW.department_id OR OLD.problem_type_id IS DISTINCT FROM NEW.problem_type_id OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id)) EXECUTE FUNCTION tickets_report_sla();

-- Migration 00017's histograms of durations (report_spreads) also by blocks of
-- four UTC weeks (grain 28, at: blocks since 1970, block b holding weeks 4b to
-- 4b + 3), so a year's median and 90th percentile read 13 blocks and the weeks
-- and days around them: the weekly rows were a third of a year report's time.
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 1, 28, CAST(floor(EXTRACT(EPOCH FROM done_at) / 2419200) AS BIGINT), COALESCE(department_id, 0), CASE WHEN CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION) < 100 THEN CAST(floor(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION)) AS BIGINT) ELSE 100 + CAST(floor(ln(CAST(EXTRACT(EPOCH FROM (done_at - created_at)) AS DOUBLE PRECISION) / 100.0) / ln(1.02)) AS BIGINT) END, COUNT(*)
    FROM tickets WHERE done_at IS NOT NULL GROUP BY 3, 4, 5;
INSERT INTO report_spreads (kind, grain, at, department_id, bin, n)
    SELECT 2, 28, CAST(floor(EXTRACT(EPOCH FROM started_at) / 2419200) AS BIGINT), COALESCE(department_id, 0), CASE WHEN CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION) < 100 THEN CAST(floor(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION)) AS BIGINT) ELSE 100 + CAST(floor(ln(CAST(EXTRACT(EPOCH FROM (started_at - assigned_at)) AS DOUBLE PRECISION) / 100.0) / ln(1.02)) AS BIGINT) END, COUNT(*)
    FROM tickets WHERE started_at IS NOT NULL AND assigned_at IS NOT NULL GROUP BY 3, 4, 5;

-- report_block_ticket adds (sign 1) or takes away (sign -1) one ticket's share of
-- the four-week histograms: its completion (d), its first action (s).
-- +goose StatementBegin
CREATE FUNCTION report_block_ticket(r tickets, sign BIGINT, d BOOLEAN, s BOOLEAN) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    dep BIGINT := COALESCE(r.department_id, 0);
    secs DOUBLE PRECISION;
BEGIN
    IF d AND r.done_at IS NOT NULL THEN
        secs := CAST(EXTRACT(EPOCH FROM (r.done_at - r.created_at)) AS DOUBLE PRECISION);
        INSERT INTO report_spreads (kind, grain, at, department_id, bin, n) VALUES (1, 28, CAST(floor(EXTRACT(EPOCH FROM r.done_at) / 2419200) AS BIGINT), dep, CASE WHEN secs < 100 THEN CAST(floor(secs) AS BIGINT) ELSE 100 + CAST(floor(ln(secs / 100.0) / ln(1.02)) AS BIGINT) END, sign)
            ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = report_spreads.n + EXCLUDED.n;
    END IF;
    IF s AND r.started_at IS NOT NULL AND r.assigned_at IS NOT NULL THEN
        secs := CAST(EXTRACT(EPOCH FROM (r.started_at - r.assigned_at)) AS DOUBLE PRECISION);
        INSERT INTO report_spreads (kind, grain, at, department_id, bin, n) VALUES (2, 28, CAST(floor(EXTRACT(EPOCH FROM r.started_at) / 2419200) AS BIGINT), dep, CASE WHEN secs < 100 THEN CAST(floor(secs) AS BIGINT) ELSE 100 + CAST(floor(ln(secs / 100.0) / ln(1.02)) AS BIGINT) END, sign)
            ON CONFLICT (kind, grain, at, department_id, bin) DO UPDATE SET n = report_spreads.n + EXCLUDED.n;
    END IF;
END
$$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION tickets_report_blocks() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    d BOOLEAN;
    s BOOLEAN;
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.done_at IS NOT NULL OR NEW.started_at IS NOT NULL THEN
            PERFORM report_block_ticket(NEW, 1, true, true);
        END IF;
        RETURN NULL;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.done_at IS NOT NULL OR OLD.started_at IS NOT NULL THEN
            PERFORM report_block_ticket(OLD, -1, true, true);
        END IF;
        RETURN NULL;
    END IF;
    d := OLD.done_at IS DISTINCT FROM NEW.done_at OR (OLD.done_at IS NOT NULL AND (OLD.created_at IS DISTINCT FROM NEW.created_at
        OR OLD.department_id IS DISTINCT FROM NEW.department_id));
    s := OLD.started_at IS DISTINCT FROM NEW.started_at OR (OLD.started_at IS NOT NULL AND (OLD.assigned_at IS DISTINCT FROM NEW.assigned_at
        OR OLD.department_id IS DISTINCT FROM NEW.department_id));
    IF d OR s THEN
        PERFORM report_block_ticket(OLD, -1, d, s);
        PERFORM report_block_ticket(NEW, 1, d, s);
    END IF;
    RETURN NULL;
END
$$;
-- +goose StatementEnd
CREATE TRIGGER tickets_report_blocks_insert AFTER INSERT ON tickets FOR EACH ROW
    WHEN (NEW.done_at IS NOT NULL OR NEW.started_at IS NOT NULL) EXECUTE FUNCTION tickets_report_blocks();
CREATE TRIGGER tickets_report_blocks_delete AFTER DELETE ON tickets FOR EACH ROW
    WHEN (OLD.done_at IS NOT NULL OR OLD.started_at IS NOT NULL) EXECUTE FUNCTION tickets_report_blocks();
CREATE TRIGGER tickets_report_blocks_update AFTER UPDATE ON tickets FOR EACH ROW
    WHEN (OLD.done_at IS DISTINCT FROM NEW.done_at OR OLD.started_at IS DISTINCT FROM NEW.started_at
        OR ((OLD.done_at IS NOT NULL OR OLD.started_at IS NOT NULL) AND (OLD.created_at IS DISTINCT FROM NEW.created_at
            OR OLD.assigned_at IS DISTINCT FROM NEW.assigned_at OR OLD.department_id IS DISTINCT FROM NEW.department_id)))
    EXECUTE FUNCTION tickets_report_blocks();

-- The journal's tabs for a reader who sees only some tickets count what they
-- reported by status from this index (internal/tickets/counts_capped.go), as
-- they already count what they are assigned and their departments' tickets.
CREATE INDEX tickets_reporter_status ON tickets (reporter_id, status);

-- +goose Down
DROP TRIGGER tickets_report_blocks_update ON tickets;
DROP TRIGGER tickets_report_blocks_delete ON tickets;
DROP TRIGGER tickets_report_blocks_insert ON tickets;
DROP FUNCTION tickets_report_blocks();
DROP FUNCTION report_block_ticket(tickets, BIGINT, BOOLEAN, BOOLEAN);
DELETE FROM report_spreads WHERE grain = 28;
DROP INDEX tickets_reporter_status;
DROP TRIGGER tickets_report_sla_update ON tickets;
DROP TRIGGER tickets_report_sla_delete ON tickets;
DROP TRIGGER tickets_report_sla_insert ON tickets;
DROP FUNCTION tickets_report_sla();
DROP FUNCTION report_sla_ticket(tickets, BIGINT);
DROP TABLE report_sla;
